"""Ghiasi et al.'s networks in LiteRT, without TensorFlow: :class:`LiteArbitraryStyle`
has :class:`~arbitrary_nst.methods.arbitrary.network.ArbitraryStyle`'s rendering calls
on the files of :func:`lite_models`, numpy in and out.

Images are float32 ``(N, H, W, 3)`` RGB in [0, 1]; style vectors ``(N, 100)``.
"""

import numpy as np

from arbitrary_nst.io import image_io
from arbitrary_nst.lite.conditioned import LiteConditionedTransformer, transformer_files
from arbitrary_nst.methods.arbitrary.geometry import STYLE_SIZE, central_square

PREDICTOR, STYLE_VECTOR = "style_predictor", "style_vector"
"""The predictor's file name and its signature's (and output's) name."""


def lite_models(network):
    """``{file: (Keras model, signature, output)}`` of an ``ArbitraryStyle``: the
    predictor ``style_images (N, 256, 256, 3) -> style_vector (N, 100)`` and the
    transformer's files (:func:`~arbitrary_nst.lite.conditioned.transformer_files`:
    ``content_images (N, H, W, 3), style_vectors (N, 100) -> stylized``, H and W
    multiples of 4)."""
    return {PREDICTOR: (network.predictor, STYLE_VECTOR, STYLE_VECTOR),
            **transformer_files(network.transformer)}


class LiteArbitraryStyle(LiteConditionedTransformer):
    """Style predictor + transformer as LiteRT files.

    Args:
      models: ``{name: LiteModel}`` for the names in :data:`FILES`.

    Attributes:
      predictor, transformer: their :class:`~arbitrary_nst.lite.runtime.LiteModel`.
    """
    FILES = (PREDICTOR, *LiteConditionedTransformer.FILES)
    condition = "style_vectors"

    def __init__(self, models):
        super().__init__(models)
        self.predictor = models[PREDICTOR]

    def style_vector(self, style_images):
        """``(N, 100)`` style vectors of ``(N, H, W, 3)`` images: their central square
        resized to 256x256 (antialiased), as ``ArbitraryStyle.style_vector``."""
        images = np.asarray(style_images, np.float32)
        top, left, side = central_square(*images.shape[1:3])
        square = image_io.resize(images[:, top:top + side, left:left + side],
                                 STYLE_SIZE, STYLE_SIZE)
        return self.predictor.run(STYLE_VECTOR, style_images=square)[STYLE_VECTOR]
