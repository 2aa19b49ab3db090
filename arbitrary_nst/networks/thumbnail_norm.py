"""Thumbnail Instance Normalization (Chen et al., AAAI 2022) for the CIN transformers
(Ghiasi's, Dumoulin's): the transformer with its norms' statistics as an output and an
input, so the tiles of a large image are normalised with one thumbnail's statistics
(:func:`arbitrary_nst.rendering.tiling.render_normalized`).

:class:`ThumbnailNormalized` gives two calls on images whose sides are multiples of
:data:`~arbitrary_nst.lite.conditioned.MULTIPLE` (what the LiteRT files of
:mod:`arbitrary_nst.lite.conditioned` are converted from) and the tiled rendering in
TensorFlow (with the padding). Images are float32 ``(N, H, W, 3)`` RGB in [0, 1];
conditions ``(N, D)`` (style weights, or a style vector).
"""

import functools

import tensorflow as tf

from arbitrary_nst.lite.conditioned import MULTIPLE
from arbitrary_nst.networks import layers
from arbitrary_nst.networks.losses import mean_std
from arbitrary_nst.networks.tracing import traced_after_first_call
from arbitrary_nst.rendering import tiling


class _GivenStatisticsNorm(tf.keras.layers.Layer):
    """Stands in for the ``slot``-th :class:`~arbitrary_nst.networks.layers.ConditionedNorm`
    ``norm`` (sharing its weights): normalises with its slice of ``owner.given`` (the
    means then standard deviations of every norm, ``(N, S)``), or, where that is None,
    with its input's own statistics, kept in ``owner.recorded[slot]``."""

    def __init__(self, norm, slot, owner):
        super().__init__(name=f"{norm.name}_given")
        self.norm, self.slot, self.owner = norm, slot, owner
        self.channels = self.start = None  # start: set by the owner once all are built

    def build(self, features_shape, condition_shape=None):
        self.channels = int(features_shape[-1])

    def call(self, features, condition):
        given = self.owner.given
        if given is None:
            mean, std = mean_std(features, self.norm.epsilon)
            self.owner.recorded[self.slot] = tf.concat([mean, std], -1)
        else:
            middle = self.start + self.channels
            mean, std = given[:, self.start:middle], given[:, middle:middle + self.channels]
        return self.norm.affine(layers.instance_norm(features, statistics=(mean, std)),
                                condition)


class ThumbnailNormalized:
    """A CIN ``transformer`` ``(images, condition) -> images`` whose norms' statistics
    go out (:meth:`statistics`) and come in (:meth:`stylize`); call it with ``content``
    ``(H, W, 3)`` and ``condition`` ``(1, D)`` for the tiled rendering (returns ``(H, W,
    3)``).

    Attributes:
      model: the transformer's clone whose norms read the given statistics (every other
        layer shared, weights included).
      size: S, the length of a statistics vector (two per channel of every norm).
    """

    def __init__(self, transformer):
        self.given, self.recorded, self._norms = None, {}, []
        self.model = tf.keras.models.clone_model(transformer, clone_function=self._clone)
        self.size = 0
        for norm in self._norms:  # each norm's means start where the last's stds end
            norm.start = self.size
            self.size += 2 * norm.channels

    def _clone(self, layer):
        if not isinstance(layer, layers.ConditionedNorm):
            return layer
        self._norms.append(_GivenStatisticsNorm(layer, len(self._norms), self))
        return self._norms[-1]

    def statistics(self, images, condition):
        """``(N, S)``: every norm's channel means then standard deviations for
        ``images`` (sides multiples of 4)."""
        self.given, self.recorded = None, {}
        self.model([images, condition])
        return tf.concat([self.recorded[slot] for slot in range(len(self._norms))], -1)

    def stylize(self, images, condition, statistics):
        """``images`` (sides multiples of 4) rendered with ``statistics`` ``(N or 1, S)``
        in place of each norm's own."""
        self.given = statistics
        try:
            return self.model([images, condition])
        finally:
            self.given = None

    @traced_after_first_call([tf.TensorSpec([1, None, None, 3], tf.float32),
                              tf.TensorSpec([1, None], tf.float32)])
    def _padded_statistics(self, images, condition):
        return self.statistics(layers.pad_to_multiple(images, MULTIPLE)[0], condition)

    @traced_after_first_call([tf.TensorSpec([1, None, None, 3], tf.float32),
                              tf.TensorSpec([1, None], tf.float32),
                              tf.TensorSpec([1, None], tf.float32)])
    def _padded_stylize(self, images, condition, statistics):
        padded, crop = layers.pad_to_multiple(images, MULTIPLE)
        return crop(self.stylize(padded, condition, statistics))

    def __call__(self, content, condition, tile_size=tiling.TILE_SIZE,
                 overlap=tiling.OVERLAP, statistics_size=tiling.STATISTICS_SIZE,
                 show_progress=True):
        condition = tf.convert_to_tensor(condition, tf.float32)
        return tiling.render_normalized(
            content, lambda thumbnail: self._padded_statistics(thumbnail, condition),
            lambda tile, statistics: self._padded_stylize(tile, condition,
                                                          statistics).numpy(),
            tile_size, overlap, statistics_size, show_progress)


@functools.lru_cache(maxsize=4)
def thumbnail_normalized(transformer):
    """The (cached) :class:`ThumbnailNormalized` of a transformer."""
    return ThumbnailNormalized(transformer)
