"""Keras layer weights in ``.npz`` files: what the package ships in
``arbitrary_nst/pretrained/`` and what our training runs export.

A file holds ``{prefix}/{layer}/{index}`` arrays, ``prefix`` naming one Keras model of a
network (``decoder``, ``predictor``, ...), ``index`` the weight's position in that layer's
``weights``. Imports no TensorFlow itself (the models passed in are Keras models).
"""

import os

import numpy as np

from arbitrary_nst.errors import WeightsError

PRETRAINED_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "pretrained")
"""The folder of the weight files the package ships."""


def set_layer_weights(model, weights, source):
    """Sets ``{layer_name: [arrays in Keras weight order]}`` on the Keras ``model``.

    Raises:
      WeightsError: the names are not exactly ``model``'s layers with weights (naming
        ``source`` and a few of the differences).
    """
    names = {layer.name for layer in model.layers if layer.weights}
    if names != set(weights):
        raise WeightsError(f"{source}: layers do not match the network "
                           f"(missing {sorted(names - set(weights))[:3]}, "
                           f"unexpected {sorted(set(weights) - names)[:3]})")
    for name, values in weights.items():
        model.get_layer(name).set_weights([np.asarray(v, np.float32) for v in values])


def save_layer_weights(models, path, dtype=np.float16, **extra):
    """Writes ``{prefix: keras_model}`` weights as ``dtype`` ``.npz`` (atomically), keyed
    ``prefix/layer/index``; ``extra`` arrays are stored under their own names."""
    from arbitrary_nst.io.atomic import write_atomically
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
            set_layer_weights(model, {name: [w[i] for i in sorted(w)]
                                      for name, w in weights.items()}, path)


def prefixes(path):
    """The model prefixes a :func:`save_layer_weights` file holds."""
    with np.load(path) as arrays:
        return {key.split("/", 1)[0] for key in arrays.files if "/" in key}
