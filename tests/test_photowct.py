"""PhotoWCT (Li et al. 2018) at small sizes: a photo restyled by itself comes back, edges
stay where they were, label maps confine the transfer and bad ones are one line, the
unpooling decoders put values back at the pooling switches, both smoothing steps keep
the photo's structure."""

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

import arbitrary_nst as nst
from arbitrary_nst.errors import UsageError
from arbitrary_nst.evaluation import metrics
from arbitrary_nst.io import image_io
from arbitrary_nst.methods.photowct import labels, smoothing
from arbitrary_nst.methods.photowct.network import (
    PhotoWCTNetwork,
    max_pool_with_switches,
    unpool,
)


@pytest.fixture(scope="module")
def photo():
    return nst.load_image(nst.SAMPLES_DIR + "/brandenburg_gate.jpg", size=96)


@pytest.fixture(scope="module")
def reference():
    return nst.load_image(nst.SAMPLES_DIR + "/great_wave.jpg", size=96)


@settings(max_examples=25, deadline=None)
@given(batch=st.integers(1, 2), height=st.integers(2, 9), width=st.integers(2, 9),
       channels=st.integers(1, 4), levels=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_switches_are_the_argmax_of_the_pooling(batch, height, width, channels, levels,
                                                seed):
    """Max-unpooling with the switches puts each value back where
    ``tf.nn.max_pool_with_argmax`` says its window's maximum was, ties included (values
    of few ``levels``: a relu's zeros tie in 20-50% of VGG's windows), odd sizes too."""
    rng = np.random.default_rng(seed)
    images = tf.constant(rng.integers(0, levels, (batch, height, width, channels)),
                         tf.float32)
    pooled, switches = max_pool_with_switches(images)
    np.testing.assert_array_equal(pooled, tf.nn.max_pool2d(images, 2, 2, "VALID"))
    _, argmax = tf.nn.max_pool_with_argmax(images, 2, 2, "VALID",
                                           include_batch_in_index=True)
    values = tf.constant(rng.uniform(1, 2, pooled.shape), tf.float32)
    even = tf.TensorShape([batch, height // 2 * 2, width // 2 * 2, channels])
    expected = np.zeros([batch * height * width * channels], np.float32)
    expected[argmax.numpy().ravel()] = values.numpy().ravel()
    expected = expected.reshape(images.shape)[:, :even[1], :even[2]]
    np.testing.assert_array_equal(unpool(values, switches), expected)


def test_the_encoder_with_switches_gives_the_extractor_features():
    network = PhotoWCTNetwork()
    images = tf.random.uniform((1, 32, 48, 3), seed=2)
    features, switches = network.encode_for_decoding(images, "block3_conv1")
    np.testing.assert_allclose(features, network.encode(images, "block3_conv1"), atol=1e-4)
    assert sorted(switches) == ["block1_pool", "block2_pool"]


def test_a_photo_restyled_by_itself_comes_back(photo):
    """The photo as its own reference (96 px, four levels): luminance SSIM above 0.85 and a
    mean absolute error under 0.1 (measured 0.903 and 0.082: what four reconstructions in a
    row lose, each level decoding the last one's output, mostly colour; the smoothing takes
    the SSIM from 0.736 to 0.903). At 256 px: 0.944 and 0.062."""
    output = nst.stylize(photo, [photo], method="photowct", working_size=96)
    assert metrics.luminance_ssim(output, photo) > 0.85
    assert np.abs(output - photo).mean() < 0.1


def edges(image):
    """Gradient magnitude of the luminance ``(H, W)``."""
    y = image_io.rgb_to_yiq(image)[..., 0]
    return np.hypot(np.diff(y, axis=0)[:, :-1], np.diff(y, axis=1)[:-1])


def test_edges_stay_where_they_were(photo, reference):
    """Straight edges stay straight: the output's edge map correlates with the photo's
    (above 0.5; measured 0.59 at 96 px), more than the painterly WCT's does."""
    photoreal = nst.stylize(photo, [reference], method="photowct", working_size=96)
    painterly = nst.stylize(photo, [reference], method="wct", working_size=96)
    kept = [np.corrcoef(edges(image).ravel(), edges(photo).ravel())[0, 1]
            for image in (photoreal, painterly)]
    assert kept[0] > 0.5 and kept[0] > kept[1]


def test_label_maps_confine_the_transfer(photo):
    """Top half of the photo matched with a red reference region, bottom half with a blue
    one: each half takes its region's colour."""
    height, width = photo.shape[:2]
    reference = np.zeros((64, 64, 3), np.float32)
    reference[:32] = (0.8, 0.1, 0.1)
    reference[32:] = (0.1, 0.1, 0.8)
    reference += np.random.default_rng(0).normal(0, 0.05, reference.shape).astype(np.float32)
    reference = np.clip(reference, 0, 1)
    photo_labels = np.zeros_like(photo)
    photo_labels[height // 2:] = 1.0
    reference_labels = np.zeros_like(reference)
    reference_labels[32:] = 1.0
    output = nst.stylize(photo, [reference], method="photowct", working_size=96,
                         content_labels=photo_labels, style_labels=reference_labels)
    top, bottom = output[:height // 2 - 8].mean((0, 1)), output[height // 2 + 8:].mean((0, 1))
    assert top[0] > top[2] + 0.1 and bottom[2] > bottom[0] + 0.1


@pytest.mark.parametrize("case,message", [
    ("size", "content_labels is 40x96 but the photo is 96x72"),
    ("missing", "has the label (255, 255, 255) that style_labels lacks"),
    ("one", "give both label maps or neither"),
])
def test_bad_label_maps_are_one_line(photo, reference, case, message):
    photo_labels = np.zeros_like(photo)
    photo_labels[:, :20] = 1.0
    reference_labels = np.zeros_like(reference)
    reference_labels[:, :20] = 1.0
    options = {"content_labels": photo_labels, "style_labels": reference_labels}
    if case == "size":
        options["content_labels"] = np.zeros((96, 40, 3), np.float32)
    elif case == "missing":
        options["style_labels"] = np.zeros_like(reference)
    else:
        del options["style_labels"]
    with pytest.raises(UsageError) as error:
        nst.stylize(photo, [reference], method="photowct", working_size=96, **options)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_matched_regions_are_disjoint_and_cover_both_images():
    photo_labels = np.zeros((30, 40, 3), np.float32)
    photo_labels[10:, :, 1] = 1.0
    reference_labels = np.zeros((60, 80, 3), np.float32)
    reference_labels[:20, :, 1] = 1.0
    pairs = labels.matched_regions(photo_labels, reference_labels, (30, 40), (60, 80))
    assert len(pairs) == 2
    np.testing.assert_array_equal(sum(c for c, _ in pairs), 1.0)
    np.testing.assert_array_equal(sum(s for _, s in pairs), 1.0)


@pytest.mark.parametrize("method", ["fast", "exact"])
def test_smoothing_removes_noise_and_keeps_edges(photo, method):
    """A colour-shifted, noisy copy of the photo: both smoothing steps take out noise
    (its standard deviation falls by 40 % or more) and keep the edges. Not more: the exact
    step keeps whatever is locally an affine function of the photo's colours (what the
    matting affinity preserves), which includes the part of the noise that correlates with
    them within each 3x3 window (its std fell to 0.51 of the noise's at 96 px)."""
    rng = np.random.default_rng(3)
    shifted = photo[..., ::-1].copy()
    noisy = np.clip(shifted + rng.normal(0, 0.1, photo.shape).astype(np.float32), 0, 1)
    smoothed = smoothing.smooth(noisy, photo, method)
    assert (smoothed - shifted).std() < 0.6 * (noisy - shifted).std()
    assert np.corrcoef(edges(smoothed).ravel(), edges(shifted).ravel())[0, 1] > 0.7


@pytest.mark.parametrize("method", ["wct", "photowct"])
@pytest.mark.parametrize("level", ["block1_conv1", "block3_conv1"])
def test_a_checkpoint_holds_every_decoder_weight(tmp_path, method, level):
    """What training saves (``tf.train.Checkpoint(decoder=...)``) restores every weight of
    a freshly built decoder (the unpooling decoders once kept their layers in a list that
    checkpoints do not follow, and runs saved none of them)."""
    from arbitrary_nst import registry
    from arbitrary_nst.networks.decoder_layout import mirror_layers
    build = registry.implementation(method).networks.build_decoders
    trained, fresh = build((level,), seed=1)[level], build((level,), seed=2)[level]
    path = tf.train.Checkpoint(decoder=trained).save(str(tmp_path / "ckpt"))
    tf.train.Checkpoint(decoder=fresh).restore(path).assert_existing_objects_matched()
    convs = [step for step in mirror_layers(level, "vgg16") if step.kind == "conv"]
    assert len(fresh.weights) == 2 * len(convs)  # a kernel and a bias per convolution
    for a, b in zip(trained.weights, fresh.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
