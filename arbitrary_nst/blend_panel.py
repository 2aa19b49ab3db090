"""A live style-blending panel for Jupyter notebooks.

:func:`preview` is the panel's update function (weights, alpha, colour preservation and
a preview size in, a stylized image out); :func:`panel` wires it to ipywidgets sliders
and re-renders on every change. The widgets need the ``notebooks`` extra
(``pip install -e ".[notebooks]"``); :func:`preview` needs nothing beyond the package.

Images are float32 ``(H, W, 3)`` RGB in [0, 1].
"""

import io
import time

from PIL import Image

from arbitrary_nst import registry
from arbitrary_nst.errors import UsageError
from arbitrary_nst.io import image_io
from arbitrary_nst.rendering import control

PREVIEW_SIZES = (256, 320, 384)
"""Long sides (px) the panel offers: the arbitrary model renders them in well under a
second on a 2-core CPU (it works at 512 px and shrinks, so the look is the full-size one)."""


def preview(content, styles, weights, alpha=None, preserve_color=False,
            size=PREVIEW_SIZES[0], method=registry.DEFAULT_METHOD):
    """``content`` stylized with ``styles`` blended by ``weights`` at ``size`` px.

    Args:
      content: ``(H, W, 3)`` photo.
      styles: list of ``(h, w, 3)`` paintings (style indices for ``multistyle``).
      weights: one non-negative weight per style, not all 0 (normalised to sum 1).
      alpha: content/style trade-off in [0, 1] (1 = full style; None: the method's
        default).
      preserve_color: keep the photo's colours (luminance-only transfer).
      size: long side of the preview, px.
      method: a key of :data:`arbitrary_nst.registry.METHODS`.

    Returns:
      float32 ``(h, w, 3)`` with long side ``size``.

    Raises:
      UsageError: weights that do not fit the styles, or all 0.
    """
    return control.stylize(content, styles, weights=weights, alpha=alpha, method=method,
                           preserve_color=preserve_color, size=size)


def panel_methods():
    """The methods the panel offers: the feed-forward ones that take style images and
    run with their default settings (:mod:`arbitrary_nst.registry`)."""
    return tuple(name for name in registry.names(style_images=True, feedforward=True)
                 if registry.runs_with_defaults(name))


def png_bytes(image):
    """PNG encoding of a float32 ``(H, W, 3)`` image in [0, 1]."""
    buffer = io.BytesIO()
    Image.fromarray(image_io.to_uint8(image)).save(buffer, format="png")
    return buffer.getvalue()


def panel(content, styles, names=None, method=registry.DEFAULT_METHOD):
    """An ipywidgets panel: a weight slider per style, an alpha slider, a colour toggle,
    a size choice and a method choice (the methods of :func:`panel_methods`); the preview
    re-renders on every change and a line under it says how long it took (or why it
    could not render, e.g. all weights at 0, or alpha for a method without it).

    Args:
      content, styles, method: as for :func:`preview`.
      names: slider labels, one per style (default "style 1", "style 2", ...).

    Returns:
      an ``ipywidgets.VBox``; display it (a notebook shows the last expression).

    Raises:
      ImportError: ipywidgets is not installed (the ``notebooks`` extra).
    """
    import ipywidgets as widgets

    names = names or [f"style {index + 1}" for index in range(len(styles))]
    sliders = [widgets.FloatSlider(value=1.0 / len(styles), min=0.0, max=1.0, step=0.05,
                                   description=name) for name in names]
    alpha = widgets.FloatSlider(value=registry.get(method).default_alpha, min=0.0, max=1.0,
                                step=0.05, description="alpha")
    keep_colors = widgets.Checkbox(value=False, description="keep the photo's colours")
    size = widgets.Dropdown(options=PREVIEW_SIZES, value=PREVIEW_SIZES[0],
                            description="size (px)")
    chosen = widgets.Dropdown(options=panel_methods(), value=method, description="method")
    picture = widgets.Image(format="png")
    status = widgets.Label()

    def update(_=None):
        start = time.perf_counter()
        try:
            image = preview(content, styles, [s.value for s in sliders], alpha.value,
                            keep_colors.value, size.value, chosen.value)
        except UsageError as error:
            status.value = str(error)
            return
        picture.value = png_bytes(image)
        status.value = (f"{image.shape[1]}x{image.shape[0]} px in "
                        f"{time.perf_counter() - start:.2f} s")

    for control_widget in (*sliders, alpha, keep_colors, size, chosen):
        control_widget.observe(update, names="value")
    update()
    return widgets.VBox([widgets.HBox([widgets.VBox(sliders),
                                       widgets.VBox([alpha, keep_colors, size, chosen])]),
                         picture, status])
