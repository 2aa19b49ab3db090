"""arbitrary_nst: neural style transfer research framework in TensorFlow 2.

Images are float32 NHWC (or HWC) RGB arrays in [0, 1]. The main entry points:

* :func:`arbitrary_nst.stylize` -- one call for every method and control;
* :func:`arbitrary_nst.interpolation_grid` -- the 4-style bilinear grid;
* :func:`arbitrary_nst.load_image` / :func:`arbitrary_nst.save_image`;
* :func:`arbitrary_nst.evaluate_pair` -- content and style losses in a fixed VGG16 space.
"""

import os

# Quiet TensorFlow's C++ start-up chatter unless the user asked for it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from arbitrary_nst.control import interpolation_grid, stylize  # noqa: E402
from arbitrary_nst.errors import NSTError  # noqa: E402
from arbitrary_nst.image_io import load_image, save_image  # noqa: E402
from arbitrary_nst.metrics import evaluate_pair  # noqa: E402

__version__ = "0.1.0"

SAMPLES_DIR = os.path.join(os.path.dirname(__file__), "samples")
"""Folder of the bundled sample content photo and painting."""

__all__ = ["stylize", "interpolation_grid", "load_image", "save_image", "evaluate_pair",
           "NSTError", "SAMPLES_DIR"]
