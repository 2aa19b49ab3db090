"""Whitening and colouring transforms of VGG features (Li, Fang, Yang, Wang, Lu & Yang,
"Universal Style Transfer via Feature Transforms", NeurIPS 2017).

For content features ``f_c`` (positions x C) with mean ``m_c`` and covariance ``C_c``,
and a style's mean ``m_s`` and covariance ``C_s``:

    whitened   = C_c^(-1/2) (f_c - m_c)          (uncorrelated, unit variance)
    coloured   = C_s^(1/2) whitened + m_s         (the style's mean and covariance)
    output     = alpha * coloured + (1 - alpha) * f_c

The matrix powers come from eigendecompositions in float64. Numerically safe for any
input: eigenvalues below :data:`EIGEN_FLOOR` times the largest are dropped (a feature map
with fewer positions than channels, or a flat image, has a rank-deficient covariance);
the whitening adds :data:`RIDGE` times the mean eigenvalue first, so directions in which
the content barely varies (noise) are not blown up. A flat content image whitens to zero
and takes the style's mean; a flat style colours with zero covariance (its mean only).

A style enters as ``(mean, colouring)``, ``colouring = C_s^(1/2)``: the transform is
linear in both, so the weighted sum of several styles' pairs gives the weighted sum of
their outputs (the paper's interpolation) in one transform. Statistics may be weighted by
a mask (a region's own mean and covariance, for spatial control) and may come from
another image than the one transformed (a thumbnail's, for tiles).

Features are float32 ``(H, W, C)`` numpy arrays (one image); statistics float64 ``(C,)``
and ``(C, C)``. Numpy (LAPACK's eigendecomposition), so the TensorFlow and the LiteRT
networks share it: LiteRT has no eigendecomposition.
"""

import numpy as np

EIGEN_FLOOR = 1e-5
"""Eigenvalues below this fraction of the largest are treated as 0."""
RIDGE = 1e-3
"""Added to the content covariance before whitening, times its mean eigenvalue."""


def statistics(features, weights=None):
    """Weighted mean ``(C,)`` and covariance ``(C, C)`` (float64) of ``features``
    ``(H, W, C)``; ``weights`` ``(H, W)`` >= 0 (None: all 1). No weight at all gives a zero
    mean and covariance."""
    features = np.asarray(features)
    flat = features.reshape(-1, features.shape[-1]).astype(np.float64)
    weights = (np.ones(flat.shape[0]) if weights is None
               else np.asarray(weights, np.float64).reshape(-1))
    safe = max(float(weights.sum()), 1e-12)
    mean = weights @ flat / safe
    centered = (flat - mean) * np.sqrt(weights)[:, None]
    return mean, centered.T @ centered / safe


def matrix_powers(covariance, powers, ridge=0.0):
    """``covariance^p`` for each ``p`` of ``powers``, of a symmetric positive
    semi-definite ``(C, C)`` float64 matrix (one eigendecomposition), with ``ridge`` times
    its mean eigenvalue added first; eigenvalues under :data:`EIGEN_FLOOR` of the largest
    (after the ridge) count as 0 (also for negative powers)."""
    eigenvalues, vectors = np.linalg.eigh(covariance)
    eigenvalues = np.maximum(eigenvalues, 0.0)
    eigenvalues += ridge * eigenvalues.mean()
    keep = eigenvalues > EIGEN_FLOOR * eigenvalues.max()
    safe = np.where(keep, eigenvalues, 1.0)
    return [(vectors * np.where(keep, safe ** power, 0.0)) @ vectors.T for power in powers]


def style_condition(features, weights=None):
    """``(mean, colouring)`` of a style's ``(H, W, C)`` features: what :func:`transform`
    takes; weighted sums of several styles' pairs blend them."""
    mean, covariance = statistics(features, weights)
    return mean, matrix_powers(covariance, [0.5])[0]


def content_condition(features, weights=None):
    """``(mean, whitening, colouring)`` of content features ``(H, W, C)``: the mean the
    whitening removes, the whitening matrix ``C_c^(-1/2)`` (with the ridge) and the
    content's own colouring ``C_c^(1/2)`` (what a style without texture keeps)."""
    mean, covariance = statistics(features, weights)
    whitening, colouring = matrix_powers(covariance, [-0.5, 0.5], RIDGE)
    return mean, whitening, colouring


def transform(features, content, style, alpha=1.0):
    """Whitens ``features`` ``(H, W, C)`` with ``content`` = ``(mean, whitening, ...)`` and
    colours them with ``style`` = ``(mean, colouring)``; ``alpha`` 1 = the style's
    statistics, 0 = ``features`` unchanged. Returns float32 ``(H, W, C)``."""
    features = np.asarray(features, np.float32)
    flat = features.reshape(-1, features.shape[-1]).astype(np.float64)
    matrix = style[1] @ content[1]  # colouring . whitening, (C, C)
    moved = ((flat - content[0]) @ matrix.T + style[0]).astype(np.float32)
    return alpha * moved.reshape(features.shape) + (1.0 - alpha) * features
