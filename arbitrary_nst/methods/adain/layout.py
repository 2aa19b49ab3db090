"""The AdaIN network's layout without TensorFlow: where its encoder ends and the decoder
that mirrors it (:func:`arbitrary_nst.networks.decoder_layout.mirror_layers` from
relu4_1). The Keras network (:mod:`arbitrary_nst.methods.adain.network`) and the JAX
port of its training (``experiments/adain_jax.py``) are both built from here.
"""

from arbitrary_nst.networks.decoder_layout import conv_names, mirror_layers

BOTTLENECK = "block4_conv1"
"""relu4_1: the encoder ends here; AdaIN acts on these features."""
DETAIL_LAYER = "block1_conv1"
"""relu1_1: the encoder features the detail branch reads."""


def decoder_layers(arch="vgg16"):
    """The decoder from relu4_1 ``(N, h, w, 512)`` down to RGB ``(N, 8h, 8w, 3)``."""
    return mirror_layers(BOTTLENECK, arch)


def decoder_conv_names(arch="vgg16"):
    """The names of the decoder's convolutions, in order."""
    return conv_names(BOTTLENECK, arch)
