"""Gatys, Ecker & Bethge 2016: optimisation of the pixels (settings without TensorFlow)."""
