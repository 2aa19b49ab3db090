"""Colour preservation (Gatys, Bethge, Hertzmann & Shechtman 2017) and luminance helpers.

* ``"luminance"``: transfer on luminance only. Content and styles become grayscale
  luminance images (each style's luminance matched to the content's mean and standard
  deviation, :func:`luminance_as_rgb`); the stylized luminance is then recombined with the
  content's I and Q (YIQ colour space) chrominance (:func:`combine_luminance`).
* ``"histogram"``: each style image's colours are linearly mapped so that their mean and
  covariance match the content's (:func:`match_color`), then transfer runs as usual.

:func:`reinhard` is the global colour transfer of Reinhard, Ashikhmin, Gooch & Shirley
2001, the baseline photorealistic transfer is measured against.

Images are float32 ``(H, W, 3)`` RGB in [0, 1].
"""

import numpy as np

from arbitrary_nst.io import image_io


def luminance(image):
    """Luminance Y ``(H, W)`` in [0, 1] of an RGB image."""
    return image_io.rgb_to_yiq(image)[..., 0]


def luminance_as_rgb(image, reference=None):
    """The luminance of ``image`` as a gray RGB image.

    If ``reference`` is given, the luminance is first shifted and scaled to the
    reference image's luminance mean and standard deviation.
    """
    y = luminance(image)
    if reference is not None:
        ref = luminance(reference)
        y = (y - y.mean()) * (ref.std() / max(float(y.std()), 1e-6)) + ref.mean()
    return np.repeat(np.clip(y, 0.0, 1.0)[..., None], 3, axis=-1).astype(np.float32)


def combine_luminance(stylized, content):
    """Stylized luminance with the content's chrominance, RGB ``(H, W, 3)``."""
    yiq = image_io.rgb_to_yiq(content)
    yiq[..., 0] = luminance(stylized)
    return image_io.yiq_to_rgb(yiq)


def match_color(style, content):
    """Maps ``style``'s colours so their mean and covariance equal ``content``'s.

    ``x' = C_c^(1/2) C_s^(-1/2) (x - mu_s) + mu_c`` with symmetric matrix square roots
    (Gatys et al. 2017, Eq. 2 with the eigenvalue form); the result is clipped to [0, 1].
    """
    def stats(image):
        pixels = image.reshape(-1, 3).astype(np.float64)
        return pixels.mean(axis=0), np.cov(pixels, rowvar=False) + np.eye(3) * 1e-5

    def sqrtm(matrix, power):
        values, vectors = np.linalg.eigh(matrix)
        return vectors @ np.diag(np.maximum(values, 1e-8) ** power) @ vectors.T

    style_mean, style_cov = stats(style)
    content_mean, content_cov = stats(content)
    transform = sqrtm(content_cov, 0.5) @ sqrtm(style_cov, -0.5)
    mapped = (style.reshape(-1, 3) - style_mean) @ transform.T + content_mean
    return np.clip(mapped, 0.0, 1.0).reshape(style.shape).astype(np.float32)


def reinhard(photo, reference):
    """Reinhard et al. 2001: each channel of ``photo`` in a luminance/chroma space given
    the mean and standard deviation of ``reference``'s (CIELAB here, OpenCV's conversion,
    for their decorrelated lab). Global: one shift and scale for the whole image.
    Returns float32 ``(H, W, 3)`` in [0, 1]."""
    import cv2  # here: the rest of the module needs no OpenCV

    def lab(image):
        return cv2.cvtColor(np.ascontiguousarray(image, np.float32), cv2.COLOR_RGB2Lab)

    source, target = lab(photo), lab(reference)
    mean, std = source.mean((0, 1)), source.std((0, 1)) + 1e-6
    moved = (source - mean) / std * target.std((0, 1)) + target.mean((0, 1))
    return np.clip(cv2.cvtColor(moved.astype(np.float32), cv2.COLOR_Lab2RGB), 0.0, 1.0)
