"""The AdaIN network's training loss in JAX, for GPU machines that have JAX but no
TensorFlow (such as the one this project is lent; see ``train_adain_jax.py``).

It computes what :class:`arbitrary_nst.methods.adain.network.AdaIN` computes (Huang & Belongie
2017, with this project's identity term): the frozen VGG16 encoder up to relu4_1 (Keras'
"caffe" preprocessing, zero-padded 3x3 convolutions, 2x2 max-pools), AdaIN, the decoder
that mirrors the encoder (reflection-padded 3x3 convolutions, nearest upsampling), and the
content, mean/std style and identity losses. ``tests/test_adain_jax.py`` checks that both
give the same losses and images from the same weights (float32 within 1e-4 relative).
This module imports no TensorFlow (``arbitrary_nst.networks.weights`` needs none); it holds no
weights of its own.

Weights are dicts of numpy or JAX arrays in Keras' layout (HWIO kernels):
``encoder[name] = (kernel, bias)`` for VGG16's ``block1_conv1`` ... ``block4_conv1``
(``pack_adain_data.py`` writes them, ``arbitrary_nst.networks.weights.read_weights_file`` reads
them), ``decoder[name] = (kernel, bias)`` for the
``*_mirror`` layers of a decoder ``.npz`` (:func:`read_decoder`).

Images are float32 ``(N, H, W, 3)`` RGB in [0, 1], H and W multiples of 8.
"""

import jax
import jax.numpy as jnp
import numpy as np
import optax

from arbitrary_nst.methods.adain.layout import BOTTLENECK, decoder_conv_names, decoder_layers
from arbitrary_nst.networks.objective import ADAIN, EPSILON
from arbitrary_nst.networks.weights import IMAGENET_BGR_MEAN, conv_layer_names


def encoder_layer_names():
    """VGG16's convolutions from block1_conv1 to block4_conv1, in order."""
    names = conv_layer_names("vgg16")
    return names[:names.index(BOTTLENECK) + 1]


def read_decoder(path):
    """``{layer: (kernel, bias)}`` float32 from a decoder ``.npz`` (keys
    ``decoder/{layer}/0`` and ``/1``, as ``arbitrary_nst.methods.adain.weights.save_decoder``
    writes them)."""
    with np.load(path) as arrays:
        return {name: tuple(arrays[f"decoder/{name}/{index}"].astype(np.float32)
                            for index in (0, 1)) for name in decoder_conv_names()}


def decoder_arrays(decoder):
    """The ``.npz`` arrays (float16) of a decoder dict, the inverse of :func:`read_decoder`."""
    return {f"decoder/{name}/{index}": np.asarray(decoder[name][index], np.float16)
            for name in decoder_conv_names() for index in (0, 1)}


def _conv(x, kernel, bias, padding):
    out = jax.lax.conv_general_dilated(x, kernel.astype(x.dtype), (1, 1), padding,
                                       dimension_numbers=("NHWC", "HWIO", "NHWC"))
    return out + bias.astype(x.dtype)


def encode(encoder, images, dtype=jnp.float32, objective=ADAIN):
    """``{layer: float32 features}`` at the objective's style layers and the bottleneck
    of ``images`` (computed in ``dtype``)."""
    x = (images[..., ::-1] * 255.0 - jnp.asarray(IMAGENET_BGR_MEAN)).astype(dtype)
    features = {}
    for name in encoder_layer_names():
        if name.endswith("_conv1") and name != "block1_conv1":
            x = jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1),
                                      "VALID")
        x = jax.nn.relu(_conv(x, *encoder[name], "SAME"))
        if name in objective.style_layers or name == BOTTLENECK:
            features[name] = x.astype(jnp.float32)
    return features


def decode(decoder, features, dtype=jnp.float32):
    """Images ``(N, 8h, 8w, 3)`` float32 (not clipped) from relu4_1 features
    ``(N, h, w, 512)`` on VGG's 0..255 scale (computed in ``dtype``)."""
    x = (features / 255.0).astype(dtype)
    for layer in decoder_layers():
        if layer.kind == "upsample":
            x = jnp.repeat(jnp.repeat(x, 2, axis=1), 2, axis=2)
            continue
        x = _conv(jnp.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)), mode="reflect"),
                  *decoder[layer.name], "VALID")
        if layer.relu:
            x = jax.nn.relu(x)
    return x.astype(jnp.float32)


def mean_std(features):
    """Per-channel mean and standard deviation over positions, each ``(N, C)``."""
    mean = jnp.mean(features, axis=(1, 2))
    variance = jnp.mean(jnp.square(features - mean[:, None, None, :]), axis=(1, 2))
    return mean, jnp.sqrt(variance + EPSILON)


def adain(features, style_mean, style_std):
    """Content features ``(N, h, w, C)`` given the style's channel statistics ``(N, C)``."""
    mean, std = mean_std(features)
    normalized = (features - mean[:, None, None, :]) / std[:, None, None, :]
    return normalized * style_std[:, None, None, :] + style_mean[:, None, None, :]


def loss_terms(decoder, encoder, content, style, identity_count, dtype=jnp.float32,
               objective=ADAIN):
    """The training loss's unweighted terms on a batch, as ``AdaIN.loss`` defines them.

    ``content`` is ``(N, H, W, 3)``; its first ``identity_count`` samples reconstruct
    themselves (their style is their own content); ``style`` ``(N - identity_count, H, W,
    3)`` styles the others. Returns ``{"content", "style", "identity"}`` float32 scalars.
    """
    content_features = encode(encoder, content, dtype, objective)
    style_features = encode(encoder, style, dtype, objective)
    style_features = {layer: jnp.concatenate([content_features[layer][:identity_count],
                                              value], axis=0)
                      for layer, value in style_features.items()}
    target = adain(content_features[BOTTLENECK], *mean_std(style_features[BOTTLENECK]))
    decoded = decode(decoder, target, dtype)
    output_features = encode(encoder, decoded, dtype, objective)

    def mean_std_loss(layer):
        mean, std = mean_std(output_features[layer])
        target_mean, target_std = mean_std(style_features[layer])
        return (jnp.mean(jnp.square(mean - target_mean))
                + jnp.mean(jnp.square(std - target_std)))

    style_loss = objective.style(mean_std_loss)
    identity = (jnp.mean(jnp.square(255.0 * (decoded[:identity_count]
                                              - content[:identity_count])))
                if identity_count else jnp.float32(0.0))
    return {"content": jnp.mean(jnp.square(output_features[BOTTLENECK] - target)),
            "style": style_loss, "identity": identity}


def make_train_step(loss_weights, identity_count, optimizer, dtype=jnp.float32,
                    objective=ADAIN):
    """The jitted training step ``(decoder, opt_state, encoder, content, style) ->
    (decoder, opt_state, terms)``.

    ``loss_weights`` is ``{"content", "style", "identity"}`` (a config's
    ``content_weight``, ``style_weight``, ``identity_weight``); ``optimizer`` an optax
    transformation; ``content`` ``(N, H, W, 3)`` and ``style`` ``(N - identity_count, H,
    W, 3)`` uint8 batches. ``terms`` holds :func:`loss_terms` and their weighted
    ``"total"`` (what the step descends).
    """

    def total(decoder, encoder, content, style):
        terms = loss_terms(decoder, encoder, content, style, identity_count, dtype,
                           objective)
        return sum(loss_weights[k] * terms[k] for k in terms), terms

    @jax.jit
    def step(decoder, opt_state, encoder, content, style):
        content = content.astype(jnp.float32) / 255.0
        style = style.astype(jnp.float32) / 255.0
        (value, terms), grads = jax.value_and_grad(total, has_aux=True)(decoder, encoder,
                                                                        content, style)
        updates, opt_state = optimizer.update(grads, opt_state, decoder)
        return optax.apply_updates(decoder, updates), opt_state, {**terms, "total": value}

    return step
