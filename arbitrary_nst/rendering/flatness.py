"""Flat (textureless) images: what the methods give for them.

The feed-forward networks normalise their features per image (instance normalisation,
AdaIN), dividing by a standard deviation. A flat photo (one colour, e.g. all black) has
none: the networks see no structure and no brightness, so black and white photos came
out as the same kind of flat tint, and a flat painting gave AdaIN a target contrast of
zero, so the photo vanished. What the methods do instead:

* **Flat content** (feed-forward methods): the output is flat too, in the colour the
  method paints at the photo's luminance, so a black photo stays black, a white one
  white, and brightness order is kept. The colour is the mean of the network's render of
  the photo with a fixed grain added (:func:`grained`): a flat photo itself is no input
  to render, as its normalised features are rounding noise (the colour it gave changed
  with the CPU's kernels and with a 1/255 step of the photo). Gatys optimises the photo's
  pixels (no division by a deviation) and paints the painting's texture over it.
* **Flat style**: a one-line warning (only its colours can transfer). AdaIN keeps the
  photo's own feature contrast with the painting's feature means, so the photo's
  structure stays; the other methods keep it by themselves.
* **Flat regions** inside a textured image need nothing: the statistics are the whole
  image's.

An image is flat when every channel's standard deviation is under :data:`FLAT_STD`.
Images are float32 ``(H, W, 3)`` RGB in [0, 1].
"""

import numpy as np
from absl import logging

from arbitrary_nst.io import image_io

FLAT_STD = 2.0 / 255.0
"""Largest per-channel pixel standard deviation of a flat image: under 2 levels of an
8-bit image (JPEG noise on a plain colour stays under it)."""
SAMPLED_SIDE = 512
"""Flatness is measured on a grid of at most this many pixels per side."""


def pixel_std(image):
    """Largest per-channel standard deviation of ``image`` ``(H, W, C)``, on a
    subsampled grid (at most :data:`SAMPLED_SIDE` per side)."""
    image = np.asarray(image)
    step = max(1, max(image.shape[:2]) // SAMPLED_SIDE)
    sample = image[::step, ::step].reshape(-1, image.shape[-1]).astype(np.float64)
    return float(sample.std(axis=0).max())


def is_flat(image):
    """True when ``image`` ``(H, W, C)`` has (almost) no texture: :func:`pixel_std` under
    :data:`FLAT_STD`."""
    return pixel_std(image) < FLAT_STD


GRAIN_STD = 0.05
"""Standard deviation of :func:`grained`'s noise (pixel values in [0, 1])."""


def grained(image):
    """``image`` ``(H, W, 3)`` plus a fixed Gaussian grain (:data:`GRAIN_STD`, seed 0),
    clipped to [0, 1]: what a feed-forward network renders for a flat photo."""
    noise = np.random.default_rng(0).normal(0.0, GRAIN_STD, np.shape(image))
    return np.clip(image + noise.astype(np.float32), 0.0, 1.0)


def flat_rendering(stylized, content):
    """The output for a flat ``content``: ``stylized``'s mean colour (the render of
    :func:`grained` ``content``) at ``content``'s mean
    luminance (YIQ), its chroma scaled down just enough to stay within [0, 1] (a black
    photo stays black). Float32, the shape of ``content``."""
    colour = np.asarray(stylized, np.float32).reshape(-1, 3).mean(axis=0)
    brightness = float(image_io.rgb_to_yiq(np.asarray(content, np.float32))[..., 0].mean())
    yiq = image_io.rgb_to_yiq(colour)
    grey = np.full(3, brightness, np.float32)
    # The RGB change the colour's I and Q make on top of the grey.
    chroma = image_io.yiq_to_rgb(np.array([0.0, yiq[1], yiq[2]], np.float32), clip=False)
    room = np.where(chroma > 0, (1.0 - grey) / np.maximum(chroma, 1e-12),
                    np.where(chroma < 0, grey / np.maximum(-chroma, 1e-12), np.inf))
    pixel = grey + min(1.0, float(room.min())) * chroma
    return np.broadcast_to(np.clip(pixel, 0.0, 1.0).astype(np.float32), content.shape).copy()


def warn_flat_styles(styles):
    """Logs a one-line warning for each flat style image in ``styles`` (arrays; indices
    of built-in styles are skipped)."""
    for index, style in enumerate(styles):
        if hasattr(style, "shape") and is_flat(style):
            logging.warning("style image %d of %d has almost no texture (pixel std %.4f < "
                            "%.4f): only its colours can transfer", index + 1, len(styles),
                            pixel_std(style), FLAT_STD)
