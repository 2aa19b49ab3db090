"""The CIN transformers (Dumoulin's, Ghiasi's) as LiteRT files, without TensorFlow: what
the methods' LiteRT networks share.

Images are float32 ``(N, H, W, 3)`` RGB in [0, 1]; condition vectors ``(N or 1, D)``.
"""

import numpy as np

from arbitrary_nst.lite.runtime import BATCH_CROSSOVER
from arbitrary_nst.rendering.padding import reflect_pad

TRANSFORMER, STYLIZE, STYLIZED = "transformer", "stylize", "stylized"
"""The transformer's file name, its signature's name and its output's name."""
MULTIPLE = 4
"""The transformers' sides are multiples of this (two stride-2 convolutions)."""


def transformer_file(transformer):
    """``(Keras model, signature, output)`` of a Keras CIN ``transformer`` for
    :func:`arbitrary_nst.lite.convert.to_tflite`: its Keras ``UpSampling2D`` layers as
    :class:`~arbitrary_nst.networks.layers.Upsampling` "nearest" (depth_to_space, with
    static shapes; UpSampling2D loses the static channels the converter needs); an
    interpolating variant's layers stay as they are."""
    from arbitrary_nst.networks import layers
    return layers.with_upsampling(transformer, "nearest"), STYLIZE, STYLIZED


class LiteConditionedTransformer:
    """A transformer ``(images, condition vectors) -> images`` as a LiteRT file.

    Args:
      models: ``{name: LiteModel}`` holding :data:`TRANSFORMER`.

    Attributes:
      transformer: its :class:`~arbitrary_nst.lite.runtime.LiteModel`.
      condition: the name of its vector input (set by subclasses).
    """
    FILES = (TRANSFORMER,)
    UPSAMPLED = (TRANSFORMER,)
    XNNPACK_FIRST_CALL = False
    BATCH_CROSSOVER = BATCH_CROSSOVER
    condition = None

    def __init__(self, models):
        self.transformer = models[TRANSFORMER]

    def stylize(self, content, vectors):
        """``content`` ``(N, H, W, 3)`` rendered with ``vectors`` ``(N or 1, D)``:
        reflection-padded to multiples of :data:`MULTIPLE` and cropped back, as the
        TensorFlow networks' ``stylize``. Returns ``(N, H, W, 3)`` in [0, 1]."""
        padded, crop = reflect_pad(content, MULTIPLE)
        count = padded.shape[0]
        vectors = np.asarray(vectors, np.float32)
        vectors = np.ascontiguousarray(np.broadcast_to(vectors, (count, vectors.shape[-1])))
        images = next(name for name in self.transformer.input_names(STYLIZE)
                      if name != self.condition)
        inputs = {images: padded, self.condition: vectors}
        return crop(self.transformer.run(STYLIZE, **inputs)[STYLIZED])
