"""The ``arbitrary-nst`` command: one subcommand per job, each with its own flags.

``arbitrary-nst --help`` lists the commands; ``arbitrary-nst COMMAND --help`` that
command's flags in groups, with defaults. Help and argument errors are answered before
TensorFlow is imported (well under a second). Argument errors are one line
``arbitrary-nst: error: ...`` and exit status 2; bad input found while running (a file, a
key, a value that does not fit) is one line ``arbitrary-nst: error: ...``, exit status 1
and no output file. TensorFlow's start-up lines are hidden unless ``--verbose``; the
progress bars and the closing ``wrote ...`` line remain.

Flags are parsed with ``absl.flags.argparse_flags`` (argparse with absl's flag syntax:
``--noprogress`` for a false boolean) and the command runs under ``absl.app``.
"""

import argparse
import contextlib
import json
import logging as pylogging
import os
import sys
import time

from absl import app, flags, logging
from absl.flags import argparse_flags

from arbitrary_nst.errors import NSTError, UsageError

COMMANDS = {
    "stylize": "stylize one photo with one painting or a blend of several",
    "batch": "stylize every photo with every painting (files, folders, globs) into a folder",
    "video": "stylize every frame of a video or a folder of frames, temporally consistent",
    "evaluate": "score a stylized image: content and style losses in one fixed VGG16 space",
    "evaluate-video": "score a stylized video's temporal instability",
    "train": "train (or resume) a feed-forward model from a YAML experiment config",
    "export": "write a model as a TF Hub-style SavedModel",
    "make-shards": "pack a folder of training images into TFRecord shards",
}
METHODS = ("arbitrary", "adain", "multistyle", "gatys", "hub")
GATYS_OPTIONS = ("steps", "coarse_steps", "content_weight", "style_weight", "tv_weight",
                 "optimizer", "learning_rate", "init", "levels", "seed")
TILING_OPTIONS = ("tile_size", "tile_overlap")


class HelpFormatter(argparse.HelpFormatter):
    """Adds "(default: X)" to a flag's help when it has a default worth naming."""

    def _get_help_string(self, action):
        text = action.help or ""
        if action.option_strings and action.default not in (None, False, [], argparse.SUPPRESS):
            text += " (default: %(default)s)"
        return text


class Parser(argparse_flags.ArgumentParser):
    """argparse with absl's flag syntax, no inherited absl flags, defaults shown in help
    and every error one line ``arbitrary-nst: error: ...`` with exit status 2."""

    def __init__(self, **kwargs):
        kwargs.setdefault("inherited_absl_flags", None)
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(**kwargs)

    def error(self, message):
        print(f"arbitrary-nst: error: {message}", file=sys.stderr)
        sys.exit(2)


def add_boolean(group, name, default, text):
    """``--name`` / ``--noname`` (absl's spelling) for a boolean flag."""
    group.add_argument(f"--{name}", dest=name, action="store_true", default=default,
                       help=f"{text} (--no{name} to turn off)")
    group.add_argument(f"--no{name}", dest=name, action="store_false", help=argparse.SUPPRESS)


def add_common(parser):
    group = parser.add_argument_group("general")
    add_boolean(group, "progress", True, "show progress bars")
    group.add_argument("--verbose", action="store_true",
                       help="also show TensorFlow's and absl's log lines (which weights, "
                            "devices, ...)")
    group.add_argument("--vgg_weights", metavar="FILE",
                       help="VGG weights (.h5/.npz) instead of the search order in "
                            "arbitrary_nst/weights.py")


def add_rendering(parser, kind):
    """The flags ``stylize``, ``video`` and ``batch`` share, in groups."""
    video, batch = kind == "video", kind == "batch"
    inputs = parser.add_argument_group("input")
    if batch:
        inputs.add_argument("--content", required=True, action="extend", nargs="+",
                            metavar="PATH", help="photos: files, folders or glob patterns")
        inputs.add_argument("--style", required=True, action="extend", nargs="+",
                            metavar="PATH", help="paintings: files, folders or glob patterns "
                            "(multistyle: style indices 0-25)")
    else:
        inputs.add_argument("--content", required=True, action="append",
                            metavar="VIDEO" if video else "PHOTO",
                            help="video file or folder of frames" if video else "content image")
        inputs.add_argument("--style", required=True, action="append", metavar="PAINTING",
                            help="style image (multistyle: a style index 0-25); repeat to "
                                 "blend")
    if not batch:
        inputs.add_argument("--style_weights", metavar="W1,W2", help="blending weights, one "
                            "per --style, e.g. 0.7,0.3 (default equal)")
    inputs.add_argument("--mask", metavar="IMAGE", help="grayscale mask: white gets the "
                        "first style; with one style, black keeps the photo")
    outputs = parser.add_argument_group("output")
    if batch:
        outputs.add_argument("--output", required=True, metavar="FOLDER",
                             help="folder of the outputs (created if missing)")
        outputs.add_argument("--name", default="{content}__{style}.png", metavar="TEMPLATE",
                             help="output file name; {content} and {style} are the inputs' "
                                  "names without extension")
        outputs.add_argument("--grid", metavar="SHEET.png", help="also write a contact "
                             "sheet: contents as rows, styles as columns, inputs as headers")
        add_boolean(outputs, "overwrite", False, "replace existing outputs (default: keep "
                    "them, so an interrupted batch resumes)")
    else:
        outputs.add_argument("--output", required=True, metavar="VIDEO_OR_FOLDER" if video
                             else "IMAGE", help="output video (.mp4, .avi, .mov, .mkv, .m4v), "
                             "animated .gif, or folder of PNG frames (no extension)"
                             if video else "output image (.png, .jpg, .webp, .bmp, .tif)")
    outputs.add_argument("--size", type=int, metavar="N", default=512,
                         help="long side of the output, px")
    method = parser.add_argument_group("method")
    method.add_argument("--method", default="arbitrary", choices=METHODS,
                        help="arbitrary: style prediction + CIN (Ghiasi); adain: VGG "
                             "encoder-decoder (Huang & Belongie); multistyle: 26 built-in "
                             "styles (Dumoulin); gatys: optimisation; hub: a TF Hub module")
    method.add_argument("--checkpoint", metavar="RUN_DIR", help="adain / multistyle / "
                        "arbitrary: a training run to use instead of the shipped weights "
                        "(adain: or a decoder .npz)")
    method.add_argument("--hub_module", metavar="PATH_OR_HANDLE",
                        help="hub: a SavedModel called as module(content, style)[0]")
    controls = parser.add_argument_group("controls")
    controls.add_argument("--alpha", type=float, metavar="X", default=1.0,
                          help="adain / arbitrary: 1 = full style, 0 = the photo")
    controls.add_argument("--style_scale", type=float, metavar="X", default=1.0,
                          help="stroke size relative to the output, the same at every "
                               "--size (2 = twice as large)")
    controls.add_argument("--working_size", type=int, metavar="N",
                          help="feed-forward methods: long side (px) of the look at "
                               "--style_scale 1 (default 512)")
    controls.add_argument("--detail", choices=("network", "photo", "none"),
                          help="feed-forward methods, outputs above the working size: fine "
                               "detail from a full-size network pass (default), the photo, "
                               "or none")
    add_boolean(controls, "preserve_color", False, "keep the photo's colours")
    controls.add_argument("--color_method", default="luminance",
                          choices=("luminance", "histogram"),
                          help="how --preserve_color works")
    gatys = parser.add_argument_group("Gatys (--method gatys)")
    gatys.add_argument("--steps", type=int, metavar="N",
                       help="optimiser iterations per level (default 300)")
    gatys.add_argument("--coarse_steps", type=int, metavar="N",
                       help="iterations at each coarser level (default: --steps)")
    gatys.add_argument("--content_weight", type=float, metavar="X", help="alpha (default 1e4)")
    gatys.add_argument("--style_weight", type=float, metavar="X", help="beta (default 1)")
    gatys.add_argument("--tv_weight", type=float, metavar="X",
                       help="total variation weight (default 0)")
    gatys.add_argument("--optimizer", choices=("lbfgs", "adam"), help="default lbfgs")
    gatys.add_argument("--learning_rate", type=float, metavar="X",
                       help="Adam's step (default 0.02)")
    gatys.add_argument("--init", choices=("content", "style", "noise"),
                       help="initial image (default content)")
    gatys.add_argument("--levels", type=int, metavar="N", help="coarse-to-fine levels "
                       "(default: 1 up to 512 px, one more per doubling)")
    gatys.add_argument("--seed", type=int, metavar="N", help="seed of the noise initialisation")
    tiling = parser.add_argument_group("tiling (adain, multistyle, arbitrary)")
    tiling.add_argument("--tile_size", type=int, metavar="N", help="images larger than this "
                        "are rendered in tiles with whole-image statistics (default 1024, "
                        "adain 512; 0 = never)")
    tiling.add_argument("--tile_overlap", type=int, metavar="N",
                        help="overlap of neighbouring tiles, px (default 128)")
    if video:
        temporal = parser.add_argument_group("temporal consistency")
        temporal.add_argument("--temporal_weight", type=float, metavar="X", default=0.7,
                              help="weight in [0, 1] of the warped previous stylized frame "
                                   "in trusted pixels; 0 = off")
        temporal.add_argument("--input_weight", type=float, metavar="X", default=0.8,
                              help="weight in [0, 1] of the warped previous input frame "
                                   "blended in before stylizing")
    add_common(parser)


def build_parser():
    """The parser of every command (no TensorFlow import)."""
    parser = Parser(prog="arbitrary-nst", usage="arbitrary-nst COMMAND [flags]",
                    description="Neural style transfer: every classic method, pretrained "
                                "weights that work offline.",
                    epilog="arbitrary-nst COMMAND --help lists that command's flags.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands",
                                     required=True)

    def command(name, usage):
        return commands.add_parser(name, help=COMMANDS[name], description=COMMANDS[name] + ".",
                                   usage=f"arbitrary-nst {name} {usage} [flags]")

    add_rendering(command("stylize", "--content PHOTO --style PAINTING [--style ...] "
                          "--output IMAGE"), "stylize")
    add_rendering(command("batch", "--content PATH [PATH ...] --style PATH [PATH ...] "
                          "--output FOLDER"), "batch")
    add_rendering(command("video", "--content VIDEO --style PAINTING --output VIDEO"), "video")
    evaluate = command("evaluate", "--content PATH --style PATH --stylized IMAGE_OR_FOLDER")
    group = evaluate.add_argument_group(
        "input", "one photo, painting and output: one JSON line; files, folders or globs "
        "with one --stylized folder per method: a report over every pair")
    group.add_argument("--content", required=True, action="extend", nargs="+",
                       metavar="PATH")
    group.add_argument("--style", required=True, action="extend", nargs="+", metavar="PATH")
    group.add_argument("--stylized", required=True, action="extend", nargs="+",
                       metavar="IMAGE_OR_FOLDER")
    group.add_argument("--pairing", choices=("all", "name"), default="all",
                       help="all: every photo with every painting, outputs named "
                       "{content}__{style}.png as batch names them; name: photo k with "
                       "painting k, outputs named after the photo")
    group = evaluate.add_argument_group("output")
    group.add_argument("--report", metavar="PREFIX",
                       help="write PREFIX.md and PREFIX.csv (folders mode)")
    add_common(evaluate)
    evaluate_video = command("evaluate-video", "--content VIDEO --stylized VIDEO")
    group = evaluate_video.add_argument_group("input")
    group.add_argument("--content", required=True, metavar="VIDEO")
    group.add_argument("--stylized", required=True, metavar="VIDEO")
    add_common(evaluate_video)
    train = command("train", "--config YAML [--set KEY=VALUE ...]")
    group = train.add_argument_group("experiment")
    group.add_argument("--config", required=True, metavar="YAML",
                       help="experiment config, e.g. configs/adain_tiny.yaml")
    group.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                       help="override a config key, e.g. data.batch_size=4 (repeatable)")
    add_common(train)
    export = command("export", "--method arbitrary|adain --output FOLDER")
    group = export.add_argument_group("model")
    group.add_argument("--method", default="arbitrary", choices=("arbitrary", "adain"))
    group.add_argument("--checkpoint", metavar="RUN_DIR", help="a training run instead of "
                       "the shipped weights (adain: or a decoder .npz)")
    group.add_argument("--output", required=True, metavar="FOLDER")
    add_common(export)
    shards = command("make-shards", "--input FOLDER --output PREFIX")
    group = shards.add_argument_group("data")
    group.add_argument("--input", required=True, metavar="FOLDER_OR_GLOB")
    group.add_argument("--output", required=True, metavar="PREFIX")
    group.add_argument("--images_per_shard", type=int, metavar="N", default=1000)
    group.add_argument("--max_shard_mib", type=int, metavar="MIB", default=32,
                       help="size cap of a shard in MiB of image bytes")
    add_common(shards)
    return parser


def check_rendering(args):
    """Argument errors of ``stylize``/``batch``/``video`` that need no file (exit 2)."""
    if args.command != "batch":
        if len(args.content) > 1:
            raise ArgumentError(f"{args.command} takes one --content, got "
                                f"{len(args.content)}" + ("; arbitrary-nst batch takes many"
                                                          if args.command == "stylize" else ""))
        args.content = args.content[0]
    if args.size < 16:
        raise ArgumentError(f"--size {args.size}: expected at least 16")
    if args.method != "gatys":
        given = [name for name in GATYS_OPTIONS if getattr(args, name) is not None]
        if given:
            raise ArgumentError(f"--{given[0]} applies to --method gatys only (this run uses "
                                f"--method {args.method})")
    else:
        given = [name for name in ("working_size", "detail") if getattr(args, name) is not None]
        if given:
            raise ArgumentError(f"--{given[0]} applies to the feed-forward methods (this run "
                                "uses --method gatys, whose stroke size is --style_scale)")
    if args.method not in ("adain", "multistyle", "arbitrary"):
        given = [name for name in TILING_OPTIONS if getattr(args, name) is not None]
        if given:
            raise ArgumentError(f"--{given[0]} applies to --method adain, multistyle and "
                                f"arbitrary only (this run uses --method {args.method})")
    if getattr(args, "style_weights", None) is not None:
        try:
            args.style_weights = [float(w) for w in args.style_weights.split(",")]
        except ValueError:
            raise ArgumentError(f"--style_weights {args.style_weights}: expected "
                                "comma-separated numbers") from None
    if args.command == "video":
        for name in ("temporal_weight", "input_weight"):
            if not 0.0 <= getattr(args, name) <= 1.0:
                raise ArgumentError(f"--{name} {getattr(args, name)}: expected 0 to 1")


class ArgumentError(Exception):
    """A flag value that is wrong on its face: exit status 2."""


@contextlib.contextmanager
def native_stderr_silenced():
    """Sends file descriptor 2 to /dev/null: the C++ log lines TensorFlow prints while it
    loads and initialises devices ignore Python's logging settings."""
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class OneLineFormatter(pylogging.Formatter):
    """Log records as the errors read: ``arbitrary-nst: warning: ...``."""

    def format(self, record):
        return f"arbitrary-nst: {record.levelname.lower()}: {record.getMessage()}"


def start_tensorflow(verbose):
    """Imports TensorFlow and initialises its devices, silently unless ``verbose``."""
    if verbose:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "0")
    else:
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    logging.set_verbosity(logging.INFO if verbose else logging.WARNING)
    if not verbose:
        logging.get_absl_handler().setFormatter(OneLineFormatter())
    with contextlib.nullcontext() if verbose else native_stderr_silenced():
        import tensorflow as tf
        tf.config.list_physical_devices()


def stylize_command(args):
    """Runs ``arbitrary-nst stylize``."""
    from arbitrary_nst import image_io
    image_io.check_save_path(args.output)
    content = image_io.load_image(args.content, size=args.size)
    render = renderer(args)
    start = time.perf_counter()
    image = render(content)
    image_io.save_image(args.output, image)
    print(f"wrote {args.output} ({image.shape[1]}x{image.shape[0]}) in "
          f"{time.perf_counter() - start:.1f} s")


def renderer(args, load_styles=True):
    """``render(content image, guide=None, styles=None) -> stylized image`` from the
    style, method and control flags; ``styles`` default: those of ``--style`` (loaded
    here when ``load_styles``)."""
    from arbitrary_nst import control, image_io
    default_styles = [load_style(args, value) for value in args.style] if load_styles else None
    mask = image_io.load_image(args.mask).mean(axis=-1) if args.mask else None
    options = {name: getattr(args, name) for name in GATYS_OPTIONS + TILING_OPTIONS
               if getattr(args, name) is not None}
    if args.method == "gatys":
        options["progress"] = args.progress
    for name in ("checkpoint", "hub_module"):
        if getattr(args, name):
            options[name] = getattr(args, name)

    def render(content, guide=None, styles=None):
        extra = {}
        if guide is not None:  # Gatys in a video: start from and stay near the warped frame
            extra = {"init_image": guide[0], "temporal_target": guide[0],
                     "temporal_mask": guide[1], "temporal_weight": args.temporal_weight}
        return control.stylize(
            content, default_styles if styles is None else styles,
            weights=getattr(args, "style_weights", None), alpha=args.alpha,
            method=args.method, mask=mask, preserve_color=args.preserve_color,
            color_method=args.color_method, style_scale=args.style_scale,
            working_size=args.working_size, detail=args.detail, **options, **extra)

    return render


def load_style(args, value):
    """A style image, or a style index for methods with built-in styles."""
    from arbitrary_nst import control, image_io
    if control.METHODS[args.method].style_images:
        return image_io.load_image(value)
    try:
        return int(value)
    except ValueError:
        raise UsageError(f"--style {value}: method {args.method} takes style indices "
                         "(integers), not image paths") from None


def batch_command(args):
    """Runs ``arbitrary-nst batch``: every content with every style into a folder."""
    from arbitrary_nst import batch, control, image_io
    contents = batch.expand_inputs(args.content, "--content")
    styles = (batch.expand_inputs(args.style, "--style")
              if control.METHODS[args.method].style_images else args.style)
    if args.grid:
        image_io.check_save_path(args.grid)
    render = renderer(args, load_styles=False)
    result = batch.run_batch(contents, styles, args.output,
                             lambda content, style: render(content, styles=[style]),
                             lambda value: load_style(args, value), args.size, args.name,
                             args.overwrite, args.progress)
    if args.grid:
        images = control.METHODS[args.method].style_images
        sheet = batch.contact_sheet(contents, styles, result.outputs,
                                    lambda style: result.styles.get(style) if images else None)
        image_io.save_image(args.grid, sheet)
    written = len(result.outputs) - result.skipped
    print(f"wrote {written} images to {args.output}"
          + (f", kept {result.skipped} existing (--overwrite replaces them)"
             if result.skipped else "") + (f"; sheet {args.grid}" if args.grid else ""))
    if result.failures:
        for _, message in result.failures:
            print(f"arbitrary-nst: skipped: {message}", file=sys.stderr)
        raise BatchFailed(f"{len(result.failures)} input(s) could not be stylized (listed "
                          "above); the other outputs are written")


class BatchFailed(NSTError):
    """Some inputs of a batch could not be stylized (each was reported)."""


def video_command(args):
    """Runs ``arbitrary-nst video``: stylizes every frame, streaming, temporally blended."""
    from arbitrary_nst import progress, video
    video.output_kind(args.output)  # an unknown extension fails before any work
    render = renderer(args)
    frames = video.read_frames(args.content, args.size)
    total = video.frame_count(args.content)
    gatys = args.method == "gatys"
    with video.FrameWriter(args.output, video.frame_rate(args.content)) as writer, \
            progress.progress_bar(total, "video", args.progress) as bar:
        for frame in video.stylize_video(
                frames, (render if gatys else lambda frame, guide: render(frame)),
                args.temporal_weight, args.input_weight, blend=not gatys):
            writer.write(frame)
            bar.update(1)
    print(f"wrote {args.output}: {writer.count} frames")


def evaluate_command(args):
    """Runs ``arbitrary-nst evaluate``: one JSON line for one image, else a Markdown table
    (and ``--report`` files) over every pair and method (:mod:`arbitrary_nst.evaluation`)."""
    from arbitrary_nst import evaluation, image_io, metrics
    single = [args.content, args.style, args.stylized]
    if all(len(paths) == 1 and os.path.isfile(paths[0]) for paths in single):
        scores = metrics.evaluate_pair(*(image_io.load_image(paths[0]) for paths in single))
        print(json.dumps(scores))
        return
    rows, problems = evaluation.evaluate_folders(args.content, args.style, args.stylized,
                                                 args.pairing, args.progress)
    table = rows + metrics.means_by_method(rows) if rows else []
    if args.report and rows:
        metrics.write_report(table, args.report + ".md", args.report + ".csv",
                             "# Stylized images scored with arbitrary_nst.metrics")
    print(metrics.markdown_table(table), end="")
    if args.report and rows:
        print(f"wrote {args.report}.md and {args.report}.csv")
    for problem in problems:
        print(f"arbitrary-nst: skipped: {problem}", file=sys.stderr)
    if problems or not rows:
        raise BatchFailed(f"{len(problems)} output(s) missing or unreadable (listed above)"
                          + ("; nothing was scored" if not rows else ""))


def evaluate_video_command(args):
    """Runs ``arbitrary-nst evaluate-video``: prints the temporal instability as JSON."""
    from arbitrary_nst import video
    value = video.instability(video.read_frames(args.content),
                              video.read_frames(args.stylized))
    print(json.dumps({"instability": value}))


def make_shards_command(args):
    """Runs ``arbitrary-nst make-shards``: image folder -> TFRecord shards."""
    from arbitrary_nst import data
    paths = data.write_shards(args.input, args.output, args.images_per_shard,
                              max_shard_mib=args.max_shard_mib)
    print(f"wrote {len(paths)} shards: {paths[0]} ... {paths[-1]}")


def export_command(args):
    """Runs ``arbitrary-nst export``: a TF Hub-style SavedModel of --method."""
    from arbitrary_nst import export
    path = export.export(args.method, args.output, args.checkpoint)
    print(f"wrote {path}: hub.load(path)(content, style)[0]")


def train_command(args):
    """Runs ``arbitrary-nst train``: trains (or resumes) the experiment of ``--config``."""
    from arbitrary_nst import config, train
    experiment = config.load_config(args.config, args.set)
    result = train.train(experiment, progress=args.progress, overrides=args.set)
    if not result["trained"]:
        print(f"nothing to train: {experiment.checkpoint.dir} is already at step "
              f"{result['step']} (train.steps={experiment.train.steps}); raise train.steps "
              "to train more")
        return
    print(f"stopped at step {result['step']}; checkpoints in {experiment.checkpoint.dir}")


RUNNERS = {"stylize": stylize_command, "batch": batch_command, "video": video_command,
           "evaluate": evaluate_command, "evaluate-video": evaluate_video_command,
           "make-shards": make_shards_command, "export": export_command, "train": train_command}


def parse(argv):
    """absl's ``flags_parser``: the parsed namespace; argument errors exit 2."""
    args = build_parser().parse_args(argv[1:])
    flags.FLAGS.mark_as_parsed()  # absl's own flags are not offered; app.run wants them parsed
    try:
        if args.command in ("stylize", "video", "batch"):
            check_rendering(args)
    except ArgumentError as exc:
        print(f"arbitrary-nst: error: {exc}", file=sys.stderr)
        sys.exit(2)
    return args


def main(args):
    """Runs the parsed command; NSTError becomes one line and exit status 1."""
    if args.vgg_weights:
        os.environ["ARBITRARY_NST_VGG_WEIGHTS"] = args.vgg_weights
    start_tensorflow(args.verbose)
    from arbitrary_nst import progress
    progress.show_bars(getattr(args, "progress", True))
    if args.command in ("batch", "video"):
        from arbitrary_nst import tracing
        tracing.expect_many_calls()
    try:
        RUNNERS[args.command](args)
    except NSTError as exc:
        print(f"arbitrary-nst: error: {exc}", file=sys.stderr)
        return 1
    return 0


def run():
    """Console-script entry point.

    Once the command has returned (outputs written and renamed, summaries flushed), the
    process ends with ``os._exit`` after flushing the output streams and the log: the
    interpreter's and TensorFlow's teardown adds ~0.8 s on a 2-core CPU (as long as a
    512 px render) and nothing a finished command needs. An uncaught exception still
    ends the normal way, with its traceback.
    """
    try:
        app.run(main, flags_parser=parse)
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    pylogging.shutdown()
    os._exit(code or 0)


if __name__ == "__main__":
    run()
