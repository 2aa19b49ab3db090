"""arbitrary_nst: neural style transfer research framework in TensorFlow 2.

Images are float32 NHWC (or HWC) RGB arrays in [0, 1]. The main entry points:

* :func:`arbitrary_nst.stylize` -- one call for every method and control;
* :func:`arbitrary_nst.interpolation_grid` -- the 4-style bilinear grid;
* :func:`arbitrary_nst.make_grid` -- rows of images (such as that grid) as one picture;
* :func:`arbitrary_nst.load_image` / :func:`arbitrary_nst.save_image`;
* :func:`arbitrary_nst.evaluate_pair` -- content and style losses in a fixed VGG16 space;
* :class:`arbitrary_nst.StyleAugmentation` -- random styles as a Keras / tf.data
  augmentation (:mod:`arbitrary_nst.datasets.augmentation`);
* :data:`arbitrary_nst.METHODS` -- every method's registry entry (names, controls,
  settings: :mod:`arbitrary_nst.registry`), and the settings types
  :class:`arbitrary_nst.GatysSettings`, :class:`arbitrary_nst.FeedForwardSettings`.

They are imported on first use, so ``import arbitrary_nst`` (and the command's help) does
not load TensorFlow.

The package, by what each part holds:

* ``registry.py``: every method, its controls and settings (no TensorFlow);
* ``methods/``: one package per method (its network, how it renders, its weights, its
  training task) and ``base.py``, the interface they follow;
* ``networks/``: the building blocks: VGG and its weights, layers, losses, the objective;
* ``rendering/``: the controls (:func:`stylize`), any size (multi-scale, tiles), colour,
  video, batches;
* ``training/``: configs, data pipelines, the trainer, held-out scores, run folders;
* ``evaluation/``: metrics, scoring folders of outputs, figures;
* ``io/``: images in and out, atomic writes;
* ``cli/``: the ``arbitrary-nst`` command; ``export.py``: SavedModels; ``blend_panel.py``:
  the notebooks' panel.
"""

import importlib
import os

from arbitrary_nst import quiet

# TensorFlow's start-up lines stay hidden, in the command and in the Python API, unless
# ARBITRARY_NST_VERBOSE=1 (arbitrary_nst.quiet).
quiet.install()

__version__ = "0.1.0"

SAMPLES_DIR = os.path.join(os.path.dirname(__file__), "samples")
"""Folder of the bundled sample content photo and painting."""

_PUBLIC = {"stylize": "rendering.control", "interpolation_grid": "rendering.control",
           "make_grid": "evaluation.grid", "load_image": "io.image_io",
           "save_image": "io.image_io", "evaluate_pair": "evaluation.metrics",
           "NSTError": "errors", "METHODS": "registry",
           "GatysSettings": "methods.gatys.settings",
           "FeedForwardSettings": "methods.settings",
           "StyleAugmentation": "datasets.augmentation"}

_MOVED = {"image_io": "io.image_io", "control": "rendering.control",
          "metrics": "evaluation.metrics", "config": "training.config", "train": "training.train"}
"""Modules that lived at the top level before the package had sub-packages: still reached
as ``arbitrary_nst.image_io`` and so on, for scripts written then."""

__all__ = sorted(_PUBLIC) + ["SAMPLES_DIR"]


def __getattr__(name):
    """Imports the module of a public name (or a submodule) when it is first used."""
    if name in _PUBLIC:
        return getattr(importlib.import_module(f"arbitrary_nst.{_PUBLIC[name]}"), name)
    if name in _MOVED:
        return importlib.import_module(f"arbitrary_nst.{_MOVED[name]}")
    try:
        return importlib.import_module(f"arbitrary_nst.{name}")
    except ModuleNotFoundError:
        raise AttributeError(f"module 'arbitrary_nst' has no attribute {name!r}") from None
