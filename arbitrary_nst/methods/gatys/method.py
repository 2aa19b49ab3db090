"""Gatys transfer as a method: an optimisation per image
(:func:`~arbitrary_nst.methods.gatys.transfer.gatys_transfer`), blends by mixed Gram
matrices, regions by guided Gram matrices."""

from arbitrary_nst.methods.base import Method
from arbitrary_nst.methods.gatys.transfer import gatys_transfer


class Gatys(Method):
    """Optimises the image's pixels with the :class:`GatysSettings` it was loaded with."""

    def stylize(self, content, styles, regions, alpha=1.0):
        return gatys_transfer(content, styles, regions, self.settings).image
