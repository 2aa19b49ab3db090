"""Runners of the feed-forward methods for :func:`arbitrary_nst.control.stylize`.

Each has the signature ``run(content, styles, regions, options) -> image`` of
:data:`arbitrary_nst.control.METHODS`: ``content`` float32 ``(H, W, 3)`` in [0, 1],
``regions`` a list of :class:`~arbitrary_nst.optimize.Region` (mask ``(H, W)`` or None,
and the blend of ``styles`` it gets, or None for no style).

* ``adain``: ``styles`` are images. A blend mixes the styles' relu4_1 means and standard
  deviations with the weights (the same as the weighted sum of the AdaIN outputs);
  regions are blended in feature space; ``alpha`` trades style for content.
* ``multistyle``: ``styles`` are indices into the network's N styles; a blend is a
  convex mix of the CIN parameters; regions are rendered separately and composited.
* ``arbitrary`` (Ghiasi et al. 2017): ``styles`` are images; a blend is the weighted mean
  of their 100-d style vectors; ``alpha`` interpolates toward the content's own vector;
  regions are rendered separately and composited.

``options["checkpoint"]``: a training run directory (``arbitrary-nst train``) to load
instead of the shipped weights.
"""

import numpy as np
import tensorflow as tf

from arbitrary_nst import pretrained, tasks
from arbitrary_nst.errors import UsageError


def run_adain(content, styles, regions, options):
    """AdaIN with blending, regions and ``options["alpha"]``."""
    checkpoint = options.get("checkpoint")
    model = tasks.load_model(checkpoint, "adain") if checkpoint else pretrained.adain()
    statistics = [model.style_statistics(style[None]) for style in styles]
    own = model.style_statistics(content[None])
    means, stds = [], []
    for region in regions:
        if region.style_weights is None:  # keeps the content's own statistics
            mean, std = own
        else:
            mean = sum(w * s[0] for w, s in zip(region.style_weights, statistics))
            std = sum(w * s[1] for w, s in zip(region.style_weights, statistics))
        means.append(mean)
        stds.append(std)
    masks = None
    if regions[0].mask is not None:
        masks = np.stack([region.mask for region in regions])
    output = model.transfer(content[None], tf.concat(means, 0), tf.concat(stds, 0),
                            options.get("alpha", 1.0), masks)
    return output.numpy()[0]


def run_multistyle(content, styles, regions, options):
    """The N-style network with blending and regions; ``styles`` are style indices."""
    checkpoint = options.get("checkpoint")
    model = (tasks.load_model(checkpoint, "multistyle") if checkpoint
             else pretrained.multistyle26())
    for index in styles:
        if not 0 <= index < model.num_styles:
            raise UsageError(f"style index {index}: this network has styles 0 to "
                             f"{model.num_styles - 1}")
    def render(style_weights):
        vector = np.zeros((1, model.num_styles), np.float32)
        for index, weight in zip(styles, style_weights):
            vector[0, index] += weight
        return model.stylize(content[None], vector).numpy()[0]

    return composite(content, regions, render)


def composite(content, regions, render):
    """Sums ``render(region.style_weights)`` weighted by each region's mask (the content
    itself where a region has no style); one region without a mask is just rendered."""
    output = np.zeros_like(content)
    for region in regions:
        rendered = content if region.style_weights is None else render(region.style_weights)
        output += (1.0 if region.mask is None else region.mask[..., None]) * rendered
    return output


def run_arbitrary(content, styles, regions, options):
    """Ghiasi et al.'s model: blends and ``alpha`` act on the 100-d style vectors (alpha
    interpolates toward the content image's own vector); regions are composited."""
    checkpoint = options.get("checkpoint")
    model = (tasks.load_model(checkpoint, "arbitrary") if checkpoint
             else pretrained.arbitrary())
    vectors = [model.style_vector(style[None]) for style in styles]
    alpha = options.get("alpha", 1.0)
    own = model.style_vector(content[None]) if alpha != 1.0 else None
    def render(style_weights):
        vector = sum(w * v for w, v in zip(style_weights, vectors))
        if own is not None:
            vector = alpha * vector + (1.0 - alpha) * own
        return model.stylize(content[None], vector).numpy()[0]

    return composite(content, regions, render)
