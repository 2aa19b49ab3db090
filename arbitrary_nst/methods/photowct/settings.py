"""Settings of PhotoWCT (no TensorFlow): :class:`PhotoWCTSettings`."""

import dataclasses

from arbitrary_nst.errors import UsageError
from arbitrary_nst.methods.settings import FeedForwardSettings, option
from arbitrary_nst.methods.wct.settings import check_depth, levels_of

SMOOTHINGS = ("fast", "exact", "none")
DEEPEST = 4
"""relu4_1: the deepest level there is a decoder for (the paper's four levels)."""
LEVELS = levels_of(DEEPEST)
"""relu4_1 ... relu1_1, coarse to fine (the paper's four)."""


@dataclasses.dataclass(frozen=True)
class PhotoWCTSettings(FeedForwardSettings):
    """:class:`FeedForwardSettings` and

    Attributes:
      smoothing: the smoothing step after the transform
        (:mod:`arbitrary_nst.methods.photowct.smoothing`): "fast" (guided filter), "exact"
        (the closed-form solve) or "none".
      depth: levels of the coarse-to-fine transform, relu{depth}_1 first.
      content_labels, style_labels: label maps ``(H, W, 3)`` of the photo and of the
        reference (equal colours = matched regions, e.g. sky to sky), each the size of
        its image, or None (the whole images); see
        :mod:`arbitrary_nst.methods.photowct.labels`. On the command line, PNG paths.
    """
    smoothing: str = option("fast", "the smoothing step: fast (guided filter), exact "
                            "(closed-form solve) or none", choices=SMOOTHINGS)
    depth: int = option(None, "levels of the coarse-to-fine transform, relu{N}_1 first "
                        "(default: every level the method has a decoder for)", metavar="N",
                        type=int)
    content_labels: "numpy.ndarray" = option(  # noqa: F821
        None, "label map of the photo (PNG, its size): equal colours are matched with the "
        "same colours of --style_labels", metavar="PNG", type=str, image=True)
    style_labels: "numpy.ndarray" = option(  # noqa: F821
        None, "label map of the reference photo (PNG, its size)", metavar="PNG", type=str,
        image=True)

    def validate(self):
        """Raises UsageError naming the first setting that does not fit."""
        super().validate()
        if self.smoothing not in SMOOTHINGS:
            raise UsageError(f"smoothing {self.smoothing!r}: expected one of "
                             + ", ".join(SMOOTHINGS))
        check_depth(self.depth, DEEPEST)
        if (self.content_labels is None) != (self.style_labels is None):
            raise UsageError("content_labels and style_labels go together: give both "
                             "label maps or neither")

    def levels(self):
        """The VGG layers of the levels, deepest first; None: all the network has."""
        return levels_of(self.depth)
