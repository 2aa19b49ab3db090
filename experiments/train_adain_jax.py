"""Trains the AdaIN decoder on one GPU with JAX, for machines that have JAX but no
TensorFlow (this project's lent GPU machine has no TensorFlow and cannot install it).
Where TensorFlow runs on the GPU, ``train_adain_gpu.py`` (the project's own trainer) is
the same recipe.

  python experiments/pack_adain_data.py --out runs/adain_data   # here, once, with ../shared
  python experiments/train_adain_jax.py --data runs/adain_data --minutes 8 --out runs/jax
  python experiments/ship_adain_decoder.py --npz runs/jax/decoder.npz   # here, scores it

Recipe: ``configs/adain_round2.yaml``'s weights (content, style, identity share and
weight) and learning rate schedule (Adam, ``lr / (1 + decay * step)``), from the shipped
decoder, at Huang & Belongie's batch 8 of 256 px crops of images resized to 512 on the
shorter side, bfloat16 compute (float32 weights). Style crops are augmented as
``data.style_augment`` does (scale 0.5-2, mirroring, hue +-0.04, saturation and contrast
x0.8-1.25), in worker threads with Pillow and numpy. The model and loss are
:mod:`adain_jax`'s (checked against the TensorFlow model in ``tests/test_adain_jax.py``).

``--minutes`` counts from the end of the first step (which compiles). Writes to
``--out``: ``decoder.npz`` at the end and ``decoder_stepN.npz`` every
``--snapshot_minutes`` (float16, what ``ship_adain_decoder.py --npz`` scores and ships),
and ``metrics.json``: steps, steps/s and pairs/s after compiling, the share of time spent
waiting for data, and at each snapshot the mean training losses since the last one and the
held-out pairs' AdaIN losses at ``--eval_size`` px (content and mean/std style at
alpha 1; ``ship_adain_decoder.py`` gives the scores that decide). Needs jax and optax
(``pip install -e .[jax]``; on a GPU, a CUDA build of jax).
"""

import concurrent.futures
import dataclasses
import os
import sys
import time

import gpu_run
import jax
import jax.numpy as jnp
import numpy as np
import optax
from absl import app, flags
from adain_jax import (
    decoder_arrays,
    encoder_layer_names,
    loss_terms,
    make_train_step,
    read_decoder,
)
from adain_jax_data import CropSampler, heldout_squares, open_rgb, shard_images

from arbitrary_nst.errors import NSTError
from arbitrary_nst.io.atomic import write_atomically
from arbitrary_nst.methods.adain.weights import DECODER_PATH
from arbitrary_nst.networks.weights import read_weights_file
from arbitrary_nst.progress import progress_bar
from arbitrary_nst.training.config import load_config, training_objective

FLAGS = flags.FLAGS
gpu_run.define_flags("runs/adain_jax")
flags.DEFINE_string("init", DECODER_PATH, "Decoder .npz to start from (default: the shipped "
                    "one).")
flags.DEFINE_string("config", os.path.join(os.path.dirname(__file__), "..", "configs",
                                           "adain_round2.yaml"),
                    "Config whose model weights and learning rate schedule are used.")
flags.DEFINE_float("snapshot_minutes", 2.0, "Write decoder_stepN.npz this often.")
flags.DEFINE_integer("workers", 8, "Threads that cut and augment crops.")
flags.DEFINE_integer("seed", 0, "Seed of the crops and augmentation.")
flags.DEFINE_enum("precision", "bfloat16", ["bfloat16", "float32"], "Compute dtype.")
flags.DEFINE_multi_string("set", [], "Override a key of --config, e.g. --set "
                          "model.style_weight=4 (its model and train sections are used).")


def save_decoder(decoder, path):
    """Writes a decoder dict as a float16 ``.npz`` (atomically)."""
    arrays = decoder_arrays(jax.device_get(decoder))
    write_atomically(path, lambda f: np.savez_compressed(f, **arrays))


def read_config():
    """``(model, train, objective)``: the sections of ``--config`` after the ``--set``
    overrides (validated as ``arbitrary-nst train`` validates them), and its loss."""
    config = load_config(FLAGS.config, FLAGS.set)
    return config.model, config.train, training_objective(config)


def read_inputs():
    """The encoder and initial decoder weights, the crop sampler and the held-out
    squares, from ``--data`` and ``--init``."""
    encoder = read_weights_file(os.path.join(FLAGS.data, "vgg16_encoder.npz"),
                                encoder_layer_names())
    decoder = read_decoder(FLAGS.init)
    sampler = CropSampler([open_rgb(d) for d in shard_images(FLAGS.data, "content")],
                          [open_rgb(d) for d in shard_images(FLAGS.data, "style")],
                          FLAGS.crop, FLAGS.resize, FLAGS.seed)
    heldout = heldout_squares(os.path.join(FLAGS.data, "heldout"), FLAGS.eval_size)
    return encoder, decoder, sampler, heldout


def main(argv):
    del argv
    try:
        model, train, objective = read_config()
        encoder, decoder, sampler, heldout = read_inputs()
    except (OSError, KeyError, ValueError, NSTError) as exc:
        sys.exit(f"train_adain_jax.py: error: {exc} (the data folder comes from "
                 "experiments/pack_adain_data.py)")
    encoder, decoder, heldout = jax.device_put((encoder, decoder, heldout))
    identity_count = round(model.identity_share * FLAGS.batch_size)
    dtype = jnp.bfloat16 if FLAGS.precision == "bfloat16" else jnp.float32
    print(f"devices: {jax.devices()}; compute {FLAGS.precision}; batch {FLAGS.batch_size} "
          f"({identity_count} reconstructions) of {FLAGS.crop} px", flush=True)
    learning_rate, decay = train.learning_rate, train.learning_rate_decay
    optimizer = optax.adam(lambda count: learning_rate / (1.0 + decay * count), eps=1e-7)
    opt_state = optimizer.init(decoder)
    step = make_train_step({"content": model.content_weight, "style": model.style_weight,
                            "identity": model.identity_weight},
                           identity_count, optimizer, dtype, objective)

    @jax.jit
    def heldout_losses(decoder, encoder, content, style):
        terms = loss_terms(decoder, encoder, content, style, 0, dtype, objective)
        return {"content": terms["content"], "style": terms["style"]}

    os.makedirs(FLAGS.out, exist_ok=True)
    pool = concurrent.futures.ThreadPoolExecutor(FLAGS.workers)
    pending = [pool.submit(sampler.batch, i, FLAGS.batch_size, identity_count)
               for i in range(2 * FLAGS.workers)]
    next_index = len(pending)
    metrics = {"batch_size": FLAGS.batch_size, "crop": FLAGS.crop,
               "model": dataclasses.asdict(model),
               "learning_rate": learning_rate, "learning_rate_decay": decay,
               "precision": FLAGS.precision, "device": str(jax.devices()[0]),
               "init": os.path.basename(FLAGS.init), "snapshots": []}
    started = compile_seconds = None
    waited, done, sums = 0.0, 0, {}
    last_snapshot = 0.0

    def snapshot(name):
        losses = {k: float(v) for k, v in heldout_losses(decoder, encoder, *heldout).items()}
        entry = {"step": done, "minutes": (time.time() - started) / 60,
                 "train": {k: float(v) / sums["count"] for k, v in sums.items()
                          if k != "count"} if sums else {}, "heldout": losses, "file": name}
        save_decoder(decoder, os.path.join(FLAGS.out, name))
        metrics["snapshots"].append(entry)
        print(f"step {done}: train {entry['train']} heldout {losses} -> {name}", flush=True)
        sums.clear()

    with progress_bar(FLAGS.steps, "train", unit="step") as bar:
        while done < FLAGS.steps:
            wait_start = time.time()
            content, style = pending.pop(0).result()
            pending.append(pool.submit(sampler.batch, next_index, FLAGS.batch_size,
                                       identity_count))
            next_index += 1
            if started is not None:
                waited += time.time() - wait_start
            decoder, opt_state, terms = step(decoder, opt_state, encoder, content, style)
            done += 1
            if started is None:
                jax.block_until_ready(decoder)
                started = time.time()  # the first step compiles: time from its end
                compile_seconds = started - wait_start
                continue
            for key, value in terms.items():
                sums[key] = sums.get(key, 0.0) + value
            sums["count"] = sums.get("count", 0) + 1
            if done % 50 == 0:
                sums = {k: float(v) for k, v in sums.items()}
                bar.update(50, loss=sums["total"] / sums["count"])
            elapsed = time.time() - started
            if elapsed - last_snapshot >= 60 * FLAGS.snapshot_minutes:
                last_snapshot = elapsed
                snapshot(f"decoder_step{done}.npz")
            if elapsed >= 60 * FLAGS.minutes:
                break
    jax.block_until_ready(decoder)
    seconds = time.time() - started
    pool.shutdown(cancel_futures=True)
    snapshot("decoder.npz")
    timed = done - 1
    metrics.update({"steps": done, "compile_seconds": compile_seconds,
                    "steps_per_second": timed / seconds if timed else None,
                    "pairs_per_second": FLAGS.batch_size * timed / seconds if timed else None,
                    "data_wait_share": waited / seconds if timed else None})
    gpu_run.write_metrics(FLAGS.out, metrics)


if __name__ == "__main__":
    app.run(main)
