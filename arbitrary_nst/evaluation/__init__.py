"""Measuring outputs: losses in one fixed VGG16 space (:mod:`~arbitrary_nst.evaluation.metrics`),
scoring folders of outputs, and figure grids."""
