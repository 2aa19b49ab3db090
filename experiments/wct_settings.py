"""How WCT's settings trade style for content on the held-out pairs: the number of
levels (``--depth``) and ``alpha`` (every combination, at the shipped whitening ridge),
then the ridge (``arbitrary_nst.methods.wct.transform.RIDGE``, each of ``ridges`` at the
deepest depth and alpha 1), each scored like every method
(:func:`arbitrary_nst.evaluation.metrics.evaluate_pair`: content loss, Gram style loss)
at ``size`` px, beside the default ``arbitrary`` model's.

  python experiments/wct_settings.py [--set "depths=[4,5]"] [--assets ../shared/assets]

Writes ``experiments/results/wct_settings.md`` (means over the pairs of
``experiments/common.PAIRS``; seconds: the stylization after a warm-up, one run per pair,
the median over the pairs; ``compare_methods_512`` times the default three times).
"""

import dataclasses
import itertools

import numpy as np
from absl import app
from common import PAIRS, asset, load_settings, write_report

import arbitrary_nst as nst
from arbitrary_nst.evaluation import metrics
from arbitrary_nst.methods.wct import transform
from arbitrary_nst.schema import list_setting, setting


@dataclasses.dataclass
class Settings:
    """configs/experiments/wct_settings.yaml."""
    size: int = setting(512, low=32)
    depths: list[int] = list_setting([3, 4, 5])
    alphas: list[float] = list_setting([0.6, 0.8, 1.0])
    ridges: list[float] = list_setting([1e-4, 1e-2])


def scores(function, pairs):
    """Mean content loss, Gram style loss and median seconds (one run each) of ``function``
    over pairs."""
    rows, seconds = [], []
    function(*pairs[0])  # warm-up
    for content, style in pairs:
        output, spent = metrics.median_time(function, content, style, repeats=1)
        rows.append(metrics.evaluate_pair(content, style, output))
        seconds.append(spent)
    return (float(np.mean([r["content_loss"] for r in rows])),
            float(np.mean([r["style_loss"] for r in rows])), float(np.median(seconds)))


def main(argv):
    del argv
    settings = load_settings(Settings, "wct_settings")
    pairs = [(nst.load_image(asset(c), size=settings.size), nst.load_image(asset(s)))
             for c, s in PAIRS]
    reference = scores(lambda c, s: nst.stylize(c, [s], working_size=settings.size), pairs)
    lines = ["# WCT's settings on the held-out pairs", "",
             f"Held-out pairs at {settings.size} px; content and Gram style loss of "
             "`arbitrary_nst.evaluation.metrics.evaluate_pair` (means over the pairs) and "
             "their ratios to the default `arbitrary` model's; seconds: the stylization "
             "alone after a warm-up, one run per pair, median over the pairs.", "",
             f"`arbitrary`: content {reference[0]:.4g}, style {reference[1]:.4g}, "
             f"{reference[2]:.2f} s.", "",
             "| depth | alpha | ridge | content | style | content / arbitrary's | "
             "style / arbitrary's | seconds |", "|---|---|---|---|---|---|---|---|"]
    shipped_ridge = transform.RIDGE
    grid = [(shipped_ridge, depth, alpha)
            for depth, alpha in itertools.product(settings.depths, settings.alphas)]
    grid += [(ridge, max(settings.depths), 1.0) for ridge in settings.ridges
             if ridge != shipped_ridge]
    for ridge, depth, alpha in grid:
        transform.RIDGE = ridge
        content_loss, style_loss, seconds = scores(
            lambda c, s: nst.stylize(c, [s], method="wct", alpha=alpha, depth=depth,
                                     working_size=settings.size), pairs)
        lines.append(f"| {depth} | {alpha:g} | {ridge:g} | {content_loss:.4g} | "
                     f"{style_loss:.4g} | {content_loss / reference[0]:.2f} | "
                     f"{style_loss / reference[1]:.2f} | {seconds:.2f} |")
        print(lines[-1], flush=True)
    write_report("wct_settings.md", lines)


if __name__ == "__main__":
    app.run(main)
