"""Style augmentation for training pipelines (Jackson, Atapour-Abarghouei, Bonner,
Breckon & Obara, "Style Augmentation: Data Augmentation via Style Randomization", CVPR
Workshops 2019), on the ``arbitrary`` method's networks (Ghiasi et al. 2017).

A random style embedding ``z ~ N(mean, covariance)``, the normal fitted to the style
vectors of a set of paintings (:func:`fit_style_distribution`; the shipped one,
:data:`DISTRIBUTION_PATH`, is fitted to the bundled and the shared paintings), is blended
with the image's own embedding ``c`` by a random strength ``s``:
``s * z + (1 - s) * c``, and the transformer renders the image with it. Each image of a
batch is restyled with probability ``probability``; at inference (``training=False``)
the layer returns its input.

Images are float32 ``(N, H, W, 3)`` RGB in [0, 1] (any height and width).
"""

import os

import numpy as np
import tensorflow as tf

from arbitrary_nst.io.atomic import write_atomically
from arbitrary_nst.networks.layer_weights import PRETRAINED_DIR

DISTRIBUTION_PATH = os.path.join(PRETRAINED_DIR, "style_embedding_distribution.npz")
SHRINKAGE = 0.1
"""Ledoit-Wolf-style shrinkage of the fitted covariance toward its diagonal: a set of
paintings smaller than the embedding's 100 dimensions has a singular covariance."""


def fit_style_distribution(style_images, path=None):
    """``(mean (100,), covariance (100, 100))`` of the style vectors of ``style_images``
    (a list of ``(H, W, 3)``), the covariance shrunk by :data:`SHRINKAGE` toward its
    diagonal; written to ``path`` (``.npz``, atomically) when given.

    Raises:
      ValueError: fewer than 2 images.
    """
    if len(style_images) < 2:
        raise ValueError(f"a style distribution needs at least 2 paintings, got "
                         f"{len(style_images)}")
    from arbitrary_nst.methods.arbitrary import weights
    network = weights.shipped()
    vectors = np.concatenate([network.style_vector(image[None]).numpy()
                              for image in style_images]).astype(np.float64)
    mean = vectors.mean(axis=0)
    covariance = np.cov(vectors, rowvar=False)
    covariance = (1 - SHRINKAGE) * covariance + SHRINKAGE * np.diag(np.diag(covariance))
    if path is not None:
        def write(f):
            np.savez(f, mean=mean.astype(np.float32), covariance=covariance.astype(np.float32),
                     count=np.int64(len(style_images)))
        write_atomically(path, write)
    return mean.astype(np.float32), covariance.astype(np.float32)


def load_style_distribution(path=DISTRIBUTION_PATH):
    """``(mean, covariance)`` from a :func:`fit_style_distribution` file."""
    with np.load(path) as arrays:
        return arrays["mean"], arrays["covariance"]


class StyleAugmentation(tf.keras.layers.Layer):
    """Restyles training images with random style embeddings (see the module doc).

    Args:
      strength: ``(low, high)``: the embedding's blend ``s`` is uniform in it (1 = the
        random style alone, 0 = the image's own style, nearly the image).
      probability: chance that an image of a batch is restyled.
      distribution: ``(mean, covariance)`` of the style embeddings (default: the shipped
        :data:`DISTRIBUTION_PATH`), e.g. from :func:`fit_style_distribution`.
      seed: makes the sequence of random choices the same on every run (None: random).

    Call as ``layer(images, training=True)`` on ``(N, H, W, 3)``; in ``tf.data``:
    ``dataset.map(lambda x: layer(x, training=True))``.
    """

    def __init__(self, strength=(0.0, 1.0), probability=0.5, distribution=None, seed=None,
                 **kwargs):
        super().__init__(**kwargs)
        low, high = strength
        if not 0.0 <= low <= high <= 1.0:
            raise ValueError(f"strength {strength}: expected 0 <= low <= high <= 1")
        if not 0.0 <= probability <= 1.0:
            raise ValueError(f"probability {probability}: expected a number in [0, 1]")
        self.strength, self.probability, self.seed = (float(low), float(high)), probability, seed
        mean, covariance = distribution or load_style_distribution()
        self.mean = tf.constant(mean, tf.float32)
        self.scale = tf.constant(np.linalg.cholesky(
            np.asarray(covariance, np.float64) + 1e-6 * np.eye(len(mean))), tf.float32)
        from arbitrary_nst.methods.arbitrary import weights
        self.network = weights.shipped()
        self.generator = (tf.random.Generator.from_seed(seed) if seed is not None
                          else tf.random.Generator.from_non_deterministic_state())

    def call(self, images, training=None):
        if not training:
            return images
        images = tf.convert_to_tensor(images, tf.float32)
        count = tf.shape(images)[0]
        noise = self.generator.normal([count, self.mean.shape[0]])
        random_style = self.mean + tf.matmul(noise, self.scale, transpose_b=True)
        low, high = self.strength
        strength = low + (high - low) * self.generator.uniform([count, 1])
        own = self.network.style_vector(images)
        stylized = self.network.stylize(images, strength * random_style
                                        + (1.0 - strength) * own)
        chosen = self.generator.uniform([count, 1, 1, 1]) < self.probability
        return tf.where(chosen, stylized, images)

    def get_config(self):
        return {**super().get_config(), "strength": self.strength,
                "probability": self.probability, "seed": self.seed}
