"""Keras decoders that mirror the VGG encoder (the layout of
:mod:`arbitrary_nst.networks.decoder_layout`): AdaIN's from relu4_1, WCT's one per level.

Images are float32 ``(N, H, W, 3)``, not clipped; features are on VGG's scale (its input
is 0..255).
"""

import functools

import tensorflow as tf

from arbitrary_nst.networks import layers
from arbitrary_nst.networks.decoder_layout import bottleneck_channels, mirror_layers


def build_mirror_decoder(bottleneck, arch="vgg16", seed=0, dtype_policy=None, name=None):
    """The decoder from ``bottleneck`` features ``(N, h, w, C)`` to ``(N, 2^k h, 2^k w, 3)``
    images (``k`` poolings above the bottleneck).

    The initial weights depend only on ``seed`` (so every replica and worker starts
    equal); ``dtype_policy`` (e.g. "mixed_bfloat16") sets the layers' compute dtype.
    """
    conv = functools.partial(layers.ReflectionConv2D, dtype=dtype_policy)
    seeds = iter(range(seed * 100, seed * 100 + 100))
    features = tf.keras.Input(shape=(None, None, bottleneck_channels(bottleneck)),
                              name="features")
    # The encoder sees images on VGG's 0..255 scale, so its features are ~255x those of a
    # [0, 1] image; scaling them back keeps a freshly initialised decoder's output near
    # [0, 1] instead of ~100x out of range (which made early training produce noise).
    x = tf.keras.layers.Rescaling(1.0 / 255.0, name="from_vgg_scale")(features)
    for layer in mirror_layers(bottleneck, arch):
        if layer.kind == "upsample":
            x = tf.keras.layers.UpSampling2D(2, interpolation="nearest", dtype=dtype_policy,
                                             name=layer.name)(x)
        else:
            x = conv(layer.filters, activation="relu" if layer.relu else None,
                     seed=next(seeds), name=layer.name)(x)
    images = tf.keras.layers.Activation("linear", dtype="float32", name="to_float32")(x)
    return tf.keras.Model(features, images, name=name or f"decoder_{bottleneck}_{arch}")
