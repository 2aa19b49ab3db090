"""Start-up and batch overhead of the command, as a user meets it.

1. ``python -c "import tensorflow"``, ``arbitrary-nst --help`` and the default 512 px
   stylization of the bundled pair (the Quickstart command), each a fresh process timed
   the same way (from start to exit, teardown included), median of ``repeats``: the
   stylization's whole-process time over TensorFlow's import.
2. ``arbitrary-nst batch`` of ``batch_photos`` shared photos x 1 painting at ``size`` px in
   one process, against the sum of the per-image times of the same renders in one
   warmed-up Python process plus one start-up (the default stylization's process time
   minus its in-process render time).

Writes experiments/results/benchmark_startup.md.
Usage: python experiments/benchmark_startup.py [--set repeats=1] [--set batch_photos=5]
"""

import dataclasses
import glob
import os
import statistics
import subprocess
import sys
import tempfile
import time

from absl import app
from common import asset, load_settings, write_report

import arbitrary_nst as nst
from arbitrary_nst.schema import setting


@dataclasses.dataclass
class Settings:
    """configs/experiments/benchmark_startup.yaml."""
    repeats: int = setting(5, low=1)
    batch_photos: int = setting(20, low=1)
    style: str = "styles/hokusai_the_great_wave_off_kanagawa.jpg"
    size: int = setting(512, low=32)


def seconds_of(command):
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main(argv):
    del argv
    settings = load_settings(Settings, "benchmark_startup")
    content = os.path.join(nst.SAMPLES_DIR, "brandenburg_gate.jpg")
    style = os.path.join(nst.SAMPLES_DIR, "starry_night.jpg")
    command = [sys.executable, "-m", "arbitrary_nst.cli"]  # as the console script runs
    with tempfile.TemporaryDirectory() as folder:
        output = os.path.join(folder, "stylized.png")
        runs = {
            "python -c 'import tensorflow'": lambda: seconds_of(
                [sys.executable, "-c", "import tensorflow"]),
            "arbitrary-nst --help": lambda: seconds_of([*command, "--help"]),
            "arbitrary-nst stylize (bundled pair, 512 px)": lambda: seconds_of(
                [*command, "stylize", "--content", content, "--style", style,
                 "--output", output]),
        }
        medians = {name: statistics.median(run() for _ in range(settings.repeats))
                   for name, run in runs.items()}
        photos = sorted(glob.glob(asset("content/*.jpg")))[:settings.batch_photos]
        batch_seconds = seconds_of([*command, "batch", "--content", *photos, "--style",
                                    asset(settings.style), "--size", str(settings.size),
                                    "--output", os.path.join(folder, "batch"),
                                    "--noprogress"])
    painting = nst.load_image(asset(settings.style))
    images = [nst.load_image(path, size=settings.size) for path in photos]
    nst.stylize(images[0], [painting])  # warm-up: weights, tracing
    per_image = []
    for image in images:
        start = time.perf_counter()
        nst.stylize(image, [painting])
        per_image.append(time.perf_counter() - start)
    render = statistics.median(per_image)
    sample = nst.load_image(content, size=512)
    start = time.perf_counter()
    nst.stylize(sample, [nst.load_image(style)])
    start_up = medians["arbitrary-nst stylize (bundled pair, 512 px)"] - (
        time.perf_counter() - start)
    tensorflow = medians["python -c 'import tensorflow'"]
    lines = ["# Start-up and batch overhead", "",
             f"Fresh processes, median of {settings.repeats}; this machine (2 cores, no GPU).",
             "", "| command | seconds |", "|---|---|"]
    lines += [f"| `{name}` | {value:.2f} |" for name, value in medians.items()]
    default = medians["arbitrary-nst stylize (bundled pair, 512 px)"]
    lines += ["", f"Default stylization over TensorFlow's import: {default / tensorflow:.2f}.",
              "", f"Batch: {len(photos)} photos x 1 painting at {settings.size} px in one "
              f"process: {batch_seconds:.1f} s; the same renders in a warmed-up process: "
              f"{sum(per_image):.1f} s (median {render:.2f} s per image), plus one start-up "
              f"({start_up:.1f} s) = {sum(per_image) + start_up:.1f} s; ratio "
              f"{batch_seconds / (sum(per_image) + start_up):.2f}."]
    write_report("benchmark_startup.md", lines)


if __name__ == "__main__":
    app.run(main)
