"""Normalisation and padding layers of the feed-forward style networks.

Feature maps are float32 ``(N, H, W, C)``.

* :func:`instance_norm`: normalise each sample's channels over positions (Ulyanov 2016).
* :func:`adain`: adaptive instance normalisation, ``sigma_s * (x - mu_x) / sigma_x + mu_s``
  (Huang & Belongie 2017), with an ``alpha`` trade-off towards the content features.
* :class:`ConditionedNorm`: instance norm followed by an affine map chosen by a
  condition (style weights, a style vector); :class:`ConditionalInstanceNorm` is the one
  with one ``(gamma, beta)`` per style, mixed convexly by a style-weight vector
  (Dumoulin et al. 2017).
* :class:`ReflectionConv2D`: reflection padding then a 'valid' convolution, so borders get
  no zero-padding artefacts.
* :func:`pad_to_multiple`: lets fully convolutional networks take any image size.
* :func:`with_upsampling`: the same network with another upsampling interpolation.
"""

import numpy as np
import tensorflow as tf

from arbitrary_nst.networks.losses import EPSILON, mean_std


def pad_to_multiple(images, multiple, margin=0):
    """Reflection-pads ``(N, H, W, C)`` by ``margin`` on every side (at most ``min(H, W)
    - 1``), then at the bottom and right to multiples of ``multiple``.

    The margin keeps a network's own border effects (zero padding inside it) out of the
    picture: they fall on the reflected margin, which is cropped away.

    Returns ``(padded, crop)``: ``crop(output)`` cuts a same-size output ``(N, H', W',
    C')`` back to ``(N, H, W, C')``.
    """
    images = tf.convert_to_tensor(images, tf.float32)
    height, width = tf.shape(images)[1], tf.shape(images)[2]
    margin = tf.maximum(tf.minimum(margin, tf.minimum(height, width) - 1), 0)
    padded = tf.pad(images, [[0, 0], [margin, margin], [margin, margin], [0, 0]],
                    mode="REFLECT")
    padded = tf.pad(padded, [[0, 0], [0, (-height - 2 * margin) % multiple],
                             [0, (-width - 2 * margin) % multiple], [0, 0]], mode="REFLECT")
    return padded, lambda output: output[:, margin:margin + height, margin:margin + width, :]


def keys_cubic(distance, a=-0.5):
    """Keys' cubic convolution kernel (1981) at ``distance >= 0`` (zero from 2 on)."""
    if distance <= 1.0:
        return ((a + 2.0) * distance - (a + 3.0)) * distance * distance + 1.0
    if distance < 2.0:
        return ((a * distance - 5.0 * a) * distance + 8.0 * a) * distance - 4.0 * a
    return 0.0


INTERPOLATION_KERNELS = {
    "bilinear": (1, lambda distance: max(0.0, 1.0 - distance)),
    "bicubic": (2, keys_cubic),
}
"""``{interpolation: (radius, kernel)}``: ``kernel(d)`` weighs a source pixel ``d >= 0``
pixels away, zero from ``radius`` on: the triangle, and Keys' cubic with ``a = -0.5``
(the kernels of ``tf.image.resize``)."""


def phase_taps(interpolation, factor):
    """``(factor, 2 r + 1)`` float32 weights of an integer upsampling with half-pixel
    centres: output pixel ``factor * i + phase`` is ``sum_t taps[phase, t] * x[i + t - r]``
    (``r`` the kernel's radius), before the border's renormalisation
    (:class:`Upsampling`)."""
    radius, kernel = INTERPOLATION_KERNELS[interpolation]
    offsets = np.arange(-radius, radius + 1)
    return np.array([[kernel(abs((phase + 0.5) / factor - 0.5 - t)) for t in offsets]
                     for phase in range(factor)], np.float32)


class Upsampling(tf.keras.layers.Layer):
    """Integer upsampling ``(N, H, W, C) -> (N, f*H, f*W, C)`` with "nearest",
    "bilinear" or "bicubic" interpolation (half-pixel centres); works on unknown sizes in
    graphs, with builtin ops only, so a LiteRT file of the network plans its buffers
    statically (a computed resize size makes every later tensor dynamic: allocated apart
    and kept, ~350 MiB for one 512 px call of the arbitrary transformer).

    "nearest" repeats each pixel ``f x f`` times as ``depth_to_space`` of the channels
    tiled ``f * f`` times (the same values as Keras' ``UpSampling2D``). "bilinear" and
    "bicubic" give ``tf.image.resize``'s values (within float32 rounding): each of the
    ``f * f`` output phases is a fixed separable filter of the zero-padded input
    (depthwise convolutions with :func:`phase_taps`), divided by the same filter of ones
    (the weights that fall inside the image: ``tf.image.resize`` renormalises them at the
    border), and the phases are interleaved by ``depth_to_space``.

    Raises:
      ValueError: an unknown interpolation.
    """

    def __init__(self, factor=2, interpolation="bilinear", **kwargs):
        super().__init__(**kwargs)
        if interpolation != "nearest" and interpolation not in INTERPOLATION_KERNELS:
            raise ValueError(f"interpolation {interpolation!r}: expected nearest, "
                             + ", ".join(INTERPOLATION_KERNELS))
        self.factor, self.interpolation = factor, interpolation

    def call(self, inputs):
        if self.interpolation == "nearest":
            return tf.nn.depth_to_space(tf.concat([inputs] * self.factor ** 2, -1),
                                        self.factor)
        weights = self._filtered(tf.ones_like(inputs[..., :1]))
        return self._filtered(inputs) / weights

    def _filtered(self, images):
        """The ``f * f`` phases of ``images`` filtered, interleaved: ``(N, fH, fW, C)``."""
        taps = phase_taps(self.interpolation, self.factor)
        radius = taps.shape[1] // 2
        channels = images.shape[-1]
        padded = tf.pad(images, [[0, 0], [radius, radius], [radius, radius], [0, 0]])

        def filtered(x, kernel):  # kernel (kh, kw), the same for every channel
            kernel = np.tile(kernel[:, :, None, None], (1, 1, channels, 1))
            return tf.nn.depthwise_conv2d(x, tf.constant(kernel, x.dtype), [1, 1, 1, 1],
                                          "VALID")

        rows = [filtered(padded, row[:, None]) for row in taps]  # (N, H, W + 2r, C)
        phases = [filtered(row, col[None, :]) for row in rows for col in taps]
        return tf.nn.depth_to_space(tf.concat(phases, -1), self.factor)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor,
                "interpolation": self.interpolation}


def with_upsampling(model, interpolation):
    """A copy of the Keras ``model`` whose ``UpSampling2D`` layers are :class:`Upsampling`
    with ``interpolation`` ("bilinear", ...); every other layer is shared, weights
    included."""
    return tf.keras.models.clone_model(model, clone_function=lambda layer: (
        Upsampling(layer.size[0], interpolation, dtype=layer.dtype_policy, name=layer.name)
        if isinstance(layer, tf.keras.layers.UpSampling2D) else layer))


def instance_norm(features, epsilon=EPSILON, statistics=None):
    """Zero mean, unit standard deviation per sample and channel, over positions; with
    ``statistics`` ``(mean, std)``, each ``(N or 1, C)``, normalised with those instead
    of the features' own (a tile with its whole image's)."""
    mean, std = mean_std(features, epsilon) if statistics is None else statistics
    return (features - mean[:, None, None, :]) / std[:, None, None, :]


def adain(content_features, style_mean, style_std, alpha=1.0, epsilon=EPSILON,
          content_statistics=None):
    """Gives ``content_features`` the style's channel statistics.

    Args:
      content_features: ``(N, H, W, C)``.
      style_mean, style_std: ``(N, C)`` or ``(1, C)`` target statistics (e.g. from
        :func:`arbitrary_nst.networks.losses.mean_std`, or a weighted blend of several styles').
      alpha: 1 gives the style's statistics, 0 returns the content features unchanged,
        values between interpolate linearly.
      content_statistics: optional ``(mean, std)``, each ``(1, C)``, to normalise with
        instead of ``content_features``' own (e.g. a whole image's, when the features are
        one tile of it).

    Returns:
      ``(N, H, W, C)`` features.
    """
    normalized = instance_norm(content_features, epsilon, content_statistics)
    stylized = normalized * style_std[:, None, None, :] + style_mean[:, None, None, :]
    return alpha * stylized + (1.0 - alpha) * content_features


class ConditionedNorm(tf.keras.layers.Layer):
    """Instance norm, then a per-channel scale and shift that depend on a condition.

    Call as ``layer(features (N, H, W, C), condition (N, D))``. Subclasses define
    :meth:`affine`; tiled inference (:mod:`arbitrary_nst.rendering.tiling`) reuses it with
    whole-image statistics in place of each tile's own.
    """

    def __init__(self, epsilon=EPSILON, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def call(self, features, condition):
        return self.affine(instance_norm(features, self.epsilon), condition)

    def affine(self, normalized, condition):
        """Scales and shifts ``normalized`` ``(N, H, W, C)`` for ``condition`` ``(N, D)``."""
        raise NotImplementedError

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


class ConditionalInstanceNorm(ConditionedNorm):
    """Instance norm whose scale and shift are a weighted mix of ``num_styles`` pairs.

    Call as ``layer(features, style_weights)`` with ``style_weights`` of shape
    ``(N, num_styles)`` (rows normally sum to 1; one-hot selects one style).
    """

    def __init__(self, num_styles, **kwargs):
        super().__init__(**kwargs)
        self.num_styles = num_styles

    def build(self, features_shape, condition_shape=None):
        channels = features_shape[-1]
        self.gamma = self.add_weight(name="gamma", shape=(self.num_styles, channels),
                                     initializer="ones")
        self.beta = self.add_weight(name="beta", shape=(self.num_styles, channels),
                                    initializer="zeros")

    def affine(self, normalized, condition):
        gamma = tf.matmul(condition, self.gamma)[:, None, None, :]
        beta = tf.matmul(condition, self.beta)[:, None, None, :]
        return normalized * gamma + beta

    def get_config(self):
        return {**super().get_config(), "num_styles": self.num_styles}


class ReflectionConv2D(tf.keras.layers.Layer):
    """Reflection padding of ``kernel_size // 2`` then a 'valid' ``Conv2D``.

    The output has the input's height and width divided by ``strides``. ``seed`` makes
    the Glorot-uniform kernel initialisation reproducible whatever the global random state.
    """

    def __init__(self, filters, kernel_size=3, strides=1, activation=None, seed=None,
                 use_bias=True, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.kernel_size = filters, kernel_size
        self.strides, self.activation_name, self.seed = strides, activation, seed
        self.pad = kernel_size // 2
        self.conv = tf.keras.layers.Conv2D(
            filters, kernel_size, strides, padding="valid", activation=activation,
            kernel_initializer=tf.keras.initializers.GlorotUniform(seed=seed),
            use_bias=use_bias, dtype=self.dtype_policy)
        self.use_bias = use_bias

    def call(self, inputs):
        padded = tf.pad(inputs, [[0, 0], [self.pad, self.pad], [self.pad, self.pad], [0, 0]],
                        mode="REFLECT")
        return self.conv(padded)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "strides": self.strides,
                "activation": self.activation_name, "seed": self.seed,
                "use_bias": self.use_bias}
