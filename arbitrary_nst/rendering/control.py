"""User controls shared by every method: style blending, colour preservation, masks.

The single entry point is :func:`stylize`. A method is found in the registry
(:mod:`arbitrary_nst.registry`: its controls and settings) and runs through the
interface of :mod:`arbitrary_nst.methods.base`: it receives the content ``(H, W, 3)``
already resized, the style images (or style indices), a list of
:class:`~arbitrary_nst.methods.regions.Region` (what blend of styles goes where) and
``alpha``. Colour preservation, regions without style, flat photos and the look at any
size (:mod:`arbitrary_nst.rendering.multiscale`, for the feed-forward methods) are
handled here, the same way for all.

Colour preservation (:mod:`arbitrary_nst.rendering.color`): ``"luminance"`` (transfer on
luminance only, then the content's chrominance) or ``"histogram"`` (each style's colours
mapped to the content's mean and covariance first).

Flat (textureless) photos and paintings: see :mod:`arbitrary_nst.rendering.flatness`.
Masks: see :mod:`arbitrary_nst.methods.regions`.

Images are float32 ``(H, W, 3)`` RGB in [0, 1].
"""

import dataclasses

import numpy as np

from arbitrary_nst import registry
from arbitrary_nst.errors import UsageError
from arbitrary_nst.io import image_io
from arbitrary_nst.methods import settings as method_settings
from arbitrary_nst.methods.regions import Region, mask_regions, normalize_weights
from arbitrary_nst.rendering import flatness, multiscale
from arbitrary_nst.rendering.color import (
    combine_luminance,
    luminance_as_rgb,
    match_color,
)

COLOR_METHODS = ("luminance", "histogram")
"""Colour preservation methods (see :mod:`arbitrary_nst.rendering.color`)."""
GUIDE_SETTINGS = ("init_image", "temporal_target")
"""Settings that hold an image of the output (a video's warped previous frame): turned to
luminance with the content under luminance-only colour preservation."""


def stylize(content, styles, weights=None, alpha=None, method=registry.DEFAULT_METHOD,
            mask=None, preserve_color=False, color_method="luminance", size=None,
            style_scale=1.0, working_size=None, detail=None, **options):
    """Stylizes one content image with a weighted blend of style images.

    Args:
      content: float32 ``(H, W, 3)`` in [0, 1].
      styles: list of float32 ``(h, w, 3)`` style images in [0, 1]; for methods with
        built-in styles (``multistyle``), a list of style indices.
      weights: one blending weight per style (normalised to sum 1); default equal.
      alpha: content/style trade-off for methods that have one (1 = full style, 0 = the
        photo; None: the method's ``default_alpha``, 1 except wct's 0.6).
      method: a name of :data:`arbitrary_nst.registry.METHODS`.
      mask: optional float ``(H, W)`` in [0, 1] placing styles per region (see
        :mod:`arbitrary_nst.methods.regions`); cannot be combined with ``weights``.
      preserve_color: keep the content's colours.
      color_method: "luminance" or "histogram" (see module doc).
      size: if given, the content is resized so its longest side is ``size`` pixels.
      style_scale: size of the painting's strokes relative to the output (2 = twice as
        large). Feed-forward methods render the look at ``working_size / style_scale``
        px at any output size (see :mod:`arbitrary_nst.rendering.multiscale`); Gatys
        resizes the style images to ``style_scale`` times the content's long side at
        every level.
      working_size: feed-forward methods: long side (px) of the look at ``style_scale``
        1 (default :data:`arbitrary_nst.rendering.multiscale.REFERENCE_SIZE`, 512).
      detail: feed-forward methods, outputs larger than the working size: where the fine
        detail comes from, "network", "photo" or "none" (default: the method's,
        ``default_detail`` of its registry entry).
      **options: the method's settings (the fields of its registry entry's ``settings``:
        :class:`~arbitrary_nst.methods.gatys.settings.GatysSettings` for "gatys",
        :class:`~arbitrary_nst.methods.settings.FeedForwardSettings` for the trained
        networks, e.g. ``checkpoint``: a training run directory).

    Returns:
      float32 ``(H', W', 3)`` in [0, 1] (``H', W'`` from ``size`` or the content's).

    Raises:
      UsageError: an unknown method or option, or controls that do not fit together.
    """
    spec = registry.get(method)
    if not spec.feedforward:
        multiscale.check_style_scale(style_scale)
        options = {**options, "style_scale": float(style_scale)}
    settings = method_settings.build(spec.settings, method, options)
    if not styles:
        raise UsageError("at least one style image is needed")
    registry.check_controls(spec, alpha, styles, working_size, detail)
    alpha = spec.default_alpha if alpha is None else alpha
    if preserve_color and color_method == "histogram" and not spec.style_images:
        raise UsageError(f"method {method!r} has built-in styles, so color_method "
                         "'histogram' (which recolours style images) cannot apply; "
                         "use 'luminance'")
    if mask is not None and weights is not None:
        raise UsageError("a mask places one style per region: give style_weights or a mask, "
                         "not both")
    if color_method not in COLOR_METHODS:
        raise UsageError(f"color_method {color_method!r}: expected one of "
                         + ", ".join(COLOR_METHODS))
    if spec.feedforward:
        working = multiscale.working_size(style_scale, working_size or multiscale.REFERENCE_SIZE)
    if size is not None:
        content = image_io.resize_longest(content, size)
    if mask is None:
        regions = [Region(None, normalize_weights(weights, len(styles)))]
    else:
        mask = image_io.resize(np.asarray(mask, np.float32)[..., None], *content.shape[:2])[..., 0]
        regions = mask_regions(mask, len(styles))

    flatness.warn_flat_styles(styles)
    run_content, run_styles = content, list(styles)
    if preserve_color and color_method == "luminance":
        run_content = luminance_as_rgb(content)
        if spec.style_images:
            run_styles = [luminance_as_rgb(s, reference=content) for s in styles]
        # A video's previous frame guides the luminance-only optimisation in luminance too.
        guides = {name: luminance_as_rgb(getattr(settings, name)) for name in GUIDE_SETTINGS
                  if getattr(settings, name, None) is not None}
        settings = dataclasses.replace(settings, **guides)
    elif preserve_color:
        run_styles = [match_color(s, content) for s in styles]

    implementation = registry.implementation(method)
    if spec.feedforward:
        detail = detail or spec.default_detail
        loaded = {}

        def run(image, image_regions, detail_pass):
            # The detail pass interpolates inside the network unless told otherwise.
            detail_upsampling = detail_pass and getattr(settings, "upsampling", "") is None
            if detail_upsampling not in loaded:
                loaded[detail_upsampling] = implementation.load(spec, dataclasses.replace(
                    settings, upsampling=multiscale.DETAIL_UPSAMPLING)
                    if detail_upsampling else settings)
            return loaded[detail_upsampling].stylize(image, run_styles, image_regions, alpha)

        flat = flatness.is_flat(run_content)
        output = multiscale.render(flatness.grained(run_content) if flat else run_content,
                                   regions, run, working, detail)
        if flat:
            output = flatness.flat_rendering(output, run_content)
    else:
        output = implementation.load(spec, settings).stylize(run_content, run_styles, regions,
                                                             alpha)
    if preserve_color and color_method == "luminance":
        output = combine_luminance(output, content)
    unstyled = [r.mask for r in regions if r.style_weights is None]
    if unstyled:
        keep = unstyled[0][..., None]
        output = keep * content + (1.0 - keep) * output
    output = np.asarray(output, np.float32)
    return np.clip(output, 0.0, 1.0, out=output)  # in place: no copy of a large image


def stylize_batch(contents, styles, alpha=None, method=registry.DEFAULT_METHOD, **options):
    """Stylizes each ``contents[i]`` whole with ``styles[i]`` alone: the images of
    ``stylize(contents[i], [styles[i]], alpha=alpha, method=method, **options)`` (within
    float32 rounding), where the feed-forward method's network renders images of one
    shape together (one call per shape, at the size :func:`stylize` renders them at) when
    one pass renders them (long side at most
    :data:`~arbitrary_nst.rendering.multiscale.REFERENCE_SIZE`, the look's working size)
    and they are not flat; the others go through :func:`stylize` one by one.

    Args:
      contents: float32 ``(H_i, W_i, 3)`` images in [0, 1], already at their sizes.
      styles: one style image per content (float32 ``(h, w, 3)`` in [0, 1]).
      alpha, method: as for :func:`stylize`.
      **options: the method's settings (``runtime``, ``checkpoint``...).

    Returns:
      A list of float32 ``(H_i, W_i, 3)`` in [0, 1], one per content.

    Raises:
      UsageError: as :func:`stylize`.
    """
    spec = registry.get(method)
    outputs = [None] * len(contents)
    shapes = {}
    working = multiscale.REFERENCE_SIZE
    for index, content in enumerate(contents if spec.feedforward else ()):
        if multiscale.single_pass(content.shape, working) and not flatness.is_flat(content):
            shapes.setdefault(content.shape, []).append(index)
    groups = [group for group in shapes.values() if len(group) > 1]
    if groups:
        settings = method_settings.build(spec.settings, method, options)
        registry.check_controls(spec, alpha, styles, None, None)
        flatness.warn_flat_styles(styles)
        for group in groups:
            shape = contents[group[0]].shape
            small = multiscale.network_size(shape, working)
            method_object = registry.implementation(method).load(spec, settings)
            rendered = method_object.stylize_batch(
                np.stack([image_io.resize(contents[i], *small) for i in group]),
                [styles[i] for i in group], spec.default_alpha if alpha is None else alpha)
            for index, image in zip(group, rendered):
                image = image_io.resize(np.asarray(image, np.float32), *shape[:2])
                outputs[index] = np.clip(image, 0.0, 1.0)
    return [output if output is not None else stylize(
        content, [style], alpha=alpha, method=method, **options)
        for output, content, style in zip(outputs, contents, styles)]


def interpolation_grid(content, styles, steps=5, method=registry.DEFAULT_METHOD, **kwargs):
    """The bilinear style-interpolation grid of the AdaIN and Ghiasi papers.

    Args:
      content: float32 ``(H, W, 3)`` in [0, 1].
      styles: four styles for the corners (top-left, top-right, bottom-left,
        bottom-right): images, or style indices for ``multistyle``.
      steps: cells per side (>= 2).
      method, **kwargs: as :func:`stylize` (``weights`` and ``mask`` are set here).

    Returns:
      float32 ``(steps, steps, H', W', 3)``: cell ``(i, j)`` blends the corners with
      weights ``((1-u)(1-v), u(1-v), (1-u)v, uv)``, ``u = j/(steps-1)``, ``v = i/(steps-1)``.
    """
    if len(styles) != 4:
        raise UsageError(f"interpolation_grid takes 4 corner styles, got {len(styles)}")
    if steps < 2:
        raise UsageError(f"interpolation_grid steps={steps}: expected at least 2")
    rows = []
    for i in range(steps):
        v = i / (steps - 1)
        row = []
        for j in range(steps):
            u = j / (steps - 1)
            weights = [(1 - u) * (1 - v), u * (1 - v), (1 - u) * v, u * v]
            row.append(stylize(content, styles, weights=weights, method=method, **kwargs))
        rows.append(np.stack(row))
    return np.stack(rows)
