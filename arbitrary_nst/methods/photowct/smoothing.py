"""PhotoWCT's smoothing step (Li, Liu, Li, Yang & Kautz 2018, section 3.2): pixels that
look alike in the photo get alike colours in the result, so the stylized colours follow
the photo's own regions and edges instead of the decoder's blotches.

* :func:`exact`: the paper's closed form ``R = (1 - a) (I - a S)^-1 Y`` (manifold
  ranking), ``Y`` the stylized image, ``S = D^-1/2 W D^-1/2`` the normalised affinity of
  the photo's pixels, ``W`` the matting affinity of Levin, Lischinski & Weiss 2008 (3x3
  windows, epsilon 1e-7), ``a`` = :data:`ALPHA`; solved with a sparse LU factorisation
  (``scipy.sparse.linalg.factorized``). Its memory and time grow with the pixel count,
  so images larger than :data:`EXACT_MAX_PIXELS` are solved at that many pixels and the
  solution's change to ``Y`` is upsampled onto the full-size ``Y``.
* :func:`fast`: the approximation the paper's authors describe and ship: a guided filter
  (He, Sun & Tang 2013) of ``Y`` with the photo as the guide (radius and epsilon below),
  linear in the pixel count (box filters).

Images are float32 ``(H, W, 3)`` RGB in [0, 1].
"""

import cv2
import numpy as np

from arbitrary_nst.io import image_io

ALPHA = 0.9999
"""The weight of the affinity term (the reference code's ``beta``)."""
MATTING_EPSILON = 1e-7
EXACT_MAX_PIXELS = 384 * 288
"""Largest image the exact solve runs on at full size: 8 s and a peak RSS of 1.5 GB
here (512x384: 33 s, 2.3 GB)."""
GUIDED_RADIUS = 50
"""The guided filter's window radius at a 512 px long side, scaled with the image's long
side. Chosen by measurement (experiments/photo_transfer.py's radius sweep on the held-out
pairs): 17 px left the decoders' blotches on flat regions (lawns, water), 35 px (the
reference's setting) faint ones, 50 px none seen, for the most colour taken from the
reference within the issue's aim (0.75x Reinhard's remaining distance; 60 px: 0.80x)."""
GUIDED_REFERENCE_SIDE = 512
GUIDED_EPSILON = 1e-3
METHODS = ("exact", "fast", "none")


def smooth(stylized, photo, method):
    """``stylized`` smoothed with ``photo``'s affinities by ``method`` (one of
    :data:`METHODS`; "none" returns it unchanged)."""
    if method == "exact":
        return exact(stylized, photo)
    if method == "fast":
        return fast(stylized, photo)
    return stylized


def fast(stylized, photo, radius=GUIDED_RADIUS, epsilon=GUIDED_EPSILON):
    """The guided filter of ``stylized`` (each channel) with the colour guide ``photo``
    (same size); ``radius``: the window radius in px at a :data:`GUIDED_REFERENCE_SIDE`
    long side, scaled to the image's."""
    height, width = photo.shape[:2]
    radius = max(1, int(round(radius * max(height, width) / GUIDED_REFERENCE_SIDE)))
    size = (2 * radius + 1, 2 * radius + 1)

    def box(image):
        return cv2.boxFilter(image, -1, size, borderType=cv2.BORDER_REFLECT)

    guide = np.ascontiguousarray(photo, np.float32)
    source = np.ascontiguousarray(stylized, np.float32)
    mean_guide, mean_source = box(guide), box(source)
    products = np.einsum("hwi,hwj->hwij", guide, guide).reshape(height, width, 9)
    covariance = (box(products).reshape(height, width, 3, 3)
                  - np.einsum("hwi,hwj->hwij", mean_guide, mean_guide))
    covariance += epsilon * np.eye(3, dtype=np.float32)
    cross = (box(np.einsum("hwi,hwj->hwij", guide, source).reshape(height, width, 9))
             .reshape(height, width, 3, 3)
             - np.einsum("hwi,hwj->hwij", mean_guide, mean_source))
    slopes = np.linalg.solve(covariance, cross)  # (H, W, 3 guide, 3 output)
    offsets = mean_source - np.einsum("hwi,hwij->hwj", mean_guide, slopes)
    mean_slopes = box(slopes.reshape(height, width, 9)).reshape(height, width, 3, 3)
    return (np.einsum("hwi,hwij->hwj", guide, mean_slopes) + box(offsets)).astype(np.float32)


def matting_affinity(photo, epsilon=MATTING_EPSILON):
    """The matting affinity ``W`` (sparse ``(H*W, H*W)``) of ``photo``'s 3x3 windows
    (Levin et al. 2008): ``W_ij`` sums, over the windows holding pixels i and j,
    ``(1 + (I_i - m)^T (C + epsilon/9 E)^-1 (I_j - m)) / 9``."""
    import scipy.sparse
    height, width = photo.shape[:2]
    image = photo.astype(np.float64)
    index = np.arange(height * width).reshape(height, width)
    windows = np.stack([index[dy:height - 2 + dy, dx:width - 2 + dx].ravel()
                        for dy in range(3) for dx in range(3)], axis=1)  # (K, 9)
    pixels = image.reshape(-1, 3)[windows]  # (K, 9, 3)
    mean = pixels.mean(axis=1, keepdims=True)
    centered = pixels - mean
    covariance = np.einsum("kni,knj->kij", centered, centered) / 9
    inverse = np.linalg.inv(covariance + (epsilon / 9) * np.eye(3))
    values = (1 + np.einsum("kni,kij,kmj->knm", centered, inverse, centered)) / 9
    rows = np.repeat(windows, 9, axis=1).ravel()
    cols = np.tile(windows, (1, 9)).ravel()
    size = height * width
    return scipy.sparse.coo_matrix((values.ravel(), (rows, cols)), shape=(size, size)).tocsc()


def exact(stylized, photo, alpha=ALPHA, max_pixels=EXACT_MAX_PIXELS):
    """The paper's closed-form smoothing of ``stylized`` with ``photo``'s affinities (see
    the module doc); past ``max_pixels`` it is solved on a smaller copy."""
    import scipy.sparse
    import scipy.sparse.linalg
    height, width = photo.shape[:2]
    if height * width > max_pixels:
        scale = np.sqrt(max_pixels / (height * width))
        small = (max(3, int(height * scale)), max(3, int(width * scale)))
        low = image_io.resize(stylized, *small)
        change = exact(low, image_io.resize(photo, *small), alpha, max_pixels) - low
        return image_io.upsample(change, (height, width), add_to=stylized.copy())
    if min(height, width) < 3:
        return stylized
    affinity = matting_affinity(photo)
    degree = np.asarray(affinity.sum(axis=0)).ravel()
    scale = scipy.sparse.diags(1.0 / np.sqrt(np.maximum(degree, 1e-12)))
    system = scipy.sparse.identity(height * width, format="csc") - alpha * (
        scale @ affinity @ scale)
    solve = scipy.sparse.linalg.factorized(system.tocsc())
    flat = stylized.reshape(-1, 3).astype(np.float64)
    solved = np.stack([solve(flat[:, channel]) for channel in range(3)], axis=1)
    return ((1 - alpha) * solved).reshape(height, width, 3).astype(np.float32)
