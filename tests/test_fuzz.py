"""Property-based fuzzing (hypothesis): random bytes, truncated and mutated real images,
odd sizes and random YAML at the image and config loaders. Every case must end in a
result or an error of the project's own type (NSTError), never another exception."""

import io
import os

import numpy as np
import yaml
from conftest import CONTENT_PATH
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from arbitrary_nst.errors import NSTError
from arbitrary_nst.io import image_io
from arbitrary_nst.training.config import load_config

with open(CONTENT_PATH, "rb") as _f:
    JPEG = _f.read()
_buffer = io.BytesIO()
Image.open(CONTENT_PATH).resize((40, 30)).save(_buffer, format="PNG")
PNG = _buffer.getvalue()
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def decode(data):
    try:
        image = image_io.decode_image(io.BytesIO(data), "fuzzed")
    except NSTError as exc:
        assert "fuzzed" in str(exc) and "\n" not in str(exc)
        return None
    assert image.dtype == np.float32 and image.ndim == 3 and image.shape[2] == 3
    assert np.all(np.isfinite(image)) and image.min() >= 0.0 and image.max() <= 1.0
    return image


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(data):
    decode(data)


@FUZZ
@given(st.sampled_from([JPEG, PNG]), st.floats(0.0, 1.0))
def test_truncated_real_images(data, fraction):
    decode(data[:int(len(data) * fraction)])


@FUZZ
@given(st.sampled_from([JPEG, PNG]),
       st.lists(st.tuples(st.floats(0.0, 1.0, exclude_max=True), st.integers(0, 255)),
                min_size=1, max_size=20))
def test_mutated_real_images(data, edits):
    mutated = bytearray(data)
    for where, value in edits:
        mutated[int(where * len(mutated))] = value
    decode(bytes(mutated))


FORMATS_AND_MODES = [("PNG", mode) for mode in ("RGB", "L", "RGBA", "P", "I;16", "LA")] + [
    ("JPEG", mode) for mode in ("RGB", "L", "CMYK")] + [("BMP", m) for m in ("RGB", "L", "P")]


@FUZZ
@given(st.integers(1, 300), st.integers(1, 300), st.sampled_from(FORMATS_AND_MODES))
def test_odd_sizes_and_modes(width, height, format_and_mode):
    fmt, mode = format_and_mode
    buffer = io.BytesIO()
    image = Image.new(mode, (width, height))
    if mode == "P":  # as every palette file has one (Pillow 12 writes an empty one into a
        image.putpalette(list(range(256)) * 3)  # BMP that no reader can parse back)
    image.save(buffer, format=fmt)
    image = decode(buffer.getvalue())
    if min(width, height) >= image_io.MIN_SIDE:
        assert image is not None and image.shape[:2] == (height, width)
    else:
        assert image is None


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=3), max_leaves=10)
KEYS = st.sampled_from(["model", "data", "train", "distribute", "checkpoint", "summary",
                        "name", "type", "batch_size", "crop", "learning_rate", "strategy"])


@FUZZ
@given(st.dictionaries(KEYS, YAML_VALUES | st.dictionaries(KEYS, YAML_VALUES, max_size=4),
                       max_size=5))
@example({"model": {"\n": None}})  # a key that is a newline: still one line (its repr)
@example({"train\tx": 1, 3: 2})
def test_random_yaml_configs(tmp_path_factory, document):
    path = os.path.join(tmp_path_factory.mktemp("fuzz"), "config.yaml")
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(document, f)
    try:
        load_config(path)
    except NSTError as exc:
        assert path in str(exc) and "\n" not in str(exc)


@FUZZ
@given(st.binary(max_size=512))
def test_random_bytes_as_yaml(tmp_path_factory, data):
    path = os.path.join(tmp_path_factory.mktemp("fuzz"), "config.yaml")
    with open(path, "wb") as f:
        f.write(data)
    try:
        load_config(path)
    except NSTError as exc:
        assert path in str(exc)
