"""Export: SavedModels in TF Hub's arbitrary-stylization format (the ``hub`` method runs
such modules: :mod:`arbitrary_nst.methods.hub.method`), and LiteRT files.

An exported module is called like TF Hub's ``magenta/arbitrary-image-stylization-v1-256``:
``module(content, style)[0]`` with float32 NHWC images in [0, 1] (any sizes; a batch of
styles of 1 or of the content's batch size) gives the stylized content. It also has a
``serving_default`` signature ``{"content", "style"} -> {"stylized"}`` for
``hub.KerasLayer(path, signature="serving_default", signature_outputs_as_dict=True)``.

:func:`export` writes to a temporary folder beside the target and renames it into place,
so an interrupted export never leaves a half-written module.

:func:`export_tflite` writes a method's networks as ``.tflite`` files (one per network,
each with one named signature, any height and width at run time: see the README's
"LiteRT" section), float32 or float16, the same way.
"""

import os
import shutil
import tempfile

import tensorflow as tf

from arbitrary_nst import registry
from arbitrary_nst.errors import UsageError
from arbitrary_nst.io.atomic import OutputError, ordinary_mode

IMAGES = tf.TensorSpec([None, None, None, 3], tf.float32)


class StylizationModule(tf.Module):
    """``module(content, style) -> [stylized]`` around the network of an exportable
    method (its ``serve`` signature, :class:`arbitrary_nst.methods.base.FeedForward`):
    the shipped one, or that of ``checkpoint``.

    Raises:
      UsageError: the method has no (content, style) form.
    """

    def __init__(self, method, checkpoint=None):
        super().__init__(name=f"{method}_stylization")
        spec = registry.get(method)
        if not spec.exportable:
            raise UsageError(f"--method {method} cannot be exported as a "
                             f"(content, style) module; expected one of "
                             + ", ".join(registry.names(exportable=True)))
        self._serve = registry.implementation(method).serve
        self.model = registry.implementation(method).network_of(spec, checkpoint)

    @tf.function(input_signature=[IMAGES, IMAGES])
    def __call__(self, content, style):
        return [self._serve(self.model, content, style)]

    @tf.function(input_signature=[IMAGES, IMAGES])
    def serve(self, content, style):
        return {"stylized": self.__call__(content, style)[0]}


def export(method, output_dir, checkpoint=None):
    """Writes the SavedModel of ``method`` to ``output_dir`` (replacing what is there).

    Raises:
      UsageError: the method has no (content, style) form.
      OutputError: the parent folder is missing or not writable.
    """
    module = StylizationModule(method, checkpoint)
    return _write_folder(output_dir, lambda staging: tf.saved_model.save(
        module, staging, signatures={"serving_default": module.serve}))


def export_tflite(method, output_dir, checkpoint=None, precision="float32"):
    """Writes ``method``'s networks (the shipped ones, or ``checkpoint``'s) to
    ``output_dir`` as ``{network}.tflite`` files (replacing what is there).

    Args:
      precision: "float32" or "float16" (:data:`arbitrary_nst.lite.convert.PRECISIONS`).

    Returns ``(output_dir, {network: signature name})``.

    Raises:
      UsageError: the method has no LiteRT form.
      OutputError: the parent folder is missing or not writable.
    """
    from arbitrary_nst.lite.convert import to_tflite
    spec = registry.get(method)
    if not spec.litert:
        raise UsageError(f"--method {method} has no LiteRT form; expected one of "
                         + ", ".join(registry.names(litert=True)))
    implementation = registry.implementation(method)
    models = implementation.lite_models(implementation.network_of(spec, checkpoint))

    def write(staging):
        for name, (model, signature, output) in models.items():
            with open(os.path.join(staging, f"{name}.tflite"), "wb") as f:
                f.write(to_tflite(model, signature, output, precision))

    path = _write_folder(output_dir, write)
    return path, {name: signature for name, (_, signature, _) in models.items()}


def _write_folder(output_dir, write):
    """Calls ``write(staging folder)`` on a new folder beside ``output_dir``, then renames
    it into place (an older ``output_dir`` is replaced only once the new one is whole)."""
    output_dir = os.path.abspath(output_dir)
    parent = os.path.dirname(output_dir)
    try:
        staging = tempfile.mkdtemp(prefix="." + os.path.basename(output_dir) + ".",
                                   dir=parent)
    except OSError as exc:
        raise OutputError(f"{output_dir}: cannot write here ({exc.strerror})") from None
    os.chmod(staging, ordinary_mode(folder=True))
    try:
        write(staging)
        if os.path.exists(output_dir):
            old = staging + ".old"
            os.rename(output_dir, old)
            os.rename(staging, output_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(staging, output_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return output_dir
