"""The perceptual objective every method composes: a content term and a style term, each
a weighted sum over VGG layers, with each paper's layers and weights as the defaults.

``total = content_weight * sum_l c_l * content(l) + style_weight * sum_l s_l * style(l)``

where ``content(l)`` and ``style(l)`` are the caller's per-layer losses (mean squared
feature differences; Gram or mean/std distances, see :data:`GRAM`, :data:`MEAN_STD`) and
``c_l``, ``s_l`` the layer weights held here. The content layers are averaged (``c_l =
1/n``); the style layers weigh 1 each (Johnson et al. 2016, Huang & Belongie 2017) or
``1/n`` each (Gatys et al. 2016, ``style_average``), unless given.

Layer names are Keras': ``block{b}_conv{c}`` is relu{b}_{c}. No TensorFlow: the per-layer
losses are callables, so the same sums serve TensorFlow (Gatys, every training loss, the
metrics) and the JAX port of AdaIN's training.
"""

import dataclasses

from arbitrary_nst.errors import UsageError

EPSILON = 1e-5
"""Added to variances wherever a standard deviation is taken (the mean/std statistics,
instance norms, AdaIN), and to a guided Gram matrix's positions."""
GRAM = "gram"
"""Style statistic: Gram matrices of the features (Gatys, Johnson, Dumoulin, Ghiasi)."""
MEAN_STD = "mean_std"
"""Style statistic: channel means and standard deviations (AdaIN)."""


class ObjectiveError(UsageError):
    """Layers and layer weights that do not fit together."""


@dataclasses.dataclass(frozen=True)
class Objective:
    """Which VGG layers the content and style terms use, and how they are weighted.

    Attributes:
      content_layers: the content term averages its loss over these.
      style_layers: the style term sums its loss over these, weighted.
      style_layer_weights: one weight >= 0 per style layer; None: the default rule.
      statistic: :data:`GRAM` or :data:`MEAN_STD`, what the style loss compares.
      style_average: default style weights ``1/n`` each (Gatys) instead of 1.

    Raises:
      ObjectiveError: no layers, or style weights that are not one number >= 0 per style
        layer.
    """
    content_layers: tuple
    style_layers: tuple
    style_layer_weights: tuple = None
    statistic: str = GRAM
    style_average: bool = False

    def __post_init__(self):
        object.__setattr__(self, "content_layers", tuple(self.content_layers))
        object.__setattr__(self, "style_layers", tuple(self.style_layers))
        if self.style_layer_weights is not None:
            weights = tuple(float(w) for w in self.style_layer_weights)
            object.__setattr__(self, "style_layer_weights", weights)
            if len(weights) != len(self.style_layers) or any(w < 0 for w in weights):
                raise ObjectiveError(
                    f"style_layer_weights={list(weights)}: expected {len(self.style_layers)}"
                    f" numbers >= 0, one per style layer ({', '.join(self.style_layers)})")
        if not self.style_layers:
            raise ObjectiveError("style_layers: expected at least one layer")

    @property
    def content_weights(self):
        """``{layer: 1 / number of content layers}``."""
        return {layer: 1.0 / len(self.content_layers) for layer in self.content_layers}

    @property
    def style_weights(self):
        """``{layer: weight}`` of the style term."""
        weights = self.style_layer_weights
        if weights is None:
            weight = 1.0 / len(self.style_layers) if self.style_average else 1.0
            weights = (weight,) * len(self.style_layers)
        return dict(zip(self.style_layers, weights))

    @property
    def layers(self):
        """Every layer either term reads, content layers first, each once."""
        return tuple(dict.fromkeys(self.content_layers + self.style_layers))

    def content(self, loss):
        """``sum_l c_l * loss(l)`` over the content layers (``loss``: layer -> scalar)."""
        return sum(weight * loss(layer) for layer, weight in self.content_weights.items())

    def style(self, loss):
        """``sum_l s_l * loss(l)`` over the style layers (``loss``: layer -> scalar)."""
        return sum(weight * loss(layer) for layer, weight in self.style_weights.items())

    def with_layers(self, content_layers=(), style_layers=(), style_layer_weights=()):
        """This objective with the layers and weights that are given (empty: keep).

        New style layers without weights take the default rule. Raises ObjectiveError.
        """
        style = tuple(style_layers) or self.style_layers
        weights = tuple(style_layer_weights) or (
            None if tuple(style_layers) else self.style_layer_weights)
        return dataclasses.replace(self, content_layers=tuple(content_layers)
                                   or self.content_layers, style_layers=style,
                                   style_layer_weights=weights)


GATYS = Objective(("block4_conv2",), ("block1_conv1", "block2_conv1", "block3_conv1",
                                      "block4_conv1", "block5_conv1"), style_average=True)
"""Gatys et al. 2016: content at conv4_2, Gram style at conv1_1 ... conv5_1, 1/5 each; also
the fixed space :mod:`arbitrary_nst.evaluation.metrics` scores every method in."""
PERCEPTUAL = Objective(("block3_conv3",), ("block1_conv2", "block2_conv2", "block3_conv3",
                                           "block4_conv3"))
"""Johnson et al. 2016's VGG16 loss, which Dumoulin et al. and Ghiasi et al. 2017 train
with: content at relu3_3, Gram style at relu1_2, relu2_2, relu3_3, relu4_3, 1 each."""
ADAIN = Objective(("block4_conv1",), ("block1_conv1", "block2_conv1", "block3_conv1",
                                      "block4_conv1"), statistic=MEAN_STD)
"""Huang & Belongie 2017: content at relu4_1 (against the AdaIN target), mean/std style
at relu1_1 ... relu4_1, 1 each."""
