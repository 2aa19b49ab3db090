"""Replaces the shipped AdaIN decoder with a trained one, only if it is better on the
held-out pairs.

  python experiments/ship_adain_decoder.py --run runs/adain_round2 [--step N]
  python experiments/ship_adain_decoder.py --npz runs/adain_gpu/decoder.npz

Scores the shipped decoder and the candidate (a training run's latest checkpoint, or a
decoder ``.npz`` from ``experiments/train_adain_gpu.py``) on the held-out pairs of
``experiments/common.PAIRS`` (:mod:`arbitrary_nst.heldout`, ``--size`` px squares, float32)
and prints both. The candidate is written to arbitrary_nst/pretrained/adain_vgg16_decoder.npz
(float16) only when both its content loss and its Gram style loss are lower than the
shipped decoder's (``--force`` ships it anyway); otherwise the script exits 1.
"""

import sys

import tensorflow as tf
from absl import app, flags
from common import PAIRS, asset

from arbitrary_nst import heldout, pretrained, tasks
from arbitrary_nst.config import EvalConfig
from arbitrary_nst.models.adain import AdaIN

FLAGS = flags.FLAGS
flags.DEFINE_string("run", None, "Training run directory (its latest checkpoint).")
flags.DEFINE_string("npz", None, "A decoder .npz instead of --run.")
flags.DEFINE_integer("step", None, "With --run: the checkpoint of this step (default the "
                     "latest).")
flags.DEFINE_integer("size", 256, "Side of the held-out squares.")
flags.DEFINE_bool("force", False, "Ship even if the candidate is not better on both.")
flags.DEFINE_string("output", None, "Write the candidate here instead of the package "
                    "(a decoder .npz for --checkpoint or adain_decoder_report.py); no "
                    "comparison needed.")


def main(argv):
    del argv
    if bool(FLAGS.run) == bool(FLAGS.npz):
        sys.exit("ship_adain_decoder.py: error: give one of --run or --npz")
    if FLAGS.run:
        candidate = tasks.load_model(FLAGS.run, "adain", FLAGS.step)
        source = (f"{FLAGS.run}/ckpt-{FLAGS.step}" if FLAGS.step is not None
                  else tf.train.latest_checkpoint(FLAGS.run))
    else:
        candidate, source = AdaIN(), FLAGS.npz
        pretrained.load_layer_weights({"decoder": candidate.decoder}, FLAGS.npz)
    if FLAGS.output:
        pretrained.save_adain_decoder(candidate, FLAGS.output)
        print(f"wrote {FLAGS.output} from {source}")
        return
    pairs = heldout.HeldOut(EvalConfig(content=[asset(c) for c, _ in PAIRS],
                                       style=[asset(s) for _, s in PAIRS], size=FLAGS.size))
    scores = {name: pairs.evaluate(lambda c, s, m=model: m.transfer(
        c, *m.style_statistics(s)))[0] for name, model in (("shipped", pretrained.adain()),
                                                           ("candidate", candidate))}
    for name, means in scores.items():
        print(f"{name:9s} " + "  ".join(f"{key} {value:.4g}" for key, value in means.items()))
    better = all(scores["candidate"][key] < scores["shipped"][key]
                 for key in ("content_loss", "style_loss"))
    if not (better or FLAGS.force):
        sys.exit("not shipped: the candidate is not lower on both held-out content_loss and "
                 "style_loss (--force ships it anyway)")
    pretrained.save_adain_decoder(candidate)
    print(f"wrote {pretrained.ADAIN_DECODER} from {source}")


if __name__ == "__main__":
    app.run(main)
