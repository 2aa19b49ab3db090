"""Packs the AdaIN decoder's training data into TFRecord shards small enough to carry to
a GPU machine, and writes its data card.

Sources, all readable offline, each with its licence:

* photos: the shared assets' ``content/`` (public domain or CC0, rows of its SOURCES.md)
  minus the held-out photos of ``experiments/common.PAIRS``, plus the colour photos that
  the scikit-image wheel bundles (``pip install -e .[experiments]``): astronaut (NASA,
  public domain), chelsea and coffee (CC0), rocket (SpaceX, public domain), read as
  files without importing scikit-image;
* paintings: the shared assets' ``styles/`` (public domain) minus the held-out ones.

Writes ``OUT/content-*.tfrecord`` and ``OUT/style-*.tfrecord`` (each at most
``--max_shard_mib``), ``OUT/heldout/`` (the held-out pairs' files, for evaluation, and
``pairs.json`` listing them), ``OUT/vgg16_encoder.npz`` (the encoder's ImageNet weights up
to block4_conv1, float16, for ``train_adain_jax.py`` on machines without TensorFlow) and
the data card ``configs/adain_data.md`` (every file, its source and licence, train or held
out). ``experiments/train_adain_gpu.py --data OUT`` (TensorFlow) and
``experiments/train_adain_jax.py --data OUT`` (JAX) train on them.

Usage: python experiments/pack_adain_data.py [--assets ../shared/assets] [--out DIR]
"""

import importlib.util
import json
import os
import re
import shutil

import numpy as np
from absl import app, flags
from adain_jax import encoder_layer_names
from common import PAIRS, asset

from arbitrary_nst.io.atomic import write_atomically
from arbitrary_nst.networks.weights import load_vgg_weights
from arbitrary_nst.training import data

FLAGS = flags.FLAGS
flags.DEFINE_string("out", "runs/adain_data", "Folder the shards and held-out files go to.")
flags.DEFINE_integer("max_shard_mib", 32, "Size cap of a shard (MiB).")
flags.DEFINE_string("card", os.path.join(os.path.dirname(__file__), "..", "configs",
                                         "adain_data.md"), "Where the data card goes.")

SKIMAGE_PHOTOS = {
    "astronaut.png": "photo of Eileen Collins, NASA, public domain; scikit-image 0.25.2",
    "chelsea.png": "photo of a cat, CC0 (Stefan van der Walt); scikit-image 0.25.2",
    "coffee.png": "photo of a coffee cup, CC0 (Rachel Michetti); scikit-image 0.25.2",
    "rocket.jpg": "launch photo of DSCOVR, SpaceX, public domain; scikit-image 0.25.2",
}
"""scikit-image's bundled colour photos with their licences (from its data module)."""


def shared_sources():
    """``{"content/x.jpg": "what and where from"}`` from the shared SOURCES.md table."""
    with open(asset("SOURCES.md"), encoding="utf-8") as f:
        rows = re.findall(r"^\| ((?:content|styles)/[^|]+?) \| [^|]+ \| ([^|]+?) \|$",
                          f.read(), re.M)
    return dict(rows)


def skimage_photos():
    """``{path: licence}`` of :data:`SKIMAGE_PHOTOS` found in the installed wheel."""
    spec = importlib.util.find_spec("skimage")
    if spec is None:
        print("scikit-image is not installed (pip install -e .[experiments]): its photos "
              "are left out")
        return {}
    folder = os.path.join(spec.submodule_search_locations[0], "data")
    return {os.path.join(folder, name): licence for name, licence in SKIMAGE_PHOTOS.items()
            if os.path.exists(os.path.join(folder, name))}


def write_encoder(path):
    """Writes VGG16's ImageNet weights up to block4_conv1 (``{layer}/kernel``,
    ``{layer}/bias``, float16: the training computes in bfloat16) to ``path``."""
    weights = load_vgg_weights("vgg16")
    arrays = {f"{name}/{kind}": value.astype(np.float16) for name in encoder_layer_names()
              for kind, value in zip(("kernel", "bias"), weights.params[name])}
    write_atomically(path, lambda f: np.savez(f, **arrays))


def main(argv):
    del argv
    sources = shared_sources()
    held_out = {name for pair in PAIRS for name in pair}
    train = {kind: {asset(name): licence for name, licence in sources.items()
                    if name.startswith(kind + "/") and name not in held_out}
             for kind in ("content", "styles")}
    train["content"].update(skimage_photos())
    os.makedirs(os.path.join(FLAGS.out, "heldout"), exist_ok=True)
    for name in held_out:
        shutil.copyfile(asset(name), os.path.join(FLAGS.out, "heldout", os.path.basename(name)))
    pairs = json.dumps([[os.path.basename(name) for name in pair] for pair in PAIRS])
    write_atomically(os.path.join(FLAGS.out, "heldout", "pairs.json"),
                     lambda f: f.write(pairs.encode("utf-8")))
    write_encoder(os.path.join(FLAGS.out, "vgg16_encoder.npz"))
    shard_lines = []
    for kind, prefix in (("content", "content"), ("styles", "style")):
        paths = data.write_shards(sorted(train[kind]), os.path.join(FLAGS.out, prefix),
                                  max_shard_mib=FLAGS.max_shard_mib)
        sizes = [os.path.getsize(p) / 2**20 for p in paths]
        shard_lines.append(f"- {prefix}: {len(train[kind])} images in {len(paths)} "
                           f"shard{'s' if len(paths) > 1 else ''} of "
                           f"{min(sizes):.1f}-{max(sizes):.1f} MiB")
        print(shard_lines[-1])
    rows = [f"| {os.path.basename(path)} | {kind} | train | {licence} |"
            for kind in ("content", "styles") for path, licence in sorted(train[kind].items())]
    rows += [f"| {os.path.basename(name)} | {name.split('/')[0]} | held out | "
             f"{sources[name]} |" for name in sorted(held_out)]
    card = "\n".join([
        "# Training data of the AdaIN, WCT and PhotoWCT decoders",
        "",
        "Written by `python experiments/pack_adain_data.py`, which packs these files into",
        "the TFRecord shards that `experiments/train_adain_gpu.py` (TensorFlow) and",
        "`experiments/train_adain_jax.py` (JAX; it trained round 4, the shipped decoder)",
        "train on. The CPU configs (`adain_assets.yaml`, `adain_round2.yaml`, and",
        "`adain_detail.yaml`, which trains the detail branch on the photos alone) read the",
        "shared folders: the same files without scikit-image's four photos. Photos are",
        "public domain or CC0, paintings public domain; the shared assets' SOURCES.md says",
        "where each came from. The held-out pairs (`experiments/common.py` PAIRS) are what",
        "`experiments/compare_methods.py` and the training runs' `heldout/` scores measure;",
        "no configuration trains on them (`data.content_exclude`, `data.style_exclude`).",
        "Style crops are augmented at training time (`data.style_augment`: scales 0.5-2,",
        "mirroring, small hue, saturation and contrast changes).",
        "",
        "WCT's and PhotoWCT's decoders (`configs/wct_relu*.yaml`, `photowct_relu*.yaml`)",
        "train for reconstruction only, so photos and paintings alike are their images: they",
        "read both kinds of shards (`data.content: runs/adain_data/*.tfrecord`), the held-out",
        "pairs excluded as above. PhotoWCT's measured photo pairs",
        "(`configs/experiments/photo_transfer.yaml`) take their photos from the held-out",
        "ones (chateaudeChambord.jpg, horse.jpg); their reference photos are training photos,",
        "seen by the decoders only as images to reconstruct.",
        "",
        *shard_lines,
        "",
        "| file | kind | split | source and licence |",
        "|---|---|---|---|",
        *rows, ""])
    write_atomically(FLAGS.card, lambda f: f.write(card.encode("utf-8")))
    print(f"wrote {FLAGS.card} and shards in {FLAGS.out}")


if __name__ == "__main__":
    app.run(main)
