"""Ghiasi et al.'s networks in LiteRT, without TensorFlow: :class:`LiteArbitraryStyle`
has :class:`~arbitrary_nst.methods.arbitrary.network.ArbitraryStyle`'s rendering calls
on the files of :func:`lite_models`, numpy in and out.

Images are float32 ``(N, H, W, 3)`` RGB in [0, 1]; style vectors ``(N, 100)``.
"""

import numpy as np

from arbitrary_nst.io import image_io
from arbitrary_nst.methods.arbitrary.geometry import STYLE_DIM, STYLE_SIZE, central_square

PREDICTOR, TRANSFORMER = "style_predictor", "transformer"
STYLE_VECTOR, STYLIZE = "style_vector", "stylize"
"""The files' names and their signatures' names (the outputs are named alike: the
predictor's ``style_vector``, the transformer's ``stylized``)."""


def lite_models(network):
    """``{file: (Keras model, signature, output)}`` of an ``ArbitraryStyle``: the
    predictor ``style_images (N, 256, 256, 3) -> style_vector (N, 100)`` and the
    transformer ``content_images (N, H, W, 3), style_vectors (N, 100) -> stylized``
    (H and W multiples of 4; its upsampling layers as ``tf.image.resize``, which LiteRT
    has for any size)."""
    from arbitrary_nst.networks import layers
    return {PREDICTOR: (network.predictor, STYLE_VECTOR, STYLE_VECTOR),
            TRANSFORMER: (layers.with_upsampling(network.transformer, "nearest"), STYLIZE,
                          "stylized")}


class LiteArbitraryStyle:
    """Style predictor + transformer as LiteRT files.

    Args:
      models: ``{name: LiteModel}`` for the names in :data:`FILES`.

    Attributes:
      predictor, transformer: the two :class:`~arbitrary_nst.lite.runtime.LiteModel`.
    """
    FILES = (PREDICTOR, TRANSFORMER)

    def __init__(self, models):
        self.predictor, self.transformer = models[PREDICTOR], models[TRANSFORMER]

    def style_vector(self, style_images):
        """``(N, 100)`` style vectors of ``(N, H, W, 3)`` images: their central square
        resized to 256x256 (antialiased), as ``ArbitraryStyle.style_vector``."""
        images = np.asarray(style_images, np.float32)
        top, left, side = central_square(*images.shape[1:3])
        square = image_io.resize(images[:, top:top + side, left:left + side],
                                 STYLE_SIZE, STYLE_SIZE)
        return self.predictor.run(STYLE_VECTOR, style_images=square)[STYLE_VECTOR]

    def stylize(self, content, style_vectors):
        """``content`` ``(N, H, W, 3)`` rendered with ``style_vectors`` ``(N or 1, 100)``:
        reflection-padded to multiples of 4 and cropped back, as
        ``ArbitraryStyle.stylize``. Returns ``(N, H, W, 3)`` in [0, 1]."""
        content = np.asarray(content, np.float32)
        count, height, width = content.shape[:3]
        padded = np.pad(content, ((0, 0), (0, -height % 4), (0, -width % 4), (0, 0)),
                        mode="reflect")
        vectors = np.broadcast_to(np.asarray(style_vectors, np.float32), (count, STYLE_DIM))
        stylized = self.transformer.run(STYLIZE, content_images=padded,
                                        style_vectors=np.ascontiguousarray(vectors))
        return stylized["stylized"][:, :height, :width]
