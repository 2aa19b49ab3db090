"""Losses of neural style transfer, on VGG feature maps or images.

Feature maps are float32 ``(N, H, W, C)``; images are float32 ``(N, H, W, 3)`` in [0, 1].
Every loss returns a float32 scalar averaged over the batch, so values do not depend on the
image size. Normalisations (documented per function) are chosen so that:

* :func:`content_loss` is the mean squared feature difference;
* :func:`gram_style_loss` with :func:`gram_matrix` equals 4x the per-layer ``E_l`` of
  Gatys et al. 2016 (Gram matrices divided by the number of positions ``H * W``);
* :func:`mean_std_loss` is the per-layer style loss of Huang & Belongie 2017 with mean
  squared instead of Euclidean distances.
"""

import tensorflow as tf

from arbitrary_nst.networks.objective import EPSILON


def content_loss(features, target):
    """Mean squared difference of two feature maps of equal shape ``(N, H, W, C)``."""
    return tf.reduce_mean(tf.square(features - target))


def gram_matrix(features, mask=None):
    """Channel co-activations of ``(N, H, W, C)`` features, shape ``(N, C, C)``.

    ``G[n, i, j] = sum_p F[n, p, i] * F[n, p, j] / P`` where ``P = H * W``. With a
    ``mask`` ``(N, H, W, 1)`` of weights in [0, 1], positions are weighted by it and ``P``
    is the mask's sum (the guided Gram matrix of Gatys et al. 2017).
    """
    if mask is None:
        positions = tf.cast(tf.shape(features)[1] * tf.shape(features)[2], tf.float32)
    else:
        features = features * mask
        positions = tf.reduce_sum(mask, axis=[1, 2, 3]) + EPSILON
        positions = positions[:, None, None]
    gram = tf.einsum("nhwi,nhwj->nij", features, features)
    return gram / positions


def gram_style_loss(features, target_gram, mask=None):
    """Mean squared difference between the Gram matrix of ``features`` and ``target_gram``.

    Args:
      features: ``(N, H, W, C)``.
      target_gram: ``(N, C, C)`` or ``(1, C, C)`` (broadcast over the batch).
      mask: optional ``(N, H, W, 1)`` weights; see :func:`gram_matrix`.
    """
    return tf.reduce_mean(tf.square(gram_matrix(features, mask) - target_gram))


def mean_std(features, epsilon=EPSILON):
    """Per-channel mean and standard deviation over positions, each ``(N, C)``."""
    mean, variance = tf.nn.moments(features, axes=[1, 2])
    return mean, tf.sqrt(variance + epsilon)


def mean_std_loss(features, target_mean, target_std):
    """Mean squared difference of per-channel means plus that of standard deviations.

    Args:
      features: ``(N, H, W, C)``.
      target_mean, target_std: ``(N, C)`` or ``(1, C)``, e.g. from :func:`mean_std`.
    """
    mean, std = mean_std(features)
    return (tf.reduce_mean(tf.square(mean - target_mean))
            + tf.reduce_mean(tf.square(std - target_std)))


def total_variation_loss(images):
    """Mean squared difference between vertically and between horizontally adjacent pixels.

    ``images`` is ``(N, H, W, C)``; returns the sum of the two means.
    """
    vertical = images[:, 1:, :, :] - images[:, :-1, :, :]
    horizontal = images[:, :, 1:, :] - images[:, :, :-1, :]
    return tf.reduce_mean(tf.square(vertical)) + tf.reduce_mean(tf.square(horizontal))

