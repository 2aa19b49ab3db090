"""Keras models to ``.tflite`` (TensorFlow's converter), with a named signature and any
input height and width.

The model's weights are frozen into constants first (the converter keeps Keras 3
variables as uninitialised resource variables otherwise, and the file computes NaN),
then the frozen function is saved as a SavedModel signature and converted from there,
so the file's signature has the model's input names and the given output name.
"""

import os
import tempfile

import tensorflow as tf
from tensorflow.python.framework.convert_to_constants import (
    convert_variables_to_constants_v2,
)

PRECISIONS = ("float32", "float16")
"""float32: the weights as trained; float16: weights stored in half precision (half the
file, computed in float32 after loading)."""


def to_tflite(model, signature, output, precision="float32"):
    """The ``.tflite`` bytes of the Keras ``model``.

    Args:
      model: a Keras model whose inputs are NHWC images or vectors; batch, height and
        width stay dynamic (set at run time with the interpreter's input resizing).
      signature: the signature's name (e.g. "stylize").
      output: the name of its one output (e.g. "stylized").
      precision: one of :data:`PRECISIONS`.

    Raises:
      ValueError: an unknown precision.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision {precision!r}: expected one of {', '.join(PRECISIONS)}")
    specs = [tf.TensorSpec([None, *tensor.shape[1:]], tf.float32, name=tensor.name)
             for tensor in model.inputs]
    call = tf.function(lambda *inputs: model(list(inputs) if len(inputs) > 1 else inputs[0]))
    frozen = convert_variables_to_constants_v2(call.get_concrete_function(*specs))

    @tf.function(input_signature=specs)
    def signed(*inputs):
        return {output: frozen(*inputs)[0]}

    module = tf.Module()
    module.signed = signed
    with tempfile.TemporaryDirectory() as folder:
        saved = os.path.join(folder, "model")
        tf.saved_model.save(module, saved, signatures={signature: signed})
        converter = tf.lite.TFLiteConverter.from_saved_model(saved, signature_keys=[signature])
        if precision == "float16":
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
            converter.target_spec.supported_types = [tf.float16]
        return converter.convert()
