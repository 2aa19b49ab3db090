"""The interface every method follows, and what the feed-forward ones share.

:func:`arbitrary_nst.stylize` knows a method only through its registry entry
(:mod:`arbitrary_nst.registry`) and this interface:

* :class:`Method`: ``Method.load(spec, settings)`` then ``method.stylize(content, styles,
  regions, alpha)``; ``content`` float32 ``(H, W, 3)`` in [0, 1] already at the size to
  render, ``styles`` the style images (or built-in style indices), ``regions`` a list of
  :class:`~arbitrary_nst.methods.regions.Region` (what blend of styles goes where).
* :class:`FeedForward`, for trained networks, adds where the network comes from
  (:meth:`~FeedForward.shipped`, a training run's checkpoint: :meth:`~FeedForward.from_run`,
  or a weights file: :meth:`~FeedForward.from_file`), its upsampling variants, its export
  signature (:meth:`~FeedForward.serve`), its training task (:attr:`~FeedForward.task`)
  and, for methods with ``litert`` in the registry, its LiteRT form
  (:attr:`~FeedForward.lite_network`, :meth:`~FeedForward.lite_models`).
* :class:`ConditionedTransformer`, for transformers conditioned on a vector (CIN:
  Dumoulin's style weights, Ghiasi's style vector): blends are weighted sums of the
  vectors, regions are rendered one by one and composited, large images are tiled with
  thumbnail statistics.

Images are float32 ``(H, W, 3)`` RGB in [0, 1].
"""

import collections
import functools
import hashlib
import importlib
import os

import numpy as np

from arbitrary_nst.errors import UsageError
from arbitrary_nst.lite import runtime as lite_runtime
from arbitrary_nst.lite import store as lite_store
from arbitrary_nst.methods import settings as method_settings
from arbitrary_nst.methods.regions import Region


class imported:
    """A class attribute imported on first use: ``task = imported("module:Name")`` (or a
    whole module, ``imported("module")``) keeps a TensorFlow module out of the import of
    a class that can render without it."""

    def __init__(self, path):
        self.path = path

    def __get__(self, instance, owner):
        module, _, name = self.path.partition(":")
        module = importlib.import_module(module)
        return getattr(module, name) if name else module


class Method:
    """A stylization method with its validated settings.

    Attributes:
      spec: its :class:`~arbitrary_nst.registry.MethodSpec`.
      settings: its settings (the dataclass the spec names).
    """

    def __init__(self, spec, settings):
        self.spec, self.settings = spec, settings

    @classmethod
    def load(cls, spec, settings):
        """The method ready to render (networks loaded)."""
        return cls(spec, settings)

    def stylize(self, content, styles, regions, alpha=1.0):
        """``content`` ``(H, W, 3)`` stylized: each region with its blend of ``styles``
        (a region without a blend keeps the content); ``alpha`` as the spec allows."""
        raise NotImplementedError

    def stylize_batch(self, contents, styles, alpha=1.0):
        """``contents`` ``(N, H, W, 3)`` (one shape) stylized, the ``i``-th whole with
        ``styles[i]`` alone: ``(N, H, W, 3)``. Here one :meth:`stylize` call per image;
        a method whose network takes a batch overrides it (the same results)."""
        whole = [Region(None, (1.0,))]
        return np.stack([self.stylize(content, [style], whole, alpha)
                         for content, style in zip(contents, styles)])


class FeedForward(Method):
    """A trained network: the method's :attr:`network`, loaded once per checkpoint.

    Subclasses implement :meth:`shipped`, :meth:`from_run`, :meth:`with_upsampling`,
    :meth:`serve` (exportable methods) and :meth:`stylize`, and set :attr:`task`
    (trainable methods).

    Attributes:
      network: what renders: the ``tf.Module``, or in LiteRT the :attr:`lite_network`
        (the same calls, numpy in and out).
      runtime: "tf" or "litert" (:func:`arbitrary_nst.lite.runtime.choose`).
      task: the training task class (:mod:`arbitrary_nst.training.tasks`), or None.
      lite_network: the TensorFlow-free class with the network's calls, made from
        ``{name: LiteModel}`` of :meth:`lite_models`' files; None: no LiteRT form. It
        names its ``FILES``, whether they run XNNPACK from the first call
        (``XNNPACK_FIRST_CALL``, :class:`~arbitrary_nst.lite.runtime.LiteModel`), past
        how many renders ``batch --runtime auto`` is faster in TensorFlow
        (``BATCH_CROSSOVER``), which files hold upsampling layers (``UPSAMPLED``: an
        interpolating variant has files of its own), which are converted when first
        called (``ON_DEMAND``: the tiled rendering's) and which never run XNNPACK
        (``BUILTIN_KERNELS``).
    """
    task = None
    lite_network = None

    def __init__(self, spec, settings, network, runtime="tf"):
        super().__init__(spec, settings)
        self.network, self.runtime = network, runtime

    @classmethod
    def load(cls, spec, settings):
        runtime = lite_runtime.choose(spec, settings.runtime)
        upsampling = settings.upsampling or "nearest"
        if runtime == "litert":
            return cls(spec, settings, lite_network_of(cls, spec, settings.checkpoint,
                                                       upsampling), runtime)
        network = cls.network_of(spec, settings.checkpoint)
        if upsampling != "nearest":
            network = _with_upsampling(cls, network, upsampling)
        return cls(spec, settings, network)

    @staticmethod
    def lite_models(network):
        """``{file name: (Keras model, signature, output name)}``: what becomes a
        ``.tflite`` file of the TensorFlow ``network``, for :attr:`lite_network`."""
        raise NotImplementedError

    @staticmethod
    def weights_files():
        """The files the shipped network's weights are read from (their bytes version
        the converted LiteRT files)."""
        raise NotImplementedError

    @classmethod
    def network_of(cls, spec, checkpoint=None):
        """The shipped network, or that of ``checkpoint`` (a run folder, or a file for
        :meth:`from_file`), cached while the checkpoint is unchanged."""
        if not checkpoint:
            return cls.shipped()
        if os.path.isfile(checkpoint):
            version = os.path.getmtime(checkpoint)
        else:
            from arbitrary_nst.training import runs
            version = runs.latest_checkpoint(checkpoint)
        return _load_checkpoint(spec, checkpoint, version)

    @staticmethod
    def shipped():
        """The network with the weights the package ships (built once per process)."""
        raise NotImplementedError

    @classmethod
    def from_run(cls, config, run_dir):
        """``(network, items)`` for a training run of this method: a new network built
        for ``config`` (the run's ``config.yaml``) and ``{name: keras model}``, what its
        checkpoints hold (restored into by the caller)."""
        raise NotImplementedError

    @classmethod
    def from_file(cls, spec, path):
        """The network of a weights file; by default none is accepted.

        Raises:
          UsageError: this method reads no weights file.
        """
        raise UsageError(f"{path}: method {spec.name!r} takes a training run folder, not "
                         "a file")

    @classmethod
    def with_upsampling(cls, network, interpolation):
        """A network sharing ``network``'s weights whose upsampling layers interpolate
        with ``interpolation`` ("bilinear" or "bicubic")."""
        raise NotImplementedError

    @staticmethod
    def serve(network, content, style):
        """The export signature: ``content`` and ``style`` ``(N, H, W, 3)`` tensors in
        [0, 1] (a batch of styles of 1 or N) to the stylized ``(N, H, W, 3)``."""
        raise NotImplementedError

    def tiles(self, content):
        """``(tile_size, overlap)`` if ``content`` ``(H, W, 3)`` is to be rendered in
        tiles (its long side is over the tile size), else None
        (:func:`arbitrary_nst.methods.settings.tiles`)."""
        return method_settings.tiles(self.spec, self.settings, content.shape)


@functools.lru_cache(maxsize=4)
def _load_checkpoint(spec, checkpoint, version):
    """The network of a training run (or weights file), kept while its latest checkpoint
    (or modification time), ``version``, is the same."""
    del version  # part of the cache key only: a new checkpoint loads anew
    from arbitrary_nst.training import runs
    return runs.load_network(checkpoint, spec.name)


@functools.lru_cache(maxsize=4)
def lite_network_of(method, spec, checkpoint=None, upsampling="nearest"):
    """``method.lite_network`` of the shipped network's (or ``checkpoint``'s) LiteRT
    files with ``upsampling`` inside (the networks' UPSAMPLED files have one file per
    upsampling), converted where missing (:mod:`arbitrary_nst.lite.store`, by a child
    process that imports TensorFlow: :mod:`arbitrary_nst.lite.conversion`): now, or
    for the ON_DEMAND files (the tiled rendering's) when first called."""
    if checkpoint:
        from arbitrary_nst.training import runs
        sources = ([checkpoint] if os.path.isfile(checkpoint)
                   else [runs.latest_checkpoint(checkpoint) + ".index"])
    else:
        sources = method.weights_files()
    version = lite_store.weights_version(sources)
    network = method.lite_network
    stems = {name: f"{name}_{upsampling}" if upsampling != "nearest"
             and name in network.UPSAMPLED else name for name in network.FILES}
    paths = lite_store.model_paths(spec.name, stems, version)

    def convert(names):
        missing = lite_store.missing({name: paths[name] for name in names})
        if missing:
            from arbitrary_nst.lite import conversion
            conversion.convert(spec.name, checkpoint, upsampling, missing)

    convert([name for name in paths if name not in network.ON_DEMAND])
    models = {name: _lite_model(path, network.XNNPACK_FIRST_CALL,
                                name not in network.BUILTIN_KERNELS)
              for name, path in paths.items()}
    for name in network.ON_DEMAND:
        models[name].make = functools.partial(convert, [name])
    return network(models)


@functools.lru_cache(maxsize=32)
def _lite_model(path, xnnpack_first, xnnpack):
    """One :class:`~arbitrary_nst.lite.runtime.LiteModel` per file: the upsampling
    variants of a network share their other files (one style encoding serves both)."""
    from arbitrary_nst.lite.runtime import LiteModel
    return LiteModel(path, xnnpack_first=xnnpack_first, xnnpack=xnnpack)


@functools.lru_cache(maxsize=8)
def _with_upsampling(method, network, interpolation):
    return method.with_upsampling(network, interpolation)


class ConditionedTransformer(FeedForward):
    """A transformer network conditioned on a vector ``(1, D)`` per render.

    Subclasses implement :meth:`condition` (and :meth:`own_condition` where the spec has
    ``alpha``); ``network.stylize(images, vectors)`` renders and ``network.transformer``
    is the Keras model that tiling wraps.
    """

    def condition(self, style):
        """The ``(1, D)`` vector of one style (an image or a built-in style index)."""
        raise NotImplementedError

    def own_condition(self, content):
        """The vector of the content itself, which ``alpha`` interpolates toward."""
        raise NotImplementedError

    def stylize(self, content, styles, regions, alpha=1.0):
        """A blend is the weighted sum of the styles' vectors (``alpha`` then moves it
        toward the content's own); regions are rendered separately and composited."""
        vectors = [self.condition(style) for style in styles]
        own = None if alpha == 1.0 else self.own_condition(content)

        def render(style_weights):
            vector = sum(weight * v for weight, v in zip(style_weights, vectors))
            if own is not None:
                vector = alpha * vector + (1.0 - alpha) * own
            return self.transform(content, vector)

        return composite(content, regions, render)

    def transform(self, content, vector):
        """``content`` ``(H, W, 3)`` rendered with ``vector`` ``(1, D)``; tiled with
        thumbnail statistics past the tile size."""
        tiles = self.tiles(content)
        if tiles is None:
            return np.array(self.network.stylize(content[None], vector))[0]
        if self.runtime == "litert":
            return self.network.tiled(content, np.asarray(vector), *tiles)
        from arbitrary_nst.networks import thumbnail_norm
        return thumbnail_norm.thumbnail_normalized(self.network.transformer)(
            content, np.asarray(vector), *tiles)


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
