"""The AdaIN network: decoder shape, any-size inference, a loss that falls in training,
the shipped decoder, blending and masks in feature space."""

import numpy as np
import pytest
import tensorflow as tf

from arbitrary_nst import registry
from arbitrary_nst.io import image_io
from arbitrary_nst.methods.adain import weights
from arbitrary_nst.methods.adain.network import BOTTLENECK, AdaIN, build_decoder
from arbitrary_nst.methods.regions import Region
from arbitrary_nst.networks import losses


def test_decoder_mirrors_the_encoder():
    decoder = build_decoder("vgg16")
    assert decoder(tf.zeros((1, 4, 5, 512))).shape == (1, 32, 40, 3)
    convs = [layer.name for layer in decoder.layers if "mirror" in layer.name]
    assert len(convs) == 8  # VGG16 convolutions up to relu4_1
    assert len([n for n in build_decoder("vgg19").layers if "mirror" in n.name]) == 9


def test_transfer_keeps_any_size_in_range(content64, style64):
    model = AdaIN()
    content = image_io.resize(content64, 45, 61)[None]
    mean, std = model.style_statistics(style64[None])
    out = model.transfer(content, mean, std).numpy()
    assert out.shape == (1, 45, 61, 3)
    assert out.min() >= 0.0 and out.max() <= 1.0


def test_training_steps_reduce_the_loss(content64, style64, second_style64):
    tf.keras.utils.set_random_seed(0)
    model = AdaIN()
    contents = tf.constant(np.stack([content64, content64[:, ::-1]]))
    styles = tf.constant(np.stack([image_io.resize(style64, 48, 64), second_style64]))
    optimizer = tf.keras.optimizers.Adam(1e-3)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            parts = model.loss(contents, styles)
        variables = model.decoder.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(parts["total"], variables), variables))
        return parts["total"]

    history = [float(step()) for _ in range(40)]
    assert np.mean(history[-5:]) < 0.5 * np.mean(history[:3]), history
    assert not model.encoder.trainable_variables


def test_shipped_decoder_is_trained(content64, style64):
    """The packaged float16 decoder: on the sample pair its AdaIN loss is a small fraction
    of an untrained decoder's, and alpha moves the output from photo to style."""
    shipped = weights.shipped()
    untrained = AdaIN()
    content = image_io.resize(content64, 48, 64)[None]
    style = image_io.resize(style64, 48, 64)[None]
    assert (float(shipped.loss(content, style)["total"])
            < 0.1 * float(untrained.loss(content, style)["total"]))
    # alpha trades content for style where the network works, at relu4_1: the output's
    # distance to the photo's features grows and to the painting's statistics shrinks.
    mean, std = shipped.style_statistics(style)
    target = shipped.encode(content)[BOTTLENECK]
    distances = []
    for alpha in (0.0, 0.5, 1.0):
        features = shipped.encode(shipped.transfer(content, mean, std, alpha=alpha))[BOTTLENECK]
        distances.append((float(losses.content_loss(features, target)),
                          float(losses.mean_std_loss(features, mean, std))))
    assert distances[0][0] < distances[1][0] < distances[2][0]
    assert distances[0][1] > distances[1][1] > distances[2][1]


def test_blend_weights_and_masks_in_feature_space(content64, style64, second_style64):
    model = weights.shipped()
    first = model.style_statistics(style64[None])
    second = model.style_statistics(second_style64[None])
    only_first = registry.load("adain").stylize(content64, [style64, second_style64],
                                                [Region(None, (1.0, 0.0))])
    direct = model.transfer(content64[None], *first).numpy()[0]
    np.testing.assert_allclose(only_first, direct, atol=1e-5)
    # A mask that is 1 everywhere for the first region equals no mask at all.
    ones = np.ones(content64.shape[:2], np.float32)
    masked = model.transfer(content64[None], tf.concat([first[0], second[0]], 0),
                            tf.concat([first[1], second[1]], 0),
                            masks=np.stack([ones, 0 * ones])).numpy()[0]
    np.testing.assert_allclose(masked, direct, atol=1e-5)
    # Half and half: the left half follows the first style, the right the second.
    left = np.zeros_like(ones)
    left[:, :32] = 1.0
    split = model.transfer(content64[None], tf.concat([first[0], second[0]], 0),
                           tf.concat([first[1], second[1]], 0),
                           masks=np.stack([left, 1 - left])).numpy()[0]
    other = model.transfer(content64[None], *second).numpy()[0]
    assert (np.abs(split[:, :16] - direct[:, :16]).mean()
            < np.abs(split[:, :16] - other[:, :16]).mean())
    assert (np.abs(split[:, 48:] - other[:, 48:]).mean()
            < np.abs(split[:, 48:] - direct[:, 48:]).mean())


def test_identity_samples_use_their_own_content_as_style(content64, style64):
    model = weights.shipped()
    content = tf.constant(np.stack([image_io.resize(content64, 48, 64),
                                    image_io.resize(style64, 48, 64)]))
    style = tf.constant(np.stack([image_io.resize(style64, 48, 64)] * 2))
    mixed = model.loss(content, style, identity_weight=2.0, identity_count=1)
    # Sample 0 reconstructs (its style is itself), sample 1 is stylized.
    reference = model.loss(content, tf.concat([content[:1], style[1:]], 0))
    for key in ("content", "style"):
        np.testing.assert_allclose(float(mixed[key]), float(reference[key]), rtol=1e-4)
    decoded = model.decoder(model.encode(content[:1])[BOTTLENECK]).numpy()
    expected = np.mean(np.square(255.0 * (decoded - content[:1].numpy())))
    np.testing.assert_allclose(float(mixed["identity"]), expected, rtol=1e-4)
    np.testing.assert_allclose(float(mixed["total"]), float(reference["total"])
                               + 2.0 * expected, rtol=1e-4)
    assert float(model.loss(content, style)["identity"]) == 0.0


def test_identity_training_brings_the_photo_back(content64):
    """A few steps on reconstructions alone bring a fresh decoder's alpha=0 output closer
    to the photo (pixel mean squared error on the 0..255 scale)."""
    tf.keras.utils.set_random_seed(0)
    model = AdaIN()
    content = tf.constant(image_io.resize(content64, 48, 64)[None])
    optimizer = tf.keras.optimizers.Adam(1e-3)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            parts = model.loss(content, content, identity_weight=10.0, identity_count=1)
        variables = model.decoder.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(parts["total"], variables), variables))
        return parts["identity"]

    history = [float(step()) for _ in range(20)]
    assert np.mean(history[-3:]) < 0.5 * history[0], history


def test_a_decoder_npz_renders_like_the_shipped_decoder(content64, style64):
    """``checkpoint=`` a decoder file (what ship_adain_decoder.py and the GPU script
    write) loads it; the shipped file itself gives the shipped output; other methods and
    other files are refused."""
    from arbitrary_nst.errors import UsageError
    from arbitrary_nst.rendering import control
    from arbitrary_nst.training import runs
    # In TensorFlow at working size 64: the file's loading is checked, not LiteRT (whose
    # conversion of the file's networks grew a test process by 0.9 GB)
    options = dict(method="adain", runtime="tf", working_size=64)
    shipped = control.stylize(content64, [style64], **options)
    from_file = control.stylize(content64, [style64], checkpoint=weights.DECODER_PATH,
                                **options)
    np.testing.assert_allclose(from_file, shipped, atol=1e-5)
    with pytest.raises(UsageError, match="takes a training run folder, not a file"):
        runs.load_network(weights.DECODER_PATH, "multistyle")
