"""Shared fixtures: small real images from the bundled samples."""

import os

import numpy as np
import pytest

from arbitrary_nst import SAMPLES_DIR
from arbitrary_nst.io import image_io

CONTENT_PATH = os.path.join(SAMPLES_DIR, "brandenburg_gate.jpg")
STYLE_PATH = os.path.join(SAMPLES_DIR, "starry_night.jpg")
TEST_ASSETS = os.path.join(os.path.dirname(__file__), "data", "assets")
"""Small copies of shared pictures and the shared clip, in the shared folder's layout
(see its SOURCES.md): the suite needs nothing outside the repository."""


def summary_tags(folder):
    """``{tag: [(step, value)]}`` of the TensorBoard event files in ``folder``: a float
    for scalars, an image summary's ``(width, height)`` in pixels."""
    import tensorflow as tf
    tags = {}
    for name in os.listdir(folder):
        for record in tf.data.TFRecordDataset(os.path.join(folder, name)):
            event = tf.compat.v1.Event.FromString(record.numpy())
            for value in event.summary.value:
                array = tf.make_ndarray(value.tensor)
                plugin = value.metadata.plugin_data.plugin_name
                tags.setdefault(value.tag, []).append(
                    (event.step, float(array) if plugin == "scalars"
                     else (int(array[0]), int(array[1])) if plugin == "images" else None))
    return tags


@pytest.fixture(scope="session")
def content64():
    """The sample photo, 64 px on the longest side: float32 (48, 64, 3) in [0, 1]."""
    return image_io.load_image(CONTENT_PATH, size=64)


@pytest.fixture(scope="session")
def style64():
    """The sample painting, 64 px on the longest side."""
    return image_io.load_image(STYLE_PATH, size=64)


@pytest.fixture(scope="session")
def second_style64(content64):
    """A second, very different 'style': smooth red/blue stripes, (48, 64, 3)."""
    height, width = content64.shape[:2]
    x = np.linspace(0, 6 * np.pi, width, dtype=np.float32)
    stripes = 0.5 + 0.5 * np.sin(x)[None, :].repeat(height, 0)
    return np.stack([stripes, 0.1 * np.ones_like(stripes), 1 - stripes], -1).astype(np.float32)
