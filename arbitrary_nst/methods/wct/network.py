"""The WCT network (Li et al. 2017): the frozen VGG16 encoder, one decoder per level
trained only to reconstruct images from that level's features, and the whitening and
colouring transform (:mod:`arbitrary_nst.methods.wct.transform`) between them.

The levels' loop (coarse to fine, regions, tiles' statistics) is
:class:`~arbitrary_nst.methods.wct.levels.LevelTransforms`', shared with the LiteRT form;
this class gives it the encoder and decoder calls.

Images are float32 ``(H, W, 3)`` RGB in [0, 1].
"""

import tensorflow as tf

from arbitrary_nst.methods.wct.levels import LEVELS, LevelTransforms
from arbitrary_nst.networks.decoder import build_mirror_decoder
from arbitrary_nst.networks.decoder_layout import block_of
from arbitrary_nst.networks.vgg import shared_extractor


def build_decoders(levels=LEVELS, arch="vgg16", seed=0, dtype_policy=None):
    """``{level: new decoder}`` (:func:`build_mirror_decoder`)."""
    return {level: build_mirror_decoder(level, arch, seed, dtype_policy,
                                        name=f"wct_decoder_{level}") for level in levels}


class WCTNetwork(tf.Module, LevelTransforms):
    """The encoder, the decoders of ``levels`` (coarse to fine) and the transforms
    (:meth:`~arbitrary_nst.methods.wct.levels.LevelTransforms.stylize`); ``levels``
    None: the levels of ``decoders``, else every level of
    :data:`~arbitrary_nst.methods.wct.levels.LEVELS`.

    Attributes:
      levels: the levels stylization passes through, deepest first.
      decoders: ``{level: Keras decoder}`` (:func:`build_decoders`).
    """

    def __init__(self, levels=None, decoders=None, arch="vgg16", name="wct"):
        super().__init__(name=name)
        if levels is None:  # the levels there are decoders for, else all of them
            levels = tuple(decoders) if decoders else LEVELS
        self.levels = tuple(sorted(levels, key=block_of, reverse=True))
        self.arch = arch
        self.decoders = dict(decoders) if decoders else build_decoders(self.levels, arch)

    def with_levels(self, levels):
        """A network sharing these decoders that passes through ``levels`` only."""
        return type(self)(levels, {level: self.decoders[level] for level in levels},
                          self.arch)

    def encode(self, images, level):
        """float32 features ``(N, h, w, C)`` of ``images`` ``(N, H, W, 3)`` at ``level``."""
        return tf.cast(shared_extractor((level,), self.arch)(images)[level], tf.float32)

    def encode_levels(self, images, levels):
        """``{level: float32 features (N, h, w, C)}`` of ``images`` ``(N, H, W, 3)``, one
        VGG pass to the deepest of ``levels``."""
        features = shared_extractor(tuple(levels), self.arch)(images)
        return {level: tf.cast(features[level], tf.float32).numpy() for level in levels}

    def encode_for_decoding(self, images, level):
        """``(features (N, h, w, C), what the decoder needs besides them)`` of ``images``
        at ``level``: nothing more here (decoders that unpool need the pooling switches)."""
        return self.encode(images, level), None

    def decode(self, features, level, context=None):
        """``features`` ``(N, h, w, C)`` decoded by ``level``'s decoder (``context`` from
        :meth:`encode_for_decoding`), not clipped."""
        return self.decoders[level](features)

    def reconstruct(self, images, level):
        """``images`` ``(N, H, W, 3)`` (H, W multiples of 2^(block - 1)) encoded at
        ``level`` and decoded by its decoder, not clipped."""
        features, context = self.encode_for_decoding(images, level)
        return self.decode(features, level, context)

    def reconstruction_loss(self, images, level, feature_weight=1.0):
        """The paper's decoder loss on ``(N, H, W, 3)`` images:
        ``pixel + feature_weight * feature``, the mean squared errors of the
        reconstruction on the 0..255 pixel scale and of its features at ``level``
        (VGG's scale). Returns ``{"total", "pixel", "feature"}`` scalars."""
        features, context = self.encode_for_decoding(images, level)
        decoded = self.decode(features, level, context)
        pixel = tf.reduce_mean(tf.square(255.0 * (decoded - images)))
        feature = tf.reduce_mean(tf.square(self.encode(decoded, level) - features))
        return {"total": pixel + feature_weight * feature, "pixel": pixel, "feature": feature}


network_class = WCTNetwork
"""The network class of this module's decoders (what :class:`WCT` builds)."""
