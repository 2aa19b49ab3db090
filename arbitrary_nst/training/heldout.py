"""Held-out evaluation while a pair model (adain, arbitrary) trains.

The config's ``eval`` section names (photo, painting) pairs kept out of training; every
``eval.every_steps`` steps the trainer renders each pair and writes to TensorBoard, under
``heldout/``, the means over the pairs of :func:`arbitrary_nst.evaluation.metrics.evaluate_pair`'s
``content_loss``, ``style_loss`` (Gram), ``style_loss_mean_std`` and ``ssim`` (the
scores of ``experiments/compare_methods.py``), plus ``identity_ssim``: the luminance SSIM
against the photo of the photo rendered with its own style (AdaIN's ``alpha=0``, the
arbitrary model's own style vector), 1 = the photo comes back. The image
``heldout/pairs`` shows photo | painting | output | identity, one row per pair.

Images are the central square of each file, resized to ``eval.size`` px.
"""

import numpy as np
import tensorflow as tf

from arbitrary_nst.evaluation import metrics
from arbitrary_nst.io import image_io


def _square(path, size):
    image = image_io.load_image(path)
    height, width = image.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    return image_io.resize(image[top:top + side, left:left + side], size, size)


class HeldOut:
    """The held-out pairs of ``config.eval``, loaded once.

    Raises:
      ImageError: a file cannot be read (the message names it).
    """

    def __init__(self, eval_config):
        self.pairs = [(_square(c, eval_config.size), _square(s, eval_config.size))
                      for c, s in zip(eval_config.content, eval_config.style)]

    def evaluate(self, render, identity):
        """Scores ``render(content, style) -> output`` (each ``(1, S, S, 3)``) on the pairs;
        ``identity(content)`` renders the photo with its own style.

        Returns ``(means, grid)``: ``{metric: mean over pairs}`` and a ``(1, P*S, 4*S, 3)``
        image of the pairs' photo, painting, output and identity rendering.
        """
        rows, grid = [], []
        for content, style in self.pairs:
            output = np.asarray(render(content[None], style[None]))[0]
            own = np.asarray(identity(content[None]))[0]
            scores = metrics.evaluate_pair(content, style, output)
            scores["identity_ssim"] = metrics.luminance_ssim(own, content)
            rows.append(scores)
            grid.append(np.concatenate([content, style, output, own], axis=1))
        means = {key: float(np.mean([row[key] for row in rows])) for key in rows[0]}
        return means, np.concatenate(grid, axis=0)[None]

    def write_summaries(self, render, identity, step):
        """:meth:`evaluate`, written to the default summary writer at ``step``; returns
        the means."""
        means, grid = self.evaluate(render, identity)
        for key, value in means.items():
            tf.summary.scalar(f"heldout/{key}", value, step=step)
        tf.summary.image("heldout/pairs", grid, step=step)
        return means
