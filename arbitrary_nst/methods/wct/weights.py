"""WCT's decoders, trained here for reconstruction only (``configs/wct_*.yaml``), shipped
as float16 in ``arbitrary_nst/pretrained/wct_vgg16_decoders.npz``; decoder files in that
format (one prefix per level: ``block3_conv1/block3_conv1_mirror/0``)."""

import functools
import os

import numpy as np

from arbitrary_nst.errors import WeightsError
from arbitrary_nst.networks.layer_weights import (
    PRETRAINED_DIR,
    load_layer_weights,
    prefixes,
    save_layer_weights,
)

DECODERS_PATH = os.path.join(PRETRAINED_DIR, "wct_vgg16_decoders.npz")


def levels_in(path):
    """The levels (``block{b}_conv1``) a decoders file holds."""
    return sorted(prefix for prefix in prefixes(path) if prefix.endswith("_conv1"))


def save_decoders(decoders, path=DECODERS_PATH):
    """Writes ``{level: Keras decoder}`` as float16 (atomically)."""
    save_layer_weights(decoders, path)


def load_decoders(path, levels=None, build_decoders=None):
    """``{level: decoder}`` with the weights of ``path`` for ``levels`` (None: all it has),
    the decoders made by ``build_decoders(levels)`` (default WCT's; PhotoWCT passes its
    unpooling ones, which have the same layers).

    Raises:
      WeightsError: a level is missing from the file, or its layers do not fit.
    """
    if build_decoders is None:
        from arbitrary_nst.methods.wct.network import build_decoders
    available = levels_in(path)
    levels = available if levels is None else list(levels)
    missing = sorted(set(levels) - set(available))
    if missing:
        raise WeightsError(f"{path}: no decoder for {', '.join(missing)} (it has "
                           f"{', '.join(available) or 'none'})")
    decoders = build_decoders(levels)
    load_layer_weights(decoders, path)
    return decoders


def initialize(decoder, level, path):
    """Sets the layers of ``decoder`` (the decoder of ``level``) that ``path`` has under
    the same names: its ``level`` prefix in a decoders file, else the ``decoder`` prefix
    of an AdaIN decoder file (whose layers from ``block4_conv1_mirror`` down are the
    same). Returns how many layers were set.

    Raises:
      WeightsError: no layer of ``path`` fits.
    """
    with np.load(path) as arrays:
        prefix = (level if any(key.startswith(level + "/") for key in arrays.files)
                  else "decoder")
        set_count = 0
        for layer in decoder.layers:
            keys = [f"{prefix}/{layer.name}/{index}" for index in range(len(layer.weights))]
            if layer.weights and all(key in arrays.files for key in keys):
                values = [arrays[key].astype(np.float32) for key in keys]
                if [v.shape for v in values] == [tuple(w.shape) for w in layer.weights]:
                    layer.set_weights(values)
                    set_count += 1
    if not set_count:
        raise WeightsError(f"{path}: no layer fits the {level} decoder")
    return set_count


@functools.lru_cache(maxsize=1)
def shipped():
    """The shipped WCT network: every level :data:`DECODERS_PATH` holds."""
    from arbitrary_nst.methods.wct.network import WCTNetwork
    if not os.path.exists(DECODERS_PATH):
        raise WeightsError(f"{DECODERS_PATH} is missing: reinstall arbitrary_nst, or train "
                           "the decoders (configs/wct_*.yaml) and pass --checkpoint")
    return WCTNetwork(decoders=load_decoders(DECODERS_PATH))
