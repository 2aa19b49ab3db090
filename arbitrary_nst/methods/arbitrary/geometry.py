"""Sizes of Ghiasi et al.'s networks that both runtimes use (no TensorFlow)."""

STYLE_DIM = 100
"""Length of a style vector."""
STYLE_SIZE = 256
"""Side of the square style image the predictor was trained with."""


def central_square(height, width, minimum=min):
    """``(top, left, side)`` of the largest centred square of a ``height x width`` image
    (what the style predictor sees, resized to :data:`STYLE_SIZE`). ``minimum``: how to
    take the smaller of two sizes (``tf.minimum`` for tensors)."""
    side = minimum(height, width)
    return (height - side) // 2, (width - side) // 2, side
