"""WCT as a method (Li et al. 2017): any painting, no style training.

Styles are images, each encoded once into every level's ``(mean, colouring)``. A blend is
the weighted sum of the styles' pairs (the same as the weighted sum of their transformed
features, the paper's interpolation); ``alpha`` blends the transformed and the content
features at every level (the paper's); regions are transformed with their own statistics
and blended in feature space; a flat painting keeps the photo's own covariance with the
painting's mean. Content past the tile size is rendered in tiles whose every level uses
the thumbnail's statistics. The network may be the TensorFlow one or its LiteRT form
(:mod:`arbitrary_nst.methods.wct.lite`): the same calls.

Images are float32 ``(H, W, 3)`` RGB in [0, 1].
"""

import functools

import numpy as np

from arbitrary_nst.errors import WeightsError
from arbitrary_nst.io import image_io
from arbitrary_nst.methods.base import FeedForward, encoded, imported
from arbitrary_nst.methods.wct import lite
from arbitrary_nst.methods.wct import weights as wct_weights
from arbitrary_nst.networks.decoder_layout import block_of
from arbitrary_nst.rendering import flatness


@functools.lru_cache(maxsize=8)
def with_levels(network, levels):
    """A network of the same kind sharing ``network``'s decoders that passes through
    ``levels`` only (None: all it has).

    Raises:
      WeightsError: ``network`` has no decoder for one of them.
    """
    levels = network.levels if levels is None else levels
    missing = [level for level in levels if level not in network.decoders]
    if missing:
        available = sorted(network.decoders, key=block_of, reverse=True)
        raise WeightsError(f"no decoder for {', '.join(missing)} (there are decoders for "
                           f"{', '.join(available)}): lower --depth")
    if tuple(network.levels) == tuple(levels):
        return network
    return network.with_levels(levels)


class WCT(FeedForward):
    """Multi-level WCT (:class:`~arbitrary_nst.methods.wct.network.WCTNetwork`) with the
    levels of :attr:`WCTSettings.depth`; a checkpoint may be a run that trained one
    level's decoder (the other levels: the shipped ones) or a decoders ``.npz``.

    Subclasses with other decoders set :attr:`networks` (the module with the network
    class as ``network_class`` and ``build_decoders``) and :attr:`weights` (the module
    with ``shipped`` and ``DECODERS_PATH``).
    """
    task = imported("arbitrary_nst.methods.wct.task:WCTDecoderTask")
    networks = imported("arbitrary_nst.methods.wct.network")
    weights = wct_weights
    lite_network = lite.LiteWCT
    lite_models = staticmethod(lite.lite_models)

    @classmethod
    def weights_files(cls):
        from arbitrary_nst.networks.weights import vgg_weights_file
        vgg = vgg_weights_file("vgg16")
        return [cls.weights.DECODERS_PATH] + ([vgg[0]] if vgg else [])

    @classmethod
    def shipped(cls):
        return cls.weights.shipped()

    @classmethod
    def load(cls, spec, settings):
        method = super().load(spec, settings)
        method.network = with_levels(method.network, settings.levels())
        return method

    @classmethod
    def from_run(cls, config, run_dir):
        level = config.model.level
        decoder = cls.networks.build_decoders((level,), config.model.arch)[level]
        return cls._with_decoders({level: decoder}), {"decoder": decoder}

    @classmethod
    def from_file(cls, spec, path):
        return cls._with_decoders(wct_weights.load_decoders(
            path, build_decoders=cls.networks.build_decoders))

    @classmethod
    def _with_decoders(cls, decoders):
        """The shipped network (where there is one) with ``decoders`` in place of its."""
        try:
            every = dict(cls.shipped().decoders)
        except WeightsError:
            every = {}
        every.update(decoders)
        return cls.networks.network_class(decoders=every)

    @classmethod
    def with_upsampling(cls, network, interpolation):
        from arbitrary_nst.networks import layers
        return type(network)(network.levels, {
            level: layers.with_upsampling(decoder, interpolation)
            for level, decoder in network.decoders.items()}, network.arch)

    def stylize(self, content, styles, regions, alpha=1.0):
        conditions = [encoded(self.network, self.network.style_conditions, style)
                      for style in styles]
        flat = [flatness.is_flat(style) for style in styles]
        targets = [blend(conditions, flat, region.style_weights, self.network.levels)
                   for region in regions]
        masks = (None if regions[0].mask is None else
                 np.stack([region.mask for region in regions], axis=-1))
        alphas = [0.0 if region.style_weights is None else alpha for region in regions]
        return self.render(content, targets, masks, alphas)

    def render(self, content, targets, masks, alphas):
        """The network's stylization of ``content`` with one target per region
        (:meth:`WCTNetwork.stylize`), ``masks`` ``(H, W, R)`` or None; in tiles with
        the thumbnail's statistics past the tile size."""
        network = self.network
        tiles = self.tiles(content)
        if tiles is None:
            return network.stylize(content, targets, regions_first(masks), alphas)[0]
        from arbitrary_nst.rendering import tiling
        small = tiling.thumbnail(content)
        small_masks = None if masks is None else image_io.resize(masks, *small.shape[:2])
        _, statistics = network.stylize(small, targets, regions_first(small_masks), alphas)

        def render(tile, tile_masks=None):
            return network.stylize(tile, targets, regions_first(tile_masks), alphas,
                                   statistics)[0]

        arrays = (content,) if masks is None else (content, masks)
        return tiling.render_tiled(arrays, render, *tiles)


def blend(conditions, flat, style_weights, levels):
    """A region's target: the ``style_weights`` blend of the styles' ``{level: (mean,
    colouring)}`` (None: no style); where a style is ``flat``, a callable that takes the
    photo's own colouring for it at each level."""
    if style_weights is None:
        return None
    if not any(flat):
        return {level: tuple(sum(w * c[level][i] for w, c in zip(style_weights, conditions))
                             for i in (0, 1)) for level in levels}

    def with_own_covariance(level, own):  # a flat painting: the photo's own contrast
        return (sum(w * c[level][0] for w, c in zip(style_weights, conditions)),
                sum(w * (own[2] if is_flat else c[level][1])
                    for w, c, is_flat in zip(style_weights, conditions, flat)))
    return with_own_covariance


def regions_first(masks):
    """``(H, W, R)`` masks as ``(R, H, W)`` (None stays None)."""
    return None if masks is None else np.moveaxis(masks, -1, 0)
