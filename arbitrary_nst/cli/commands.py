"""What each ``arbitrary-nst`` command does once its flags are parsed: thin shells over
the library (TensorFlow is loaded by then). Bad input found while running is an
:class:`~arbitrary_nst.errors.NSTError` (one line, exit status 1)."""

import dataclasses
import io
import json
import os
import posixpath
import sys
import time

from arbitrary_nst import quiet, registry
from arbitrary_nst.cli.parser import settings_options
from arbitrary_nst.errors import NSTError, UsageError
from arbitrary_nst.io import files


def stylize_command(args):
    """Runs ``arbitrary-nst stylize``."""
    from arbitrary_nst.io import image_io
    content = image_io.load_image(args.content)
    original = content.shape
    content = image_io.resize_longest(content, args.size)
    render = renderer(args)
    start = time.perf_counter()
    image = render(content)
    image_io.save_image(args.output, image)
    upscaled = (f", upscaled from the photo's {original[1]}x{original[0]}"
                if max(content.shape[:2]) > max(original[:2]) else "")
    print(f"wrote {args.output} ({image.shape[1]}x{image.shape[0]}{upscaled}) in "
          f"{time.perf_counter() - start:.1f} s")


def renderer(args, load_styles=True):
    """``render(content image, guide=None, styles=None) -> stylized image`` from the
    style, method and control flags; ``styles`` default: those of ``--style`` (loaded
    here when ``load_styles``)."""
    from arbitrary_nst.io import image_io
    from arbitrary_nst.rendering import control
    default_styles = [load_style(args, value) for value in args.style] if load_styles else None
    mask = image_io.load_image(args.mask).mean(axis=-1) if args.mask else None
    options = settings_options(args, image_io.load_image)
    if "progress" in {f.name for f in dataclasses.fields(registry.get(args.method).settings)}:
        options["progress"] = args.progress

    def render(content, guide=None, styles=None):
        extra = {}
        if guide is not None:  # an optimisation in a video: start from, stay near the guide
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
    from arbitrary_nst.io import image_io
    if registry.get(args.method).style_images:
        return image_io.load_image(value)
    try:
        return int(value)
    except ValueError:
        raise UsageError(f"--style {value}: method {args.method} takes style indices "
                         "(integers), not image paths") from None


def runtime_for_renders(args, renders):
    """``args.runtime``, except "tf" for "auto" where TensorFlow is faster for ``renders``
    renders (:func:`arbitrary_nst.lite.runtime.choose`): long batches, whose faster
    renders repay its start-up."""
    from arbitrary_nst.lite import runtime as lite_runtime
    runtime = getattr(args, "runtime", None)
    if runtime == "auto" and lite_runtime.available() and lite_runtime.choose(
            registry.get(args.method), runtime, renders=renders) == "tf":
        return "tf"
    return runtime


def batch_command(args):
    """Runs ``arbitrary-nst batch``: every content with every style into a folder."""
    from arbitrary_nst.io import image_io
    from arbitrary_nst.rendering import batch
    contents = files.expand_inputs(args.content, "--content")
    styles = (files.expand_inputs(args.style, "--style")
              if registry.get(args.method).style_images else args.style)
    args.runtime = runtime_for_renders(args, len(contents) * len(styles))
    render = renderer(args, load_styles=False)
    result = batch.run_batch(contents, styles, args.output,
                             lambda content, style: render(content, styles=[style]),
                             lambda value: load_style(args, value), args.size, args.name,
                             args.overwrite, args.progress)
    if args.grid:
        images = registry.get(args.method).style_images
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
    from arbitrary_nst import progress
    from arbitrary_nst.rendering import video
    render = renderer(args)
    frames = video.read_frames(args.content, args.size)
    total = video.frame_count(args.content)
    # An optimisation starts each frame from the warped previous output (a guide); a
    # network's frames are blended with it afterwards.
    guided = not registry.get(args.method).feedforward
    with video.FrameWriter(args.output, video.frame_rate(args.content)) as writer, \
            progress.progress_bar(total, "video", args.progress) as bar:
        for frame in video.stylize_video(
                frames, (render if guided else lambda frame, guide: render(frame)),
                args.temporal_weight, args.input_weight, blend=not guided):
            writer.write(frame)
            bar.update(1)
    print(f"wrote {args.output}: {writer.count} frames")


def evaluate_command(args):
    """Runs ``arbitrary-nst evaluate``: one JSON line for one image, else a Markdown table
    (and ``--report`` files) over every pair and method
    (:mod:`arbitrary_nst.evaluation.evaluation`)."""
    from arbitrary_nst.evaluation import evaluation, metrics
    from arbitrary_nst.io import image_io
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
                             "# Stylized images scored with arbitrary_nst.evaluation.metrics")
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
    from arbitrary_nst.rendering import video
    value = video.instability(video.read_frames(args.content),
                              video.read_frames(args.stylized))
    print(json.dumps({"instability": value}))


def make_shards_command(args):
    """Runs ``arbitrary-nst make-shards``: image folder -> TFRecord shards."""
    from arbitrary_nst.training import data
    paths = data.write_shards(args.input, args.output, args.images_per_shard,
                              max_shard_mib=args.max_shard_mib)
    print(f"wrote {len(paths)} shards: {paths[0]} ... {paths[-1]}")


def export_command(args):
    """Runs ``arbitrary-nst export``: a TF Hub-style SavedModel of --method, or its
    LiteRT files (``--format tflite``)."""
    from arbitrary_nst import export
    if args.format == "tflite":
        path, signatures = export.export_tflite(args.method, args.output, args.checkpoint,
                                                args.precision)
        files = ", ".join(f"{name}.tflite (signature {signature!r})"
                          for name, signature in signatures.items())
        print(f"wrote {path}: {files}")
        return
    path = export.export(args.method, args.output, args.checkpoint)
    print(f"wrote {path}: hub.load(path)(content, style)[0]")


def train_command(args):
    """Runs ``arbitrary-nst train``: trains (or resumes) the experiment of ``--config``."""
    from arbitrary_nst.training import config, train
    experiment = config.load_config(args.config, args.set)
    result = train.train(experiment, progress=args.progress, overrides=args.set)
    if not result["trained"]:
        print(f"nothing to train: {experiment.checkpoint.dir} is already at step "
              f"{result['step']} (train.steps={experiment.train.steps}); raise train.steps "
              "to train more")
        return
    folder = experiment.checkpoint.dir
    print(f"{result['outcome']} at step {result['step']}: checkpoint {result['checkpoint']}; "
          f"TensorBoard summaries in {os.path.join(folder, 'summaries')} (tensorboard "
          f"--logdir {folder})")


def stylize_dataset_command(args):
    """Runs ``arbitrary-nst stylize-dataset``: a whole dataset on Apache Beam; exit status
    1 when an input failed (listed in the dead-letter report)."""
    import logging
    try:
        if not args.verbose:  # Beam's import warns that apitools (BigQuery) is missing
            logging.disable(logging.WARNING)
        from apache_beam.options.pipeline_options import PipelineOptions

        from arbitrary_nst.datasets import layout, pipeline, records, tally
    except ImportError:
        raise UsageError('stylize-dataset needs Apache Beam: pip install -e ".[beam]"') from None
    finally:
        logging.disable(logging.NOTSET)
    start = time.perf_counter()
    if args.config:
        from arbitrary_nst.datasets.recipe import apply_recipe
        apply_recipe(args, args.config, args.explicit)
    records_in = args.content_format == "tfrecord" or (
        args.content_format == "auto" and all(records.is_shard(s) for s in args.content))
    images = []
    if not records_in:
        try:
            images = layout.find_images(args.content, "--content")
        except UsageError:  # a folder of shards, with --content_format auto
            if args.content_format == "images" or not layout.holds_shards(args.content):
                raise
            records_in = True
    content = layout.find_shards(args.content) if records_in else args.content
    styles = layout.find_images(args.style, "--style")
    renders = len(images) * args.styles_per_image if images else float("inf")
    job = pipeline.Job(
        tuple(content), tuple(styles), args.output.rstrip("/"), args.method, args.alpha,
        args.size, args.style_size, args.styles_per_image, args.seed,
        "." + args.format if args.format else None, args.quality,
        runtime_for_renders(args, renders), records_in, args.output_format, args.shards,
        batch_size=args.batch_size, classes=pipeline.class_folders(images))
    # A --styles_per_image or an output format that does not fit: said before anything
    # runs (one image per input extension; a record's key is known only in the pipeline).
    for key in ({posixpath.splitext(key)[1].lower(): key for key, _ in images}
                or {"": "record"}).values():
        job.targets(key)
    pipeline.check_output(job)
    options = list(args.beam_options)
    if not args.verbose:  # Beam's own lines (workers starting, channels closing) hidden
        logging.getLogger("apache_beam").setLevel(logging.ERROR)
        options.append("--default_sdk_harness_log_level=ERROR")
    local = not any(option.startswith("--runner") for option in options)
    if local:
        options += ["--direct_running_mode=multi_processing",
                    f"--direct_num_workers={os.cpu_count()}"]
    from arbitrary_nst import stylize
    from arbitrary_nst.io import image_io
    # Loads (and for LiteRT converts, once) the networks here, before the workers start.
    probe = image_io.decode_image(io.BytesIO(layout.read(styles[0][1])), styles[0][1], size=32)
    stylize(probe, [probe], method=args.method, runtime=job.runtime)
    dead_letter = args.dead_letter or args.output.rstrip("/") + ".failed.jsonl"
    # The bar is drawn on a copy of stderr: the workers' own start-up lines (they inherit
    # file descriptor 2) are hidden while the pipeline runs, unless --verbose.
    with os.fdopen(os.dup(2), "w") as stream, tally.followed(
            renders if images else None, args.progress and local, stream) as marks:
        with quiet.quieted():
            counts = pipeline.run(dataclasses.replace(job, tally=marks), dead_letter,
                                  PipelineOptions(options))
    inputs = (f"the records of {len(content)} shard(s)" if records_in
              else f"{len(images)} images")
    where = (f" to {job.output}/{job.shard_prefix}-*{records.SHARD_SUFFIX}"
             if args.output_format == "tfrecord" and counts["written"] else "")
    print(f"stylize-dataset: {inputs} x {args.styles_per_image} style(s): wrote "
          f"{counts['written']}{where}, skipped {counts['skipped']} (already there), failed "
          f"{counts['failed']}" + (f" (listed in {dead_letter})" if counts["failed"] else "")
          + f" in {time.perf_counter() - start:.1f} s")
    if counts["failed"]:
        raise SystemExit(1)


RUNNERS = {"stylize": stylize_command, "batch": batch_command, "video": video_command,
           "evaluate": evaluate_command, "evaluate-video": evaluate_video_command,
           "make-shards": make_shards_command, "export": export_command, "train": train_command,
           "stylize-dataset": stylize_dataset_command}


