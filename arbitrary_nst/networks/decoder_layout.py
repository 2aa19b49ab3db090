"""Decoders that mirror the VGG encoder, without TensorFlow: the layout the Keras
builder (:mod:`arbitrary_nst.networks.decoder`) and the JAX port
(``experiments/adain_jax.py``) both build.

A decoder from ``block{B}_conv1`` (relu{B}_1) back to RGB runs the encoder's
convolutions in reverse, each named after the one it mirrors (``block3_conv3_mirror``)
and giving the channels the mirrored one took in, with a 2x upsampling where the encoder
pooled (AdaIN: nearest neighbours; WCT the same, Li et al. 2017; PhotoWCT unpools with
the encoder's max-pooling switches instead, Li et al. 2018). Every convolution is 3x3,
reflection-padded, followed by a ReLU except the last.
"""

import collections

from arbitrary_nst.networks.weights import BLOCK_CHANNELS, BLOCK_DEPTHS

DecoderLayer = collections.namedtuple("DecoderLayer", "kind name filters relu")
"""One step of a decoder: ``kind`` "conv" (``filters`` outputs, ReLU when ``relu``) or
"upsample" (2x, undoing ``block{b}_pool``)."""


def block_of(layer):
    """The block number of a VGG layer name: ``block4_conv1`` -> 4."""
    return int(layer[len("block")])


def bottleneck_channels(bottleneck):
    """Channels of the features at ``bottleneck`` (e.g. 512 at ``block4_conv1``)."""
    return BLOCK_CHANNELS[block_of(bottleneck) - 1]


def mirror_layers(bottleneck, arch="vgg16"):
    """The decoder from ``bottleneck`` (a ``block{B}_conv1`` layer) down to RGB: for
    relu4_1 of VGG16, ``block4_conv1_mirror`` (256), an upsampling, ``block3_conv3_mirror``
    ... ``block1_conv1_mirror`` (3, no ReLU)."""
    top = block_of(bottleneck)
    if bottleneck != f"block{top}_conv1":
        raise ValueError(f"{bottleneck}: a decoder mirrors the encoder from a block's first "
                         "convolution (block{b}_conv1)")
    depths = BLOCK_DEPTHS[arch]

    def conv(block, index):  # the mirror of block{block}_conv{index}
        if index > 1:
            filters = BLOCK_CHANNELS[block - 1]
        else:
            filters = BLOCK_CHANNELS[block - 2] if block > 1 else 3
        return DecoderLayer("conv", f"block{block}_conv{index}_mirror", filters,
                            not (block == 1 and index == 1))

    steps = [conv(top, 1)]
    for block in range(top - 1, 0, -1):
        steps.append(DecoderLayer("upsample", f"block{block}_upsample", None, False))
        steps += [conv(block, index) for index in range(depths[block - 1], 0, -1)]
    return steps


def conv_names(bottleneck, arch="vgg16"):
    """The names of the convolutions of :func:`mirror_layers`, in order."""
    return [layer.name for layer in mirror_layers(bottleneck, arch) if layer.kind == "conv"]
