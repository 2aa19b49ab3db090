"""Gatys transfer on 64 px images: losses fall, settings and levels behave."""

import numpy as np
import pytest

from arbitrary_nst.errors import UsageError
from arbitrary_nst.methods.gatys.settings import GatysSettings
from arbitrary_nst.methods.gatys.transfer import (
    automatic_levels,
    feature_extractor,
    gatys_transfer,
    level_sizes,
)
from arbitrary_nst.methods.regions import Region
from arbitrary_nst.networks import losses


def quick(**overrides):
    values = dict(steps=25, progress=False)
    values.update(overrides)
    return GatysSettings(**values)


@pytest.mark.parametrize("optimizer", ["lbfgs", "adam"])
def test_total_loss_falls(content64, style64, optimizer):
    result = gatys_transfer(content64, [style64],
                            settings=quick(optimizer=optimizer, snapshots=(5, 25)))
    first, last = result.history[0][3], result.history[-1][3]
    assert last < 0.6 * first, (first, last)
    # Snapshots are the image after those iterations: the last one is the result.
    assert sorted(result.snapshots) == [5, 25]
    np.testing.assert_allclose(result.snapshots[25], result.image, atol=1e-6)
    assert np.abs(result.snapshots[5] - result.image).mean() > 1e-3
    assert result.image.shape == content64.shape and result.image.dtype == np.float32
    assert 0.0 <= result.image.min() and result.image.max() <= 1.0
    assert len(result.history) == 25


def test_lbfgs_beats_adam_in_the_same_iterations(content64, style64):
    lbfgs = gatys_transfer(content64, [style64], settings=quick(optimizer="lbfgs"))
    adam = gatys_transfer(content64, [style64], settings=quick(optimizer="adam"))
    assert lbfgs.final_losses["total"] < adam.final_losses["total"]


def test_style_loss_drops_and_content_stays_recognisable(content64, style64):
    untouched = gatys_transfer(content64, [style64],
                               settings=quick(steps=1, optimizer="adam", learning_rate=1e-9))
    result = gatys_transfer(content64, [style64], settings=quick(steps=40))
    assert result.final_losses["style"] < 0.3 * untouched.final_losses["style"]
    # Correlation with the content photo's luminance stays clearly positive.
    corr = np.corrcoef(result.image.mean(-1).ravel(), content64.mean(-1).ravel())[0, 1]
    assert corr > 0.5


def test_inits(content64, style64):
    one_step = dict(steps=1, optimizer="adam", learning_rate=1e-9)
    from_content = gatys_transfer(content64, [style64], settings=quick(init="content", **one_step))
    np.testing.assert_allclose(from_content.image, content64, atol=1e-4)
    noise_a = gatys_transfer(content64, [style64], settings=quick(init="noise", seed=3, **one_step))
    noise_b = gatys_transfer(content64, [style64], settings=quick(init="noise", seed=3, **one_step))
    np.testing.assert_array_equal(noise_a.image, noise_b.image)
    assert abs(noise_a.image.mean() - 0.5) < 0.05
    from_style = gatys_transfer(content64, [style64], settings=quick(init="style", **one_step))
    assert np.abs(from_style.image - content64).mean() > 0.1


def test_coarse_to_fine_runs_every_level(content64, style64):
    assert level_sizes(480, 640, 3) == [(120, 160), (240, 320), (480, 640)]
    assert level_sizes(48, 64, 3) == [(48, 64)]  # levels under 32 px are skipped
    assert [automatic_levels(n) for n in (64, 512, 513, 1024, 2048, 4096, 8192)] == [
        1, 1, 2, 2, 3, 4, 5]
    content = np.repeat(np.repeat(content64, 2, 0), 2, 1)  # (96, 128)
    result = gatys_transfer(content, [style64], settings=quick(steps=10, levels=2))
    assert [h[0] for h in result.history] == [0] * 10 + [1] * 10
    assert result.image.shape == (96, 128, 3)


def test_stop_at_loss(content64, style64):
    full = gatys_transfer(content64, [style64], settings=quick(steps=30))
    target = full.history[9][3]
    stopped = gatys_transfer(content64, [style64], settings=quick(steps=30, stop_at_loss=target))
    assert len(stopped.history) <= 11 and stopped.history[-1][3] <= target


def test_per_layer_weights_select_layers(content64, style64):
    extractor = feature_extractor(GatysSettings())
    target = losses.gram_matrix(extractor(style64[None])["block1_conv1"])

    def first_layer_loss(layer_weights):
        result = gatys_transfer(content64, [style64],
                                settings=quick(style_layer_weights=layer_weights,
                                               content_weight=0.0))
        features = extractor(result.image[None])["block1_conv1"]
        return float(losses.gram_style_loss(features, target))

    assert first_layer_loss((1.0, 0, 0, 0, 0)) < 0.5 * first_layer_loss((0, 0, 0, 0, 1.0))
    with pytest.raises(UsageError, match=r"style_layer_weights=\[1.0, 1.0\]: expected 5 numbers"):
        gatys_transfer(content64, [style64], settings=quick(style_layer_weights=(1.0, 1.0)))


def gram_distance(image, style, layer="block3_conv1", mask=None):
    extractor = feature_extractor(GatysSettings())
    target = losses.gram_matrix(extractor(style[None])[layer])
    features = extractor(image[None])[layer]
    if mask is not None:
        import tensorflow as tf
        mask = tf.image.resize(mask[None, :, :, None], features.shape[1:3])
    return float(losses.gram_style_loss(features, target, mask))


def test_blend_weights_pull_towards_each_style(content64, style64, second_style64):
    styles = [style64, second_style64]
    mostly_a = gatys_transfer(content64, styles, [Region(None, (0.9, 0.1))], quick(steps=40))
    mostly_b = gatys_transfer(content64, styles, [Region(None, (0.1, 0.9))], quick(steps=40))
    assert gram_distance(mostly_a.image, style64) < gram_distance(mostly_b.image, style64)
    assert (gram_distance(mostly_b.image, second_style64)
            < gram_distance(mostly_a.image, second_style64))


def test_guided_gram_puts_each_style_in_its_region(content64, style64, second_style64):
    left = np.zeros(content64.shape[:2], np.float32)
    left[:, :32] = 1.0
    regions = [Region(left, (1.0, 0.0)), Region(1.0 - left, (0.0, 1.0))]
    result = gatys_transfer(content64, [style64, second_style64], regions, quick(steps=40))
    image = result.image
    # The stripes style is saturated red/blue: the right half must be far more so.
    saturation = image.max(-1) - image.min(-1)
    assert saturation[:, 40:].mean() > saturation[:, :24].mean() + 0.1
    assert (gram_distance(image, second_style64, mask=1.0 - left)
            < gram_distance(image, second_style64, mask=left))


def test_bad_settings_are_named(content64, style64):
    with pytest.raises(UsageError, match="optimizer 'sgd'"):
        gatys_transfer(content64, [style64], settings=quick(optimizer="sgd"))
    with pytest.raises(UsageError, match="style_weight=-1"):
        gatys_transfer(content64, [style64], settings=quick(style_weight=-1))
    with pytest.raises(UsageError, match="at least one style"):
        gatys_transfer(content64, [], settings=quick())
