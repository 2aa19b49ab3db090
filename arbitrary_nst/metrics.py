"""Method-independent quality measures in one fixed VGG16 feature space.

:func:`evaluate_pair` scores a stylized image against its content and style images so that
any two methods can be compared on the same pair:

* Images are compared at one size: the stylized image's own, shrunk so that its longest
  side is at most :data:`EVAL_SIZE` (512) pixels (never enlarged); the content image is
  resized to exactly that height and width, the style image to the same longest side.
* ``content_loss``: mean squared difference of VGG16 ``block4_conv2`` (relu4_2) features.
* ``style_loss``: ``sum_l 1/5 * mean((G_l(stylized) - G_l(style))^2)`` over ``block1_conv1``
  ... ``block5_conv1`` (relu1_1 ... relu5_1), Gram matrices divided by the number of
  positions (the Gatys objective's style term with its default layer weights).
* ``style_loss_mean_std``: ``sum_l 1/5 * (mean squared difference of channel means +
  that of channel standard deviations)`` over the same layers (AdaIN's style statistic).

VGG16 inputs are RGB in [0, 1] with Keras' caffe preprocessing inside the extractor.
"""

import tensorflow as tf

from arbitrary_nst import image_io, losses
from arbitrary_nst.optimize import CONTENT_LAYERS, STYLE_LAYERS
from arbitrary_nst.vgg import shared_extractor

EVAL_SIZE = 512

def evaluate_pair(content, style, stylized, size=EVAL_SIZE):
    """Content and style losses of ``stylized`` (see module doc).

    Args:
      content, style, stylized: float32 ``(H, W, 3)`` images in [0, 1], any sizes.
      size: largest longest side at which the comparison is made.

    Returns:
      ``{"content_loss", "style_loss", "style_loss_mean_std"}`` as Python floats.
    """
    extractor = shared_extractor(CONTENT_LAYERS + STYLE_LAYERS, "vgg16")
    stylized = image_io.resize_longest(stylized, min(size, max(stylized.shape[:2])))
    height, width = stylized.shape[:2]
    content = image_io.resize(content, height, width)
    style = image_io.resize_longest(style, size)
    out, ref_content, ref_style = (extractor(tf.constant(x[None])) for x in
                                   (stylized, content, style))
    layer_weight = 1.0 / len(STYLE_LAYERS)
    content_loss = tf.add_n([losses.content_loss(out[layer], ref_content[layer])
                             for layer in CONTENT_LAYERS]) / len(CONTENT_LAYERS)
    style_loss = tf.add_n([layer_weight * losses.gram_style_loss(
        out[layer], losses.gram_matrix(ref_style[layer])) for layer in STYLE_LAYERS])
    mean_std_loss = tf.add_n([layer_weight * losses.mean_std_loss(
        out[layer], *losses.mean_std(ref_style[layer])) for layer in STYLE_LAYERS])
    return {"content_loss": float(content_loss), "style_loss": float(style_loss),
            "style_loss_mean_std": float(mean_std_loss)}
