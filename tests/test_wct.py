"""WCT (Li et al. 2017) at small sizes: the transform gives the style's mean and
covariance and is safe on flat and tiny inputs; alpha 0 gives the decoders'
reconstruction; blends, masks and tiles behave; the shipped decoders reconstruct."""

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

import arbitrary_nst as nst
from arbitrary_nst import registry
from arbitrary_nst.errors import WeightsError
from arbitrary_nst.evaluation import metrics
from arbitrary_nst.methods.regions import Region
from arbitrary_nst.methods.wct import transform as wct
from arbitrary_nst.methods.wct.network import LEVELS, WCTNetwork, build_decoders


def correlated(rng, positions, channels, scale=1.0):
    """``(positions, 1, channels)`` features with a random mean and covariance."""
    mixing = rng.normal(size=(channels, channels)) * scale
    return (rng.normal(size=(positions, channels)) @ mixing + rng.normal(size=channels) * 3
            ).astype(np.float32)[:, None, :]


def test_transformed_features_have_the_style_mean_and_covariance(monkeypatch):
    """Without the ridge: the style's mean and covariance to 1e-6 (relative to the largest
    entry), for any content. With the shipped ridge (1e-3 of the mean eigenvalue) a
    direction of content variance lambda keeps lambda / (lambda + ridge) of it: for a
    content whose eigenvalues are all at least 0.25 of the mean, within 0.5 %."""
    rng = np.random.default_rng(0)
    content, style = correlated(rng, 4000, 16), correlated(rng, 3000, 16, scale=2.0)
    style_mean, style_covariance = wct.statistics(style)
    scale = np.abs(style_covariance).max()
    with monkeypatch.context() as patch:
        patch.setattr(wct, "RIDGE", 0.0)
        moved = wct.transform(content, wct.content_condition(content),
                              wct.style_condition(style))
        mean, covariance = wct.statistics(moved)
        np.testing.assert_allclose(mean, style_mean, atol=1e-6 * np.abs(style_mean).max())
        np.testing.assert_allclose(covariance, style_covariance, atol=1e-6 * scale)
    rotation = np.linalg.qr(rng.normal(size=(16, 16)))[0]
    spread = np.sqrt(np.linspace(0.5, 2.0, 16))  # eigenvalues 0.5 to 2 (mean 1.25)
    conditioned = (rng.normal(size=(4000, 16)) * spread @ rotation).astype(np.float32)
    moved = wct.transform(conditioned[:, None], wct.content_condition(conditioned[:, None]),
                          wct.style_condition(style))
    mean, covariance = wct.statistics(moved)
    np.testing.assert_allclose(mean, style_mean, atol=1e-3 * np.abs(style_mean).max())
    np.testing.assert_allclose(covariance, style_covariance, atol=5e-3 * scale)


@settings(max_examples=25, deadline=None)
@given(positions=st.integers(1, 40), channels=st.integers(1, 24),
       flat_content=st.booleans(), flat_style=st.booleans(), seed=st.integers(0, 10))
def test_the_transform_is_finite_for_flat_tiny_and_rank_deficient_features(
        positions, channels, flat_content, flat_style, seed):
    """Fewer positions than channels (rank-deficient covariances), one position, flat
    features: always finite; a flat content whitens to nothing and takes the style's
    mean."""
    rng = np.random.default_rng(seed)
    content = correlated(rng, positions, channels)
    style = correlated(rng, positions + 3, channels)
    if flat_content:
        content = np.full_like(content, 2.5)
    if flat_style:
        style = np.full_like(style, -1.0)
    moved = wct.transform(content, wct.content_condition(content),
                          wct.style_condition(style))
    assert np.all(np.isfinite(moved))
    if flat_content:
        np.testing.assert_allclose(moved, np.broadcast_to(style.mean(0), moved.shape),
                                   atol=1e-4 * (1 + np.abs(style).max()))


@pytest.fixture(scope="module")
def untrained():
    """WCT with freshly initialised decoders: the properties below hold for any."""
    return WCTNetwork(LEVELS, build_decoders(LEVELS, seed=4))


def whole(network, style):
    return network.style_conditions(tf.constant(style[None]))


def test_alpha_zero_returns_the_decoders_reconstruction(untrained, content64, style64):
    output, _ = untrained.stylize(content64, [whole(untrained, style64)], alphas=0.0)
    # Alpha 0 leaves every level's features as encoded: decoder after decoder.
    image, _ = untrained.stylize(content64, [None])
    np.testing.assert_allclose(output, image, atol=1e-5)


def test_blend_weights_one_zero_equal_the_single_style(content64, style64, second_style64):
    method = registry.load("wct")
    one = method.stylize(content64, [style64], [Region(None, (1.0,))])
    blend = method.stylize(content64, [style64, second_style64], [Region(None, (1.0, 0.0))])
    np.testing.assert_allclose(blend, one, atol=1e-4)
    other = method.stylize(content64, [style64, second_style64], [Region(None, (0.0, 1.0))])
    assert np.abs(other - one).mean() > 0.02


def test_masks_confine_each_style(content64, style64, second_style64):
    """Left half the painting, right half the stripes: each side's outer 30 % is at most
    half as far (mean absolute difference) from that style's own render as from the other
    style's, and the two renders differ there. (Not equal to the single-style render: a
    region is whitened with its own content statistics, as in the paper's spatial control.)"""
    width = content64.shape[1]
    left = np.zeros(content64.shape[:2], np.float32)
    left[:, :width // 2] = 1.0
    masked = nst.stylize(content64, [style64, second_style64], method="wct", mask=left,
                         working_size=64)
    first = nst.stylize(content64, [style64], method="wct", working_size=64)
    second = nst.stylize(content64, [second_style64], method="wct", working_size=64)
    outer_left, outer_right = slice(0, int(0.3 * width)), slice(int(0.7 * width), width)

    def distance(a, b, columns):
        return np.abs(a[:, columns] - b[:, columns]).mean()

    assert distance(masked, first, outer_left) < 0.5 * distance(masked, second, outer_left)
    assert distance(masked, second, outer_right) < 0.5 * distance(masked, first, outer_right)
    assert distance(first, second, outer_right) > 0.1


def test_tiled_equals_untiled(content64, style64):
    """256 px, 128 px tiles overlapping by 48 with the thumbnail's statistics (the whole
    image: it is under the thumbnail size): mean difference under 0.01."""
    content = nst.load_image(nst.SAMPLES_DIR + "/brandenburg_gate.jpg", size=256)
    untiled = nst.stylize(content, [style64], method="wct", working_size=256, tile_size=0)
    tiled = nst.stylize(content, [style64], method="wct", working_size=256, tile_size=128,
                        tile_overlap=48)
    assert np.abs(tiled - untiled).mean() < 0.01


@pytest.mark.parametrize("level", LEVELS)
def test_the_shipped_decoders_reconstruct_a_photo(level):
    """Each shipped decoder gives the photo back from its level's features: luminance SSIM
    at 256 x 192 px above a level's floor (deeper levels lose more; the shipped decoders
    measured 0.990 / 0.958 / 0.887 / 0.732 / 0.403, relu1_1 to relu5_1; at 128 px relu5_1's
    6 x 8 feature map gives only 0.30)."""
    from arbitrary_nst.methods.wct import weights
    network = weights.shipped()
    image = tf.constant(nst.load_image(nst.SAMPLES_DIR + "/brandenburg_gate.jpg",
                                       size=256)[None, :192])
    rebuilt = np.clip(network.reconstruct(image, level).numpy()[0], 0, 1)
    floor = {"block1_conv1": 0.95, "block2_conv1": 0.9, "block3_conv1": 0.8,
             "block4_conv1": 0.65, "block5_conv1": 0.35}[level]
    assert metrics.luminance_ssim(rebuilt, image.numpy()[0]) > floor


@pytest.mark.parametrize("method", ["wct", "photowct"])
def test_the_shipped_network_passes_through_the_levels_its_file_holds(method):
    """A decoders file with fewer levels than the method's deepest gives a network of
    those levels (the default depth), and a deeper --depth names the levels there are."""
    from arbitrary_nst.methods.wct.method import with_levels
    from arbitrary_nst.methods.wct.weights import levels_in
    implementation = registry.implementation(method)
    network = implementation.shipped()
    in_file = levels_in(implementation.weights.DECODERS_PATH)
    assert sorted(network.levels) == in_file
    partial = with_levels(network, tuple(sorted(in_file, reverse=True)[1:]))
    with pytest.raises(WeightsError, match="there are decoders for " + ", ".join(
            sorted(partial.decoders, reverse=True)) + "\\): lower --depth"):
        with_levels(partial, tuple(sorted(in_file, reverse=True)))
