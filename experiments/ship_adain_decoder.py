"""Replaces the shipped AdaIN decoder with a trained one, only if it is better on the
held-out pairs at the size users render.

  python experiments/ship_adain_decoder.py --run runs/adain_round2 [--step N]
  python experiments/ship_adain_decoder.py --npz runs/adain_gpu/decoder.npz
  python experiments/ship_adain_decoder.py --run runs/adain_round2 --output round2.npz
  python experiments/ship_adain_decoder.py --run runs/adain_round3 --average_steps 500,600,700

The candidate is a training run's latest checkpoint (or the one of ``--step``), the mean
of the decoder weights of several of its checkpoints (``--average_steps``: checkpoint
averaging, as Vaswani et al. 2017 averaged their last checkpoints; with batches of 4 the
held-out scores swing from one checkpoint to the next), or a decoder ``.npz`` from
``experiments/train_adain_gpu.py``. Both it and the shipped decoder stylize the held-out
pairs of ``experiments/common.PAIRS`` at ``--size`` px (long side) as ``arbitrary-nst
stylize --method adain`` does, scored by :func:`arbitrary_nst.evaluation.metrics.evaluate_pair`; the
luminance SSIM of the ``--alpha 0`` output against the photo is printed too. The
candidate is written to arbitrary_nst/pretrained/adain_vgg16_decoder.npz (float16) only
when both its mean content loss and its mean Gram style loss are lower than the shipped
decoder's, or when it has the shipped decoder's weights (its renders at alpha 1 are the
same) and a detail branch that gives a higher alpha-0 SSIM (``--force`` ships it anyway);
otherwise the script exits 1. ``--output FILE``
only exports the candidate as a decoder ``.npz`` (for ``--checkpoint FILE`` or
``adain_decoder_report.py``).
"""

import os
import sys
import tempfile

import numpy as np
import tensorflow as tf
from absl import app, flags
from adain_decoder_report import decoder_scores, render_function
from common import PAIRS, asset

import arbitrary_nst as nst
from arbitrary_nst.methods.adain import weights
from arbitrary_nst.methods.adain.network import AdaIN
from arbitrary_nst.training import runs

FLAGS = flags.FLAGS
flags.DEFINE_string("run", None, "Training run directory (its latest checkpoint).")
flags.DEFINE_integer("step", None, "With --run: the checkpoint of this step (default the "
                     "latest).")
flags.DEFINE_list("average_steps", None, "With --run: the mean of the decoder weights of "
                  "the checkpoints of these steps (comma-separated).")
flags.DEFINE_string("npz", None, "A decoder .npz instead of --run.")
flags.DEFINE_integer("size", 512, "Long side of the held-out photos.")
flags.DEFINE_bool("force", False, "Ship even if the candidate is not better on both.")
flags.DEFINE_string("output", None, "Only write the candidate here as a decoder .npz.")


def average_decoders(models):
    """The first of ``models`` (AdaIN) with each decoder weight replaced by its mean over
    all of them."""
    for variables in zip(*(model.decoder.weights for model in models)):
        variables[0].assign(tf.add_n([tf.convert_to_tensor(w) for w in variables])
                            / len(variables))
    return models[0]


def main(argv):
    del argv
    if bool(FLAGS.run) == bool(FLAGS.npz):
        sys.exit("ship_adain_decoder.py: error: give one of --run or --npz")
    if FLAGS.run and FLAGS.average_steps:
        steps = [int(step) for step in FLAGS.average_steps]
        candidate = average_decoders([runs.load_network(FLAGS.run, "adain", step)
                                      for step in steps])
        source = f"{FLAGS.run}, mean of ckpt-{', ckpt-'.join(map(str, steps))}"
    elif FLAGS.run:
        candidate = runs.load_network(FLAGS.run, "adain", FLAGS.step)
        source = (f"{FLAGS.run}/ckpt-{FLAGS.step}" if FLAGS.step is not None
                  else tf.train.latest_checkpoint(FLAGS.run))
    else:
        candidate, source = AdaIN(), FLAGS.npz
        weights.load_decoder(candidate, FLAGS.npz)
    if FLAGS.output:
        weights.save_decoder(candidate, FLAGS.output)
        print(f"wrote {FLAGS.output} from {source}")
        return
    pairs = [(nst.load_image(asset(c), size=FLAGS.size), nst.load_image(asset(s)))
             for c, s in PAIRS]
    with tempfile.TemporaryDirectory() as folder:
        candidate_file = os.path.join(folder, "candidate.npz")
        weights.save_decoder(candidate, candidate_file)
        results = {name: decoder_scores(render_function(decoder), pairs)
                   for name, decoder in (("shipped", "shipped"),
                                         ("candidate", candidate_file))}
    for name, means in results.items():
        print(f"{name:9s} " + "  ".join(f"{key} {value:.4g}" for key, value in means.items()))
    better = all(results["candidate"][key] < results["shipped"][key]
                 for key in ("content_loss", "style_loss"))
    shipped = weights.shipped()
    same_decoder = all(np.array_equal(a.numpy(), b.numpy()) for a, b in
                       zip(candidate.decoder.weights, shipped.decoder.weights))
    better_detail = (same_decoder and results["candidate"]["alpha0_ssim"]
                     > results["shipped"]["alpha0_ssim"])
    if not (better or better_detail or FLAGS.force):
        sys.exit("not shipped: the candidate is not lower on both held-out content_loss and "
                 "style_loss, nor (with the shipped decoder) higher on alpha0_ssim "
                 "(--force ships it anyway)")
    weights.save_decoder(candidate)
    print(f"wrote {weights.DECODER_PATH} from {source}")


if __name__ == "__main__":
    app.run(main)
