"""Whole datasets stylized on Apache Beam (``arbitrary-nst stylize-dataset``): the
inputs' layout (:mod:`~arbitrary_nst.datasets.layout`), which style each image gets
(:mod:`~arbitrary_nst.datasets.assignment`) and the pipeline
(:mod:`~arbitrary_nst.datasets.pipeline`). ``pip install -e ".[beam]"``."""
