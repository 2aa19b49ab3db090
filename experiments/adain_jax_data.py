"""Training crops for ``train_adain_jax.py``, read and cut without TensorFlow: the
images packed in ``pack_adain_data.py``'s TFRecord shards, random content crops and
augmented style crops as ``arbitrary_nst.training.data.image_dataset`` makes them (Pillow and
numpy, so worker threads can make them while the GPU trains; the augmentation ranges
are the package's, ``arbitrary_nst.training.config.AUGMENT_*``), and the held-out pairs.

Crops are uint8 ``(crop, crop, 3)`` RGB; held-out images float32 in [0, 1].
"""

import io
import json
import os
import struct

import numpy as np
from PIL import Image, ImageOps

from arbitrary_nst.training.config import (
    AUGMENT_CONTRAST,
    AUGMENT_HUE,
    AUGMENT_SATURATION,
    AUGMENT_SCALES,
)


def _varint(buffer, position):
    value = shift = 0
    while True:
        byte = buffer[position]
        position += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, position


def _fields(message):
    """``[(field number, bytes)]`` of a protobuf message whose fields are all
    length-delimited (true of tf.train.Example down to its bytes values)."""
    fields, position = [], 0
    while position < len(message):
        key, position = _varint(message, position)
        if key & 7 != 2:
            raise ValueError(f"protobuf field {key >> 3}: wire type {key & 7}, expected 2")
        length, position = _varint(message, position)
        fields.append((key >> 3, message[position:position + length]))
        position += length
    return fields


def example_bytes(record, key):
    """The first value of the bytes feature ``key`` of a serialized tf.train.Example
    (Example.features -> Features.feature map -> Feature.bytes_list -> BytesList.value)."""
    for _, features in _fields(record):
        for _, entry in _fields(features):
            entry = dict(_fields(entry))
            if entry.get(1) == key.encode("utf-8"):
                return dict(_fields(dict(_fields(entry[2]))[1]))[1]
    raise KeyError(f"no bytes feature {key!r} in the record")


def shard_images(folder, prefix):
    """The encoded images in ``folder/{prefix}-*.tfrecord``, as ``arbitrary_nst.training.data.
    write_shards`` packs them (TFRecord framing: length, CRC, data, CRC; each record a
    tf.train.Example with an ``image`` bytes feature), read without TensorFlow (CRCs are
    not checked).

    Raises:
      FileNotFoundError: no such shards in ``folder``.
    """
    images = []
    for name in sorted(os.listdir(folder)):
        if not (name.startswith(prefix + "-") and name.endswith(".tfrecord")):
            continue
        with open(os.path.join(folder, name), "rb") as f:
            while header := f.read(12):
                record = f.read(struct.unpack("<Q", header[:8])[0])
                f.read(4)
                images.append(example_bytes(record, "image"))
    if not images:
        raise FileNotFoundError(f"{folder}: no {prefix}-*.tfrecord shards")
    return images


def open_rgb(data):
    """A Pillow RGB image from a file's bytes (or path), turned upright by its EXIF tag."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    return ImageOps.exif_transpose(Image.open(source)).convert("RGB")


def resize_shorter_side(image, size):
    """``image`` with its shorter side resized to ``size`` (antialiased bilinear)."""
    scale = size / min(image.size)
    return image.resize((int(np.ceil(image.width * scale)), int(np.ceil(image.height * scale))),
                        Image.BILINEAR)


class CropSampler:
    """Random training crops: content crops of photos resized to ``resize`` on the shorter
    side; augmented style crops of paintings (``data.style_augment``). Every draw is a
    function of ``(seed, batch index)``, so batches can be made in any thread order."""

    def __init__(self, photos, paintings, crop, resize, seed):
        self.photos = [np.asarray(resize_shorter_side(p, resize)) for p in photos]
        self.paintings, self.crop, self.resize, self.seed = paintings, crop, resize, seed

    def _content(self, rng):
        photo = self.photos[rng.integers(len(self.photos))]
        top = rng.integers(photo.shape[0] - self.crop + 1)
        left = rng.integers(photo.shape[1] - self.crop + 1)
        return photo[top:top + self.crop, left:left + self.crop]

    def _style(self, rng):
        painting = self.paintings[rng.integers(len(self.paintings))]
        factor = np.exp(rng.uniform(*np.log(AUGMENT_SCALES)))
        size = max(round(self.resize * factor), self.crop)
        side = self.crop * min(painting.size) / size  # the crop, in the painting's pixels
        left = rng.uniform(0, painting.width - side)
        top = rng.uniform(0, painting.height - side)
        image = painting.resize((self.crop, self.crop), Image.BILINEAR,
                                box=(left, top, left + side, top + side))
        if rng.random() < 0.5:
            image = image.transpose(Image.FLIP_LEFT_RIGHT)
        hsv = np.asarray(image.convert("HSV")).astype(np.float32)
        hsv[..., 0] = (hsv[..., 0] + 256.0 * rng.uniform(-AUGMENT_HUE, AUGMENT_HUE)) % 256.0
        hsv[..., 1] = np.clip(hsv[..., 1] * rng.uniform(*AUGMENT_SATURATION), 0, 255)
        rgb = np.asarray(Image.fromarray(np.round(hsv).astype(np.uint8), "HSV")
                         .convert("RGB")).astype(np.float32)
        mean = rgb.mean(axis=(0, 1))
        rgb = (rgb - mean) * rng.uniform(*AUGMENT_CONTRAST) + mean
        return np.clip(np.round(rgb), 0, 255).astype(np.uint8)

    def batch(self, index, batch_size, identity_count):
        """``(content (B, crop, crop, 3), style (B - identity_count, crop, crop, 3))``
        uint8 for batch ``index``."""
        rng = np.random.default_rng([self.seed, index])
        content = np.stack([self._content(rng) for _ in range(batch_size)])
        style = np.stack([self._style(rng) for _ in range(batch_size - identity_count)])
        return content, style


def heldout_squares(folder, size):
    """The held-out pairs (``folder/pairs.json``) as float32 ``(P, size, size, 3)``
    content and style arrays, each image resized to a square."""
    with open(os.path.join(folder, "pairs.json"), encoding="utf-8") as f:
        pairs = json.load(f)
    return [np.stack([np.asarray(open_rgb(os.path.join(folder, pair[kind])).resize(
        (size, size), Image.BILINEAR), np.float32) / 255.0 for pair in pairs])
        for kind in (0, 1)]
