"""The AdaIN network in LiteRT, without TensorFlow: :class:`LiteAdaIN` has
:class:`~arbitrary_nst.methods.adain.network.AdaIN`'s rendering calls on the files of
:func:`lite_models`, numpy in and out.

The files are :class:`~arbitrary_nst.methods.adain.network.AdaIN`'s own methods converted
(its padding, AdaIN, masks and detail branch included), so no step is written twice:

* ``adain_style_statistics``: ``style_images (N, H, W, 3) -> statistics (N, 1024)``,
  relu4_1's channel means then standard deviations (``AdaIN.style_statistics``);
* ``adain_content_statistics``: the same of the padded content (``content_statistics``);
* ``adain_transfer``: ``content (1, H, W, 3), style_mean, style_std (R, 512), alphas (R,),
  masks (R, H, W) -> stylized (1, H, W, 3)`` (``AdaIN.transfer`` with region masks; one
  region of ones is the unmasked render);
* ``adain_tiled_transfer``: the same with ``content_mean, content_std (1, 512)`` more,
  the statistics to normalise with (a tile's render with the whole image's thumbnail's:
  :mod:`arbitrary_nst.rendering.tiling`), converted when a tiled render first needs it.

Images are float32 RGB in [0, 1].
"""

import numpy as np

STYLE_STATISTICS, CONTENT_STATISTICS, TRANSFER, TILED_TRANSFER = (
    "adain_style_statistics", "adain_content_statistics", "adain_transfer",
    "adain_tiled_transfer")
STATISTICS, STYLIZED = "statistics", "stylized"
CHANNELS = 512
"""relu4_1's channels."""


def lite_models(network):
    """``{file: (Function, signature, output)}`` of an ``AdaIN`` network (see the
    module doc) for :func:`arbitrary_nst.lite.convert.to_tflite`; its decoder's nearest
    upsampling as depth_to_space (static shapes, which the converter needs; an
    interpolating variant's upsampling stays as it is)."""
    import tensorflow as tf

    from arbitrary_nst.lite.convert import Function
    network = network.with_upsampling("nearest")

    def image(name, batch=None):
        return tf.TensorSpec([batch, None, None, 3], tf.float32, name=name)

    def statistics(function):
        return Function(lambda images: tf.concat(function(images), axis=-1),
                        (image("images"),))

    def vector(name, batch=None):
        return tf.TensorSpec([batch, CHANNELS], tf.float32, name=name)

    inputs = (image("content", 1), vector("style_mean"), vector("style_std"),
              tf.TensorSpec([None], tf.float32, name="alphas"),
              tf.TensorSpec([None, None, None], tf.float32, name="masks"))
    transfer = Function(lambda given: network.transfer(*given), inputs)
    tiled = Function(lambda given: network.transfer(*given[:5], content_statistics=given[5:]),
                     inputs + (vector("content_mean", 1), vector("content_std", 1)))
    return {STYLE_STATISTICS: (statistics(network.style_statistics), STATISTICS, STATISTICS),
            CONTENT_STATISTICS: (statistics(network.content_statistics), STATISTICS,
                                 STATISTICS),
            TRANSFER: (transfer, STYLIZED, STYLIZED),
            TILED_TRANSFER: (tiled, STYLIZED, STYLIZED)}


class LiteAdaIN:
    """The AdaIN encoder-decoder as LiteRT files.

    Args:
      models: ``{name: LiteModel}`` for the names in :data:`FILES`.

    Attributes:
      encoder: the style statistics' :class:`~arbitrary_nst.lite.runtime.LiteModel`
        (what cached style encodings are keyed by, as the TensorFlow network's encoder).
    """
    FILES = (STYLE_STATISTICS, CONTENT_STATISTICS, TRANSFER, TILED_TRANSFER)
    UPSAMPLED = (TRANSFER, TILED_TRANSFER)
    ON_DEMAND = (TILED_TRANSFER,)
    BUILTIN_KERNELS = ()
    XNNPACK_FIRST_CALL = True
    BATCH_CROSSOVER = 12
    """At 512 px a warm render takes 1.6 s here against TensorFlow's 1.3 s, and
    TensorFlow starts ~4 s later (experiments/results/benchmark_startup.md)."""

    def __init__(self, models):
        self.encoder = models[STYLE_STATISTICS]
        self.content_encoder = models[CONTENT_STATISTICS]
        self.transfer_model = models[TRANSFER]
        self.tiled_transfer_model = models[TILED_TRANSFER]

    @staticmethod
    def _split(statistics):
        return statistics[:, :CHANNELS], statistics[:, CHANNELS:]

    def style_statistics(self, style_images):
        """Channel mean and std at relu4_1, each ``(N, 512)``, of ``(N, H, W, 3)``."""
        return self._split(self.encoder.run(STATISTICS, images=np.asarray(
            style_images, np.float32))[STATISTICS])

    def content_statistics(self, content):
        """:meth:`style_statistics` of ``content`` padded as :meth:`transfer` pads it."""
        return self._split(self.content_encoder.run(STATISTICS, images=np.asarray(
            content, np.float32))[STATISTICS])

    def transfer(self, content, style_mean, style_std, alpha=1.0, masks=None,
                 content_statistics=None):
        """``AdaIN.transfer`` (see there) of one image ``(1, H, W, 3)``;
        ``content_statistics`` ``(mean, std)``, each ``(1, 512)``, or None (the
        content's own)."""
        content = np.asarray(content, np.float32)
        if masks is None:
            masks = np.ones((1,) + content.shape[1:3], np.float32)
        masks = np.asarray(masks, np.float32)
        alphas = np.ascontiguousarray(np.broadcast_to(np.asarray(alpha, np.float32),
                                                      masks.shape[:1]))
        inputs = dict(content=content, style_mean=np.asarray(style_mean, np.float32),
                      style_std=np.asarray(style_std, np.float32), alphas=alphas, masks=masks)
        model = self.transfer_model
        if content_statistics is not None:
            model = self.tiled_transfer_model
            inputs.update(zip(("content_mean", "content_std"),
                              (np.asarray(part, np.float32) for part in content_statistics)))
        return model.run(STYLIZED, **inputs)[STYLIZED]
