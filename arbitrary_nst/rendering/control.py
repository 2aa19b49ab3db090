"""User controls shared by every method: style blending, colour preservation, masks.

The single entry point is :func:`stylize`. Methods plug in through :data:`METHODS`: each
is a function ``run(content, styles, regions, options) -> image`` that receives the
content ``(H, W, 3)`` already resized, the style images, a list of
:class:`optimize.Region` (what blend of styles goes where) and method-specific options.
Colour preservation and regions without style are handled here, the same way for all.

Colour preservation (:mod:`arbitrary_nst.color`): ``"luminance"`` (transfer on
luminance only, then the content's chrominance) or ``"histogram"`` (each style's colours
mapped to the content's mean and covariance first).

Flat (textureless) photos and paintings: see :mod:`arbitrary_nst.flatness`.

Masks: a grayscale image, white = 1. With one style, white regions get the style and black
regions keep the content. With N >= 2 styles, gray levels spread over the styles: style k
owns the level ``1 - k / (N - 1)`` (first style on white, last on black) with linear
cross-fades between neighbouring levels.

Images are float32 ``(H, W, 3)`` RGB in [0, 1].
"""

import dataclasses

import numpy as np

from arbitrary_nst import export, feedforward, flatness, image_io, multiscale
from arbitrary_nst.color import combine_luminance, luminance_as_rgb, match_color
from arbitrary_nst.errors import UsageError
from arbitrary_nst.optimize import GatysSettings, Region, gatys_transfer

COLOR_METHODS = ("luminance", "histogram")
"""Colour preservation methods (see :mod:`arbitrary_nst.color`)."""


def _run_gatys(content, styles, regions, options):
    settings = GatysSettings(**options)
    return gatys_transfer(content, styles, regions, settings).image


@dataclasses.dataclass(frozen=True)
class Method:
    """A stylization method: its runner, the option names it accepts, and its controls.

    Attributes:
      alpha: has a content/style trade-off (passed to the runner as ``options["alpha"]``).
      style_images: styles are images; False: styles are indices of built-in styles.
      feedforward: a network with strokes of a fixed size in pixels, rendered through
        :mod:`arbitrary_nst.multiscale` (working size, detail); False: Gatys, whose
        ``style_scale`` is the style image's size relative to the content.
    """
    run: object
    options: tuple
    alpha: bool = False
    style_images: bool = True
    feedforward: bool = True


METHODS = {
    "gatys": Method(_run_gatys, tuple(f.name for f in dataclasses.fields(GatysSettings)
                                      if f.name != "style_scale"), feedforward=False),
    "adain": Method(feedforward.run_adain, feedforward.OPTIONS, alpha=True),
    "multistyle": Method(feedforward.run_multistyle, feedforward.OPTIONS, style_images=False),
    "arbitrary": Method(feedforward.run_arbitrary, feedforward.OPTIONS, alpha=True),
    "hub": Method(export.run_hub, ("hub_module",)),
}


def normalize_weights(weights, count):
    """Checks ``count`` non-negative weights and scales them to sum to 1."""
    if weights is None:
        return tuple([1.0 / count] * count)
    weights = [float(w) for w in weights]
    if len(weights) != count:
        raise UsageError(f"style_weights has {len(weights)} values for {count} style images")
    if any(w < 0 or not np.isfinite(w) for w in weights) or sum(weights) <= 0:
        raise UsageError(f"style_weights {weights}: expected non-negative numbers, not all 0")
    return tuple(w / sum(weights) for w in weights)


def mask_regions(mask, style_count):
    """Splits a grayscale mask ``(H, W)`` in [0, 1] into one :class:`Region` per style.

    With one style: the style on ``mask``, no style on ``1 - mask``. With N styles: style k
    gets membership ``max(0, 1 - |mask - (1 - k/(N-1))| * (N-1))``; memberships sum to 1.
    """
    mask = np.clip(np.asarray(mask, np.float32), 0.0, 1.0)
    if style_count == 1:
        return [Region(mask, (1.0,)), Region(1.0 - mask, None)]
    regions = []
    for k in range(style_count):
        center = 1.0 - k / (style_count - 1)
        membership = np.maximum(0.0, 1.0 - np.abs(mask - center) * (style_count - 1))
        one_hot = tuple(1.0 if j == k else 0.0 for j in range(style_count))
        regions.append(Region(membership.astype(np.float32), one_hot))
    return regions


DEFAULT_METHOD = "arbitrary"
"""The fastest pretrained model that takes any style image (see the README's comparison)."""


def stylize(content, styles, weights=None, alpha=1.0, method=DEFAULT_METHOD, mask=None,
            preserve_color=False, color_method="luminance", size=None, style_scale=1.0,
            working_size=None, detail=None, **options):
    """Stylizes one content image with a weighted blend of style images.

    Args:
      content: float32 ``(H, W, 3)`` in [0, 1].
      styles: list of float32 ``(h, w, 3)`` style images in [0, 1]; for methods with
        built-in styles (``multistyle``), a list of style indices.
      weights: one blending weight per style (normalised to sum 1); default equal.
      alpha: content/style trade-off for methods that have one (1 = full style).
      method: a key of :data:`METHODS`.
      mask: optional float ``(H, W)`` in [0, 1] placing styles per region (see module doc);
        cannot be combined with ``weights``.
      preserve_color: keep the content's colours.
      color_method: "luminance" or "histogram" (see module doc).
      size: if given, the content is resized so its longest side is ``size`` pixels.
      style_scale: size of the painting's strokes relative to the output (2 = twice as
        large). Feed-forward methods render the look at ``working_size / style_scale``
        px at any output size (see :mod:`arbitrary_nst.multiscale`); Gatys resizes the
        style images to ``style_scale`` times the content's long side at every level.
      working_size: feed-forward methods: long side (px) of the look at ``style_scale``
        1 (default :data:`arbitrary_nst.multiscale.REFERENCE_SIZE`, 512).
      detail: feed-forward methods, outputs larger than the working size: where the fine
        detail comes from, "network" (default), "photo" or "none".
      **options: method-specific options (for "gatys", fields of ``GatysSettings``; for
        "adain" and "multistyle", ``checkpoint``: a training run directory).

    Returns:
      float32 ``(H', W', 3)`` in [0, 1] (``H', W'`` from ``size`` or the content's).

    Raises:
      UsageError: an unknown method or option, or controls that do not fit together.
    """
    if method not in METHODS:
        raise UsageError(f"unknown method {method!r}, expected one of {', '.join(METHODS)}")
    runner = METHODS[method]
    unknown = sorted(set(options) - set(runner.options))
    if unknown:
        raise UsageError(f"method {method!r} has no option {unknown[0]!r}")
    if not styles:
        raise UsageError("at least one style image is needed")
    if alpha != 1.0 and not runner.alpha:
        raise UsageError(f"method {method!r} has no alpha trade-off"
                         + (": set content_weight and style_weight instead"
                            if method == "gatys" else ""))
    if runner.style_images != all(hasattr(s, "shape") for s in styles):
        raise UsageError(f"method {method!r} takes "
                         + ("style images" if runner.style_images else
                            "style indices (its built-in styles), not images"))
    if preserve_color and color_method == "histogram" and not runner.style_images:
        raise UsageError(f"method {method!r} has built-in styles, so color_method "
                         "'histogram' (which recolours style images) cannot apply; "
                         "use 'luminance'")
    if alpha != 1.0:
        options = {**options, "alpha": float(alpha)}
    if mask is not None and weights is not None:
        raise UsageError("a mask places one style per region: give style_weights or a mask, "
                         "not both")
    if color_method not in COLOR_METHODS:
        raise UsageError(f"color_method {color_method!r}: expected one of "
                         + ", ".join(COLOR_METHODS))
    if runner.feedforward:
        working = multiscale.working_size(style_scale, working_size or multiscale.REFERENCE_SIZE)
    elif working_size is not None or detail is not None:
        raise UsageError(f"method {method!r} has no working size or detail source (they "
                         "apply to the feed-forward methods); style_scale sets its stroke size")
    else:
        multiscale.check_style_scale(style_scale)
        options = {**options, "style_scale": float(style_scale)}
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
        if runner.style_images:
            run_styles = [luminance_as_rgb(s, reference=content) for s in styles]
        # A video's previous frame guides the luminance-only optimisation in luminance too.
        options = {key: (luminance_as_rgb(value) if key in ("init_image", "temporal_target")
                         and value is not None else value) for key, value in options.items()}
    elif preserve_color:
        run_styles = [match_color(s, content) for s in styles]

    if runner.feedforward:
        def run(image, image_regions, detail_pass):
            upsampling = ({"upsampling": multiscale.DETAIL_UPSAMPLING}
                          if detail_pass and "upsampling" in runner.options
                          and "upsampling" not in options else {})
            return runner.run(image, run_styles, image_regions, {**options, **upsampling})

        output = multiscale.render(run_content, regions, run, working, detail or "network")
        if flatness.is_flat(run_content):
            output = flatness.flat_rendering(output, run_content)
    else:
        output = runner.run(run_content, run_styles, regions, options)
    if preserve_color and color_method == "luminance":
        output = combine_luminance(output, content)
    unstyled = [r.mask for r in regions if r.style_weights is None]
    if unstyled:
        keep = unstyled[0][..., None]
        output = keep * content + (1.0 - keep) * output
    output = np.asarray(output, np.float32)
    return np.clip(output, 0.0, 1.0, out=output)  # in place: no copy of a large image


def interpolation_grid(content, styles, steps=5, method="arbitrary", **kwargs):
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
