"""The VGG layers of each trainable model's loss: the papers' defaults, and the layers and
per-layer weights an experiment config sets (``model.content_layers``,
``model.style_layers``, ``model.style_layer_weights``). No TensorFlow import, so configs
are checked before anything heavy loads. Names are Keras': ``block{b}_conv{c}`` is
relu{b}_{c}.
"""

PERCEPTUAL_CONTENT_LAYERS = ("block3_conv3",)
PERCEPTUAL_STYLE_LAYERS = ("block1_conv2", "block2_conv2", "block3_conv3", "block4_conv3")
"""Johnson et al. 2016's layers, which Dumoulin et al. and Ghiasi et al. train with
(multistyle, arbitrary; VGG16, Gram style loss)."""
ADAIN_STYLE_LAYERS = ("block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1")
"""Huang & Belongie 2017's mean/std style loss layers (relu1_1 ... relu4_1); AdaIN's
content loss is always at its bottleneck, relu4_1."""
ADAIN_DEEPEST = "block4_conv1"
"""AdaIN's encoder ends here: its style layers cannot be deeper."""


def for_model(model):
    """``(content_layers, style_layers, style_layer_weights)`` tuples that a config's
    ``model`` section trains with: its keys where set, else the paper's (adain has no
    content layers to choose)."""
    if model.type == "adain":
        content, style = (), ADAIN_STYLE_LAYERS
    else:
        content, style = PERCEPTUAL_CONTENT_LAYERS, PERCEPTUAL_STYLE_LAYERS
    style = tuple(model.style_layers) or style
    return (tuple(model.content_layers) or content, style,
            tuple(model.style_layer_weights) or (1.0,) * len(style))
