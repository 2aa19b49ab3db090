"""Compares AdaIN decoders on the held-out pairs at the size users render: the before and
after table of a decoder round, the alpha strips and 2x crops.

  python experiments/adain_decoder_report.py --set "decoders=[runs/round1.npz, shipped]"

For each decoder (a ``.npz`` from ``experiments/ship_adain_decoder.py`` /
``train_adain_gpu.py``, a training run folder, or ``shipped``) and each held-out pair
(``experiments/common.PAIRS``), the photo at ``size`` px (long side) is stylized as
``arbitrary-nst stylize --method adain`` does, and scored with
:func:`arbitrary_nst.evaluation.metrics.evaluate_pair` (content loss, Gram style loss, SSIM of the
luminance); the ``arbitrary`` model is scored the same way as the yardstick. ``alpha 0
SSIM``: the luminance SSIM of the ``--alpha 0`` output against the photo (1 = the photo
comes back); ``chroma error``: how far its colours are from the photo's (0 = the same);
``colour leak``: :func:`arbitrary_nst.evaluation.metrics.colour_leak` of the alpha-1
output (how much of the photo's own colouring comes through, e.g. as a halo).

Settings: configs/experiments/adain_decoder_report.yaml. Writes
experiments/results/adain_decoder_report.md, adain_decoder_alpha.png (per decoder, the alpha
strip on the first pair) and adain_decoder_crops.png (central crops at 2x).
"""

import dataclasses
import os

import numpy as np
from absl import app
from common import PAIRS, asset, load_settings, result_path, write_report

import arbitrary_nst as nst
from arbitrary_nst.evaluation import metrics
from arbitrary_nst.io import image_io
from arbitrary_nst.schema import list_setting, setting

ALPHAS = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclasses.dataclass
class Settings:
    """configs/experiments/adain_decoder_report.yaml."""
    decoders: list[str] = list_setting(["shipped"])
    size: int = setting(512, low=32)
    crop: int = setting(192, low=16)
    figure_height: int = setting(200, low=16)  # height of each alpha-strip cell
    leak_crop_at: list[float] = list_setting([0.15, 0.6])  # top-left, fractions of H, W


def render_function(decoder):
    """``(content, style, alpha) -> image`` with ``decoder`` (see the module doc), as
    ``arbitrary-nst stylize --method adain [--checkpoint DECODER]`` renders."""
    options = {} if decoder == "shipped" else {"checkpoint": decoder}
    return lambda content, style, alpha: nst.stylize(content, [style], method="adain",
                                                     alpha=alpha, **options)


def chroma_error(image, reference):
    """Mean absolute difference of the YIQ chroma (I and Q) of two ``(H, W, 3)`` images in
    [0, 1]: 0 = the same colours (I spans about +-0.6, Q +-0.5)."""
    difference = image_io.rgb_to_yiq(image) - image_io.rgb_to_yiq(reference)
    return float(np.abs(difference[..., 1:]).mean())


def decoder_scores(render, pairs):
    """Means over ``pairs`` of :func:`arbitrary_nst.evaluation.metrics.evaluate_pair` at alpha 1
    (``content_loss``, ``style_loss``, ``ssim``), and of the ``--alpha 0`` output's
    luminance SSIM (``alpha0_ssim``) and :func:`chroma_error` (``alpha0_chroma``) against
    the photo."""
    rows = []
    for content, style in pairs:
        own, styled = render(content, style, 0.0), render(content, style, 1.0)
        rows.append(dict(metrics.evaluate_pair(content, style, styled),
                         alpha0_ssim=metrics.luminance_ssim(own, content),
                         alpha0_chroma=chroma_error(own, content),
                         leak=metrics.colour_leak(styled, content)))
    return {key: float(np.mean([row[key] for row in rows]))
            for key in ("content_loss", "style_loss", "ssim", "alpha0_ssim", "alpha0_chroma",
                        "leak")}


def main(argv):
    del argv
    settings = load_settings(Settings, "adain_decoder_report")
    pairs = [(nst.load_image(asset(c), size=settings.size), nst.load_image(asset(s)))
             for c, s in PAIRS]
    lines = ["# AdaIN decoders on the held-out pairs", "",
             f"Photos at {settings.size} px (long side), paintings as loaded, "
             "`arbitrary_nst.evaluation.metrics` scores (lower losses: closer), luminance "
             "SSIM to the "
             "photo at alpha 1 and at alpha 0, the alpha-0 output's chroma error (mean "
             "absolute difference of YIQ's I and Q to the photo's) and the alpha-1 output's "
             "colour leak (correlation of its I and Q with the photo's: the photo's colours "
             "coming through the decoder, as the halo around the cat); means over the pairs "
             + ", ".join(f"{os.path.basename(c)} x {os.path.basename(s)}" for c, s in PAIRS)
             + ".", "",
             "| model | content loss | style loss (Gram) | SSIM, alpha 1 | SSIM, alpha 0 | "
             "chroma error, alpha 0 | colour leak, alpha 1 |",
             "|---|---|---|---|---|---|---|"]
    strips, crops, leaks = [], [], []
    models = [(os.path.basename(os.path.normpath(name)), render_function(name))
              for name in settings.decoders]
    models.append(("arbitrary (yardstick)", lambda content, style, alpha: nst.stylize(
        content, [style], method="arbitrary", alpha=alpha)))
    for name, render in models:
        mean = decoder_scores(render, pairs)
        lines.append(f"| {name} | {mean['content_loss']:.4g} | {mean['style_loss']:.4g} | "
                     f"{mean['ssim']:.3f} | {mean['alpha0_ssim']:.3f} | "
                     f"{mean['alpha0_chroma']:.4f} | {mean['leak']:.3f} |")
        print(lines[-1], flush=True)
        content, style = pairs[0]
        outputs = {alpha: np.clip(render(content, style, alpha), 0, 1) for alpha in ALPHAS}
        strips.append([content] + [outputs[a] for a in ALPHAS])
        side = settings.crop // 2
        top, left = content.shape[0] // 2 - side // 2, content.shape[1] // 2 - side // 2
        crops.append([image_io.resize(image[top:top + side, left:left + side],
                                      settings.crop, settings.crop)
                      for image in (content, outputs[1.0])])
        top, left = (int(f * n) for f, n in zip(settings.leak_crop_at, content.shape[:2]))
        leaks.append([image[top:top + settings.crop, left:left + settings.crop]
                      for image in (content, outputs[1.0])])
    labels = [name for name, _ in models]
    nst.save_image(result_path("adain_decoder_alpha.png"), nst.make_grid(
        strips, height=settings.figure_height, row_labels=labels,
        column_labels=["photo"] + [f"alpha {alpha:g}" for alpha in ALPHAS]))
    nst.save_image(result_path("adain_decoder_crops.png"), nst.make_grid(
        crops, row_labels=labels, column_labels=["photo, 2x", "alpha 1, 2x"]))
    nst.save_image(result_path("adain_decoder_leak.png"), nst.make_grid(
        leaks, row_labels=labels, column_labels=["photo", "alpha 1"]))
    lines += ["", "Figures: `adain_decoder_alpha.png` (the alpha strip of the first pair "
              "per model), `adain_decoder_crops.png` (its central crop, enlarged 2x), "
              "`adain_decoder_leak.png` (a crop at `leak_crop_at` at 1x: where the photo's "
              "colour comes through around its subject)."]
    write_report("adain_decoder_report.md", lines)


if __name__ == "__main__":
    app.run(main)
