"""The AdaIN network: decoder shape, any-size inference, and a loss that falls in training."""

import numpy as np
import tensorflow as tf

from arbitrary_nst import image_io
from arbitrary_nst.models.adain import AdaIN, build_decoder


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
