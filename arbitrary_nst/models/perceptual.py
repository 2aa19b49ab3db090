"""The perceptual loss the CIN networks train with (Johnson et al. 2016; Dumoulin et al.
and Ghiasi et al. 2017): by default VGG16 content loss at ``relu3_3`` plus Gram style
losses at ``relu1_2, relu2_2, relu3_3, relu4_3``, each layer weighted 1.

The layers and per-layer weights are settable (``model.content_layers``,
``model.style_layers``, ``model.style_layer_weights`` in an experiment config; the same
names as :class:`arbitrary_nst.optimize.GatysSettings`).

Images are float32 ``(N, H, W, 3)`` in [0, 1]; Gram targets ``{layer: (N, C, C)}``.
"""

import functools

import tensorflow as tf

from arbitrary_nst import losses
from arbitrary_nst.loss_layers import PERCEPTUAL_CONTENT_LAYERS as CONTENT_LAYERS
from arbitrary_nst.loss_layers import PERCEPTUAL_STYLE_LAYERS as STYLE_LAYERS
from arbitrary_nst.vgg import shared_extractor


class PerceptualLoss:
    """Content + Gram style loss in VGG16 (built on first use).

    Args:
      dtype_policy: Keras dtype policy of the VGG layers.
      content_layers: the content loss is the mean over these layers of
        :func:`arbitrary_nst.losses.content_loss`.
      style_layers, style_layer_weights: the style loss is the sum over these layers of
        weight x :func:`arbitrary_nst.losses.gram_style_loss`; weights default to 1 each.
    """

    def __init__(self, dtype_policy=None, content_layers=CONTENT_LAYERS,
                 style_layers=STYLE_LAYERS, style_layer_weights=None):
        self._dtype_policy = dtype_policy
        self.content_layers = tuple(content_layers)
        self.style_layers = tuple(style_layers)
        self.style_layer_weights = tuple(style_layer_weights or [1.0] * len(style_layers))

    @functools.cached_property
    def encoder(self):
        names = tuple(dict.fromkeys(self.content_layers + self.style_layers))
        return shared_extractor(names, "vgg16", self._dtype_policy)

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
        content_loss = tf.add_n([losses.content_loss(output_features[name],
                                                     content_features[name])
                                 for name in self.content_layers]) / len(self.content_layers)
        style_loss = tf.add_n([weight * losses.gram_style_loss(output_features[name],
                                                                target_grams[name])
                               for name, weight in zip(self.style_layers,
                                                       self.style_layer_weights)])
        return {"total": content_weight * content_loss + style_weight * style_loss,
                "content": content_loss, "style": style_loss}
