"""Multi-level WCT (Li et al. 2017) between network calls, in numpy: what the TensorFlow
network (:class:`~arbitrary_nst.methods.wct.network.WCTNetwork`) and its LiteRT form
(:class:`~arbitrary_nst.methods.wct.lite.LiteWCT`) share, so the levels, regions, blends
and tiles' statistics are written once. No TensorFlow.

Multi-level stylization runs coarse to fine: the image is encoded to the deepest level,
its features are transformed toward the style's
(:mod:`arbitrary_nst.methods.wct.transform`) and decoded; the result is encoded to the
next level up, transformed and decoded, and so on to relu1_1.

Spatial control (the paper's): each region's features are transformed with the region's
own mean and covariance (a mask-weighted one) toward its own style, and the regions are
blended by their masks before decoding. Tiles: the statistics of every level may be
recorded on a thumbnail and used for each tile (:meth:`LevelTransforms.stylize`'s
``statistics``), so tiles share the whole image's.

Images are float32 ``(H, W, 3)`` RGB in [0, 1]; any size (reflection-padded by
:data:`MARGIN` and to a multiple of :data:`MULTIPLE`, cropped back).
"""

import numpy as np

from arbitrary_nst.io import image_io
from arbitrary_nst.methods.wct import transform as wct
from arbitrary_nst.rendering.padding import reflect_pad

LEVELS = ("block5_conv1", "block4_conv1", "block3_conv1", "block2_conv1", "block1_conv1")
"""relu5_1 ... relu1_1, coarse to fine."""
MARGIN = 32
"""Reflected margin (px) around the content: keeps the encoder's zero padding out of the
picture (as AdaIN's)."""
MULTIPLE = 16
"""Images are padded to a multiple of this: the four poolings above relu5_1."""


def resized_weights(mask, shape):
    """A mask ``(H, W)`` averaged over the cells of a feature map of ``shape`` ``(h, w)``
    (area interpolation: a region's share of each position)."""
    return image_io.shrink(np.asarray(mask, np.float32)[..., None], shape)[..., 0]


class LevelTransforms:
    """The multi-level transform over a network's calls.

    Subclasses set ``levels`` (deepest first) and give:

    * ``encode_levels(images, levels)``: ``{level: features (N, h, w, C)}`` of
      ``(N, H, W, 3)`` images (one pass to the deepest);
    * ``encode_for_decoding(images, level)``: ``(features (N, h, w, C), context)``, the
      context being what the level's decoder needs besides the features (None, or the
      pooling switches of unpooling decoders);
    * ``decode(features, level, context)``: the image ``(N, H, W, 3)``, not clipped.
    """

    def style_conditions(self, style):
        """``{level: (mean, colouring)}`` of one style image ``(1, H, W, 3)`` (one
        encoder pass to the deepest level)."""
        return self.masked_style_conditions(style, [None])[0]

    def masked_style_conditions(self, style, masks):
        """One ``{level: (mean, colouring)}`` per mask ``(H, W)`` of the style image
        ``(1, H, W, 3)`` (its pixels weighted by the mask; None: all), one encoder pass."""
        features = self.encode_levels(np.asarray(style, np.float32), self.levels)
        conditions = [{} for _ in masks]
        for level in self.levels:
            level_features = np.asarray(features[level], np.float32)[0]
            for condition, mask in zip(conditions, masks):
                weights = (None if mask is None
                           else resized_weights(mask, level_features.shape[:2]))
                condition[level] = wct.style_condition(level_features, weights)
        return conditions

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
        image, crop = reflect_pad(np.asarray(content, np.float32)[None], MULTIPLE, MARGIN)
        regions = len(styles)
        alphas = [alphas] * regions if isinstance(alphas, (int, float)) else list(alphas)
        if masks is not None:
            masks = reflect_pad(np.moveaxis(np.asarray(masks, np.float32), 0, -1)[None],
                                MULTIPLE, MARGIN)[0][0]
        used = {}
        for level in self.levels:
            features, context = self.encode_for_decoding(image, level)
            features = np.asarray(features, np.float32)[0]
            weights = (None if masks is None else np.moveaxis(image_io.shrink(
                masks, features.shape[:2]).reshape(*features.shape[:2], -1), -1, 0))
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
                      sum(weights[r][..., None] * moved[r] for r in range(regions)))
            image = np.clip(np.asarray(self.decode(target[None], level, context),
                                       np.float32), 0.0, 1.0)
        return crop(image)[0], used
