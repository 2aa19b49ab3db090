"""VGG16 / VGG19 feature extractors with ImageNet weights.

Layer names follow Keras: ``block{b}_conv{c}`` is the output of that convolution *after*
its ReLU (the papers' ``relu{b}_{c}``), ``block{b}_pool`` the max-pool output of block b.
The papers' names are accepted as aliases (``relu4_1`` == ``block4_conv1``,
``pool5`` == ``block5_pool``).

Inputs are float32 RGB images in [0, 1], shape ``(N, H, W, 3)``, any H and W; the
extractor applies Keras' "caffe" preprocessing (scale to 0..255, RGB->BGR, subtract the
ImageNet mean) itself. Outputs are ``{name: (N, H / 2**k, W / 2**k, C)}`` float32.
"""

import functools
import re

import tensorflow as tf

from arbitrary_nst.errors import UsageError
from arbitrary_nst.networks.weights import (
    BLOCK_CHANNELS,
    IMAGENET_BGR_MEAN,
    conv_layer_names,
    load_vgg_weights,
)


def canonical_layer_name(name):
    """Maps a paper-style name (``relu4_1``, ``conv4_2``, ``pool5``) to the Keras name."""
    match = re.fullmatch(r"(?:relu|conv)(\d)_(\d)", name)
    if match:
        return f"block{match.group(1)}_conv{match.group(2)}"
    match = re.fullmatch(r"pool(\d)", name)
    if match:
        return f"block{match.group(1)}_pool"
    return name


def layer_order(arch):
    """All extractable layer names of ``arch`` in network order (convolutions and pools)."""
    order = []
    for name in conv_layer_names(arch):
        block, conv = int(name[5]), int(name.split("conv")[1])
        if conv == 1 and block > 1:
            order.append(f"block{block - 1}_pool")
        order.append(name)
    order.append("block5_pool")
    return order


def preprocess(images):
    """Turns RGB images in [0, 1] ``(N, H, W, 3)`` into VGG's mean-subtracted BGR 0..255 input."""
    bgr = tf.reverse(tf.convert_to_tensor(images, tf.float32), axis=[-1]) * 255.0
    return bgr - tf.constant(IMAGENET_BGR_MEAN, tf.float32)


class VggPreprocess(tf.keras.layers.Layer):
    """Keras layer wrapping :func:`preprocess`."""

    def call(self, images):
        return preprocess(images)


def build_extractor(layers, arch="vgg16", weights_path=None, allow_download=None,
                    dtype_policy=None):
    """Builds a frozen Keras VGG that returns the named layers.

    Args:
      layers: iterable of layer names (Keras or paper style). The network stops at the
        deepest one, so asking only for ``relu4_1`` skips block 5 entirely.
      arch: "vgg16" or "vgg19".
      weights_path, allow_download: passed to :func:`weights.load_vgg_weights`.
      dtype_policy: Keras dtype policy of the layers (e.g. "mixed_bfloat16"); None for
        the global one. Outputs are then in the policy's compute dtype.

    Returns:
      A ``tf.keras.Model`` mapping ``(N, H, W, 3)`` images in [0, 1] to
      ``{requested_name: features}``, keyed by the names as given, with
      ``model.weights_source`` telling where the weights came from.

    Raises:
      UsageError: an unknown layer name.
      WeightsError: no weights available for ``arch``.
    """
    requested = list(dict.fromkeys(layers))
    order = layer_order(arch)
    canonical = {name: canonical_layer_name(name) for name in requested}
    unknown = [name for name, key in canonical.items() if key not in order]
    if unknown:
        raise UsageError(f"unknown {arch} layer {unknown[0]!r}, expected one of "
                         + ", ".join(order))
    if not requested:
        raise UsageError("build_extractor needs at least one layer name")
    deepest = max(order.index(key) for key in canonical.values())
    weights = load_vgg_weights(arch, weights_path, allow_download)

    inputs = tf.keras.Input(shape=(None, None, 3), name="images")
    x = VggPreprocess(name="preprocess")(inputs)
    tensors = {}
    for name in order[:deepest + 1]:
        if name.endswith("_pool"):
            layer = tf.keras.layers.MaxPooling2D(2, 2, name=name, dtype=dtype_policy)
        else:
            channels = BLOCK_CHANNELS[int(name[5]) - 1]
            layer = tf.keras.layers.Conv2D(channels, 3, padding="same", activation="relu",
                                           name=name, dtype=dtype_policy)
        x = layer(x)
        if not name.endswith("_pool"):
            layer.set_weights(list(weights.params[name]))
        tensors[name] = x
    model = tf.keras.Model(inputs, {name: tensors[key] for name, key in canonical.items()},
                           name=f"{arch}_features")
    model.trainable = False
    model.weights_source = weights.source
    return model


@functools.lru_cache(maxsize=8)
def shared_extractor(layers, arch="vgg16", dtype_policy=None):
    """:func:`build_extractor` for a tuple of layer names, built once per process and reused.

    Always built eagerly (``tf.init_scope``), even on a first call inside a
    ``tf.function``: there, the weight assignment would otherwise only be a graph op and
    the cached model would keep its random initial weights.
    """
    with tf.init_scope():
        return build_extractor(layers, arch, dtype_policy=dtype_policy)
