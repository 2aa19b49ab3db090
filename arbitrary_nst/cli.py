"""The ``arbitrary-nst`` command.

Commands::

  arbitrary-nst stylize --content PATH --style PATH [--style PATH ...]
      [--style_weights 0.7,0.3] [--method gatys|adain|multistyle|arbitrary] [--size 512]
      [--alpha 1] [--style_scale 1] [--working_size 512] [--detail network|photo|none]
      [--checkpoint RUN_DIR] [--tile_size 1024] [--steps N] [--content_weight A]
      [--style_weight B] [--preserve_color] [--mask PATH] --output PATH
  arbitrary-nst evaluate --content PATH --style PATH --stylized PATH
  arbitrary-nst make-shards --input FOLDER --output PREFIX [--images_per_shard 1000]
  arbitrary-nst train --config configs/NAME.yaml [--set train.learning_rate=1e-4 ...]
  arbitrary-nst export --method arbitrary|adain [--checkpoint RUN_DIR] --output DIR
  arbitrary-nst video --content IN.mp4|FOLDER --style PATH [...stylize flags...]
      [--temporal_weight 0.7] [--input_weight 0.8] --output OUT.mp4|FOLDER
  arbitrary-nst evaluate-video --content IN.mp4 --stylized OUT.mp4

``stylize`` writes the stylized image (atomically); ``evaluate`` prints one JSON line with
``content_loss``, ``style_loss`` and ``style_loss_mean_std`` (see ``arbitrary_nst.metrics``).
Bad input ends with one line ``arbitrary-nst: error: ...`` on stderr, exit status 1 and no
output file.
"""

import json
import os
import sys
import time

from absl import app, flags, logging

from arbitrary_nst import (config, control, data, export, feedforward, image_io, metrics,
                           progress, train, video)
from arbitrary_nst.errors import NSTError, UsageError

FLAGS = flags.FLAGS
COMMANDS = ("stylize", "evaluate", "make-shards", "train", "export", "video",
            "evaluate-video")

flags.DEFINE_string("content", None, "Content image.")
flags.DEFINE_multi_string("style", None, "Style image (multistyle: style index); repeat "
                          "the flag to blend several.")
flags.DEFINE_list("style_weights", None, "Blending weights, one per --style, e.g. 0.7,0.3.")
flags.DEFINE_enum("method", control.DEFAULT_METHOD, list(control.METHODS),
                  "Stylization method: gatys (optimisation), adain (any style image), "
                  "multistyle (26 built-in styles, --style 0..25), arbitrary (style "
                  "prediction + CIN, any style image), hub (a TF Hub module, "
                  "--hub_module).")
flags.DEFINE_string("hub_module", None, "hub: a SavedModel folder or TF Hub handle called "
                    "as module(content, style)[0].")
flags.DEFINE_string("checkpoint", None, "adain / multistyle: a training run directory "
                    "(arbitrary-nst train) to use instead of the shipped weights.")
flags.DEFINE_integer("size", 512, "Longest side of the output in pixels.")
flags.DEFINE_string("output", None, "Output image (.png, .jpg, .webp, .bmp, .tif).")
flags.DEFINE_string("mask", None, "Grayscale mask: white gets the first style; with one "
                    "style, black keeps the content.")
flags.DEFINE_boolean("preserve_color", False, "Keep the content image's colours.")
flags.DEFINE_enum("color_method", "luminance", ["luminance", "histogram"],
                  "How --preserve_color works: luminance-only transfer or colour matching.")
flags.DEFINE_float("alpha", 1.0, "Content/style trade-off for feed-forward methods.")
flags.DEFINE_float("style_scale", 1.0, "Size of the painting's strokes relative to the "
                   "output, the same at every --size (2 = twice as large, 0.5 = half). "
                   "Feed-forward methods render the look at --working_size / style_scale "
                   "px and add full-size detail; gatys resizes the style image to "
                   "style_scale times the content.")
flags.DEFINE_integer("working_size", None, "adain / multistyle / arbitrary / hub: long side "
                     "in px of the look at --style_scale 1 (default 512).")
flags.DEFINE_enum("detail", None, ["network", "photo", "none"], "adain / multistyle / "
                  "arbitrary / hub, outputs larger than the working size: fine detail from a "
                  "full-size pass of the network (default), from the photo, or none.")
flags.DEFINE_integer("tile_size", None, "adain / multistyle / arbitrary: images whose long "
                     "side is larger are rendered in tiles of this many pixels with "
                     "whole-image statistics (default 1024, adain 512; 0 = never tile).")
flags.DEFINE_integer("tile_overlap", None, "Overlap of neighbouring tiles in pixels "
                     "(default 128).")
flags.DEFINE_integer("steps", None, "Gatys: optimiser iterations per level (default 300).")
flags.DEFINE_float("content_weight", None, "Gatys: content weight alpha (default 1e4).")
flags.DEFINE_float("style_weight", None, "Gatys: style weight beta (default 1).")
flags.DEFINE_float("tv_weight", None, "Gatys: total variation weight (default 0).")
flags.DEFINE_enum("optimizer", None, ["lbfgs", "adam"], "Gatys: optimiser (default lbfgs).")
flags.DEFINE_float("learning_rate", None, "Gatys: Adam step size (default 0.02).")
flags.DEFINE_enum("init", None, ["content", "style", "noise"],
                  "Gatys: initial image (default content).")
flags.DEFINE_integer("levels", None, "Gatys: coarse-to-fine levels (default: 1 up to 512 "
                     "px, then one more per doubling of the size).")
flags.DEFINE_integer("coarse_steps", None, "Gatys: iterations at each coarser level "
                     "(default: same as --steps).")
flags.DEFINE_integer("seed", None, "Gatys: seed of the noise initialisation.")
flags.DEFINE_string("stylized", None, "evaluate: the stylized image to score.")
flags.DEFINE_string("vgg_weights", None, "VGG weights file (.h5/.npz); overrides the "
                    "search order described in arbitrary_nst/weights.py.")
flags.DEFINE_boolean("progress", True, "Show progress bars.")
flags.DEFINE_string("input", None, "make-shards: folder or glob of training images.")
flags.DEFINE_integer("images_per_shard", 1000, "make-shards: records per TFRecord shard.")
flags.DEFINE_string("config", None, "train: YAML experiment config.")
flags.DEFINE_float("temporal_weight", 0.7, "video: weight in [0, 1] of the warped previous "
                   "stylized frame in trusted (non-occluded) pixels; 0 = no temporal "
                   "consistency at all (input stabilization included).")
flags.DEFINE_float("input_weight", 0.8, "video: weight in [0, 1] of the warped previous "
                   "input frame blended into trusted pixels before stylizing (input "
                   "stabilization).")
flags.DEFINE_multi_string("set", [], "train: override a config key, e.g. data.batch_size=4.")

GATYS_FLAGS = ("steps", "coarse_steps", "content_weight", "style_weight", "tv_weight", "optimizer",
               "learning_rate", "init", "levels", "seed", "progress")


def _require(*names):
    for name in names:
        if not getattr(FLAGS, name):
            raise UsageError(f"--{name} is required")


def stylize_command():
    """Runs ``arbitrary-nst stylize``."""
    _require("content", "style", "output")
    image_io.check_save_path(FLAGS.output)
    content = image_io.load_image(FLAGS.content, size=_size())
    render = _renderer()
    start = time.perf_counter()
    image = render(content)
    image_io.save_image(FLAGS.output, image)
    logging.info("wrote %s (%dx%d) in %.1f s", FLAGS.output, image.shape[1], image.shape[0],
                 time.perf_counter() - start)


def _size():
    if FLAGS.size < 16:
        raise UsageError(f"--size {FLAGS.size}: expected at least 16")
    return FLAGS.size


def _renderer():
    """``content image -> stylized image`` from the style, method and control flags."""
    if control.METHODS[FLAGS.method].style_images:
        styles = [image_io.load_image(path) for path in FLAGS.style]
    else:
        styles = [_style_index(value) for value in FLAGS.style]
    mask = image_io.load_image(FLAGS.mask).mean(axis=-1) if FLAGS.mask else None
    weights = None
    if FLAGS.style_weights:
        try:
            weights = [float(w) for w in FLAGS.style_weights]
        except ValueError:
            raise UsageError(f"--style_weights {','.join(FLAGS.style_weights)}: expected "
                             "comma-separated numbers") from None
    options = {name: getattr(FLAGS, name) for name in GATYS_FLAGS
               if getattr(FLAGS, name) is not None and FLAGS.method == "gatys"}
    misplaced = [name for name in GATYS_FLAGS if name != "progress"
                 and getattr(FLAGS, name) is not None and FLAGS.method != "gatys"]
    if misplaced:
        raise UsageError(f"--{misplaced[0]} applies to --method gatys only "
                         f"(this run uses --method {FLAGS.method})")
    for name in feedforward.TILING_OPTIONS:
        if getattr(FLAGS, name) is not None:
            if name not in control.METHODS[FLAGS.method].options:
                raise UsageError(f"--{name} applies to --method adain, multistyle and "
                                 f"arbitrary only (this run uses --method {FLAGS.method})")
            options[name] = getattr(FLAGS, name)
    if FLAGS.checkpoint:
        options["checkpoint"] = FLAGS.checkpoint
    if FLAGS.hub_module:
        options["hub_module"] = FLAGS.hub_module
    def render(content, guide=None):
        extra = {}
        if guide is not None:  # Gatys in a video: start from and stay near the warped frame
            extra = {"init_image": guide[0], "temporal_target": guide[0],
                     "temporal_mask": guide[1],
                     "temporal_weight": FLAGS.temporal_weight}
        return control.stylize(
            content, styles, weights=weights, alpha=FLAGS.alpha, method=FLAGS.method,
            mask=mask, preserve_color=FLAGS.preserve_color, color_method=FLAGS.color_method,
            style_scale=FLAGS.style_scale, working_size=FLAGS.working_size,
            detail=FLAGS.detail, **options, **extra)

    return render


def video_command():
    """Runs ``arbitrary-nst video``: stylizes every frame, streaming, temporally blended."""
    _require("content", "style", "output")
    for name in ("temporal_weight", "input_weight"):
        if not 0.0 <= getattr(FLAGS, name) <= 1.0:
            raise UsageError(f"--{name} {getattr(FLAGS, name)}: expected 0 to 1")
    render = _renderer()
    frames = video.read_frames(FLAGS.content, _size())
    total = video.frame_count(FLAGS.content)
    with video.FrameWriter(FLAGS.output, video.frame_rate(FLAGS.content)) as writer, \
            progress.progress_bar(total, "video", FLAGS.progress) as bar:
        gatys = FLAGS.method == "gatys"
        for frame in video.stylize_video(
                frames, (render if gatys else lambda frame, guide: render(frame)),
                FLAGS.temporal_weight, FLAGS.input_weight, blend=not gatys):
            writer.write(frame)
            bar.update(1)
    logging.info("wrote %s: %d frames", FLAGS.output, writer.count)


def evaluate_video_command():
    """Runs ``arbitrary-nst evaluate-video``: prints the temporal instability as JSON."""
    _require("content", "stylized")
    value = video.instability(video.read_frames(FLAGS.content),
                              video.read_frames(FLAGS.stylized))
    print(json.dumps({"instability": value}))


def _style_index(value):
    try:
        return int(value)
    except ValueError:
        raise UsageError(f"--style {value}: method {FLAGS.method} takes style indices "
                         "(integers), not image paths") from None


def evaluate_command():
    """Runs ``arbitrary-nst evaluate`` and prints one JSON line."""
    _require("content", "style", "stylized")
    if len(FLAGS.style) != 1:
        raise UsageError(f"evaluate takes one --style, got {len(FLAGS.style)}")
    scores = metrics.evaluate_pair(*(image_io.load_image(path) for path in
                                     (FLAGS.content, FLAGS.style[0], FLAGS.stylized)))
    print(json.dumps(scores))


def make_shards_command():
    """Runs ``arbitrary-nst make-shards``: image folder -> TFRecord shards."""
    _require("input", "output")
    paths = data.write_shards(FLAGS.input, FLAGS.output, FLAGS.images_per_shard)
    logging.info("wrote %d shards: %s ... %s", len(paths), paths[0], paths[-1])


def export_command():
    """Runs ``arbitrary-nst export``: a TF Hub-style SavedModel of --method."""
    _require("output")
    path = export.export(FLAGS.method, FLAGS.output, FLAGS.checkpoint)
    logging.info("wrote %s: hub.load(path)(content, style)[0]", path)


def train_command():
    """Runs ``arbitrary-nst train``: trains (or resumes) the experiment of ``--config``."""
    _require("config")
    experiment = config.load_config(FLAGS.config, FLAGS.set)
    result = train.train(experiment, progress=FLAGS.progress)
    logging.info("stopped at step %d; checkpoints in %s", result["step"],
                 experiment.checkpoint.dir)


def main(argv):
    """Dispatches ``argv[1]`` to a command; NSTError becomes one line and exit status 1."""
    if len(argv) != 2 or argv[1] not in COMMANDS:
        extra = " ".join(argv[1:]) or "nothing"
        print(f"arbitrary-nst: error: expected one command ({', '.join(COMMANDS)}), got "
              f"{extra}; see --helpfull", file=sys.stderr)
        return 2
    if FLAGS.vgg_weights:
        os.environ["ARBITRARY_NST_VGG_WEIGHTS"] = FLAGS.vgg_weights
    try:
        {"stylize": stylize_command, "evaluate": evaluate_command,
         "make-shards": make_shards_command, "train": train_command,
         "export": export_command, "video": video_command,
         "evaluate-video": evaluate_video_command}[argv[1]]()
    except NSTError as exc:
        print(f"arbitrary-nst: error: {exc}", file=sys.stderr)
        return 1
    return 0


def run():
    """Console-script entry point."""
    app.run(main)


if __name__ == "__main__":
    run()
