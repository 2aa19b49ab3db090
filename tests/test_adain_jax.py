"""The JAX port of the AdaIN training (experiments/adain_jax*.py, used on GPU machines
without TensorFlow) computes what the TensorFlow model computes, reads the shards that
arbitrary_nst.training.data writes, and trains."""

import os
import sys

import numpy as np
import optax
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from arbitrary_nst.methods.adain.layout import BOTTLENECK
from arbitrary_nst.methods.adain.network import AdaIN
from arbitrary_nst.methods.adain.weights import DECODER_PATH
from arbitrary_nst.networks.layer_weights import load_layer_weights
from arbitrary_nst.networks.objective import ADAIN
from arbitrary_nst.networks.weights import load_vgg_weights
from arbitrary_nst.training import data

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "experiments"))
import adain_jax  # noqa: E402
import adain_jax_data  # noqa: E402

sys.path.pop(0)


@pytest.fixture(scope="module")
def weights():
    """The shipped TensorFlow AdaIN model and the same weights as adain_jax dicts."""
    model = AdaIN("vgg16")
    load_layer_weights({"decoder": model.decoder}, DECODER_PATH)
    encoder = {name: load_vgg_weights("vgg16").params[name]
               for name in adain_jax.encoder_layer_names()}
    return model, encoder, adain_jax.read_decoder(DECODER_PATH)


def test_encoder_decoder_and_loss_match_tensorflow(weights):
    """Same weights, same 64 px batch (one reconstruction): features, decoded images and
    the three loss terms agree within 1e-4 relative (float32)."""
    model, encoder, decoder = weights
    rng = np.random.default_rng(0)
    content = rng.random((3, 64, 64, 3), dtype=np.float32)
    style = rng.random((3, 64, 64, 3), dtype=np.float32)
    expected_features = model.encode(content)
    features = adain_jax.encode(encoder, content)
    for layer in ADAIN.style_layers:
        np.testing.assert_allclose(features[layer], expected_features[layer], rtol=1e-4,
                                   atol=1e-3 * float(np.abs(expected_features[layer]).max()))
    bottleneck = expected_features[BOTTLENECK].numpy()
    expected_images = model.decoder(bottleneck).numpy()
    np.testing.assert_allclose(adain_jax.decode(decoder, bottleneck), expected_images,
                               atol=1e-4)
    expected = model.loss(tf.constant(content), tf.constant(style), identity_count=1)
    terms = adain_jax.loss_terms(decoder, encoder, content, style[1:], 1)
    for key in ("content", "style", "identity"):
        np.testing.assert_allclose(float(terms[key]), float(expected[key]), rtol=1e-4)


def test_decoder_file_round_trips_into_the_tensorflow_model(weights, tmp_path):
    model, _, decoder = weights
    path = tmp_path / "decoder.npz"
    np.savez(path, **adain_jax.decoder_arrays(decoder))
    loaded = AdaIN("vgg16")
    load_layer_weights({"decoder": loaded.decoder}, str(path))
    for saved, shipped in zip(loaded.decoder.weights, model.decoder.weights):
        np.testing.assert_array_equal(saved.numpy(), shipped.numpy())


def test_train_step_lowers_the_loss_of_a_batch(weights):
    """Ten Adam steps on one 32 px batch (2 of 4 reconstructing) lower its total loss."""
    _, encoder, decoder = weights
    rng = np.random.default_rng(1)
    content = rng.integers(0, 256, (4, 32, 32, 3), dtype=np.uint8)
    style = rng.integers(0, 256, (2, 32, 32, 3), dtype=np.uint8)
    optimizer = optax.adam(1e-4, eps=1e-7)
    step = adain_jax.make_train_step({"content": 1.0, "style": 2.5, "identity": 100.0}, 2,
                                     optimizer)
    state = optimizer.init(decoder)
    totals = []
    for _ in range(10):
        decoder, state, terms = step(decoder, state, encoder, content, style)
        totals.append(float(terms["total"]))
    assert totals[-1] < 0.9 * totals[0], totals


@settings(max_examples=20, deadline=None)
@given(st.lists(st.binary(min_size=0, max_size=40000), min_size=1, max_size=6))
def test_shards_read_without_tensorflow_give_back_every_file(tmp_path_factory, blobs):
    """Whatever the files' bytes and lengths (1-3 byte varints), the TF-free reader
    returns exactly the bytes write_shards packed."""
    folder = tmp_path_factory.mktemp("blobs")
    paths = []
    for index, blob in enumerate(blobs):
        paths.append(str(folder / f"file{index}.jpg"))
        with open(paths[-1], "wb") as f:
            f.write(blob)
    data.write_shards(paths, str(folder / "content"), images_per_shard=4)
    assert sorted(adain_jax_data.shard_images(str(folder), "content")) == sorted(blobs)


def test_style_crops_are_reproducible_augmented_and_in_range():
    rng = np.random.default_rng(2)
    paintings = [adain_jax_data.Image.fromarray(
        rng.integers(0, 256, (90 + 20 * i, 140, 3), dtype=np.uint8)) for i in range(2)]
    photos = [adain_jax_data.Image.fromarray(
        rng.integers(0, 256, (70, 100, 3), dtype=np.uint8))]
    sampler = adain_jax_data.CropSampler(photos, paintings, crop=32, resize=64, seed=3)
    content, style = sampler.batch(7, batch_size=4, identity_count=1)
    assert content.shape == (4, 32, 32, 3) and style.shape == (3, 32, 32, 3)
    assert content.dtype == style.dtype == np.uint8
    again = sampler.batch(7, batch_size=4, identity_count=1)
    np.testing.assert_array_equal(content, again[0])
    np.testing.assert_array_equal(style, again[1])
    assert not np.array_equal(style, sampler.batch(8, batch_size=4, identity_count=1)[1])
