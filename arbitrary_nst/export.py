"""SavedModel export in TF Hub's arbitrary-stylization format, and running such modules.

An exported module is called like TF Hub's ``magenta/arbitrary-image-stylization-v1-256``:
``module(content, style)[0]`` with float32 NHWC images in [0, 1] (any sizes; a batch of
styles of 1 or of the content's batch size) gives the stylized content. It also has a
``serving_default`` signature ``{"content", "style"} -> {"stylized"}`` for
``hub.KerasLayer(path, signature="serving_default", signature_outputs_as_dict=True)``.

:func:`export` writes to a temporary folder beside the target and renames it into place,
so an interrupted export never leaves a half-written module.
"""

import os
import shutil
import tempfile

import tensorflow as tf

from arbitrary_nst import pretrained, tasks
from arbitrary_nst.atomic import OutputError, ordinary_mode
from arbitrary_nst.errors import UsageError
from arbitrary_nst.feedforward import composite

EXPORTABLE = ("arbitrary", "adain")
IMAGES = tf.TensorSpec([None, None, None, 3], tf.float32)


class StylizationModule(tf.Module):
    """``module(content, style) -> [stylized]`` around a feed-forward model."""

    def __init__(self, method, checkpoint=None):
        super().__init__(name=f"{method}_stylization")
        if method == "arbitrary":
            self.model = pretrained.arbitrary()
        elif method == "adain":
            self.model = (tasks.load_model(checkpoint, "adain") if checkpoint
                          else pretrained.adain())
        else:
            raise UsageError(f"--method {method} cannot be exported as a "
                             f"(content, style) module; expected one of "
                             + ", ".join(EXPORTABLE))
        self.method = method

    @tf.function(input_signature=[IMAGES, IMAGES])
    def __call__(self, content, style):
        if self.method == "arbitrary":
            stylized = self.model.stylize(content, self.model.style_vector(style))
        else:
            stylized = self.model.transfer(content, *self.model.style_statistics(style))
        return [stylized]

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
    output_dir = os.path.abspath(output_dir)
    parent = os.path.dirname(output_dir)
    try:
        staging = tempfile.mkdtemp(prefix="." + os.path.basename(output_dir) + ".",
                                   dir=parent)
    except OSError as exc:
        raise OutputError(f"{output_dir}: cannot write here ({exc.strerror})") from None
    os.chmod(staging, ordinary_mode(folder=True))
    try:
        tf.saved_model.save(module, staging, signatures={"serving_default": module.serve})
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


def run_hub(content, styles, regions, options):
    """Runs a TF Hub style module (``options["hub_module"]``: a local path or a handle)
    on each region's single style; blends of several styles are refused."""
    import tensorflow_hub as hub
    handle = options.get("hub_module")
    if not handle:
        raise UsageError("--method hub needs --hub_module PATH_OR_HANDLE")
    try:
        module = hub.load(handle)
    except (OSError, ValueError, tf.errors.OpError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UsageError(f"{handle}: cannot load as a TF Hub module ({reason})") from None

    def render(style_weights):
        chosen = [k for k, w in enumerate(style_weights) if w > 0]
        if len(chosen) != 1:
            raise UsageError("--method hub takes one style per region: a Hub module "
                             "cannot blend styles")
        output = module(tf.constant(content[None]), tf.constant(styles[chosen[0]][None]))
        return output[0][0].numpy()

    return composite(content, regions, render)
