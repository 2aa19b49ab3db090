"""The PhotoWCT network in LiteRT, without TensorFlow: :class:`LitePhotoWCT` is WCT's
LiteRT form (:class:`~arbitrary_nst.methods.wct.lite.LiteWCT`) on the files of
:func:`lite_models`, whose encoders also give the pooling switches and whose decoders
take them.

One file per network call, for every level ``L`` of
:data:`~arbitrary_nst.methods.photowct.settings.LEVELS` (relu4_1 ... relu1_1), with the
poolings ``P`` below ``L`` (``block1_pool`` ... ``block{b-1}_pool`` for ``block{b}_conv1``):

* ``photowct_encoder_L``: signature ``encode``, ``images (N, H, W, 3) -> features (N, h,
  w, C)`` and ``P (N, H_P, W_P, 4 C_P)`` for each pooling, its switches
  (:func:`~arbitrary_nst.methods.photowct.network.max_pool_with_switches`: 1 at each 2x2
  window's first maximum); H and W multiples of 2^(b - 1);
* ``photowct_decoder_L``: signature ``decode``, ``features`` and each ``P`` ->
  ``decoded (N, H, W, 3)``, not clipped (the level's unpooling decoder).

Images are float32 RGB in [0, 1].
"""

from arbitrary_nst.methods.photowct.settings import LEVELS
from arbitrary_nst.methods.wct.lite import (
    DECODE,
    DECODED,
    ENCODE,
    FEATURES,
    LiteWCT,
    decoder_file,
    encoder_file,
    file_names,
)

PREFIX = "photowct"


def lite_models(network):
    """``{file: (function, signature, outputs)}`` of a ``PhotoWCTNetwork`` (see the module
    doc) for :func:`arbitrary_nst.lite.convert.to_tflite`."""
    import tensorflow as tf

    from arbitrary_nst.lite.convert import Function

    def spec(channels, name):
        return tf.TensorSpec([None, None, None, channels], tf.float32, name=name)

    models = {}
    for level in network.levels:
        features, switches = network.encode_for_decoding(tf.zeros([1, 16, 16, 3]), level)
        pools = tuple(sorted(switches))

        def encode(images, level=level, pools=pools):
            features, switches = network.encode_for_decoding(images, level)
            return (features, *(switches[pool] for pool in pools))

        def decode(inputs, level=level, pools=pools):
            features, *switches = inputs if pools else (inputs,)  # one input: a tensor
            return network.decode(features, level, dict(zip(pools, switches, strict=True)))

        models[encoder_file(level, PREFIX)] = (
            Function(encode, (spec(3, "images"),)), ENCODE, (FEATURES, *pools))
        models[decoder_file(level, PREFIX)] = (
            Function(decode, (spec(features.shape[-1], FEATURES), *(
                spec(switches[pool].shape[-1], pool) for pool in pools))), DECODE, DECODED)
    return models


class LitePhotoWCT(LiteWCT):
    """PhotoWCT's encoders and decoders as LiteRT files (:class:`LiteWCT`'s calls)."""
    PREFIX = PREFIX
    LEVELS = LEVELS
    FILES = file_names(LEVELS, PREFIX)
    UPSAMPLED = ()
    """The decoders unpool with the switches: no upsampling variant."""
    BATCH_CROSSOVER = 0
    """``--runtime auto`` renders PhotoWCT in TensorFlow where it is installed: at 512 px
    a warm render takes 9.35 s here against TensorFlow's 8.24 s (the run before: 9.29
    against 7.32 s), and the whole one-image command is no faster (9.6-10.2 s against
    9.6-9.8 s by hand; experiments/results/benchmark_startup.md; the switches cross into
    and out of LiteRT at every level); ``--runtime litert`` renders it without
    TensorFlow."""
