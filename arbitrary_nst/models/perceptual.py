"""The perceptual loss the CIN networks train with (Johnson et al. 2016; Dumoulin et al.
and Ghiasi et al. 2017): VGG16 content loss at ``relu3_3`` plus Gram style losses at
``relu1_2, relu2_2, relu3_3, relu4_3``.

Images are float32 ``(N, H, W, 3)`` in [0, 1]; Gram targets ``{layer: (N, C, C)}``.
"""

import functools

import tensorflow as tf

from arbitrary_nst import losses
from arbitrary_nst.vgg import shared_extractor

CONTENT_LAYER = "block3_conv3"
STYLE_LAYERS = ("block1_conv2", "block2_conv2", "block3_conv3", "block4_conv3")


class PerceptualLoss:
    """Content + Gram style loss in VGG16 (built on first use)."""

    def __init__(self, dtype_policy=None):
        self._dtype_policy = dtype_policy

    @functools.cached_property
    def encoder(self):
        return shared_extractor((CONTENT_LAYER,) + STYLE_LAYERS, "vgg16", self._dtype_policy)

    def encode(self, images):
        """``{layer: float32 features}`` of the loss layers."""
        return {name: tf.cast(value, tf.float32)
                for name, value in self.encoder(images).items()}

    def grams(self, images):
        """``{layer: (N, C, C)}`` Gram matrices of ``images``."""
        features = self.encode(images)
        return {name: losses.gram_matrix(features[name]) for name in STYLE_LAYERS}

    def __call__(self, output, content, target_grams, content_weight, style_weight):
        """``{"total", "content", "style"}`` for ``output`` rendered from ``content``."""
        output_features = self.encode(output)
        content_loss = losses.content_loss(output_features[CONTENT_LAYER],
                                           self.encode(content)[CONTENT_LAYER])
        style_loss = tf.add_n([losses.gram_style_loss(output_features[name], target_grams[name])
                               for name in STYLE_LAYERS])
        return {"total": content_weight * content_loss + style_weight * style_loss,
                "content": content_loss, "style": style_loss}
