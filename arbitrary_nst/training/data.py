"""tf.data input pipelines of training images, from folders or TFRecord shards.

Sources are any ``tf.io.gfile`` path (local, ``gs://``...): a folder (searched
recursively for image files), a glob of image files, or a glob of TFRecord shards
(``*.tfrecord``) written by :func:`write_shards`. Every image goes through the same decoder
as :func:`arbitrary_nst.io.image_io.load_image` (Pillow: WebP, 16-bit, CMYK, EXIF...), so an
image that cannot be read is skipped and counted in :class:`SkipCounter`, never a crash.

Each element: the image's shorter side is resized to ``resize`` pixels, then a random
``crop`` x ``crop`` window is cut (AdaIN's 512 -> 256 recipe). Crops and file order are
stateless functions of ``seed`` and the element's index. Batches are float32
``(batch, crop, crop, 3)`` in [0, 1].
"""

import fnmatch
import io
import os
import threading

import numpy as np
import tensorflow as tf

from arbitrary_nst.errors import ImageError, UsageError
from arbitrary_nst.io import image_io

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff")
SHARD_EXTENSION = ".tfrecord"


class SkipCounter:
    """Counts images a pipeline skipped, with the first few reasons (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.count = 0
        self.examples = []

    def add(self, reason):
        with self._lock:
            self.count += 1
            if len(self.examples) < 10:
                self.examples.append(reason)


def list_files(source, exclude=()):
    """Sorted image or shard paths under a folder or matching a glob.

    Args:
      source: folder or glob (any tf.io.gfile path).
      exclude: file-name patterns (``fnmatch``, e.g. ``"cat.jpg"``, ``"hokusai_*"``) to
        leave out, such as images held out for evaluation.

    Raises:
      UsageError: nothing (left) matches ``source``.
    """
    if tf.io.gfile.isdir(source):
        found = [os.path.join(root, name) for root, _, names in tf.io.gfile.walk(source)
                 for name in names if name.lower().endswith(IMAGE_EXTENSIONS)]
    else:
        found = tf.io.gfile.glob(source)
    found = [path for path in found
             if not any(fnmatch.fnmatch(os.path.basename(path), p) for p in exclude)]
    if not found:
        raise UsageError(f"{source}: no images or {SHARD_EXTENSION} shards found"
                         + (f" outside exclude={list(exclude)}" if exclude else ""))
    return sorted(found)


def _decode_bytes(data, name, skipped):
    """Bytes -> float32 (H, W, 3), or a (0, 0, 3) array when the image is unusable."""
    label = name.decode("utf-8", "replace")
    try:
        return image_io.decode_image(io.BytesIO(data), label)
    except ImageError as exc:
        skipped.add(str(exc))
        return np.zeros((0, 0, 3), np.float32)


def _resize_shorter_side(image, size):
    shape = tf.cast(tf.shape(image)[:2], tf.float32)
    scale = tf.cast(size, tf.float32) / tf.reduce_min(shape)
    new_shape = tf.cast(tf.math.ceil(shape * scale), tf.int32)
    return tf.clip_by_value(tf.image.resize(image, new_shape, antialias=True), 0.0, 1.0)


AUGMENT_SCALES = (0.5, 2.0)
"""With ``augment``, the shorter side is resized to ``resize`` times a factor drawn
log-uniformly from this range (never below ``crop``)."""
AUGMENT_HUE = 0.04
AUGMENT_SATURATION = (0.8, 1.25)
AUGMENT_CONTRAST = (0.8, 1.25)


def _augmented(image, resize, crop, seed):
    """A random crop of ``image`` at a random scale, maybe mirrored, with small hue,
    saturation and contrast changes; every draw a stateless function of ``seed``."""
    seeds = tf.random.experimental.stateless_split(seed, 6)
    low, high = np.log(AUGMENT_SCALES[0]), np.log(AUGMENT_SCALES[1])
    factor = tf.exp(tf.random.stateless_uniform([], seeds[0], low, high))
    size = tf.maximum(tf.cast(tf.round(resize * factor), tf.int32), crop)
    image = tf.image.stateless_random_crop(_resize_shorter_side(image, size),
                                           (crop, crop, 3), seed=seeds[1])
    image = tf.image.stateless_random_flip_left_right(image, seeds[2])
    image = tf.image.stateless_random_hue(image, AUGMENT_HUE, seeds[3])
    image = tf.image.stateless_random_saturation(image, *AUGMENT_SATURATION, seeds[4])
    image = tf.image.stateless_random_contrast(image, *AUGMENT_CONTRAST, seeds[5])
    return tf.clip_by_value(image, 0.0, 1.0)


def image_dataset(source, batch_size, crop=256, resize=512, seed=0, shuffle=True,
                  repeat=True, skipped=None, exclude=(), start=0, augment=False):
    """A batched, prefetched dataset of random crops.

    Args:
      source: folder, image glob or ``*.tfrecord`` glob (any tf.io.gfile path).
      batch_size: images per batch (the global batch; split over replicas by the trainer).
      crop: side of the square crops.
      resize: the shorter side is resized to this before cropping (must be >= crop).
      seed: makes file order and crops reproducible. Everything random here is stateless
        (``index_shuffle``, ``stateless_random_crop``), so the sequence depends on
        ``seed`` only, never on TensorFlow's global seed or on the process.
      shuffle: visit the files in a new random order every epoch (image folders and
        globs); for shards, the shard order is shuffled and 4 shards interleaved, records
        keep their order inside a shard (:func:`write_shards` shuffles when packing).
      repeat: loop forever.
      skipped: a :class:`SkipCounter` that receives every unreadable image.
      exclude: file-name patterns left out (see :func:`list_files`).
      start: begin at this element (cheaply, before reading or decoding), so a resumed run
        continues the same sequence: pass ``step * batch_size``. Exact as long as no
        image was skipped as unreadable.
      augment: multiply what the images show: each crop is cut at a random scale (the
        shorter side resized to ``resize`` times 0.5-2, see :data:`AUGMENT_SCALES`),
        mirrored half of the time, its hue shifted by up to 0.04 of the colour circle and
        its saturation and contrast scaled by 0.8-1.25.

    Returns:
      ``tf.data.Dataset`` of float32 ``(batch_size, crop, crop, 3)`` in [0, 1].
    """
    if resize < crop:
        raise UsageError(f"resize={resize} is smaller than crop={crop}")
    skipped = skipped if skipped is not None else SkipCounter()
    files = list_files(source, exclude)
    count = len(files)
    is_shards = all(f.endswith(SHARD_EXTENSION) for f in files)
    names = tf.constant(files)
    epochs = tf.data.Dataset.range(2**62 if repeat else 1)

    def file_at(epoch, position):
        if shuffle and count > 1:
            position = tf.random.experimental.index_shuffle(
                position, tf.stack([tf.cast(seed, tf.int64), epoch]), count - 1)
        return tf.gather(names, position)

    if is_shards:
        shard_order = epochs.flat_map(lambda epoch: tf.data.Dataset.range(count).map(
            lambda position: file_at(epoch, position)))
        dataset = shard_order.interleave(tf.data.TFRecordDataset, cycle_length=4,
                                         num_parallel_calls=tf.data.AUTOTUNE,
                                         deterministic=True)
        dataset = dataset.enumerate().skip(start)
        dataset = dataset.map(lambda index, record: (index, *_parse_example(record)))
    else:
        indices = tf.data.Dataset.range(start, 2**62 if repeat else count)
        dataset = indices.map(lambda index: (index, file_at(index // count, index % count)))
        dataset = dataset.map(lambda index, path: (index, tf.io.read_file(path), path),
                              num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)

    def decode(index, data, name):
        image = tf.numpy_function(lambda d, n: _decode_bytes(d, n, skipped),
                                  [data, name], tf.float32, stateful=True)
        return index, tf.ensure_shape(image, (None, None, 3))

    def crop_image(index, image):
        element_seed = tf.stack([tf.cast(seed, tf.int64), index])
        if augment:
            return _augmented(image, resize, crop, element_seed)
        return tf.image.stateless_random_crop(
            _resize_shorter_side(image, resize), (crop, crop, 3), seed=element_seed)

    dataset = dataset.map(decode, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    dataset = dataset.filter(lambda index, image: tf.size(image) > 0)
    dataset = dataset.map(crop_image, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    dataset = dataset.batch(batch_size, drop_remainder=True)
    options = tf.data.Options()
    options.deterministic = True
    return dataset.with_options(options).prefetch(tf.data.AUTOTUNE)


def _parse_example(record):
    parsed = tf.io.parse_single_example(record, {
        "image": tf.io.FixedLenFeature([], tf.string),
        "name": tf.io.FixedLenFeature([], tf.string)})
    return parsed["image"], parsed["name"]


SHARD_MAX_MIB = 32
"""Default size cap of a shard written by :func:`write_shards` (MiB of image bytes)."""


def write_shards(source, output_prefix, images_per_shard=1000, seed=0,
                 max_shard_mib=SHARD_MAX_MIB):
    """Packs image files, in an order shuffled by ``seed``, into TFRecord shards.

    ``source`` is a folder or glob (see :func:`list_files`) or a list of image paths. A
    shard holds at most ``images_per_shard`` images and ``max_shard_mib`` MiB of image
    bytes (a single larger image gets a shard of its own). Each record holds the file's
    original bytes (``image``) and path (``name``); decoding happens when training reads
    them. Shards are named ``{output_prefix}-{index:05d}-of-{count:05d}.tfrecord`` and
    written to a temporary name first, then renamed, so a reader never sees a partial
    shard.

    Returns:
      The list of shard paths.

    Raises:
      UsageError: ``images_per_shard`` or ``max_shard_mib`` below 1, or no images.
    """
    if images_per_shard < 1:
        raise UsageError(f"images_per_shard={images_per_shard}: expected at least 1")
    if max_shard_mib < 1:
        raise UsageError(f"max_shard_mib={max_shard_mib}: expected at least 1")
    files = sorted(source) if isinstance(source, (list, tuple)) else list_files(source)
    files = [f for f in files if not f.endswith(SHARD_EXTENSION)]
    if not files:
        raise UsageError(f"{source}: no image files to pack")
    files = [files[i] for i in np.random.default_rng(seed).permutation(len(files))]
    groups, size = [[]], 0
    for name in files:
        length = tf.io.gfile.stat(name).length
        if groups[-1] and (len(groups[-1]) == images_per_shard
                           or size + length > max_shard_mib * 2**20):
            groups.append([])
            size = 0
        groups[-1].append(name)
        size += length
    paths = []
    for index, group in enumerate(groups):
        path = f"{output_prefix}-{index:05d}-of-{len(groups):05d}{SHARD_EXTENSION}"
        temp_path = path + ".tmp"
        with tf.io.TFRecordWriter(temp_path) as writer:
            for name in group:
                with tf.io.gfile.GFile(name, "rb") as f:
                    image = f.read()
                example = tf.train.Example(features=tf.train.Features(feature={
                    "image": tf.train.Feature(bytes_list=tf.train.BytesList(value=[image])),
                    "name": tf.train.Feature(bytes_list=tf.train.BytesList(
                        value=[name.encode("utf-8")]))}))
                writer.write(example.SerializeToString())
        tf.io.gfile.rename(temp_path, path, overwrite=True)
        paths.append(path)
    return paths
