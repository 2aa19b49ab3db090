"""The WCT network in LiteRT, without TensorFlow: :class:`LiteWCT` runs the levels' loop
of :class:`~arbitrary_nst.methods.wct.levels.LevelTransforms` (the transforms in numpy:
LiteRT has no eigendecomposition) on the files of :func:`lite_models`, numpy in and out.

One file per network call, for every level ``L`` of
:data:`~arbitrary_nst.methods.wct.levels.LEVELS`:

* ``wct_encoder_L``: signature ``encode``, ``images (N, H, W, 3) -> features (N, h, w,
  C)``, VGG16 up to ``L`` (the network's ``encode``);
* ``wct_decoder_L``: signature ``decode``, ``features (N, h, w, C) -> decoded (N, H, W,
  3)``, not clipped (the level's decoder, its upsampling as depth_to_space).

Decoders that need more than the features (PhotoWCT's pooling switches:
:mod:`arbitrary_nst.methods.photowct.lite`) have files whose encoder gives those as more
outputs and whose decoder takes them as more inputs, of the same names; :class:`LiteWCT`
passes them through.

Images are float32 RGB in [0, 1].
"""

import numpy as np

from arbitrary_nst.methods.wct.levels import LEVELS, LevelTransforms
from arbitrary_nst.networks.decoder_layout import block_of

ENCODE, FEATURES, DECODE, DECODED = "encode", "features", "decode", "decoded"
"""The files' signature and output names."""


def encoder_file(level, prefix="wct"):
    """The name of ``level``'s encoder file."""
    return f"{prefix}_encoder_{level}"


def decoder_file(level, prefix="wct"):
    """The name of ``level``'s decoder file."""
    return f"{prefix}_decoder_{level}"


def decoder_files(levels, prefix="wct"):
    """The decoder files of ``levels``."""
    return tuple(decoder_file(level, prefix) for level in levels)


def file_names(levels, prefix="wct"):
    """The files of ``levels``: every encoder's, then every decoder's."""
    return tuple(encoder_file(level, prefix) for level in levels) + decoder_files(levels,
                                                                                  prefix)


def lite_models(network):
    """``{file: (model, signature, output)}`` of a ``WCTNetwork`` (see the module doc)
    for :func:`arbitrary_nst.lite.convert.to_tflite`."""
    import tensorflow as tf

    from arbitrary_nst.lite.convert import Function
    from arbitrary_nst.networks import layers
    images = (tf.TensorSpec([None, None, None, 3], tf.float32, name="images"),)
    models = {}
    for level in network.levels:
        models[encoder_file(level)] = (
            Function(lambda batch, level=level: network.encode(batch, level), images),
            ENCODE, FEATURES)
        models[decoder_file(level)] = (layers.with_upsampling(network.decoders[level],
                                                              "nearest"), DECODE, DECODED)
    return models


class LiteWCT(LevelTransforms):
    """WCT's encoders and decoders as LiteRT files.

    Subclasses for other decoders set :attr:`PREFIX` (of the file names),
    :attr:`LEVELS`, :attr:`FILES` and :attr:`UPSAMPLED` (the files whose networks
    upsample: an upsampling variant has its own).

    Args:
      models: ``{name: LiteModel}`` for the names in :attr:`FILES`.
      levels: the levels to pass through (None: every level there is a decoder for).

    Attributes:
      levels: deepest first.
      decoders: ``{level: LiteModel}``.
      encoder: the deepest level's encoder (what cached style encodings are keyed by).
    """
    PREFIX = "wct"
    LEVELS = LEVELS
    FILES = file_names(LEVELS, PREFIX)
    UPSAMPLED = decoder_files(LEVELS, PREFIX)
    ON_DEMAND = ()
    BUILTIN_KERNELS = ()
    XNNPACK_FIRST_CALL = True
    BATCH_CROSSOVER = 7
    """At 512 px a warm render took 4.40 s here against TensorFlow's 4.12 s (the
    transforms are numpy in both), and TensorFlow started ~2.0 s later; a busier run
    measured 6.90 / 6.17 s and 0.6 s (experiments/results/benchmark_startup.md)."""

    def __init__(self, models, levels=None):
        self.models = models
        self.decoders = {level: models[decoder_file(level, self.PREFIX)]
                         for level in self.LEVELS
                         if decoder_file(level, self.PREFIX) in models}
        self.levels = tuple(sorted(levels or self.decoders, key=block_of, reverse=True))
        self.encoder = models[encoder_file(self.levels[0], self.PREFIX)]

    def with_levels(self, levels):
        """The same files, passing through ``levels`` only."""
        return type(self)(self.models, levels)

    def encode_levels(self, images, levels):
        """``{level: features (N, h, w, C)}`` of ``images`` ``(N, H, W, 3)`` (a file per
        level)."""
        return {level: self.encode_for_decoding(images, level)[0] for level in levels}

    def encode_for_decoding(self, images, level):
        """``(features (N, h, w, C), context)`` of ``images`` at ``level``: the context is
        the encoder file's other outputs ``{name: array}`` (None if it has none)."""
        outputs = self.models[encoder_file(level, self.PREFIX)].run(
            ENCODE, images=np.asarray(images, np.float32))
        features = outputs.pop(FEATURES)
        return features, outputs or None

    def decode(self, features, level, context=None):
        """``features`` decoded by ``level``'s decoder (``context`` from
        :meth:`encode_for_decoding`: its further inputs), not clipped."""
        return self.decoders[level].run(DECODE, features=np.asarray(features, np.float32),
                                        **(context or {}))[DECODED]
