"""TFRecord shards of ``tf.train.Example`` records as the input or output of
``stylize-dataset``.

Input shards in the common layouts are read as they are: TensorFlow's ImageNet scripts
(``image/encoded``, ``image/filename``, ``image/class/label``), TensorFlow Datasets
(``image``, ``file_name``, ``label``) and ``arbitrary-nst make-shards`` (``image``,
``name``). A record's **key** is its file name feature (:data:`KEY_FEATURES`), else a
digest of its image bytes, so the style assignment stays a pure function of the record.

An output record is its input record with the image replaced by the stylized one (every
other feature, labels included, copied; ``image/format``, ``image/height`` and
``image/width`` updated where present) and the painting's key in :data:`STYLE_FEATURE`. An
image file becomes a record in TensorFlow's ImageNet layout: ``image/encoded``,
``image/format``, ``image/height``, ``image/width``, ``image/filename`` (the key) and, for
a file in a class folder, ``image/class/label`` (the folder's index among the dataset's
class folders in sorted order, as torchvision's ImageFolder) and ``image/class/text`` (its
name).

TensorFlow is imported only when a record is parsed or built (``tf.train.Example``).
"""

import hashlib
import posixpath

from arbitrary_nst.errors import ImageError

IMAGE_FEATURES = ("image/encoded", "image")
KEY_FEATURES = ("image/filename", "file_name", "filename", "name")
STYLE_FEATURE = "style/name"
SHARD_SUFFIX = ".tfrecord"


def is_shard(path):
    """Whether ``path`` names a TFRecord shard (``.tfrecord`` in its file name, as in
    ``train-00000-of-00064.tfrecord`` or TFDS's ``imagenet2012-train.tfrecord-00000-of-01024``)."""
    return SHARD_SUFFIX in posixpath.basename(path)


def _example_class():
    import tensorflow as tf
    return tf.train.Example


def _bytes(feature):
    return feature.bytes_list.value[0] if feature.bytes_list.value else None


def _safe_key(name):
    """A record's file name as a relative key: no leading "/", no ".." step."""
    parts = [part for part in name.replace("\\", "/").split("/") if part not in ("", ".", "..")]
    return "/".join(parts)


def parse(record, source):
    """``(key, image bytes, example)`` of a serialized ``tf.train.Example``.

    Args:
      record: the record's bytes.
      source: the shard it came from (for messages).

    Raises:
      ImageError: not a ``tf.train.Example``, or no image feature (:data:`IMAGE_FEATURES`).
    """
    from google.protobuf.message import DecodeError
    try:
        example = _example_class().FromString(record)
    except DecodeError:
        raise ImageError(f"{source}: a record that is not a tf.train.Example") from None
    features = example.features.feature
    image = next((_bytes(features[name]) for name in IMAGE_FEATURES
                  if name in features and _bytes(features[name])), None)
    if image is None:
        raise ImageError(f"{source}: a record without an image feature (expected one of "
                         + ", ".join(IMAGE_FEATURES) + ")")
    name = next((_bytes(features[name]) for name in KEY_FEATURES
                 if name in features and _bytes(features[name])), None)
    key = _safe_key(name.decode("utf-8", "replace")) if name else ""
    return key or hashlib.blake2b(image, digest_size=10).hexdigest(), image, example


def file_example(key, image, classes):
    """A ``tf.train.Example`` of the image file ``key`` (its bytes ``image``) in
    TensorFlow's ImageNet layout; ``classes`` are the dataset's class folders, sorted."""
    example = _example_class()()
    features = example.features.feature
    features["image/encoded"].bytes_list.value.append(image)
    features["image/filename"].bytes_list.value.append(key.encode("utf-8"))
    folder = key.split("/")[0] if "/" in key else None
    if folder in classes:
        features["image/class/label"].int64_list.value.append(classes.index(folder))
        features["image/class/text"].bytes_list.value.append(folder.encode("utf-8"))
    for name in ("image/format", "image/height", "image/width"):
        features[name].Clear()  # an empty feature: stylized() sets the features present
    return example


def stylized(example, key, encoded, shape, extension, style_key):
    """``example`` (the record of the image ``key``) serialized with its image replaced
    by ``encoded`` (an image of ``shape`` ``(H, W, 3)``, format ``extension`` such as
    ".jpg") and the painting's key ``style_key`` in :data:`STYLE_FEATURE`; a record
    without a file name feature gets ``image/filename`` = ``key`` (so a resumed run
    finds it). ``example`` itself is left as it is."""
    result = _example_class()()
    result.CopyFrom(example)
    features = result.features.feature
    name = next(name for name in IMAGE_FEATURES if name in features)
    features[name].bytes_list.value[:] = [encoded]
    updates = {"image/format": extension.lstrip(".").lower().replace("jpg", "jpeg"),
               "image/height": shape[0], "image/width": shape[1]}
    updates = {name: value for name, value in updates.items() if name in features}
    updates[STYLE_FEATURE] = style_key
    if not any(name in features for name in KEY_FEATURES):
        updates["image/filename"] = key
    for feature_name, value in updates.items():
        feature = features[feature_name]
        feature.Clear()
        if isinstance(value, str):
            feature.bytes_list.value.append(value.encode("utf-8"))
        else:
            feature.int64_list.value.append(int(value))
    return result.SerializeToString()


def style_of(record):
    """``(key, painting key)`` of an output record (a resumed run's finished work)."""
    key, _, example = parse(record, "output")
    return key, _bytes(example.features.feature[STYLE_FEATURE]).decode("utf-8")
