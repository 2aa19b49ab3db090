"""Everything between a method and the picture a user gets: the controls and the one
entry point :func:`~arbitrary_nst.rendering.control.stylize`, the same look at any size
(:mod:`~arbitrary_nst.rendering.multiscale`, :mod:`~arbitrary_nst.rendering.tiling`),
colour preservation, flat inputs, video with temporal consistency, and batches."""
