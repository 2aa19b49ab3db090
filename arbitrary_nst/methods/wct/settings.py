"""Settings of WCT (no TensorFlow): :class:`WCTSettings`."""

import dataclasses

from arbitrary_nst.errors import UsageError
from arbitrary_nst.methods.settings import FeedForwardSettings, option

DEEPEST = 5
"""relu5_1: the deepest level there is a decoder for."""


@dataclasses.dataclass(frozen=True)
class WCTSettings(FeedForwardSettings):
    """:class:`FeedForwardSettings` and ``depth``: how many levels the coarse-to-fine
    transform passes through, the deepest ``relu{depth}_1`` first, then each shallower
    one down to relu1_1 (the paper: 5)."""
    depth: int = option(DEEPEST, "levels of the coarse-to-fine transform, relu{N}_1 first",
                        metavar="N")

    def validate(self):
        """Raises UsageError naming the first setting that does not fit."""
        super().validate()
        if not 1 <= self.depth <= DEEPEST:
            raise UsageError(f"depth {self.depth}: expected 1 to {DEEPEST}")

    def levels(self):
        """The VGG layers of the levels, deepest first (``block5_conv1`` ...)."""
        return tuple(f"block{block}_conv1" for block in range(self.depth, 0, -1))
