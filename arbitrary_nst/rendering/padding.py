"""Reflection padding of numpy images to multiples of a network's stride, with a margin
(what :func:`arbitrary_nst.networks.layers.pad_to_multiple` does in TensorFlow graphs),
for the networks whose steps run in numpy between network calls (WCT's levels, the
LiteRT transformers). No TensorFlow.
"""

import numpy as np


def reflect_pad(images, multiple, margin=0):
    """Reflection-pads float32 ``(N, H, W, C)`` by ``margin`` on every side (at most
    ``min(H, W) - 1``), then at the bottom and right to multiples of ``multiple``.

    Returns ``(padded, crop)``: ``crop(output)`` cuts a same-size output ``(N, H', W',
    C')`` back to ``(N, H, W, C')``.
    """
    images = np.asarray(images, np.float32)
    height, width = images.shape[1:3]
    margin = max(min(margin, min(height, width) - 1), 0)
    padded = np.pad(images, ((0, 0), (margin, margin), (margin, margin), (0, 0)),
                    mode="reflect")
    padded = np.pad(padded, ((0, 0), (0, (-height - 2 * margin) % multiple),
                             (0, (-width - 2 * margin) % multiple), (0, 0)), mode="reflect")
    return padded, lambda output: output[:, margin:margin + height, margin:margin + width, :]
