"""AdaIN's detail branch: added with weight 1 - alpha (per region with masks), nothing at
alpha 1, trained alone on reconstructions, saved with the decoder, and in the shipped
weights it brings the photo back at alpha 0."""

import numpy as np
import pytest
import tensorflow as tf
from conftest import CONTENT_PATH
from hypothesis import given, settings
from hypothesis import strategies as st

from arbitrary_nst import registry
from arbitrary_nst.evaluation import metrics
from arbitrary_nst.io import image_io
from arbitrary_nst.methods.adain import weights
from arbitrary_nst.methods.adain.network import (
    DETAIL_LAYER,
    MARGIN,
    AdaIN,
    build_detail_branch,
)
from arbitrary_nst.methods.regions import Region
from arbitrary_nst.networks import layers
from arbitrary_nst.networks.layer_weights import save_layer_weights
from arbitrary_nst.training import runs
from arbitrary_nst.training.config import load_config
from arbitrary_nst.training.train import train


def randomized(model, seed=3, scale=0.05):
    """``model`` with a copy of its decoder and a detail branch of small random weights."""
    rng = np.random.default_rng(seed)
    detail = build_detail_branch()
    for weight in detail.weights:
        weight.assign(scale * rng.standard_normal(weight.shape).astype(np.float32))
    return AdaIN(model.arch, decoder=model.decoder, detail=detail)


def residual_of(model, content):
    """The detail branch's residual for ``content`` ``(1, H, W, 3)``, padded as
    ``transfer`` pads it."""
    padded, crop = layers.pad_to_multiple(content, 8, MARGIN)
    return crop(model.detail(model.encode(padded)[DETAIL_LAYER])).numpy()


@pytest.fixture(scope="module")
def pair(content64, style64):
    """The shipped decoder with a new (zero) branch, the same with a random branch, and
    the sample painting's statistics."""
    model = AdaIN("vgg16", decoder=weights.shipped().decoder)
    return model, randomized(model), model.style_statistics(style64[None])


def test_a_new_branch_adds_nothing():
    branch = build_detail_branch()
    features = tf.random.uniform((2, 16, 24, 64), 0.0, 300.0, seed=1)
    assert np.abs(branch(features).numpy()).max() == 0.0


@settings(max_examples=6, deadline=None)
@given(alpha=st.floats(0.0, 1.0))
def test_the_branch_adds_its_residual_times_one_minus_alpha(pair, content64, alpha):
    """Two models sharing a decoder, one with a random branch: their outputs differ by
    (1 - alpha) times the branch's residual wherever neither is clipped."""
    model, other, (mean, std) = pair
    content = content64[None]
    without = model.transfer(content, mean, std, alpha)
    with_branch = other.transfer(content, mean, std, alpha).numpy()
    residual = residual_of(other, content)
    inside = ((without.numpy() > 0.01) & (without.numpy() < 0.99)
              & (with_branch > 0.01) & (with_branch < 0.99))
    assert inside.mean() > 0.5
    np.testing.assert_allclose((with_branch - without.numpy())[inside],
                               (1.0 - alpha) * residual[inside], atol=2e-4)


def test_alpha_one_ignores_the_branch(pair, content64):
    model, other, (mean, std) = pair
    np.testing.assert_array_equal(other.transfer(content64[None], mean, std).numpy(),
                                  model.transfer(content64[None], mean, std).numpy())


@pytest.mark.parametrize("alpha", [1.0, 0.5])
def test_an_unstyled_region_gets_the_whole_branch(tmp_path, pair, content64, style64, alpha):
    """``run_adain`` with a left half that keeps the photo: there the branch's residual is
    added in full (alpha 0), on the styled right half ``1 - alpha`` of it."""
    model, other, _ = pair
    files = {"with": str(tmp_path / "with.npz"), "without": str(tmp_path / "without.npz")}
    weights.save_decoder(other, files["with"])
    save_layer_weights({"decoder": other.decoder}, files["without"])
    left = np.zeros(content64.shape[:2], np.float32)
    left[:, :32] = 1.0
    regions = [Region(left, None), Region(1.0 - left, (1.0,))]
    outputs = {name: registry.load("adain", checkpoint=path).stylize(content64, [style64],
                                                                     regions, alpha)
               for name, path in files.items()}
    residual = residual_of(runs.load_network(files["with"], "adain"), content64[None])[0]
    inside = np.all([(o > 0.01) & (o < 0.99) for o in outputs.values()], axis=0)
    difference = outputs["with"] - outputs["without"]
    weight = np.where(np.arange(64) < 32, 1.0, 1.0 - alpha)[None, :, None]
    np.testing.assert_allclose(difference[inside], (weight * residual)[inside], atol=1e-3)


def test_decoder_files_round_trip_the_branch(tmp_path, pair, content64, style64):
    """``save_adain_decoder`` writes both networks (float16); a file of a decoder alone
    (older files, the JAX trainer's) leaves the branch as it was."""
    model, other, (mean, std) = pair
    path = str(tmp_path / "decoder.npz")
    weights.save_decoder(other, path)
    loaded = AdaIN()
    weights.load_decoder(loaded, path)
    for saved, original in zip(loaded.detail.weights + loaded.decoder.weights,
                               other.detail.weights + other.decoder.weights):
        np.testing.assert_allclose(saved.numpy(), original.numpy(), rtol=1e-3, atol=1e-4)
    decoder_only = str(tmp_path / "decoder_only.npz")
    save_layer_weights({"decoder": other.decoder}, decoder_only)
    fresh = AdaIN()
    weights.load_decoder(fresh, decoder_only)
    assert all(np.abs(w.numpy()).max() == 0.0 for w in fresh.detail.weights[-2:])
    rendered = runs.load_network(path, "adain").transfer(content64[None], mean, std, 0.0)
    np.testing.assert_allclose(rendered.numpy(),
                               other.transfer(content64[None], mean, std, 0.0).numpy(),
                               atol=2e-3)


def test_training_the_branch_restores_the_photo_and_leaves_the_decoder(tmp_path):
    """``model.trains: detail``: the loss (reconstruction error) falls, only the branch's
    weights move, and the run folder restores both networks."""
    image = image_io.load_image(CONTENT_PATH, size=192)
    (tmp_path / "content").mkdir()
    for index, (y, x) in enumerate([(0, 0), (0, 90), (90, 0), (90, 90)]):
        image_io.save_image(str(tmp_path / "content" / f"{index}.png"),
                            image[y:y + 96, x:x + 96])
    path = tmp_path / "detail.yaml"
    path.write_text(f"""
model: {{type: adain, trains: detail, init_weights: shipped}}
data: {{content: {tmp_path / 'content'}, resize: 72, crop: 64, batch_size: 2}}
train: {{learning_rate: 1.0e-3, steps: 16}}
checkpoint: {{dir: {tmp_path / 'run'}, every_steps: 8}}
summary: {{every_steps: 4, image_every_steps: 8}}
""")
    result = train(load_config(str(path)), progress=False)
    losses = [loss for _, loss in result["losses"]]
    assert np.mean(losses[-4:]) < 0.8 * np.mean(losses[:2]), losses
    shipped = weights.shipped()
    for trained, original in zip(result["model"].decoder.weights, shipped.decoder.weights):
        np.testing.assert_array_equal(trained.numpy(), original.numpy())
    restored = runs.load_network(str(tmp_path / "run"), "adain")
    for a, b in zip(restored.detail.weights, result["model"].detail.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert any(np.abs(a.numpy() - b.numpy()).max() > 1e-6
               for a, b in zip(restored.detail.weights, shipped.detail.weights))


def test_the_shipped_branch_brings_the_photo_back():
    """On the bundled photo (not a training image) at 256 px, the shipped branch raises
    the alpha-0 luminance SSIM against the photo (held-out 512 px figures: 0.726 without,
    see the README)."""
    photo = image_io.load_image(CONTENT_PATH, size=256)
    shipped = weights.shipped()
    own = shipped.style_statistics(photo[None])
    # reconstruct() needs no statistics: the same as transfer at alpha 0 with the photo's.
    np.testing.assert_array_equal(shipped.reconstruct(photo[None]).numpy(),
                                  shipped.transfer(photo[None], *own, alpha=0.0).numpy())
    without = AdaIN("vgg16", decoder=shipped.decoder)
    ssim = {name: metrics.luminance_ssim(model.reconstruct(photo[None]).numpy()[0], photo)
            for name, model in (("without", without), ("with", shipped))}
    assert ssim["with"] > ssim["without"] + 0.08, ssim
