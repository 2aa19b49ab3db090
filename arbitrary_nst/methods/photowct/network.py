"""The PhotoWCT network (Li, Liu, Li, Yang & Kautz 2018): WCT's multi-level transform
(:class:`~arbitrary_nst.methods.wct.network.WCTNetwork`) with decoders that unpool with
the encoder's max-pooling switches instead of upsampling, so the decoded image keeps the
photo's edges where they were (no painterly wobble). Four levels, relu4_1 to relu1_1, as
the paper.

The encoder is the same frozen VGG16; for the photo being stylized it also returns, at
every pooling, where each maximum came from (its switches: :func:`max_pool_with_switches`),
and the decoder puts each value back there (zeros elsewhere). The switches are masks
(1 at each window's maximum, in ``space_to_depth``'s layout), not
``tf.nn.max_pool_with_argmax``'s flat indices: the same positions (the first maximum of
each 2x2 window in row-major order, as the argmax's CPU kernel picks), with builtin
operations only, so the networks convert to LiteRT
(:mod:`arbitrary_nst.methods.photowct.lite`).

Images are float32 ``(N, H, W, 3)`` RGB in [0, 1].
"""

import tensorflow as tf

from arbitrary_nst.methods.photowct.settings import LEVELS
from arbitrary_nst.methods.wct.network import WCTNetwork
from arbitrary_nst.networks import layers
from arbitrary_nst.networks.decoder_layout import bottleneck_channels, mirror_layers
from arbitrary_nst.networks.vgg import shared_extractor


def max_pool_with_switches(images):
    """2x2 max pooling, stride 2, of ``images`` ``(N, H, W, C)`` with its switches (an odd
    H or W loses its last row or column, as a "VALID" pooling).

    Returns:
      ``(pooled (N, H/2, W/2, C), switches (N, H/2, W/2, 4C))``: ``switches`` is 1 where
      a window's value is its first maximum (row-major order within the window) and 0
      elsewhere, laid out as ``tf.nn.space_to_depth(images, 2)`` (window position
      ``(dy, dx)`` in channels ``(2 dy + dx) C ... (2 dy + dx + 1) C - 1``).
    """
    size = tf.shape(images)
    even = images[:, :size[1] // 2 * 2, :size[2] // 2 * 2]
    # the window's four positions in row-major order, and the maximum of those before each
    positions = [even[:, dy::2, dx::2] for dy in (0, 1) for dx in (0, 1)]
    before = [None]
    for value in positions[:-1]:
        before.append(value if before[-1] is None else tf.maximum(before[-1], value))
    pooled = tf.maximum(before[-1], positions[-1])
    switches = [tf.equal(positions[0], pooled)] + [
        tf.logical_and(tf.equal(value, pooled), tf.less(earlier, pooled))
        for value, earlier in zip(positions[1:], before[1:])]
    return pooled, tf.cast(tf.concat(switches, axis=-1), tf.float32)


def unpool(features, switches):
    """Max-unpooling: ``features`` ``(N, h, w, C)`` put back where the maxima of a 2x2
    pooling came from (``switches`` ``(N, h, w, 4C)`` of :func:`max_pool_with_switches`),
    zeros elsewhere. Returns ``(N, 2h, 2w, C)``."""
    return tf.nn.depth_to_space(tf.tile(features, [1, 1, 1, 4]) * switches, 2)


class UnpoolingDecoder(tf.keras.Model):
    """The mirror of the encoder from ``bottleneck`` (the layout of
    :func:`~arbitrary_nst.networks.decoder_layout.mirror_layers`, the same layer names
    and shapes as WCT's decoders), unpooling where they upsample.

    Call as ``decoder(features, switches)``: ``features`` ``(N, h, w, C)`` on VGG's scale,
    ``switches`` ``{"block{b}_pool": switches}`` from the encoder
    (:func:`max_pool_with_switches`).
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
        """``(features at level (N, h, w, C), {"block{b}_pool": switches})``: the VGG
        pass of ``images`` (H, W multiples of 2^(block - 1)) with the switches of its
        poolings (:func:`max_pool_with_switches`)."""
        extractor = shared_extractor((level,), self.arch)
        x = tf.convert_to_tensor(images, tf.float32)
        switches = {}
        for layer in extractor.layers[1:]:  # after the input
            if isinstance(layer, tf.keras.layers.MaxPooling2D):
                x, switches[layer.name] = max_pool_with_switches(x)
            else:
                x = layer(x)
        return tf.cast(x, tf.float32), switches

    def decode(self, features, level, context=None):
        return self.decoders[level](features, context)


network_class = PhotoWCTNetwork
"""The network class of this module's decoders (what :class:`PhotoWCT` builds)."""
