"""The perceptual loss the CIN networks train with (Johnson et al. 2016; Dumoulin et al.
and Ghiasi et al. 2017): VGG16 content loss plus Gram style loss over the layers and
weights of an :class:`~arbitrary_nst.networks.objective.Objective` (default
:data:`~arbitrary_nst.networks.objective.PERCEPTUAL`: content at ``relu3_3``, style at
``relu1_2, relu2_2, relu3_3, relu4_3``, each weighted 1), which an experiment config's
``model.content_layers``, ``model.style_layers``, ``model.style_layer_weights`` replace.

Images are float32 ``(N, H, W, 3)`` in [0, 1]; Gram targets ``{layer: (N, C, C)}``.
"""

import functools

import tensorflow as tf

from arbitrary_nst.networks import losses
from arbitrary_nst.networks.objective import PERCEPTUAL
from arbitrary_nst.networks.vgg import shared_extractor


class PerceptualLoss:
    """Content + Gram style loss in VGG16 (built on first use).

    Args:
      dtype_policy: Keras dtype policy of the VGG layers.
      objective: the layers and weights of both terms.
    """

    def __init__(self, dtype_policy=None, objective=PERCEPTUAL):
        self._dtype_policy = dtype_policy
        self.objective = objective

    @property
    def style_layers(self):
        """The style term's layers."""
        return self.objective.style_layers

    @functools.cached_property
    def encoder(self):
        return shared_extractor(self.objective.layers, "vgg16", self._dtype_policy)

    def encode(self, images):
        """``{layer: float32 features}`` of the loss layers."""
        return {name: tf.cast(value, tf.float32)
                for name, value in self.encoder(images).items()}

    def grams(self, images):
        """``{layer: (N, C, C)}`` Gram matrices of ``images`` at the style layers."""
        features = self.encode(images)
        return {name: losses.gram_matrix(features[name]) for name in self.style_layers}

    def __call__(self, output, content, target_grams, content_weight, style_weight):
        """``{"total", "content", "style"}`` for ``output`` rendered from ``content``:
        the content and style terms unweighted, ``total`` their weighted sum."""
        output_features = self.encode(output)
        content_features = self.encode(content)
        content_loss = self.objective.content(lambda name: losses.content_loss(
            output_features[name], content_features[name]))
        style_loss = self.objective.style(lambda name: losses.gram_style_loss(
            output_features[name], target_grams[name]))
        return {"total": content_weight * content_loss + style_weight * style_loss,
                "content": content_loss, "style": style_loss}
