"""The ``arbitrary-nst`` command's flags: one parser per command, flags in groups with
their defaults, and the argument checks that need no file (exit status 2).

The method flags come from the registry (:mod:`arbitrary_nst.registry`): ``--method``
lists every method with its summary, and each field of a method's settings made with
:func:`arbitrary_nst.methods.settings.option` is a flag, refused for methods whose
settings lack it. No TensorFlow.

Flags are parsed with ``absl.flags.argparse_flags`` (argparse with absl's flag syntax:
``--noprogress`` for a false boolean).
"""

import argparse
import dataclasses
import difflib
import sys

from absl.flags import argparse_flags

from arbitrary_nst import registry
from arbitrary_nst.datasets.recipe import (
    CONTENT_FORMATS,
    FORMATS,
    OUTPUT_FORMATS,
    DatasetRecipe,
)
from arbitrary_nst.errors import UsageError
from arbitrary_nst.lite import runtime as lite_runtime
from arbitrary_nst.methods import settings as method_settings

COMMANDS = {
    "stylize": "stylize one photo with one painting or a blend of several",
    "batch": "stylize every photo with every painting (files, folders, globs) into a folder",
    "video": "stylize every frame of a video or a folder of frames, temporally consistent",
    "evaluate": "score a stylized image: content and style losses in one fixed VGG16 space",
    "evaluate-video": "score a stylized video's temporal instability",
    "train": "train (or resume) a feed-forward model from a YAML experiment config",
    "export": "write a model as a TF Hub-style SavedModel or as LiteRT (.tflite) files",
    "make-shards": "pack a folder of training images into TFRecord shards",
    "stylize-dataset": "stylize a whole dataset (a folder tree, globs) on Apache Beam",
}


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
                            "arbitrary_nst/networks/weights.py")


def method_flags():
    """``{flag name: (default, flag metadata, methods having it)}`` over every method's
    settings, in registry order."""
    found = {}
    for spec in registry.METHODS.values():
        for name, (default, flag) in method_settings.flags(spec.settings).items():
            found.setdefault(name, (default, flag, []))[2].append(spec.name)
    return {name: (default, flag, tuple(methods))
            for name, (default, flag, methods) in found.items()}


def settings_flags():
    """``{methods: [flag names]}``: the settings flags grouped by the methods having them."""
    groups = {}
    for name, (_, _, methods) in method_flags().items():
        groups.setdefault(methods, []).append(name)
    return groups


def builtin_styles_help():
    """`` (multistyle: a style index 0-25)`` for the methods with built-in styles."""
    builtin = [registry.get(name) for name in registry.names(style_images=False)]
    return "".join(f" ({spec.name}: a style index 0-{spec.builtin_styles - 1})"
                   for spec in builtin)


def settings_options(args, load_image):
    """``{setting: value}`` of the settings flags given for ``args.method`` (the rest
    keep the settings' defaults); an image flag's file is read by ``load_image(path)``."""
    options = {}
    for name, (_, flag, methods) in method_flags().items():
        value = getattr(args, name)
        if args.method in methods and value is not None:
            options[name] = load_image(value) if flag["image"] else value
    return options


def add_rendering(parser, kind):
    """The flags ``stylize``, ``video`` and ``batch`` share, in groups."""
    video, batch = kind == "video", kind == "batch"
    inputs = parser.add_argument_group("input")
    if batch:
        inputs.add_argument("--content", required=True, action="extend", nargs="+",
                            metavar="PATH", help="photos: files, folders or glob patterns")
        inputs.add_argument("--style", required=True, action="extend", nargs="+",
                            metavar="PATH", help="paintings: files, folders or glob patterns"
                            + builtin_styles_help())
    else:
        inputs.add_argument("--content", required=True, action="append",
                            metavar="VIDEO" if video else "PHOTO",
                            help="video file or folder of frames" if video else "content image")
        inputs.add_argument("--style", required=True, action="append", metavar="PAINTING",
                            help="style image" + builtin_styles_help() + "; repeat to blend")
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
    if video:
        outputs.add_argument("--size", type=int, metavar="N",
                             help="long side of the output frames, px (default: the clip's)")
    else:
        outputs.add_argument("--size", type=int, metavar="N", default=512,
                             help="long side of the output, px")
    method = parser.add_argument_group("method")
    method.add_argument("--method", default=registry.DEFAULT_METHOD,
                        choices=tuple(registry.METHODS),
                        help="; ".join(f"{spec.name}: {spec.summary}"
                                       for spec in registry.METHODS.values()))
    controls = parser.add_argument_group("controls")
    controls.add_argument("--alpha", type=float, metavar="X",
                          help=" / ".join(registry.names(alpha=True))
                          + ": 1 = full style, 0 = the photo (default 1; "
                          + ", ".join(f"{spec.name} {spec.default_alpha:g}"
                                      for spec in registry.METHODS.values()
                                      if spec.default_alpha != 1.0) + ")")
    controls.add_argument("--style_scale", type=float, metavar="X", default=1.0,
                          help="stroke size relative to the output, the same at every "
                               "--size (2 = twice as large)")
    controls.add_argument("--working_size", type=int, metavar="N",
                          help="feed-forward methods: long side (px) of the look at "
                               "--style_scale 1 (default 512)")
    photo_detail = registry.names(default_detail="photo")
    controls.add_argument("--detail", choices=("network", "photo", "none"),
                          help="feed-forward methods, outputs above the working size: fine "
                               "detail from a full-size network pass (default"
                               + (f"; {', '.join(photo_detail)}: photo" if photo_detail else "")
                               + "), the photo, or none")
    add_boolean(controls, "preserve_color", False, "keep the photo's colours")
    controls.add_argument("--color_method", default="luminance",
                          choices=("luminance", "histogram"),
                          help="how --preserve_color works")
    flags = method_flags()
    for methods, names in settings_flags().items():
        group = parser.add_argument_group(f"settings of --method {' / '.join(methods)}")
        for name in names:
            default, flag = flags[name][:2]
            text = flag["help"] + (f" (default {default:g})" if isinstance(default, float)
                                   else f" (default {default})" if default is not None else "")
            if name == "tile_size":
                text += " (default: " + ", ".join(
                    f"{registry.get(m).tile_size} for {m}" for m in methods) + ")"
            group.add_argument(f"--{name}", type=flag["type"], metavar=flag["metavar"],
                               choices=flag["choices"], help=text)
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
    exportable = registry.names(exportable=True)
    exportable += tuple(name for name in registry.names(litert=True) if name not in exportable)
    export = command("export", f"--method {'|'.join(exportable)} --output FOLDER")
    group = export.add_argument_group("model")
    group.add_argument("--method", default=exportable[0], choices=exportable)
    group.add_argument("--format", default="savedmodel", choices=("savedmodel", "tflite"),
                       help="savedmodel: one TF Hub-style module; tflite: one .tflite file "
                       "per network (LiteRT), for --method "
                       + " / ".join(registry.names(litert=True)))
    group.add_argument("--precision", default="float32", choices=("float32", "float16"),
                       help="weights of the .tflite files (float16: half the size)")
    group.add_argument("--checkpoint", metavar="RUN_DIR", help="a training run instead of "
                       "the shipped weights, or a weights file where the method reads one")
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
    dataset = command("stylize-dataset", "--content PATH [PATH ...] --style PATH [PATH ...] "
                      "--output FOLDER [Beam pipeline options]")
    dataset.epilog = ("Flags not listed here are Apache Beam's pipeline options, passed as "
                      "they are (--runner, --direct_num_workers, Dataflow / Flink / Spark "
                      "options); without --runner: the DirectRunner in multi-processing "
                      "mode, one worker per CPU.")
    group = dataset.add_argument_group("input")
    group.add_argument("--config", metavar="YAML", help="a recipe: the stylization flags' "
                       "values (e.g. configs/datasets/stylized_imagenet.yaml); flags given here "
                       "override it")
    group.add_argument("--content", required=True, action="extend", nargs="+", metavar="PATH",
                       help="images: folders (their trees, class sub-folders kept), glob "
                            "patterns or files, on any filesystem Beam reads; or TFRecord "
                            "shards of tf.train.Example records")
    group.add_argument("--content_format", default="auto", choices=("auto",) + CONTENT_FORMATS,
                       help="auto: tfrecord when every --content names .tfrecord files "
                            "(e.g. 'data/train-*.tfrecord') or holds only such files, else "
                            "images")
    group.add_argument("--style", required=True, action="extend", nargs="+", metavar="PATH",
                       help="paintings: folders, glob patterns or files")
    group = dataset.add_argument_group("output")
    group.add_argument("--output", required=True, metavar="FOLDER",
                       help="the stylized tree, or the folder of the TFRecord shards (what "
                            "is there already is skipped; a rerun with other settings is "
                            "refused)")
    group.add_argument("--output_format", default="folder", choices=OUTPUT_FORMATS,
                       help="folder: the same tree of images; tfrecord: shards of records "
                            "with the input's keys and labels and the painting's name")
    group.add_argument("--shards", type=int, default=0, metavar="N",
                       help="TFRecord output: the number of shards (0: the runner decides)")
    group.add_argument("--format", choices=FORMATS, metavar="EXT",
                       help="jpg, png or webp (default: each input's own)")
    group.add_argument("--quality", type=int, default=95, metavar="Q",
                       help="JPEG / WebP quality, 1-100")
    group.add_argument("--dead_letter", metavar="JSONL",
                       help="report of the inputs that failed (default: OUTPUT.failed.jsonl)")
    group = dataset.add_argument_group("stylization")
    trained = tuple(name for name in registry.names(feedforward=True, style_images=True)
                    if registry.get(name).training is not None)
    group.add_argument("--method", default=registry.DATASET_METHOD, choices=trained,
                       help="a trained feed-forward method (the default is "
                            "Stylized-ImageNet's)")
    group.add_argument("--alpha", type=float, metavar="X",
                       help="0 to 1: 1 = full style (Stylized-ImageNet), 0 = the photo")
    group.add_argument("--size", type=int, metavar="N",
                       help="long side of the outputs, px (default: each image's own)")
    group.add_argument("--style_size", type=int, default=512, metavar="N",
                       help="long side the paintings are read at, px (a painting's "
                            "statistics at its full size cost much and change little)")
    group.add_argument("--styles_per_image", type=int, default=1, metavar="N",
                       help="styles per image (random, distinct); above 1 each output's "
                            "name ends in -stylized-STYLE")
    group.add_argument("--seed", type=int, default=0, metavar="N",
                       help="seeds which styles each image gets (a pure function of the "
                            "seed and the image's path; default 0)")
    group.add_argument("--runtime", default="auto", choices=lite_runtime.RUNTIMES,
                       help="where the network runs (see stylize --help)")
    group.add_argument("--batch_size", type=int, default=1, metavar="N",
                       help="images of one shape rendered together, at most (for a GPU; "
                            "on a CPU 8 is no faster than 1 and holds 1 GB more)")
    add_common(dataset)
    return parser


def check_rendering(args):
    """Argument errors of ``stylize``/``batch``/``video`` that need no file (exit 2)."""
    if args.command != "batch":
        if len(args.content) > 1:
            raise ArgumentError(f"{args.command} takes one --content, got "
                                f"{len(args.content)}" + ("; arbitrary-nst batch takes many"
                                                          if args.command == "stylize" else ""))
        args.content = args.content[0]
    if args.size is not None and args.size < 16:
        raise ArgumentError(f"--size {args.size}: expected at least 16")
    spec = registry.get(args.method)
    for name, (_, _, methods) in method_flags().items():
        if getattr(args, name) is not None and args.method not in methods:
            raise ArgumentError(f"--{name} applies to --method {' / '.join(methods)} only "
                                f"(this run uses --method {args.method})")
    if not spec.feedforward:
        given = [name for name in ("working_size", "detail") if getattr(args, name) is not None]
        if given:
            raise ArgumentError(f"--{given[0]} applies to the feed-forward methods (this run "
                                f"uses --method {args.method}, whose stroke size is "
                                "--style_scale)")
    try:
        registry.check_alpha(args.alpha, "--alpha")
    except UsageError as exc:
        raise ArgumentError(str(exc)) from None
    if args.alpha is not None and args.alpha != 1.0 and not spec.alpha:
        raise ArgumentError(f"--alpha applies to --method {' / '.join(registry.names(alpha=True))}"
                            f" only (this run uses --method {args.method}"
                            + (f": {spec.alpha_instead}" if spec.alpha_instead else "") + ")")
    if getattr(args, "runtime", None) is not None:
        try:
            lite_runtime.choose(spec, args.runtime)
        except UsageError as exc:
            raise ArgumentError(str(exc)) from None
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


DATASET_RANGES = {"shards": (0, None), "batch_size": (1, None)}
"""``(low, high)`` of the stylize-dataset flags that are no recipe keys (those take the
recipe's ranges: :class:`~arbitrary_nst.datasets.recipe.DatasetRecipe`)."""


def check_dataset(args, beam_options):
    """Argument errors of ``stylize-dataset`` (exit 2): a value out of its range, or an
    option that is neither one of its flags nor one of Apache Beam's pipeline options
    (Beam itself drops such options with a warning, so a misspelt flag would be ignored)."""
    ranges = {field.name: (field.metadata["low"], field.metadata["high"])
              for field in dataclasses.fields(DatasetRecipe)}
    for name, (low, high) in {**ranges, **DATASET_RANGES}.items():
        value = getattr(args, name)
        if value is not None and ((low is not None and value < low)
                                  or (high is not None and value > high)):
            expected = (f"{low} to {high}" if high is not None else f"at least {low}")
            raise ArgumentError(f"--{name} {value}: expected {expected}")
    if beam_options:
        import logging
        logging.disable(logging.WARNING)  # Beam's import and its "Discarding" warnings
        try:
            from apache_beam.options.pipeline_options import PipelineOptions
            options = PipelineOptions(beam_options)
            unknown = sorted(set(options.get_all_options(retain_unknown_options=True))
                             - set(options.get_all_options()))
        except ImportError:
            return  # said by the command
        finally:
            logging.disable(logging.NOTSET)
        if unknown:
            close = difflib.get_close_matches(unknown[0], list(vars(args)), n=1)
            raise ArgumentError(f"--{unknown[0]}: neither a stylize-dataset flag nor an Apache "
                                "Beam pipeline option" + (f" (did you mean --{close[0]}?)"
                                                          if close else ""))


class ArgumentError(Exception):
    """A flag value that is wrong on its face: exit status 2."""


