"""Which blend of styles goes where: :class:`Region`, and regions from a mask.

Masks: a grayscale image, white = 1. With one style, white regions get the style and black
regions keep the content. With N >= 2 styles, gray levels spread over the styles: style k
owns the level ``1 - k / (N - 1)`` (first style on white, last on black) with linear
cross-fades between neighbouring levels. No TensorFlow.
"""

import dataclasses

import numpy as np

from arbitrary_nst.errors import UsageError


@dataclasses.dataclass
class Region:
    """A part of the image that gets one blend of styles (or no style).

    Attributes:
      mask: float ``(H, W)`` in [0, 1] at content resolution, or None for the whole image.
      style_weights: one weight per style image (summing to 1); None means no style here.
    """
    mask: np.ndarray = None
    style_weights: tuple = None


def normalize_weights(weights, count):
    """Checks ``count`` non-negative weights and scales them to sum to 1 (None: equal).

    Raises:
      UsageError: another number of weights, a negative or non-finite one, or all 0.
    """
    if weights is None:
        return tuple([1.0 / count] * count)
    weights = [float(w) for w in weights]
    if len(weights) != count:
        raise UsageError(f"style_weights has {len(weights)} values for {count} style images")
    if any(w < 0 or not np.isfinite(w) for w in weights) or sum(weights) <= 0:
        raise UsageError(f"style_weights {weights}: expected non-negative numbers, not all 0")
    return tuple(w / sum(weights) for w in weights)


def mask_regions(mask, style_count):
    """Splits a grayscale mask ``(H, W)`` in [0, 1] into one :class:`Region` per style.

    With one style: the style on ``mask``, no style on ``1 - mask``. With N styles: style k
    gets membership ``max(0, 1 - |mask - (1 - k/(N-1))| * (N-1))``; memberships sum to 1.
    """
    mask = np.clip(np.asarray(mask, np.float32), 0.0, 1.0)
    if style_count == 1:
        return [Region(mask, (1.0,)), Region(1.0 - mask, None)]
    regions = []
    for k in range(style_count):
        center = 1.0 - k / (style_count - 1)
        membership = np.maximum(0.0, 1.0 - np.abs(mask - center) * (style_count - 1))
        one_hot = tuple(1.0 if j == k else 0.0 for j in range(style_count))
        regions.append(Region(membership.astype(np.float32), one_hot))
    return regions
