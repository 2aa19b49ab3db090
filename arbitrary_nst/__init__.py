"""arbitrary_nst: neural style transfer research framework in TensorFlow 2.

Images are float32 NHWC (or HWC) RGB arrays in [0, 1]. The main entry points:

* :func:`arbitrary_nst.stylize` -- one call for every method and control;
* :func:`arbitrary_nst.interpolation_grid` -- the 4-style bilinear grid;
* :func:`arbitrary_nst.make_grid` -- rows of images (such as that grid) as one picture;
* :func:`arbitrary_nst.load_image` / :func:`arbitrary_nst.save_image`;
* :func:`arbitrary_nst.evaluate_pair` -- content and style losses in a fixed VGG16 space.

They are imported on first use, so ``import arbitrary_nst`` (and the command's help) does
not load TensorFlow.
"""

import importlib
import os

# Quiet TensorFlow's C++ start-up chatter unless the user asked for it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"

SAMPLES_DIR = os.path.join(os.path.dirname(__file__), "samples")
"""Folder of the bundled sample content photo and painting."""

_PUBLIC = {"stylize": "control", "interpolation_grid": "control", "make_grid": "grid",
           "load_image": "image_io",
           "save_image": "image_io", "evaluate_pair": "metrics", "NSTError": "errors"}

__all__ = sorted(_PUBLIC) + ["SAMPLES_DIR"]


def __getattr__(name):
    """Imports the module of a public name (or a submodule) when it is first used."""
    if name in _PUBLIC:
        return getattr(importlib.import_module(f"arbitrary_nst.{_PUBLIC[name]}"), name)
    try:
        return importlib.import_module(f"arbitrary_nst.{name}")
    except ModuleNotFoundError:
        raise AttributeError(f"module 'arbitrary_nst' has no attribute {name!r}") from None
