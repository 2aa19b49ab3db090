"""Each loss against the same quantity computed by hand in numpy on small tensors."""

import numpy as np
import tensorflow as tf

from arbitrary_nst.networks import losses

RNG = np.random.default_rng(0)
A = RNG.normal(size=(2, 3, 4, 5)).astype(np.float32)
B = RNG.normal(size=(2, 3, 4, 5)).astype(np.float32)


def test_content_loss_is_mean_squared_difference():
    expected = np.mean((A - B) ** 2)
    np.testing.assert_allclose(losses.content_loss(A, B).numpy(), expected, rtol=1e-6)


def numpy_gram(features, mask=None):
    n, h, w, c = features.shape
    grams = []
    for i in range(n):
        f = features[i].reshape(h * w, c)
        if mask is None:
            grams.append(f.T @ f / (h * w))
        else:
            m = mask[i].reshape(h * w, 1)
            grams.append((f * m).T @ (f * m) / m.sum())
    return np.stack(grams)


def test_gram_matrix_by_hand():
    np.testing.assert_allclose(losses.gram_matrix(A).numpy(), numpy_gram(A), rtol=1e-5)
    # One entry written out in full: channels 1 and 3 of the second image.
    entry = sum(A[1, y, x, 1] * A[1, y, x, 3] for y in range(3) for x in range(4)) / 12
    np.testing.assert_allclose(losses.gram_matrix(A).numpy()[1, 1, 3], entry, rtol=1e-5)


def test_guided_gram_matrix_by_hand():
    mask = (RNG.uniform(size=(2, 3, 4, 1)) > 0.4).astype(np.float32)
    np.testing.assert_allclose(losses.gram_matrix(A, tf.constant(mask)).numpy(),
                               numpy_gram(A, mask), rtol=1e-4)


def test_gram_style_loss_by_hand():
    expected = np.mean((numpy_gram(A) - numpy_gram(B)) ** 2)
    got = losses.gram_style_loss(A, numpy_gram(B)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    assert losses.gram_style_loss(A, numpy_gram(A)).numpy() < 1e-10


def test_mean_std_and_its_loss_by_hand():
    mean, std = losses.mean_std(A)
    np.testing.assert_allclose(mean.numpy(), A.mean(axis=(1, 2)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(std.numpy(), np.sqrt(A.var(axis=(1, 2)) + 1e-5), rtol=1e-5)
    b_mean, b_std = B.mean(axis=(1, 2)), np.sqrt(B.var(axis=(1, 2)) + 1e-5)
    expected = (np.mean((A.mean(axis=(1, 2)) - b_mean) ** 2)
                + np.mean((np.sqrt(A.var(axis=(1, 2)) + 1e-5) - b_std) ** 2))
    np.testing.assert_allclose(losses.mean_std_loss(A, b_mean, b_std).numpy(), expected,
                               rtol=1e-5)


def test_total_variation_by_hand():
    image = np.array([[0.0, 1.0], [0.5, 0.25]], np.float32).reshape(1, 2, 2, 1)
    # vertical diffs: 0.5, -0.75 -> mean sq 0.40625; horizontal: 1, -0.25 -> 0.53125
    np.testing.assert_allclose(losses.total_variation_loss(image).numpy(), 0.9375, rtol=1e-6)
    flat = np.full((1, 5, 5, 3), 0.3, np.float32)
    assert losses.total_variation_loss(flat).numpy() == 0.0

