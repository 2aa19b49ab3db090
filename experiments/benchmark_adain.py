"""Benchmark of the feed-forward networks on this machine; prints figures and writes a
Markdown table.

1. A plain 3x3 convolution (256 -> 256 channels, 1x128x128, float32) timed in the same
   run: the GFLOP/s TensorFlow reaches here, the yardstick.
2. AdaIN stylization (shipped decoder, VGG16 encoder: content and style encoded, AdaIN,
   decoded) of square images at each ``sizes`` px: median wall time of ``repeats``
   calls after a warm-up, the floating-point operations TensorFlow's profiler counts in
   that graph, and achieved GFLOP/s as a fraction of the plain convolution's.
   The same at ``alpha=0.5``, where the detail branch runs too (at alpha 1 it does
   not); the 26-style network (lite shape) is timed the same way for comparison.
3. AdaIN training steps/s at batch 8, 256 px crops (the paper's setting, on the shared
   images) and with the tiny CI config, from the trainer's own median step time.

Settings: configs/experiments/benchmark_adain.yaml. Writes experiments/results/benchmark_adain.md.
Usage: python experiments/benchmark_adain.py [--assets ../shared/assets] [--set sizes=[256]]
"""

import dataclasses
import os
import platform
import tempfile
import time

import numpy as np
import tensorflow as tf
from absl import app
from common import asset, load_settings, write_report

from arbitrary_nst import SAMPLES_DIR
from arbitrary_nst.io import image_io
from arbitrary_nst.methods.adain import weights as adain_weights
from arbitrary_nst.methods.multistyle import weights as multistyle_weights
from arbitrary_nst.schema import list_setting, setting
from arbitrary_nst.training.config import load_config
from arbitrary_nst.training.train import train


@dataclasses.dataclass
class Settings:
    """configs/experiments/benchmark_adain.yaml."""
    sizes: list[int] = list_setting([256, 512, 1024])
    repeats: int = setting(3, low=1)
    train_steps: int = setting(4, low=2)

ROOT = os.path.join(os.path.dirname(__file__), "..")


def median_seconds(repeats, function, *args):
    function(*args)  # warm-up: tracing and allocation
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def counted_gflop(function, *args):
    graph = function.get_concrete_function(*args).graph
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    return tf.compat.v1.profiler.profile(graph, options=options).total_float_ops / 1e9


def plain_conv_gflops(repeats):
    images = tf.random.uniform((1, 128, 128, 256))
    kernel = tf.random.uniform((3, 3, 256, 256))
    conv = tf.function(lambda x: tf.nn.conv2d(x, kernel, 1, "SAME"))
    gflop = 2 * 128 * 128 * 9 * 256 * 256 / 1e9
    return gflop / median_seconds(repeats, conv, images)


def training_seconds_per_step(config_path, overrides, steps):
    with tempfile.TemporaryDirectory() as run_dir:
        config = load_config(config_path, [*overrides, f"checkpoint.dir={run_dir}",
                                           f"train.steps={steps}",
                                           "checkpoint.every_steps=100000"])
        return train(config, progress=False)["seconds_per_step"], config


def main(argv):
    del argv
    settings = load_settings(Settings, "benchmark_adain")
    content_full = image_io.load_image(os.path.join(SAMPLES_DIR, "brandenburg_gate.jpg"))
    style_full = image_io.load_image(os.path.join(SAMPLES_DIR, "starry_night.jpg"))
    adain, multistyle = adain_weights.shipped(), multistyle_weights.shipped()
    adain_fn = tf.function(lambda c, s: adain.transfer(c, *adain.style_statistics(s)))
    adain_half_fn = tf.function(lambda c, s: adain.transfer(c, *adain.style_statistics(s),
                                                            alpha=0.5))
    weights = tf.one_hot([3], 26)
    # The transformer itself (square sides here are multiples of 4): the profiler does not
    # count inside the compiled MultiStyle.stylize.
    multistyle_fn = tf.function(lambda c: multistyle.transformer([c, weights]))
    peak = plain_conv_gflops(settings.repeats)
    print(f"plain 3x3 conv: {peak:.1f} GFLOP/s", flush=True)
    lines = ["# Feed-forward benchmark", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores, no GPU, "
             f"TensorFlow {tf.__version__}, float32, batch 1. Plain 3x3 convolution "
             f"(256->256 channels, 128x128) in the same run: **{peak:.1f} GFLOP/s**.", "",
             "| network | size | ms / image | GFLOP (profiler) | GFLOP/s | of plain conv |",
             "|---|---|---|---|---|---|"]
    for size in settings.sizes:
        content = tf.constant(image_io.resize(content_full, size, size)[None])
        style = tf.constant(image_io.resize(style_full, size, size)[None])
        for name, function, args in (("AdaIN (content + style + decode)", adain_fn,
                                      (content, style)),
                                     ("AdaIN at alpha 0.5 (+ detail branch)", adain_half_fn,
                                      (content, style)),
                                     ("multistyle lite (26 styles)", multistyle_fn,
                                      (content,))):
            seconds = median_seconds(settings.repeats, function, *args)
            gflop = counted_gflop(function, *args)
            rate = gflop / seconds
            print(f"{name} {size} px: {seconds * 1e3:.0f} ms, {gflop:.1f} GFLOP, "
                  f"{rate:.1f} GFLOP/s ({rate / peak:.0%})", flush=True)
            lines.append(f"| {name} | {size} | {seconds * 1e3:.0f} | {gflop:.1f} | "
                         f"{rate:.1f} | {rate / peak:.0%} |")
    lines += ["", "| training config | batch | crop | s / step | steps / s |",
              "|---|---|---|---|---|"]
    for label, path, overrides in (
            ("adain_tiny.yaml", "configs/adain_tiny.yaml", []),
            ("adain_paper.yaml on ../shared/assets", "configs/adain_paper.yaml",
             [f"data.content={asset('content')}", f"data.style={asset('styles')}"])):
        seconds, config = training_seconds_per_step(os.path.join(ROOT, path), overrides,
                                                     settings.train_steps)
        print(f"train {label}: {seconds:.2f} s/step", flush=True)
        lines.append(f"| {label} | {config.data.batch_size} | {config.data.crop} | "
                     f"{seconds:.2f} | {1 / seconds:.2f} |")
    write_report("benchmark_adain.md", lines)


if __name__ == "__main__":
    app.run(main)
