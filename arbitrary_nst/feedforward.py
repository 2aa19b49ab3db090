"""Runners of the feed-forward methods for :func:`arbitrary_nst.control.stylize`.

Each has the signature ``run(content, styles, regions, options) -> image`` of
:data:`arbitrary_nst.control.METHODS`: ``content`` float32 ``(H, W, 3)`` in [0, 1],
``regions`` a list of :class:`~arbitrary_nst.optimize.Region` (mask ``(H, W)`` or None,
and the blend of ``styles`` it gets, or None for no style).

* ``adain``: ``styles`` are images. A blend mixes the styles' relu4_1 means and standard
  deviations with the weights (the same as the weighted sum of the AdaIN outputs);
  regions are blended in feature space; ``alpha`` trades style for content.
* ``multistyle``: ``styles`` are indices into the network's N styles; a blend is a
  convex mix of the CIN parameters; regions are rendered separately and composited.
* ``arbitrary`` (Ghiasi et al. 2017): ``styles`` are images; a blend is the weighted mean
  of their 100-d style vectors; ``alpha`` interpolates toward the content's own vector;
  regions are rendered separately and composited.

``options["upsampling"]``: "nearest" (default, as the networks were trained), "bilinear"
or "bicubic" (the upsampling layers of the transformer or decoder interpolate: no
period-4 grid in flat areas; bicubic keeps more fine detail than bilinear, and
:mod:`arbitrary_nst.multiscale` uses it for its full-size detail pass).

``options["checkpoint"]``: a training run directory (``arbitrary-nst train``) to load
instead of the shipped weights. Content larger than ``options["tile_size"]`` (default
:data:`arbitrary_nst.tiling.TILE_SIZE`, :data:`ADAIN_TILE_SIZE` for AdaIN; 0 = never)
is rendered in tiles overlapping by ``options["tile_overlap"]`` with whole-image
(thumbnail) statistics, see
:mod:`arbitrary_nst.tiling`.
"""

import collections
import functools
import hashlib
import os

import numpy as np
import tensorflow as tf

from arbitrary_nst import flatness, layers, pretrained, tasks, tiling
from arbitrary_nst.errors import UsageError
from arbitrary_nst.models.adain import AdaIN
from arbitrary_nst.models.arbitrary import ArbitraryStyle
from arbitrary_nst.models.multistyle import MultiStyle

TILING_OPTIONS = ("tile_size", "tile_overlap")
OPTIONS = ("checkpoint", "upsampling") + TILING_OPTIONS
"""The options every feed-forward runner takes."""
UPSAMPLINGS = ("nearest", "bilinear", "bicubic")
ADAIN_TILE_SIZE = 512
"""AdaIN's default tile: its VGG encoder and decoder at 1024 px tiles peak at ~2.4 GB (the
transformers' at ~0.9 GB), and 512 px tiles are no slower here."""


def tiling_for(content, options, default_tile_size=tiling.TILE_SIZE):
    """``(tile_size, overlap)`` if ``content`` ``(H, W, 3)`` is to be tiled, else None."""
    tile_size = options.get("tile_size", default_tile_size)
    overlap = options.get("tile_overlap", tiling.OVERLAP)
    if not tile_size:
        return None
    tiling.check_tiling(tile_size, overlap)
    return (tile_size, overlap) if max(content.shape[:2]) > tile_size else None


def load(options, method, shipped):
    """The model of ``options["checkpoint"]`` (a training run of ``method``, or for adain
    a decoder ``.npz``) or the shipped one (``shipped()``), with ``options["upsampling"]``."""
    checkpoint = options.get("checkpoint")
    if checkpoint and os.path.isfile(checkpoint):
        version = os.path.getmtime(checkpoint)
    else:
        version = checkpoint and tf.train.latest_checkpoint(checkpoint)
    model = load_run(checkpoint, method, version) if checkpoint else shipped()
    upsampling = options.get("upsampling", "nearest")
    if upsampling not in UPSAMPLINGS:
        raise UsageError(f"upsampling {upsampling!r}: expected one of {', '.join(UPSAMPLINGS)}")
    return model if upsampling == "nearest" else with_upsampling(model, upsampling)


@functools.lru_cache(maxsize=4)
def load_run(run_dir, method, latest):
    """The model of a training run (or decoder file), kept while its ``latest`` checkpoint
    (or modification time) is the same."""
    del latest  # part of the cache key only: a new checkpoint loads anew
    return tasks.load_model(run_dir, method)


@functools.lru_cache(maxsize=8)
def with_upsampling(model, interpolation):
    """The (cached) variant of a feed-forward ``model`` sharing its weights, whose
    transformer or decoder upsamples with ``interpolation``."""
    if isinstance(model, AdaIN):
        return AdaIN(model.arch, layers.with_upsampling(model.decoder, interpolation),
                     detail=model.detail)
    if isinstance(model, ArbitraryStyle):
        return ArbitraryStyle(model.predictor,
                              layers.with_upsampling(model.transformer, interpolation))
    return MultiStyle(model.num_styles,
                      transformer=layers.with_upsampling(model.transformer, interpolation))


_ENCODINGS = collections.OrderedDict()
ENCODING_CACHE_SIZE = 64


def encoded(network, encode, style):
    """``encode(style[None])``, remembered for the last :data:`ENCODING_CACHE_SIZE`
    (network, style image) pairs, so a batch or a multi-scale render encodes each style
    once. ``network`` is the object whose weights ``encode`` uses (the key, with the
    style image's bytes)."""
    style = np.ascontiguousarray(style, np.float32)
    key = (id(network), style.shape, hashlib.blake2b(style.tobytes(), digest_size=16).digest())
    if key not in _ENCODINGS:
        _ENCODINGS[key] = (network, encode(style[None]))  # keeps network alive: ids stay unique
        if len(_ENCODINGS) > ENCODING_CACHE_SIZE:
            _ENCODINGS.popitem(last=False)
    _ENCODINGS.move_to_end(key)
    return _ENCODINGS[key][1]


def transform(model, content, condition, options):
    """``model.stylize`` of one ``(H, W, 3)`` image with ``condition`` ``(1, D)``; tiled
    with thumbnail statistics when the image is larger than the tile size."""
    tiles = tiling_for(content, options)
    if tiles is None:
        return model.stylize(content[None], condition).numpy()[0]
    return tiling.thumbnail_normalized(model.transformer)(content, condition, *tiles)


def run_adain(content, styles, regions, options):
    """AdaIN with blending, regions and ``options["alpha"]``."""
    model = load(options, "adain", pretrained.adain)
    tiles = tiling_for(content, options, ADAIN_TILE_SIZE)
    # The content's relu4_1 statistics: of the thumbnail when tiled (a full-size VGG pass
    # is what tiling avoids), else computed inside the transfer (None).
    own = None
    if tiles is not None:
        own = model.content_statistics(tiling.thumbnail(content)[None])
    style_statistics = [encoded(model.encoder, model.style_statistics, style)
                        for style in styles]
    flat = [flatness.is_flat(style) for style in styles]
    if any(flat):
        # A flat painting has no feature contrast to give: keep the photo's own.
        content_std = (own if own is not None else model.content_statistics(content[None]))[1]
        style_statistics = [(mean, content_std) if is_flat else (mean, std)
                            for is_flat, (mean, std) in zip(flat, style_statistics)]
    means, stds = [], []
    for region in regions:
        if region.style_weights is None:  # keeps the content's own statistics
            mean, std = own if own is not None else model.style_statistics(content[None])
        else:
            mean = sum(w * s[0] for w, s in zip(region.style_weights, style_statistics))
            std = sum(w * s[1] for w, s in zip(region.style_weights, style_statistics))
        means.append(mean)
        stds.append(std)
    means, stds, alpha = tf.concat(means, 0), tf.concat(stds, 0), options.get("alpha", 1.0)
    arrays = (content,)
    if regions[0].mask is not None:
        arrays += (np.stack([region.mask for region in regions], axis=-1),)
        # A region without style is the photo itself: alpha 0 there.
        alpha = [0.0 if region.style_weights is None else alpha for region in regions]

    def render(image, masks=None):  # masks (H, W, R)
        masks = None if masks is None else np.moveaxis(masks, -1, 0)
        return model.transfer(image[None], means, stds, alpha, masks, own).numpy()[0]

    return render(*arrays) if tiles is None else tiling.render_tiled(arrays, render, *tiles)


def run_multistyle(content, styles, regions, options):
    """The N-style network with blending and regions; ``styles`` are style indices."""
    model = load(options, "multistyle", pretrained.multistyle26)
    for index in styles:
        if not 0 <= index < model.num_styles:
            raise UsageError(f"style index {index}: this network has styles 0 to "
                             f"{model.num_styles - 1}")
    def render(style_weights):
        vector = np.zeros((1, model.num_styles), np.float32)
        for index, weight in zip(styles, style_weights):
            vector[0, index] += weight
        return transform(model, content, vector, options)

    return composite(content, regions, render)


def composite(content, regions, render):
    """Sums ``render(region.style_weights)`` weighted by each region's mask (the content
    itself where a region has no style); one region without a mask is just rendered."""
    if len(regions) == 1 and regions[0].mask is None:
        return render(regions[0].style_weights)
    output = np.zeros_like(content)
    for region in regions:
        rendered = content if region.style_weights is None else render(region.style_weights)
        output += (1.0 if region.mask is None else region.mask[..., None]) * rendered
    return output


def run_arbitrary(content, styles, regions, options):
    """Ghiasi et al.'s model: blends and ``alpha`` act on the 100-d style vectors (alpha
    interpolates toward the content image's own vector); regions are composited."""
    model = load(options, "arbitrary", pretrained.arbitrary)
    vectors = [encoded(model.predictor, model.style_vector, style) for style in styles]
    alpha = options.get("alpha", 1.0)
    own = model.style_vector(content[None]) if alpha != 1.0 else None
    def render(style_weights):
        vector = sum(w * v for w, v in zip(style_weights, vectors))
        if own is not None:
            vector = alpha * vector + (1.0 - alpha) * own
        return transform(model, content, vector, options)

    return composite(content, regions, render)
