"""The PhotoWCT network (Li, Liu, Li, Yang & Kautz 2018): WCT's multi-level transform
(:class:`~arbitrary_nst.methods.wct.network.WCTNetwork`) with decoders that unpool with
the encoder's max-pooling switches instead of upsampling, so the decoded image keeps the
photo's edges where they were (no painterly wobble). Four levels, relu4_1 to relu1_1, as
the paper.

The encoder is the same frozen VGG16; for the photo being stylized it also returns, at
every pooling, where each maximum came from (``tf.nn.max_pool_with_argmax``), and the
decoder puts each value back there (zeros elsewhere).

Images are float32 ``(N, H, W, 3)`` RGB in [0, 1].
"""

import tensorflow as tf

from arbitrary_nst.methods.wct.network import WCTNetwork
from arbitrary_nst.networks import layers
from arbitrary_nst.networks.decoder_layout import bottleneck_channels, mirror_layers
from arbitrary_nst.networks.vgg import shared_extractor

LEVELS = ("block4_conv1", "block3_conv1", "block2_conv1", "block1_conv1")
"""relu4_1 ... relu1_1, coarse to fine (the paper's four)."""


def unpool(features, switch):
    """Max-unpooling: ``features`` ``(N, h, w, C)`` put back where the maxima of a 2x2
    pooling came from; ``switch`` = ``(argmax, shape)`` of that pooling (flat indices
    over the batch, the pooled input's shape). Returns ``(N, H, W, C)``."""
    argmax, shape = switch
    total = tf.cast(tf.reduce_prod(shape), tf.int64)
    flat = tf.scatter_nd(tf.reshape(argmax, [-1, 1]), tf.reshape(features, [-1]), [total])
    return tf.reshape(flat, shape)


class UnpoolingDecoder(tf.keras.Model):
    """The mirror of the encoder from ``bottleneck`` (the layout of
    :func:`~arbitrary_nst.networks.decoder_layout.mirror_layers`, the same layer names
    and shapes as WCT's decoders), unpooling where they upsample.

    Call as ``decoder(features, switches)``: ``features`` ``(N, h, w, C)`` on VGG's scale,
    ``switches`` ``{"block{b}_pool": (argmax, shape)}`` from the encoder.
    """

    def __init__(self, bottleneck, arch="vgg16", seed=0, dtype_policy=None, name=None):
        super().__init__(name=name or f"photowct_decoder_{bottleneck}")
        self.steps = mirror_layers(bottleneck, arch)
        seeds = iter(range(seed * 100, seed * 100 + 100))
        channels = bottleneck_channels(bottleneck)
        for step in self.steps:
            if step.kind != "conv":
                continue
            conv = layers.ReflectionConv2D(step.filters, activation="relu" if step.relu
                                           else None, seed=next(seeds), dtype=dtype_policy,
                                           name=step.name)
            conv.conv.build((None, None, None, channels))
            # An attribute per layer: tf.train.Checkpoint follows attributes, not the
            # lists Keras wraps (a list of the layers left checkpoints without them).
            setattr(self, step.name, conv)
            channels = step.filters

    def call(self, features, switches):
        x = features / 255.0  # VGG's 0..255 scale back to the image scale (as WCT's)
        for step in self.steps:
            if step.kind == "conv":
                x = getattr(self, step.name)(x)
            else:  # "block{b}_upsample" undoes block{b}_pool
                x = unpool(x, switches[step.name.replace("_upsample", "_pool")])
        return tf.cast(x, tf.float32)


def build_decoders(levels=LEVELS, arch="vgg16", seed=0, dtype_policy=None):
    """``{level: new UnpoolingDecoder}``."""
    return {level: UnpoolingDecoder(level, arch, seed, dtype_policy) for level in levels}


class PhotoWCTNetwork(WCTNetwork):
    """:class:`WCTNetwork` whose decoders unpool with the encoder's switches."""

    def __init__(self, levels=None, decoders=None, arch="vgg16", name="photowct"):
        super().__init__(levels, decoders or build_decoders(levels or LEVELS, arch), arch,
                         name)

    def encode_for_decoding(self, images, level):
        """``(features at level (N, h, w, C), {"block{b}_pool": (argmax, shape)})``: the
        VGG pass of ``images`` (H, W multiples of 2^(block - 1)) with its switches."""
        extractor = shared_extractor((level,), self.arch)
        x = tf.convert_to_tensor(images, tf.float32)
        switches = {}
        for layer in extractor.layers[1:]:  # after the input
            if isinstance(layer, tf.keras.layers.MaxPooling2D):
                pooled, argmax = tf.nn.max_pool_with_argmax(
                    x, 2, 2, "VALID", include_batch_in_index=True)
                switches[layer.name] = (argmax, tf.shape(x, out_type=tf.int64))
                x = pooled
            else:
                x = layer(x)
        return tf.cast(x, tf.float32), switches

    def decode(self, features, level, context=None):
        return self.decoders[level](features, context)


network_class = PhotoWCTNetwork
"""The network class of this module's decoders (what :class:`PhotoWCT` builds)."""
