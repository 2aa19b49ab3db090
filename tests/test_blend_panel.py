"""The live blending panel of blend_styles.ipynb: its update function (weights in, image
out) and the widgets that call it."""

import io

import numpy as np
import pytest
from conftest import CONTENT_PATH, STYLE_PATH, TEST_ASSETS
from PIL import Image

from arbitrary_nst import blend_panel
from arbitrary_nst.errors import UsageError
from arbitrary_nst.io import image_io
from arbitrary_nst.rendering import control


@pytest.fixture(scope="module")
def inputs():
    content = image_io.load_image(CONTENT_PATH, size=96)
    styles = [image_io.load_image(STYLE_PATH, size=96),
              image_io.load_image(f"{TEST_ASSETS}/styles/kandinsky_composition_viii.jpg",
                                  size=96)]
    return content, styles


def test_preview_blends_the_weighted_styles_at_the_size(inputs):
    content, styles = inputs
    first = blend_panel.preview(content, styles, [1.0, 0.0], size=64)
    second = blend_panel.preview(content, styles, [0.0, 3.0], size=64)
    half = blend_panel.preview(content, styles, [0.5, 0.5], size=64)
    assert first.shape[:2] == (48, 64) and first.dtype == np.float32
    np.testing.assert_allclose(first, control.stylize(content, styles[:1], size=64), atol=1e-5)
    np.testing.assert_allclose(second, control.stylize(content, styles[1:], size=64),
                               atol=1e-5)
    # A blend lies between the two paintings' renders, and differs from both.
    assert np.abs(first - second).mean() > 0.05
    assert 0.01 < np.abs(half - first).mean() < np.abs(second - first).mean()
    photo_colours = blend_panel.preview(content, styles, [1, 0], preserve_color=True, size=64)
    assert np.abs(photo_colours - first).mean() > 0.01


def test_preview_refuses_all_zero_weights(inputs):
    content, styles = inputs
    with pytest.raises(UsageError, match="not all 0"):
        blend_panel.preview(content, styles, [0.0, 0.0])


def test_panel_rerenders_on_every_change(inputs):
    content, styles = inputs
    box = blend_panel.panel(content, styles, names=["wave", "kandinsky"])
    sliders_box, controls_box = box.children[0].children
    wave, kandinsky = sliders_box.children
    alpha, _, size, method = controls_box.children
    assert "wct" in method.options and "hub" not in method.options
    picture, status = box.children[1:]
    shown = Image.open(io.BytesIO(picture.value))
    assert shown.size == (256, 192) and "px in" in status.value
    before = picture.value
    wave.value, kandinsky.value = 0.0, 1.0
    assert picture.value != before
    size.value = 320
    assert Image.open(io.BytesIO(picture.value)).size == (320, 240)
    kandinsky.value = 0.0  # all weights 0: the status line says why, the picture stays
    assert "not all 0" in status.value
    assert Image.open(io.BytesIO(picture.value)).size == (320, 240)
    alpha.value = 0.5
    assert "not all 0" in status.value
    kandinsky.value = 1.0
    before = picture.value
    method.value = "adain"  # another method: rendered again
    assert picture.value != before and "px in" in status.value
    assert "multistyle" not in method.options  # its styles are indices, not images
