"""StyleAugmentation (Jackson et al. 2019): deterministic under a seed, restyles images in
training and not at inference, works in a tf.data map on batches of any size; the style
distribution fits and round-trips."""

import numpy as np
import pytest
import tensorflow as tf

import arbitrary_nst as nst
from arbitrary_nst.datasets import augmentation
from arbitrary_nst.io import image_io
from conftest import CONTENT_PATH, STYLE_PATH


@pytest.fixture(scope="module")
def batch():
    photo = image_io.resize(nst.load_image(CONTENT_PATH, size=64), 48, 64)
    return np.stack([photo, photo[:, ::-1], photo[::-1], photo[::-1, ::-1]])


def test_restyles_in_training_deterministically_and_not_at_inference(batch):
    layer = nst.StyleAugmentation(probability=1.0, strength=(0.5, 1.0), seed=3)
    first = layer(batch, training=True).numpy()
    again = nst.StyleAugmentation(probability=1.0, strength=(0.5, 1.0), seed=3)(
        batch, training=True).numpy()
    other = nst.StyleAugmentation(probability=1.0, strength=(0.5, 1.0), seed=4)(
        batch, training=True).numpy()
    assert first.shape == batch.shape and np.isfinite(first).all()
    np.testing.assert_allclose(first, again, atol=1e-6)
    assert np.abs(first - batch).mean() > 0.05  # restyled
    assert np.abs(first - other).mean() > 0.01  # another seed, other styles
    assert np.array_equal(layer(batch, training=False).numpy(), batch)
    assert np.array_equal(layer(batch).numpy(), batch)  # inference by default


def test_probability_zero_keeps_every_image_and_strength_zero_nearly_does(batch):
    kept = nst.StyleAugmentation(probability=0.0, seed=0)(batch, training=True).numpy()
    assert np.array_equal(kept, batch)
    own = nst.StyleAugmentation(probability=1.0, strength=(0.0, 0.0), seed=0)(
        batch, training=True).numpy()
    random = nst.StyleAugmentation(probability=1.0, strength=(1.0, 1.0), seed=0)(
        batch, training=True).numpy()
    assert np.abs(own - batch).mean() < np.abs(random - batch).mean()


def test_in_a_tf_data_map_on_batches_of_any_size(batch):
    layer = nst.StyleAugmentation(probability=1.0, seed=1)
    dataset = (tf.data.Dataset.from_tensor_slices(np.concatenate([batch, batch[:1]]))
               .batch(2).map(lambda images: layer(images, training=True)))
    shapes = [tuple(images.shape) for images in dataset]
    assert shapes == [(2, 48, 64, 3), (2, 48, 64, 3), (1, 48, 64, 3)]


def test_bad_arguments_are_one_line_errors():
    with pytest.raises(ValueError, match="strength"):
        nst.StyleAugmentation(strength=(0.8, 0.2))
    with pytest.raises(ValueError, match="probability"):
        nst.StyleAugmentation(probability=1.5)
    with pytest.raises(ValueError, match="at least 2 paintings"):
        augmentation.fit_style_distribution([np.zeros((32, 32, 3), np.float32)])


def test_fitted_distribution_round_trips_and_centres_on_the_paintings(tmp_path):
    paintings = [nst.load_image(STYLE_PATH, size=64), nst.load_image(CONTENT_PATH, size=64),
                 nst.load_image(STYLE_PATH, size=96)[:48]]
    path = str(tmp_path / "distribution.npz")
    mean, covariance = augmentation.fit_style_distribution(paintings, path)
    loaded = augmentation.load_style_distribution(path)
    np.testing.assert_array_equal(loaded[0], mean)
    np.testing.assert_array_equal(loaded[1], covariance)
    from arbitrary_nst.methods.arbitrary import weights
    vectors = np.concatenate([weights.shipped().style_vector(p[None]).numpy()
                              for p in paintings])
    np.testing.assert_allclose(mean, vectors.mean(axis=0), atol=1e-5)
    assert np.all(np.linalg.eigvalsh(covariance.astype(np.float64)) > 0)  # shrunk: definite
