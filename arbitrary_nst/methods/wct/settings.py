"""Settings of WCT (no TensorFlow): :class:`WCTSettings`."""

import dataclasses

from arbitrary_nst.errors import UsageError
from arbitrary_nst.methods.settings import FeedForwardSettings, option

DEEPEST = 5
"""relu5_1: the deepest level there is a decoder for."""
DEFAULT_DEPTH = 4
"""relu4_1 to relu1_1: with relu5_1 too (the paper's five levels) the held-out pairs lost
twice the content for no more style (``experiments/results/wct_settings.md``)."""


@dataclasses.dataclass(frozen=True)
class WCTSettings(FeedForwardSettings):
    """:class:`FeedForwardSettings` and ``depth``: how many levels the coarse-to-fine
    transform passes through, the deepest ``relu{depth}_1`` first, then each shallower
    one down to relu1_1 (the paper: 5; default :data:`DEFAULT_DEPTH`; None: every level
    the network has a decoder for)."""
    depth: int = option(DEFAULT_DEPTH, "levels of the coarse-to-fine transform, relu{N}_1 "
                        "first (1 to the deepest level the method has a decoder for)",
                        metavar="N",
                        type=int)

    def validate(self):
        """Raises UsageError naming the first setting that does not fit."""
        super().validate()
        check_depth(self.depth, DEEPEST)

    def levels(self):
        """The VGG layers of the levels, deepest first (``block5_conv1`` ...); None: all
        the network has."""
        return levels_of(self.depth)


def check_depth(depth, deepest):
    """Raises UsageError unless ``depth`` is None or 1 to ``deepest``."""
    if depth is not None and not 1 <= depth <= deepest:
        raise UsageError(f"depth {depth}: expected 1 to {deepest}")


def levels_of(depth):
    """``block{depth}_conv1`` ... ``block1_conv1`` (None for None)."""
    return None if depth is None else tuple(f"block{b}_conv1" for b in range(depth, 0, -1))
