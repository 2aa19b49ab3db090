"""The same picture at every size: stroke scale and multi-scale rendering for the
feed-forward methods (``adain``, ``multistyle``, ``arbitrary``, ``hub``).

A feed-forward network paints strokes of a fixed size in pixels (its receptive field), so
one pass over a 4096 px image gives strokes 8x smaller, relative to the picture, than a
pass at 512 px, and a different look. Here the look is fixed by a **working size**:

1. The network renders the image at the working size, ``REFERENCE_SIZE / style_scale``
   pixels on the long side (``style_scale`` 1: 512 px, the size the pretrained networks
   are shown and measured at; 2: 256 px, strokes twice as large; 0.5: 1024 px).
2. Smaller outputs are that rendering shrunk (antialiased).
3. Larger outputs keep that rendering's frequencies (upsampled bicubic) and take the
   frequencies above the working size's from a **detail** source at full size, a
   Laplacian split ``output = up(low) + Y(detail - up(down(detail)))``, ``down`` and
   ``up`` resampling to and from the working size, ``Y`` the luminance: the fine band
   brings structure, not colour (its colour showed as magenta and green fringes along
   thin dark lines at 100 %):

   * ``"network"`` (default): a second pass of the network at full size (tiled, with
     whole-image statistics, past the tile size), with bicubic instead of nearest
     upsampling inside the network (:data:`DETAIL_UPSAMPLING`): nearest upsampling
     leaves a period-4 grid of faint horizontal and vertical bands in flat areas (an
     out-of-focus background) that the interpolating variants do not have, and bicubic
     keeps more fine detail than bilinear;
   * ``"photo"``: the content photo's own fine detail;
   * ``"none"``: the working-size rendering upsampled (softest, fastest).

``experiments/style_at_every_size.py`` measures the choices (style and content loss,
agreement with the working-size preview, sharpness, time and memory at 512-4096 px).

Images are float32 ``(H, W, 3)`` RGB in [0, 1]; sizes are pixels on the long side.
"""

import dataclasses

import numpy as np

from arbitrary_nst.errors import UsageError
from arbitrary_nst.io import image_io

REFERENCE_SIZE = 512
"""Working size (long side, px) at ``style_scale`` 1."""
DETAILS = ("network", "photo", "none")
DETAIL_UPSAMPLING = "bicubic"
"""Upsampling inside the network for the ``"network"`` detail pass (measured against
nearest and bilinear in the "The same picture at every size" of experiments/README.md)."""
LUMINANCE = np.array([0.299, 0.587, 0.114], np.float32)
"""Luminance weights of RGB (YIQ's Y): adding ``d`` to R, G and B changes Y by ``d`` and
leaves the chroma (I, Q) as it was."""
MIN_WORKING_SIZE = 32
MIN_NETWORK_SIDE = 16
"""Shortest side (px) the networks render: below it their padding and strides fail."""


def check_style_scale(style_scale):
    """Raises UsageError unless ``style_scale`` is a finite number > 0."""
    if not (isinstance(style_scale, (int, float)) and np.isfinite(style_scale)
            and style_scale > 0):
        raise UsageError(f"style_scale {style_scale}: expected a number > 0")


def working_size(style_scale=1.0, reference=REFERENCE_SIZE):
    """The long side (px) the network renders at: ``reference / style_scale``.

    Raises:
      UsageError: ``style_scale`` not positive, or a working size under 32 px.
    """
    check_style_scale(style_scale)
    size = int(round(reference / style_scale))
    if size < MIN_WORKING_SIZE:
        raise UsageError(f"style_scale {style_scale} with working size {reference}: the "
                         f"network would work at {size} px, expected at least "
                         f"{MIN_WORKING_SIZE}")
    return size


def render(content, regions, run, working, detail="network"):
    """Renders ``content`` with the look that ``run`` gives at ``working`` px.

    Args:
      content: ``(H, W, 3)``, already at the output size.
      regions: list of :class:`~arbitrary_nst.methods.regions.Region`, masks at ``(H, W)``.
      run: ``run(content, regions, detail_pass) -> (h, w, 3)`` renders at the given size;
        ``detail_pass`` is True for the full-size detail pass.
      working: working size (long side, px), see :func:`working_size`.
      detail: "network", "photo" or "none", see the module doc.

    Returns:
      float32 ``(H, W, 3)``.
    """
    if detail not in DETAILS:
        raise UsageError(f"detail {detail!r}: expected one of {', '.join(DETAILS)}")
    height, width = content.shape[:2]
    small = network_size(content.shape, working)
    if small == (height, width):
        return np.asarray(run(content, regions, False), np.float32)
    preview = np.asarray(run(image_io.resize(content, *small), resized_regions(regions, small),
                             False), np.float32)
    if single_pass(content.shape, working):
        return image_io.resize(preview, height, width)
    if detail == "none":
        return image_io.upsample(preview, (height, width))
    source = content.copy() if detail == "photo" else np.asarray(run(content, regions, True),
                                                                    np.float32)
    fine = luminance_above(source, small)
    del source
    output = image_io.upsample(preview, (height, width))
    output += fine[..., None]
    return output


def luminance_above(image, size):
    """The luminance ``(H, W)`` of the frequencies of ``image`` ``(H, W, 3)`` above those of
    ``size`` ``(h, w)``: ``Y(image - up(down(image)))``. Only the luminance: the colour of
    a fine band, added on its own, shows as magenta and green fringes along thin dark
    lines (a network's full-size pass paints its own colours there). ``image`` is
    overwritten."""
    image_io.upsample(-image_io.shrink(image, size), image.shape[:2], add_to=image)
    return image @ LUMINANCE


def single_pass(shape, working):
    """Whether one network pass at :func:`network_size` renders an image of ``shape``
    (then resized to it): no detail pass, as the image is no larger than that size."""
    return max(network_size(shape, working)) >= max(shape[:2])


def network_size(shape, working):
    """``(h, w)`` the network renders an image of ``shape`` at: long side ``working``,
    enlarged where needed so the short side is at least :data:`MIN_NETWORK_SIDE` (a
    64:1 panorama at 512 px would be 8 px high)."""
    height, width = shape[:2]
    scale = max(working / max(height, width), MIN_NETWORK_SIDE / min(height, width))
    return int(round(height * scale)), int(round(width * scale))


def resized_regions(regions, size):
    """``regions`` with their masks resized to ``size`` ``(h, w)``."""
    return [region if region.mask is None else dataclasses.replace(
        region, mask=image_io.resize(region.mask[..., None].astype(np.float32), *size)[..., 0])
        for region in regions]
