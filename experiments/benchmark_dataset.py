"""Throughput of ``arbitrary-nst stylize-dataset`` (Apache Beam, DirectRunner in
multi-processing mode, 1 and 2 workers, images rendered one by one and in batches,
folder and TFRecord output) against ``arbitrary-nst batch`` on the same images, and of
``arbitrary_nst.StyleAugmentation`` (``configs/experiments/benchmark_dataset.yaml``).

  python experiments/benchmark_dataset.py [--assets ../shared/assets] [--set images=50]

1. An ImageFolder tree of ``images`` crops (4 classes) of the shared photos; each run
   stylizes it at ``size`` px with AdaIN (the command's defaults: one painting of the
   shared ones per image) into a new folder, as a fresh process: seconds, images per
   second, seconds per image per worker, the largest process's peak RSS (a worker's or
   the launcher's). The first worker count runs at each of ``batch_sizes``, the others
   at the largest; ``tfrecord`` adds a run writing TFRecord shards (first worker count,
   largest batch). ``batch``: the same images with one painting, one process.
2. StyleAugmentation in training mode on batches of ``augmentation_batch`` images of
   ``augmentation_size`` px: images per second after one warm-up batch.

Writes experiments/results/benchmark_dataset.md.
"""

import dataclasses
import glob
import os
import sys
import tempfile
import time

import numpy as np
from absl import app
from common import asset, load_settings, run_process, write_report

import arbitrary_nst as nst
from arbitrary_nst.io import image_io
from arbitrary_nst.schema import list_setting, setting


@dataclasses.dataclass
class Settings:
    """configs/experiments/benchmark_dataset.yaml."""
    images: int = setting(200, low=1)
    size: int = setting(256, low=16)
    workers: list[int] = list_setting([1, 2])
    batch_sizes: list[int] = list_setting([1, 8])
    tfrecord: bool = True
    augmentation_size: int = setting(224, low=16)
    augmentation_batch: int = setting(32, low=1)
    augmentation_batches: int = setting(5, low=1)
    dataset_size: int = setting(1281167, low=1)


def make_tree(root, count, size):
    """``count`` crops (flips, shifts) of the shared photos in 4 class folders."""
    photos = [nst.load_image(path, size=size + 64)
              for path in sorted(glob.glob(asset("content/*.jpg")))]
    paths = []
    for index in range(count):
        photo = photos[index % len(photos)]
        shift = (index // len(photos)) * 16
        crop = photo[shift % 48:shift % 48 + size, shift % 64:shift % 64 + size]
        if (index // len(photos)) % 2:
            crop = crop[:, ::-1]
        folder = os.path.join(root, f"class{index % 4}")
        os.makedirs(folder, exist_ok=True)
        paths.append(os.path.join(folder, f"image{index:04d}.jpg"))
        image_io.save_image(paths[-1], crop)
    return paths


def main(argv):
    del argv
    settings = load_settings(Settings, "benchmark_dataset")
    command = [sys.executable, "-m", "arbitrary_nst.cli"]
    styles = asset("styles")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        tree = os.path.join(folder, "train")
        paths = make_tree(tree, settings.images, settings.size)
        largest = max(settings.batch_sizes)
        plans = [(settings.workers[0], b, "folder") for b in settings.batch_sizes]
        plans += [(w, largest, "folder") for w in settings.workers[1:]]
        plans += [(settings.workers[0], largest, "tfrecord")] if settings.tfrecord else []
        runs = {}
        for w, b, output in plans:
            name = (f"stylize-dataset, {w} worker{'s' if w > 1 else ''}, batch {b}"
                    + (", TFRecord output" if output == "tfrecord" else ""))
            runs[name] = (["stylize-dataset", "--content", tree, "--style", styles, "--size",
                           str(settings.size), "--output", os.path.join(folder, f"beam{len(runs)}"),
                           "--batch_size", str(b), "--output_format", output, "--noprogress",
                           f"--direct_num_workers={w}"], w)
        runs["batch (one process)"] = (
            ["batch", "--method", "adain", "--content", *paths, "--style",
             sorted(glob.glob(os.path.join(styles, "*")))[0], "--size", str(settings.size),
             "--output", os.path.join(folder, "batch"), "--noprogress"], 1)
        for name, (arguments, workers) in runs.items():
            _, seconds, peak = run_process([*command, *arguments])
            rows.append((name, workers, seconds, peak))
            print(rows[-1], flush=True)
    layer = nst.StyleAugmentation(probability=1.0, seed=0)
    photo = nst.load_image(asset("content/cat.jpg"))
    side = settings.augmentation_size
    crop = image_io.resize(photo, side, side)
    images = np.stack([crop] * settings.augmentation_batch)
    layer(images, training=True)  # warm-up: weights, tracing
    start = time.perf_counter()
    for _ in range(settings.augmentation_batches):
        layer(images, training=True).numpy()
    augmentation = settings.augmentation_batch * settings.augmentation_batches / (
        time.perf_counter() - start)
    lines = ["# Stylizing datasets: throughput", "",
             f"This machine (2 cores, no GPU). {settings.images} images of "
             f"{settings.size} px (crops of the shared photos, 4 class folders), AdaIN, one "
             "painting per image; each run a fresh process (start-up, model loading and "
             "worker start included); peak RSS: the largest process.", "",
             "| run | workers | seconds | images/s | s per image per worker | peak RSS MiB |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {name} | {workers} | {seconds:.1f} | {settings.images / seconds:.2f} | "
              f"{seconds * workers / settings.images:.2f} | {peak:.0f} |"
              for name, workers, seconds, peak in rows]
    best = min(seconds * workers / settings.images for name, workers, seconds, _ in rows
               if name.startswith("stylize-dataset"))
    lines += ["", f"At {best:.2f} s per image per worker, {settings.dataset_size:,} images "
              f"take {best * settings.dataset_size / 3600:,.0f} worker-hours of this CPU "
              f"at {settings.size} px (e.g. {best * settings.dataset_size / 3600 / 100:,.1f} h "
              "on 100 such workers).", "",
              f"StyleAugmentation (training mode, probability 1), batches of "
              f"{settings.augmentation_batch} images of {side} px: {augmentation:.1f} images/s."]
    write_report("benchmark_dataset.md", lines)


if __name__ == "__main__":
    app.run(main)
