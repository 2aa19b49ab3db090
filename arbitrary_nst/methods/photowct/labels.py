"""Label maps for PhotoWCT's region correspondence (Li et al. 2018): two images of
labels, one the photo's and one the reference's; pixels of the same colour in both are
matched regions (sky to sky, building to building), each transferred on its own. No
TensorFlow.

A label map is an ``(H, W, 3)`` image in [0, 1] (a PNG with flat colours); its aspect
ratio must be its image's (it is resized, nearest neighbour, to the size rendered), and
every colour of one map must be in the other.
"""

import cv2
import numpy as np

from arbitrary_nst.errors import UsageError


def label_ids(labels):
    """``(H, W)`` int32: each pixel's colour as one number (8 bits per channel)."""
    rgb = np.round(np.clip(np.asarray(labels, np.float32)[..., :3], 0, 1) * 255).astype(np.int32)
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


def _check_aspect(labels, shape, name, image):
    height, width = labels.shape[:2]
    if abs(height / width - shape[0] / shape[1]) > 2.0 / min(shape[:2]) + 2.0 / min(height,
                                                                                  width):
        raise UsageError(f"{name} is {width}x{height} but {image} is {shape[1]}x{shape[0]}: "
                         "expected a label map of its image's size")


def _colour(label):
    return f"({label >> 16}, {(label >> 8) & 255}, {label & 255})"


def matched_regions(content_labels, style_labels, content_shape, style_shape):
    """``[(photo mask (H, W), reference mask (h, w))]``, float32 0/1, one pair per label,
    at ``content_shape`` and ``style_shape``.

    Raises:
      UsageError: a map whose aspect ratio is not its image's, or a label (colour) in one
        map and not in the other (the message names it).
    """
    _check_aspect(content_labels, content_shape, "content_labels", "the photo")
    _check_aspect(style_labels, style_shape, "style_labels", "the reference")
    content = cv2.resize(label_ids(content_labels), content_shape[1::-1],
                         interpolation=cv2.INTER_NEAREST)
    style = cv2.resize(label_ids(style_labels), style_shape[1::-1],
                       interpolation=cv2.INTER_NEAREST)
    content_set, style_set = set(np.unique(content)), set(np.unique(style))
    for name, missing in (("content_labels", content_set - style_set),
                          ("style_labels", style_set - content_set)):
        if missing:
            other = "style_labels" if name == "content_labels" else "content_labels"
            raise UsageError(f"{name} has the label {_colour(min(missing))} that {other} "
                             "lacks: every label needs a region in both images")
    return [((content == label).astype(np.float32), (style == label).astype(np.float32))
            for label in sorted(content_set)]
