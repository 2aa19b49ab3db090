"""The WCT network (Li et al. 2017): the frozen VGG16 encoder, one decoder per level
trained only to reconstruct images from that level's features, and the whitening and
colouring transform (:mod:`arbitrary_nst.methods.wct.transform`) between them.

Multi-level stylization runs coarse to fine: the image is encoded to the deepest level,
its features are transformed toward the style's and decoded; the result is encoded to
the next level up, transformed and decoded, and so on to relu1_1. Each level's decoder
mirrors the encoder up to that level (:func:`arbitrary_nst.networks.decoder_layout.mirror_layers`).

Spatial control (the paper's): each region's features are transformed with the region's
own mean and covariance (a mask-weighted one) toward its own style, and the regions are
blended by their masks before decoding. Tiles: the statistics of every level may be
recorded on a thumbnail and used for each tile (:meth:`WCTNetwork.stylize`'s
``statistics``), so tiles share the whole image's.

Images are float32 ``(H, W, 3)`` RGB in [0, 1]; any size (reflection-padded by a margin
and to a multiple of 16, cropped back).
"""

import tensorflow as tf

from arbitrary_nst.methods.wct import transform as wct
from arbitrary_nst.networks import layers
from arbitrary_nst.networks.decoder import build_mirror_decoder
from arbitrary_nst.networks.decoder_layout import block_of
from arbitrary_nst.networks.vgg import shared_extractor

LEVELS = ("block5_conv1", "block4_conv1", "block3_conv1", "block2_conv1", "block1_conv1")
"""relu5_1 ... relu1_1, coarse to fine."""
MARGIN = 32
"""Reflected margin (px) around the content: keeps the encoder's zero padding out of the
picture (as AdaIN's)."""
MULTIPLE = 16
"""Images are padded to a multiple of this: the four poolings above relu5_1."""


def build_decoders(levels=LEVELS, arch="vgg16", seed=0, dtype_policy=None):
    """``{level: new decoder}`` (:func:`build_mirror_decoder`)."""
    return {level: build_mirror_decoder(level, arch, seed, dtype_policy,
                                        name=f"wct_decoder_{level}") for level in levels}


class WCTNetwork(tf.Module):
    """The encoder, the decoders of ``levels`` (coarse to fine) and the transforms;
    ``levels`` None: the levels of ``decoders``, else every level of :data:`LEVELS`.

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

    def encode(self, images, level):
        """float32 features ``(N, h, w, C)`` of ``images`` ``(N, H, W, 3)`` at ``level``."""
        return tf.cast(shared_extractor((level,), self.arch)(images)[level], tf.float32)

    def style_conditions(self, style):
        """``{level: (mean, colouring)}`` of one style image ``(1, H, W, 3)`` (one VGG
        pass to the deepest level)."""
        return self.masked_style_conditions(style, [None])[0]

    def masked_style_conditions(self, style, masks):
        """One ``{level: (mean, colouring)}`` per mask ``(H, W)`` of the style image
        ``(1, H, W, 3)`` (its pixels weighted by the mask; None: all), one VGG pass."""
        features = shared_extractor(tuple(self.levels), self.arch)(style)
        conditions = [{} for _ in masks]
        for level in self.levels:
            level_features = tf.cast(features[level][0], tf.float32)
            for condition, mask in zip(conditions, masks):
                weights = None if mask is None else tf.image.resize(
                    tf.convert_to_tensor(mask, tf.float32)[None, ..., None],
                    tf.shape(level_features)[:2], method="area")[0, ..., 0]
                condition[level] = wct.style_condition(level_features, weights)
        return conditions

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

    def stylize(self, content, styles, masks=None, alphas=1.0, statistics=None):
        """Multi-level WCT of one image.

        Args:
          content: ``(H, W, 3)``.
          styles: one entry per region: ``{level: (mean, colouring)}`` (a blend of
            :meth:`style_conditions`), or a callable ``(level, content condition) ->
            (mean, colouring)`` (for styles that depend on the content, e.g. flat ones),
            or None (the region keeps the content).
          masks: ``(R, H, W)`` region weights summing to 1 at each pixel, or None (one
            region, the whole image).
          alphas: 1 = the style's statistics, 0 = the content's features; a number or
            one per region.
          statistics: ``{level: [content condition per region]}`` to transform with
            instead of each level's own (a thumbnail's, for tiles), or None.

        Returns:
          ``(image (H, W, 3) in [0, 1], statistics used)``.
        """
        content = tf.convert_to_tensor(content, tf.float32)
        padded, crop = layers.pad_to_multiple(content[None], MULTIPLE, MARGIN)
        regions = len(styles)
        alphas = [alphas] * regions if isinstance(alphas, (int, float)) else list(alphas)
        if masks is not None:
            masks, _ = layers.pad_to_multiple(
                tf.convert_to_tensor(masks, tf.float32)[..., None], MULTIPLE, MARGIN)
        used = {}
        image = padded
        for level in self.levels:
            features, context = self.encode_for_decoding(image, level)
            features = features[0]
            weights = (None if masks is None else
                       tf.image.resize(masks, tf.shape(features)[:2], method="area")[..., 0])
            conditions = (statistics[level] if statistics is not None else
                          [wct.content_condition(features, None if weights is None
                                                 else weights[r]) for r in range(regions)])
            used[level] = conditions
            moved = []
            for region, style in enumerate(styles):
                if style is None:
                    moved.append(features)
                    continue
                target = style(level, conditions[region]) if callable(style) else style[level]
                moved.append(wct.transform(features, conditions[region], target,
                                           alphas[region]))
            target = (moved[0] if weights is None else
                      tf.add_n([weights[r][..., None] * moved[r] for r in range(regions)]))
            image = tf.clip_by_value(self.decode(target[None], level, context), 0.0, 1.0)
        return crop(image)[0], used


network_class = WCTNetwork
"""The network class of this module's decoders (what :class:`WCT` builds)."""
