"""Normalisation and padding layers against numpy."""

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from arbitrary_nst.networks import layers

RNG = np.random.default_rng(1)
X = RNG.normal(2.0, 3.0, size=(2, 5, 6, 4)).astype(np.float32)


def test_instance_norm_by_hand():
    mean = X.mean(axis=(1, 2), keepdims=True)
    std = np.sqrt(X.var(axis=(1, 2), keepdims=True) + 1e-5)
    np.testing.assert_allclose(layers.instance_norm(X).numpy(), (X - mean) / std, atol=1e-5)


def test_adain_gives_the_style_statistics_and_alpha_interpolates():
    style_mean = RNG.normal(size=(2, 4)).astype(np.float32)
    style_std = RNG.uniform(0.5, 2.0, size=(2, 4)).astype(np.float32)
    out = layers.adain(X, style_mean, style_std).numpy()
    np.testing.assert_allclose(out.mean(axis=(1, 2)), style_mean, atol=1e-5)
    np.testing.assert_allclose(out.std(axis=(1, 2)), style_std, rtol=1e-3)
    np.testing.assert_allclose(layers.adain(X, style_mean, style_std, alpha=0.0).numpy(), X)
    half = layers.adain(X, style_mean, style_std, alpha=0.5).numpy()
    np.testing.assert_allclose(half, 0.5 * out + 0.5 * X, atol=1e-5)


def test_conditional_instance_norm_selects_and_mixes_styles():
    layer = layers.ConditionalInstanceNorm(3)
    layer(X, tf.constant([[1.0, 0, 0]] * 2))
    gammas = RNG.uniform(0.5, 2, size=(3, 4)).astype(np.float32)
    betas = RNG.normal(size=(3, 4)).astype(np.float32)
    layer.set_weights([gammas, betas])
    normalized = layers.instance_norm(X).numpy()
    second = layer(X, tf.constant([[0, 1.0, 0]] * 2)).numpy()
    np.testing.assert_allclose(second, normalized * gammas[1] + betas[1], atol=1e-5)
    mix = np.array([[0.2, 0.3, 0.5], [0.5, 0.5, 0.0]], np.float32)
    mixed = layer(X, tf.constant(mix)).numpy()
    expected = normalized * (mix @ gammas)[:, None, None, :] + (mix @ betas)[:, None, None, :]
    np.testing.assert_allclose(mixed, expected, atol=1e-5)


def test_reflection_conv_matches_numpy_reflect_padding():
    layer = layers.ReflectionConv2D(2, 3)
    out = layer(X)
    assert out.shape == (2, 5, 6, 2)
    kernel, bias = layer.get_weights()
    padded = np.pad(X, ((0, 0), (1, 1), (1, 1), (0, 0)), mode="reflect")
    expected = tf.nn.conv2d(padded, kernel, 1, "VALID").numpy() + bias
    np.testing.assert_allclose(out.numpy(), expected, atol=1e-5)
    assert layers.ReflectionConv2D(8, 3, strides=2)(X).shape == (2, 3, 3, 8)


def test_traced_after_first_call_runs_eagerly_once_then_traces():
    """The first call of an instance runs the Python method (eagerly); later calls go
    through one tf.function, and both give the same numbers."""
    import tensorflow as tf

    from arbitrary_nst.networks import tracing

    class Doubler:
        def __init__(self):
            self.eager_calls = 0

        @tracing.traced_after_first_call([tf.TensorSpec([None], tf.float32)])
        def double(self, values):
            if tf.executing_eagerly():
                self.eager_calls += 1
            return 2.0 * values

    model = Doubler()
    first = model.double(tf.constant([1.0, 2.0]))
    second = model.double(tf.constant([1.0, 2.0, 3.0]))
    third = model.double(tf.constant([4.0]))
    assert model.eager_calls == 1  # the traced calls do not run the Python body eagerly
    assert first.numpy().tolist() == [2.0, 4.0] and second.numpy().tolist() == [2.0, 4.0, 6.0]
    assert third.numpy().tolist() == [8.0]
    assert model._traced_double.experimental_get_tracing_count() == 1


@settings(max_examples=30, deadline=None)
@given(interpolation=st.sampled_from(sorted(layers.INTERPOLATION_KERNELS)),
       height=st.integers(1, 9), width=st.integers(1, 9), channels=st.integers(1, 3),
       seed=st.integers(0, 2 ** 16))
def test_interpolating_upsampling_equals_tf_image_resize(interpolation, height, width,
                                                         channels, seed):
    """The builtin-op upsampling (fixed filters, border renormalisation, depth_to_space)
    gives tf.image.resize's values within 1e-6 at every size, borders included (it fails
    where the border weights are clamped or not renormalised). Factor 2, the networks'
    (at 3, tf.image.resize's bicubic reads its weights from a 1024-entry table: 1e-4
    off the exact kernel)."""
    factor = 2
    images = np.random.default_rng(seed).normal(size=(1, height, width, channels))
    images = images.astype(np.float32)
    upsampled = layers.Upsampling(factor, interpolation)(images).numpy()
    reference = tf.image.resize(images, (factor * height, factor * width),
                                method=interpolation).numpy()
    np.testing.assert_allclose(upsampled, reference, atol=1e-6 * max(1.0, np.abs(images).max()))


def test_upsampling_refuses_an_unknown_interpolation():
    with pytest.raises(ValueError, match="interpolation 'area'"):
        layers.Upsampling(2, "area")
