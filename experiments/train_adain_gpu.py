"""Trains the AdaIN decoder in the paper's setting on one GPU for a given number of
minutes, from the shipped decoder, and scores it against the shipped one on the held-out
pairs.

  python experiments/pack_adain_data.py --out runs/adain_data        # once, with ../shared
  python experiments/train_adain_gpu.py --data runs/adain_data --minutes 8 --out runs/gpu

Setting: ``configs/adain_round2.yaml`` (identity share and loss, style augmentation,
held-out scores in TensorBoard) with Huang & Belongie's batch 8 of 256 px crops of images
resized to 512 on the shorter side, mixed precision (float16 on a GPU, bfloat16 on a CPU),
the data from the shards in ``--data``; ``--set section.key=value`` overrides apply
after those. Training stops after ``--minutes`` (``train.max_minutes``: it saves and
returns) or at ``--steps``.

Writes ``OUT/run/`` (checkpoints, TensorBoard, history), ``OUT/decoder.npz`` (float16,
what ``experiments/ship_adain_decoder.py --npz`` ships) and ``OUT/metrics.json``: steps,
steps/s and pairs/s after the first step, and the held-out scores
(:mod:`arbitrary_nst.training.heldout`, at ``--eval_size`` px) of the shipped decoder and of the new
one; prints them.
"""

import os

import gpu_run
import tensorflow as tf
from absl import app, flags
from common import PAIRS

from arbitrary_nst.methods.adain import weights
from arbitrary_nst.methods.adain.network import AdaIN
from arbitrary_nst.training import heldout
from arbitrary_nst.training.config import load_config
from arbitrary_nst.training.train import dtype_policy, train

FLAGS = flags.FLAGS
gpu_run.define_flags("runs/adain_gpu")

CONFIG = os.path.join(os.path.dirname(__file__), "..", "configs", "adain_round2.yaml")


def heldout_lists(folder):
    """The ``eval.content`` and ``eval.style`` overrides of the held-out files in
    ``folder`` (named as in :data:`common.PAIRS`)."""
    paths = [[os.path.join(folder, os.path.basename(pair[kind])) for pair in PAIRS]
             for kind in (0, 1)]
    return [f"eval.content=[{','.join(paths[0])}]", f"eval.style=[{','.join(paths[1])}]"]


def main(argv):
    del argv
    config = load_config(CONFIG, [
        f"data.content={os.path.join(FLAGS.data, 'content-*.tfrecord')}",
        f"data.style={os.path.join(FLAGS.data, 'style-*.tfrecord')}",
        "data.content_exclude=[]", "data.style_exclude=[]",
        f"data.batch_size={FLAGS.batch_size}", f"data.crop={FLAGS.crop}",
        f"data.resize={FLAGS.resize}", "train.mixed_precision=true",
        "model.init_weights=shipped", "data.phases=[]",
        f"train.max_minutes={FLAGS.minutes}", f"train.steps={FLAGS.steps}",
        f"checkpoint.dir={os.path.join(FLAGS.out, 'run')}", f"eval.size={FLAGS.eval_size}",
        *heldout_lists(os.path.join(FLAGS.data, "heldout")), *FLAGS.set])
    print(f"devices: {[d.name for d in tf.config.list_logical_devices()]}; "
          f"precision {dtype_policy(config)}", flush=True)
    result = train(config, progress=True)
    trained = result["model"]
    os.makedirs(FLAGS.out, exist_ok=True)
    decoder_path = os.path.join(FLAGS.out, "decoder.npz")
    weights.save_decoder(trained, decoder_path)
    shipped = weights.shipped()
    new = AdaIN()
    weights.load_decoder(new, decoder_path)
    pairs = heldout.HeldOut(config.eval)
    seconds = result["seconds_per_step"]
    metrics = {
        "steps": result["step"], "steps_trained_now": len(result["losses"]),
        "steps_per_second": 1.0 / seconds if seconds else None,
        "pairs_per_second": FLAGS.batch_size / seconds if seconds else None,
        "batch_size": FLAGS.batch_size, "crop": FLAGS.crop,
        "precision": dtype_policy(config) or "float32",
        "heldout_shipped": pairs.evaluate(lambda c, s: shipped.transfer(
            c, *shipped.style_statistics(s)), shipped.reconstruct)[0],
        "heldout_new": pairs.evaluate(lambda c, s: new.transfer(
            c, *new.style_statistics(s)), new.reconstruct)[0]}
    gpu_run.write_metrics(FLAGS.out, metrics)


if __name__ == "__main__":
    app.run(main)
