"""Ships the WCT (or PhotoWCT) decoders that training runs made and reports every
level's reconstruction quality on the held-out photos.

  python experiments/ship_wct_decoders.py --run runs/wct_relu1 [--run runs/wct_relu2 ...]
  python experiments/ship_wct_decoders.py --method photowct --run runs/photowct_relu2
  python experiments/ship_wct_decoders.py [--method photowct]   (the report alone)

Each run (``arbitrary-nst train --config configs/wct_reluN.yaml``) trained one level's
decoder; its latest checkpoint (or ``--step``'s, with one run) replaces that level in the
method's decoders file (``arbitrary_nst/pretrained/wct_vgg16_decoders.npz``, float16)
when its mean held-out PSNR is higher than the shipped decoder's, or when none is shipped
(``--force`` ships anyway). Then ``experiments/results/<method>_decoders.md``: for every
shipped level, the PSNR
(dB, RGB) and the luminance SSIM of the held-out photos of ``experiments/common.PAIRS``
at ``--size`` px, encoded at that level and decoded (one level, no transform), and the
file's size. Needs the shared assets beside the repository (``--assets``).
"""

import os
import sys

import numpy as np
import tensorflow as tf
from absl import app, flags
from common import PAIRS, asset, write_report

import arbitrary_nst as nst
from arbitrary_nst import registry
from arbitrary_nst.errors import WeightsError
from arbitrary_nst.evaluation import metrics
from arbitrary_nst.methods.wct.weights import load_decoders, save_decoders
from arbitrary_nst.training import runs
from arbitrary_nst.training.config import load_config

FLAGS = flags.FLAGS
flags.DEFINE_enum("method", "wct", ["wct", "photowct"], "Whose decoders.")
flags.DEFINE_multi_string("run", [], "Training run folder of one level's decoder.")
flags.DEFINE_integer("step", None, "With one --run: the checkpoint of this step.")
flags.DEFINE_integer("size", 512, "Long side of the held-out photos, px.")
flags.DEFINE_bool("force", False, "Ship even where the shipped decoder scores higher.")


def scores(method, decoder, level, photos):
    """``(mean PSNR dB, mean luminance SSIM)`` of ``photos`` rebuilt by ``decoder``."""
    network = method.networks.network_class((level,), {level: decoder})
    psnr, ssim = [], []
    for photo in photos:
        multiple = 2 ** (int(level[5]) - 1)
        height, width = (side - side % multiple for side in photo.shape[:2])
        photo = photo[:height, :width]
        rebuilt = np.clip(network.reconstruct(tf.constant(photo[None]), level).numpy()[0],
                          0, 1)
        psnr.append(float(tf.image.psnr(rebuilt, photo, max_val=1.0)))
        ssim.append(metrics.luminance_ssim(rebuilt, photo))
    return float(np.mean(psnr)), float(np.mean(ssim))


def main(argv):
    del argv
    photos = [nst.load_image(asset(content), size=FLAGS.size) for content, _ in PAIRS]
    method = registry.implementation(FLAGS.method)
    path = method.weights.DECODERS_PATH
    try:
        shipped = load_decoders(path, build_decoders=method.networks.build_decoders)
    except (WeightsError, OSError):
        shipped = {}
    for run in FLAGS.run:
        level = load_config(os.path.join(run, runs.CONFIG_NAME)).model.level
        step = FLAGS.step if len(FLAGS.run) == 1 else None
        candidate = runs.load_network(run, FLAGS.method, step).decoders[level]
        new = scores(method, candidate, level, photos)
        old = scores(method, shipped[level], level, photos) if level in shipped else None
        print(f"{level}: candidate PSNR {new[0]:.2f} dB SSIM {new[1]:.3f}"
              + (f"; shipped {old[0]:.2f} dB SSIM {old[1]:.3f}" if old else ""))
        if old is None or new[0] > old[0] or FLAGS.force:
            shipped[level] = candidate
            save_decoders(shipped, path)
            print(f"wrote {level} to {path}")
        else:
            print(f"{level}: not shipped (the shipped decoder scores higher; --force)")
    if not shipped:
        sys.exit("ship_wct_decoders.py: error: no decoders shipped yet: give --run")
    lines = [f"# {FLAGS.method} decoders: reconstruction of the held-out photos", "",
             f"The photos of `experiments/common.PAIRS` at {FLAGS.size} px (long side), "
             "encoded by VGG16 at the level and decoded by its decoder, one level, no "
             "transform. PSNR over RGB in [0, 1]; SSIM of the luminance. File: "
             f"`{os.path.relpath(path)}`, {os.path.getsize(path) / 2**20:.1f} MiB (float16).",
             "",
             "| level | PSNR dB | luminance SSIM | weights |", "|---|---|---|---|"]
    for level in sorted(shipped, key=lambda name: int(name[5])):
        psnr, ssim = scores(method, shipped[level], level, photos)
        count = sum(int(np.prod(w.shape)) for w in shipped[level].weights)
        lines.append(f"| relu{level[5]}_1 | {psnr:.2f} | {ssim:.3f} | {count:,} |")
    write_report(f"{FLAGS.method}_decoders.md", lines)


if __name__ == "__main__":
    app.run(main)
