"""The CIN transformers (Dumoulin's, Ghiasi's) as LiteRT files, without TensorFlow: what
the methods' LiteRT networks share.

Images are float32 ``(N, H, W, 3)`` RGB in [0, 1]; condition vectors ``(N or 1, D)``.
"""

import numpy as np

from arbitrary_nst.lite.runtime import BATCH_CROSSOVER
from arbitrary_nst.rendering.padding import reflect_pad

TRANSFORMER, STYLIZE, STYLIZED = "transformer", "stylize", "stylized"
"""The transformer's file name, its signature's name and its output's name."""
THUMBNAIL_STATISTICS, TILED_TRANSFORMER, STATISTICS = (
    "transformer_statistics", "transformer_tiled", "statistics")
"""The files of the tiled rendering (:mod:`arbitrary_nst.networks.thumbnail_norm`): the
norms' statistics of a thumbnail (signature and output "statistics"), and a tile
rendered with them (signature "stylize", inputs the transformer's and "statistics")."""
MULTIPLE = 4
"""The transformers' sides are multiples of this (two stride-2 convolutions)."""


def transformer_files(transformer):
    """``{file: (model, signature, output)}`` of a Keras CIN ``transformer`` for
    :func:`arbitrary_nst.lite.convert.to_tflite`: the transformer (:data:`TRANSFORMER`)
    and its thumbnail-normalised calls (:data:`THUMBNAIL_STATISTICS`,
    :data:`TILED_TRANSFORMER`). Keras ``UpSampling2D`` layers become
    :class:`~arbitrary_nst.networks.layers.Upsampling` "nearest" (depth_to_space, with
    static shapes; UpSampling2D loses the static channels the converter needs); an
    interpolating variant's layers stay as they are."""
    import tensorflow as tf

    from arbitrary_nst.lite.convert import Function
    from arbitrary_nst.networks import layers
    from arbitrary_nst.networks.thumbnail_norm import ThumbnailNormalized
    transformer = layers.with_upsampling(transformer, "nearest")
    normalized = ThumbnailNormalized(transformer)
    inputs = tuple(tf.TensorSpec([None, *tensor.shape[1:]], tf.float32, name=tensor.name)
                   for tensor in transformer.inputs)
    statistics = tf.TensorSpec([None, normalized.size], tf.float32, name=STATISTICS)
    return {TRANSFORMER: (transformer, STYLIZE, STYLIZED),
            THUMBNAIL_STATISTICS: (Function(lambda given: normalized.statistics(*given),
                                            inputs), STATISTICS, STATISTICS),
            TILED_TRANSFORMER: (Function(lambda given: normalized.stylize(*given),
                                         inputs + (statistics,)), STYLIZE, STYLIZED)}


class LiteConditionedTransformer:
    """A transformer ``(images, condition vectors) -> images`` as LiteRT files.

    Args:
      models: ``{name: LiteModel}`` holding the names of :data:`FILES`.

    Attributes:
      transformer: the transformer's :class:`~arbitrary_nst.lite.runtime.LiteModel`.
      condition: the name of its vector input (set by subclasses).
    """
    FILES = (TRANSFORMER, THUMBNAIL_STATISTICS, TILED_TRANSFORMER)
    UPSAMPLED = FILES
    ON_DEMAND = (THUMBNAIL_STATISTICS, TILED_TRANSFORMER)
    BUILTIN_KERNELS = ON_DEMAND
    """XNNPACK's workspaces grow with the input, and tiles are the largest inputs (1024
    px): a 2048 px render of the arbitrary method peaked at 2.3 GB with XNNPACK from the
    second tile, 528 MiB with the builtin kernels alone (7.6 s against 9.4 s)."""
    XNNPACK_FIRST_CALL = False
    BATCH_CROSSOVER = BATCH_CROSSOVER
    condition = None

    def __init__(self, models):
        self.transformer = models[TRANSFORMER]
        self._statistics_model = models[THUMBNAIL_STATISTICS]
        self._tiled_model = models[TILED_TRANSFORMER]

    def stylize(self, content, vectors):
        """``content`` ``(N, H, W, 3)`` rendered with ``vectors`` ``(N or 1, D)``:
        reflection-padded to multiples of :data:`MULTIPLE` and cropped back, as the
        TensorFlow networks' ``stylize``. Returns ``(N, H, W, 3)`` in [0, 1]."""
        padded, crop = reflect_pad(content, MULTIPLE)
        return crop(self._run(self.transformer, STYLIZE, STYLIZED, padded, vectors))

    def tiled(self, content, vector, tile_size, overlap):
        """``content`` ``(H, W, 3)`` rendered with ``vector`` ``(1, D)`` in tiles
        normalised with a thumbnail's statistics, as
        :class:`~arbitrary_nst.networks.thumbnail_norm.ThumbnailNormalized`. Returns
        ``(H, W, 3)``."""
        from arbitrary_nst.rendering import tiling

        def statistics(thumbnail):
            padded, _ = reflect_pad(thumbnail, MULTIPLE)
            return self._run(self._statistics_model, STATISTICS, STATISTICS, padded, vector)

        def stylize(tile, computed):
            padded, crop = reflect_pad(tile, MULTIPLE)
            return crop(self._run(self._tiled_model, STYLIZE, STYLIZED, padded, vector,
                                  statistics=computed))

        return tiling.render_normalized(content, statistics, stylize, tile_size, overlap)

    def _run(self, model, signature, output, padded, vectors, **more):
        """``model``'s ``signature`` on ``padded`` images and ``vectors`` broadcast to
        their batch (and ``more`` inputs): its ``output``."""
        count = padded.shape[0]
        vectors = np.asarray(vectors, np.float32)
        vectors = np.ascontiguousarray(np.broadcast_to(vectors, (count, vectors.shape[-1])))
        images = next(name for name in model.input_names(signature)
                      if name != self.condition and name not in more)
        inputs = {images: padded, self.condition: vectors, **more}
        return model.run(signature, **inputs)[output]
