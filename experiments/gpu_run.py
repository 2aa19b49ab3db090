"""What the two GPU training scripts of the AdaIN decoder share (``train_adain_gpu.py``,
TensorFlow; ``train_adain_jax.py``, JAX): the paper's setting as flags and the
``metrics.json`` they write. Imports no TensorFlow."""

import json
import os

from absl import flags

from arbitrary_nst.io.atomic import write_atomically


def define_flags(default_out):
    """Defines ``--data``, ``--out``, ``--minutes``, ``--steps``, ``--batch_size``,
    ``--crop``, ``--resize`` and ``--eval_size`` (Huang & Belongie's batch 8 of 256 px
    crops of images resized to 512 by default)."""
    flags.DEFINE_string("data", "runs/adain_data", "Folder written by pack_adain_data.py.")
    flags.DEFINE_string("out", default_out, "Folder for the decoders and metrics.")
    flags.DEFINE_float("minutes", 8.0, "Training time limit (minutes).")
    flags.DEFINE_integer("steps", 160000, "Step limit (the paper's 160k by default).")
    flags.DEFINE_integer("batch_size", 8, "Pairs per step.")
    flags.DEFINE_integer("crop", 256, "Side of the training crops (px).")
    flags.DEFINE_integer("resize", 512, "Shorter side before cropping (px).")
    flags.DEFINE_integer("eval_size", 256, "Side of the held-out squares (px).")


def write_metrics(folder, metrics):
    """Writes ``metrics`` (a JSON-able dict) to ``folder/metrics.json`` atomically, and
    prints it."""
    text = json.dumps(metrics, indent=1)
    write_atomically(os.path.join(folder, "metrics.json"),
                     lambda f: f.write(text.encode("utf-8")))
    print(text)
