"""Keras models (or TensorFlow functions, :class:`Function`) to ``.tflite`` (TensorFlow's
converter), with a named signature and any input height and width.

The model's weights are frozen into constants first (the converter keeps Keras 3
variables as uninitialised resource variables otherwise, and the file computes NaN),
then the frozen function is saved as a SavedModel signature and converted from there,
so the file's signature has the model's input names and the given output name.
"""

import dataclasses
import os
import tempfile

import tensorflow as tf
from tensorflow.python.framework.convert_to_constants import (
    convert_variables_to_constants_v2,
)

PRECISIONS = ("float32", "float16", "dynamic_int8", "int8")
"""float32: the weights as trained; float16: weights stored in half precision (half the
file, computed in float32 after loading); dynamic_int8: int8 weights, activations
quantized on the fly; int8: weights and activations int8, calibrated on
``representative`` inputs. ``export`` offers the first two: the int8 ones lose too much
(experiments/results/tflite_precision.md)."""


@dataclasses.dataclass(frozen=True)
class Function:
    """A TensorFlow computation to convert like a Keras model: ``call(inputs)`` (a list
    of tensors, or one tensor for one input) returns one tensor, or a tuple of them (one
    per output name given to :func:`to_tflite`); ``inputs`` are named
    ``tf.TensorSpec`` s (the first dimension, the batch, is made dynamic like a Keras
    model's)."""
    call: object
    inputs: tuple

    def __call__(self, inputs):
        return self.call(inputs)


def to_tflite(model, signature, output, precision="float32", representative=None):
    """The ``.tflite`` bytes of the Keras ``model`` (or :class:`Function`).

    Args:
      model: a Keras model (or :class:`Function`) whose inputs are NHWC images or
        vectors; batch, height and width stay dynamic (set at run time with the
        interpreter's input resizing); the variables it reads are frozen in.
      signature: the signature's name (e.g. "stylize").
      output: the name of its one output (e.g. "stylized"), or a tuple of names for a
        :class:`Function` that returns a tuple (in that order).
      precision: one of :data:`PRECISIONS`.
      representative: for "int8", a callable returning an iterable of
        ``{input name: array}`` (the calibration inputs).

    Raises:
      ValueError: an unknown precision, or "int8" without ``representative``.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision {precision!r}: expected one of {', '.join(PRECISIONS)}")
    if precision == "int8" and representative is None:
        raise ValueError("precision 'int8' needs representative inputs")
    specs = [tf.TensorSpec([None, *tensor.shape[1:]], tf.float32, name=tensor.name)
             for tensor in model.inputs]
    call = tf.function(lambda *inputs: model(list(inputs) if len(inputs) > 1 else inputs[0]))
    frozen = convert_variables_to_constants_v2(call.get_concrete_function(*specs))

    names = (output,) if isinstance(output, str) else tuple(output)

    @tf.function(input_signature=specs)
    def signed(*inputs):
        return dict(zip(names, frozen(*inputs), strict=True))

    module = tf.Module()
    module.signed = signed
    with tempfile.TemporaryDirectory() as folder:
        saved = os.path.join(folder, "model")
        tf.saved_model.save(module, saved, signatures={signature: signed})
        converter = tf.lite.TFLiteConverter.from_saved_model(saved, signature_keys=[signature])
        if precision != "float32":
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
        if precision == "float16":
            converter.target_spec.supported_types = [tf.float16]
        if precision == "int8":
            converter.representative_dataset = representative
        return converter.convert()
