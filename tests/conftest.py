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

# The LiteRT files the suite converts go to a temporary folder of the suite's own (both
# workers share it: files are renamed into place whole; kept between runs, versioned by
# the weights they hold), not to the user's cache.
os.environ.setdefault("ARBITRARY_NST_CACHE", os.path.join(
    os.environ.get("TMPDIR", "/tmp"), f"arbitrary_nst_tests_{os.getuid()}"))


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


@pytest.fixture(scope="module", autouse=True)
def release_caches():
    """After each test module, drops everything the package keeps for the next call in the
    same process (every ``functools.lru_cache`` of its modules: shipped and checkpoint
    networks, LiteRT interpreters, VGG weights and extractors, upsampling variants; the
    style encodings; Keras' session), so a test process holds one module's networks at a
    time, not every method's by the end (reloading them costs ~1 s per module that uses
    them), and returns the freed memory to the system."""
    yield
    import ctypes
    import gc
    import sys
    from arbitrary_nst.methods import base
    for name, module in list(sys.modules.items()):
        if not name.startswith("arbitrary_nst"):
            continue
        for value in list(vars(module).values()):
            if hasattr(value, "cache_clear") and getattr(value, "__module__", None) == name:
                value.cache_clear()
    base._ENCODINGS.clear()
    if sys.modules.get("tensorflow") is not None:
        import tensorflow as tf
        tf.keras.backend.clear_session()
    gc.collect()
    try:  # hands the freed heap back to the system (glibc; elsewhere nothing to do)
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


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


def pytest_runtest_teardown(item):
    """With ``NST_RSS_LOG=path``: appends the test process's id, its peak and present RSS
    (MiB) and the test's id to ``path`` after each test."""
    path = os.environ.get("NST_RSS_LOG")
    if path:
        import resource
        with open("/proc/self/statm", encoding="ascii") as f:
            present = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"{os.getpid()} {peak:.0f} {present:.0f} {item.nodeid}\n")
