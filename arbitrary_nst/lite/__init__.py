"""LiteRT (TensorFlow Lite): the feed-forward networks as ``.tflite`` files and the
runtime that renders with them without importing TensorFlow.

* :mod:`~arbitrary_nst.lite.runtime` (no TensorFlow): :class:`~arbitrary_nst.lite.runtime.LiteModel`
  runs a file's named signatures with ``ai-edge-litert`` at any input size;
  :func:`~arbitrary_nst.lite.runtime.choose` picks the runtime of a render.
* :mod:`~arbitrary_nst.lite.store` (no TensorFlow): where converted files are kept
  (a cache folder, one file per network and weights) and how a missing one is built.
* :mod:`~arbitrary_nst.lite.convert` (TensorFlow): a Keras model to ``.tflite`` bytes
  at a precision of its ``PRECISIONS``, with a named signature; also ``arbitrary-nst
  export --format tflite``.

A method renders in LiteRT when its registry entry has ``litert`` and its implementation
names ``lite_network`` (the TensorFlow-free class with the same calls as its TensorFlow
network), ``lite_models`` (which Keras models become which files) and ``weights_files``
(what the converted files are versioned by).
"""
