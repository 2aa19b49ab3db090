"""PhotoWCT as a method (Li et al. 2018): give a photo the colours and tones of another
photo, its edges kept.

The stylization step is WCT's transform (:mod:`arbitrary_nst.methods.wct`) through the
unpooling decoders of :mod:`arbitrary_nst.methods.photowct.network`; with label maps
(``content_labels``, ``style_labels``) each matched region is transformed with the
reference's statistics of the same label. The smoothing step
(:mod:`arbitrary_nst.methods.photowct.smoothing`) then makes pixels alike in the photo
alike in the result. Blends of several references, ``alpha``, masks, tiles and the look
at any size work as for WCT; larger outputs take their fine detail from the photo
(its registry entry's default ``detail``).

Images are float32 ``(H, W, 3)`` RGB in [0, 1].
"""

import numpy as np

from arbitrary_nst.errors import UsageError
from arbitrary_nst.methods.base import imported
from arbitrary_nst.methods.photowct import labels, lite, smoothing, weights
from arbitrary_nst.methods.wct.method import WCT, blend
from arbitrary_nst.rendering import flatness


class PhotoWCT(WCT):
    """WCT with unpooling decoders, label-matched regions and smoothing; in TensorFlow or
    LiteRT (:mod:`arbitrary_nst.methods.photowct.lite`)."""
    task = imported("arbitrary_nst.methods.photowct.task:PhotoWCTDecoderTask")
    networks = imported("arbitrary_nst.methods.photowct.network")
    weights = weights
    lite_network = lite.LitePhotoWCT
    lite_models = staticmethod(lite.lite_models)

    @classmethod
    def with_upsampling(cls, network, interpolation):
        """``network`` itself: its decoders unpool with the encoder's switches and have
        no upsampling layers to interpolate."""
        return network

    def stylize(self, content, styles, regions, alpha=1.0):
        settings = self.settings
        if settings.content_labels is None:
            output = super().stylize(content, styles, regions, alpha)
        else:
            output = self.render(content, *self.labelled(content, styles, regions, alpha))
        return np.clip(smoothing.smooth(np.clip(output, 0.0, 1.0), content,
                                        settings.smoothing), 0.0, 1.0)

    def labelled(self, content, styles, regions, alpha):
        """``(targets, masks (H, W, R), alphas)`` with one region per (region, label):
        the region's mask times the label's, the reference's statistics of the label."""
        if len(styles) != 1:
            raise UsageError("label maps pair one reference with the photo: give one "
                             f"style image, not {len(styles)}")
        pairs = labels.matched_regions(self.settings.content_labels, self.settings.style_labels,
                                       content.shape, styles[0].shape)
        per_label = self.network.masked_style_conditions(styles[0][None],
                                                         [mask for _, mask in pairs])
        flat = [flatness.is_flat(styles[0])]
        targets, masks, alphas = [], [], []
        for region in regions:
            for (content_mask, _), conditions in zip(pairs, per_label):
                targets.append(blend([conditions], flat, region.style_weights,
                                     self.network.levels))
                masks.append(content_mask if region.mask is None
                             else content_mask * region.mask)
                alphas.append(0.0 if region.style_weights is None else alpha)
        return targets, np.stack(masks, axis=-1), alphas
