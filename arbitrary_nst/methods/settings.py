"""Typed settings of the feed-forward methods (no TensorFlow), and the :func:`option`
field that turns a setting into a command-line flag.

A method's settings are a dataclass named in its registry entry
(:mod:`arbitrary_nst.registry`); :func:`build` makes and validates them once, where the
command or :func:`arbitrary_nst.stylize` receives them. A field made with :func:`option`
is also a flag of ``arbitrary-nst stylize``, ``batch`` and ``video`` (``--name``), refused
for methods whose settings lack it.
"""

import dataclasses

from arbitrary_nst.errors import UsageError
from arbitrary_nst.lite.runtime import RUNTIMES

TILE_ALIGN = 8
"""Tiles start on multiples of this (the networks' stride-2 and 2x-upsampling grid)."""
TILE_OVERLAP = 128
"""Default overlap of neighbouring tiles in pixels."""
UPSAMPLINGS = ("nearest", "bilinear", "bicubic")


def option(default, help, metavar=None, type=None, choices=None, image=False):
    """A settings field that is also a command-line flag ``--<field name>``.

    ``help`` is the flag's help (the default is appended); ``type`` converts its text
    (default: the type of ``default``); ``choices`` limits it; ``image``: the flag names an
    image file, which the command loads and passes as the setting (an array)."""
    flag = {"help": help, "metavar": metavar, "choices": choices, "image": image,
            "type": type or (None if default is None else builtins_type(default))}
    return dataclasses.field(default=default, metadata={"flag": flag})


def builtins_type(value):
    """``int``, ``float`` or ``str``: how a flag's text becomes ``value``'s type."""
    return next(kind for kind in (bool, int, float, str) if isinstance(value, kind))


def flags(settings_type):
    """``{field name: (default, flag metadata)}`` of the fields of ``settings_type`` made
    with :func:`option`, in field order."""
    return {f.name: (f.default, f.metadata["flag"]) for f in dataclasses.fields(settings_type)
            if "flag" in f.metadata}


def check_tiling(tile_size, overlap):
    """Raises UsageError unless ``tile_size`` and ``overlap`` are usable together."""
    if tile_size < 64 or tile_size % TILE_ALIGN:
        raise UsageError(f"tile_size {tile_size}: expected a multiple of {TILE_ALIGN}, at "
                         "least 64")
    if overlap < 0 or overlap % TILE_ALIGN or 2 * overlap >= tile_size:
        raise UsageError(f"tile_overlap {overlap}: expected a multiple of {TILE_ALIGN} from 0 "
                         f"to less than half of tile_size ({tile_size})")


@dataclasses.dataclass(frozen=True)
class NoSettings:
    """The settings of a method that takes none."""

    def validate(self):
        """Nothing to check."""


@dataclasses.dataclass(frozen=True)
class FeedForwardSettings:
    """What every trained feed-forward network takes besides its style.

    Attributes:
      checkpoint: a training run folder (``arbitrary-nst train``) to load instead of the
        shipped weights, or a weights file for methods that read one; None: shipped.
      upsampling: interpolation of the network's upsampling layers, one of
        :data:`UPSAMPLINGS`; None: "nearest" (as the networks were trained), and bicubic
        in the multi-scale detail pass (:mod:`arbitrary_nst.rendering.multiscale`).
      tile_size: content whose long side is larger is rendered in tiles of this side
        (px) with whole-image statistics (:mod:`arbitrary_nst.rendering.tiling`); None:
        the method's default (its registry entry's ``tile_size``); 0: never.
      tile_overlap: overlap of neighbouring tiles, px.
      runtime: where the network runs (:func:`arbitrary_nst.lite.runtime.choose`): "auto"
        (LiteRT where the method and the installation have it, else TensorFlow),
        "litert" (the same, an error where they have not) or "tf".
    """
    checkpoint: str = option(None, "a training run (arbitrary-nst train) instead of the "
                             "shipped weights, or a weights file where the method reads one",
                             metavar="RUN_DIR", type=str)
    upsampling: str = None
    tile_size: int = option(None, "images larger than this are rendered in tiles with "
                            "whole-image statistics (0 = never)", metavar="N", type=int)
    tile_overlap: int = option(TILE_OVERLAP, "overlap of neighbouring tiles, px",
                               metavar="N")
    runtime: str = option("auto", "where the network runs: litert (no TensorFlow import, "
                          "at every size), tf, or auto (litert where the method has it, "
                          "tf where that is faster for the job)", choices=RUNTIMES)

    def validate(self):
        """Raises UsageError naming the first setting that does not fit."""
        if self.runtime not in RUNTIMES:
            raise UsageError(f"runtime {self.runtime!r}: expected one of " + ", ".join(RUNTIMES))
        if self.upsampling is not None and self.upsampling not in UPSAMPLINGS:
            raise UsageError(f"upsampling {self.upsampling!r}: expected one of "
                             + ", ".join(UPSAMPLINGS))
        if self.tile_size:
            check_tiling(self.tile_size, self.tile_overlap)


def tiles(spec, settings, shape):
    """``(tile_size, overlap)`` if an image of ``shape`` ``(H, W, ...)`` is rendered in
    tiles by the method of ``spec`` with ``settings`` (:class:`FeedForwardSettings`: its
    long side is over the tile size, ``settings.tile_size`` or the registry entry's),
    else None.

    Raises:
      UsageError: a tile size and overlap that do not fit (:func:`check_tiling`).
    """
    tile_size = spec.tile_size if settings.tile_size is None else settings.tile_size
    if not tile_size:
        return None
    check_tiling(tile_size, settings.tile_overlap)
    return (tile_size, settings.tile_overlap) if max(shape[:2]) > tile_size else None


def build(settings_type, method, options):
    """``settings_type(**options)``, validated.

    Raises:
      UsageError: an option ``settings_type`` has no field for (naming ``method``), or a
        value its ``validate`` refuses.
    """
    names = {f.name for f in dataclasses.fields(settings_type)}
    unknown = sorted(set(options) - names)
    if unknown:
        raise UsageError(f"method {method!r} has no option {unknown[0]!r}")
    settings = settings_type(**options)
    settings.validate()
    return settings
