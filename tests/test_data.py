"""Input pipelines from folders and TFRecord shards: shapes, skipping, determinism."""

import os

import numpy as np
import pytest
from PIL import Image

from arbitrary_nst.errors import UsageError
from arbitrary_nst.training import data


@pytest.fixture()
def image_folder(tmp_path):
    """Five real-looking images in several formats and sizes, plus one corrupt file."""
    rng = np.random.default_rng(0)
    folder = tmp_path / "images"
    (folder / "sub").mkdir(parents=True)
    for index, (name, size) in enumerate([("a.jpg", (80, 60)), ("b.png", (64, 96)),
                                          ("sub/c.webp", (100, 70)), ("d.bmp", (70, 70)),
                                          ("e.tiff", (90, 64))]):
        pixels = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
        pixels[..., index % 3] = 40 * index  # a channel that tells images apart
        Image.fromarray(pixels).save(folder / name)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (folder / "notes.txt").write_text("ignored: not an image extension")
    return folder


def take(dataset, batches):
    return np.concatenate([batch.numpy() for batch in dataset.take(batches)])


def test_folder_pipeline_skips_and_counts_bad_images(image_folder):
    skipped = data.SkipCounter()
    dataset = data.image_dataset(str(image_folder), batch_size=2, crop=32, resize=48,
                                 repeat=False, skipped=skipped)
    images = take(dataset, 10)
    assert images.shape == (4, 32, 32, 3)  # 5 good images, batches of 2, remainder dropped
    assert images.dtype == np.float32 and 0.0 <= images.min() and images.max() <= 1.0
    assert skipped.count == 1 and "broken.jpg" in skipped.examples[0]


def test_same_seed_same_batches_other_seed_differs(image_folder):
    def first_batches(seed):
        return take(data.image_dataset(str(image_folder), batch_size=2, crop=32, resize=48,
                                       seed=seed), 4)
    np.testing.assert_array_equal(first_batches(3), first_batches(3))
    assert np.abs(first_batches(3) - first_batches(4)).max() > 0.1


def test_shards_round_trip(image_folder, tmp_path):
    (tmp_path / "shards").mkdir()
    paths = data.write_shards(str(image_folder), str(tmp_path / "shards" / "train"),
                              images_per_shard=4)
    assert [p.rsplit("/", 1)[1] for p in paths] == ["train-00000-of-00002.tfrecord",
                                                    "train-00001-of-00002.tfrecord"]
    skipped = data.SkipCounter()
    from_shards = data.image_dataset(str(tmp_path / "shards" / "*.tfrecord"), batch_size=1,
                                     crop=32, resize=48, shuffle=False, repeat=False,
                                     skipped=skipped)
    from_folder = data.image_dataset(str(image_folder), batch_size=1, crop=32, resize=48,
                                     shuffle=False, repeat=False)
    # Shards are interleaved and crops depend on position, so identify each image by its
    # constant channel (see the fixture) and compare the sets.
    def signatures(images):
        return sorted((int(np.argmin(image.std(axis=(0, 1)))),
                       round(float(image[..., np.argmin(image.std(axis=(0, 1)))].mean()), 1))
                      for image in images)
    shard_images = take(from_shards, 10)
    assert signatures(shard_images) == signatures(take(from_folder, 10))
    assert len(shard_images) == 5
    assert skipped.count == 1


def test_bad_sources_are_named(tmp_path):
    with pytest.raises(UsageError, match="no images"):
        data.image_dataset(str(tmp_path / "nothing*"), batch_size=2)
    with pytest.raises(UsageError, match="resize=16 is smaller than crop=32"):
        data.image_dataset(str(tmp_path), batch_size=2, crop=32, resize=16)


def test_sequence_ignores_the_global_seed_and_start_resumes_it(image_folder):
    import tensorflow as tf

    def batches(global_seed, start=0, count=6):
        tf.random.set_seed(global_seed)
        return take(data.image_dataset(str(image_folder), batch_size=2, crop=32, resize=48,
                                       seed=5, start=start), count)
    reference = batches(1)
    np.testing.assert_array_equal(batches(2), reference)
    # Starting at element 4 (after two batches of 2) gives the rest of the same sequence.
    np.testing.assert_array_equal(batches(3, start=4, count=4), reference[4:12])


def test_each_epoch_visits_every_file_once(tmp_path):
    from PIL import Image
    for index in range(7):
        Image.new("RGB", (40, 40), (30 * index, 0, 0)).save(tmp_path / f"{index}.png")
    images = take(data.image_dataset(str(tmp_path), batch_size=7, crop=32, resize=40,
                                     seed=1), 3)
    reds = np.round(images[..., 0].mean(axis=(1, 2)) * 255 / 30).astype(int)
    for epoch in range(3):
        assert sorted(reds[epoch * 7:(epoch + 1) * 7]) == list(range(7))
    assert list(reds[:7]) != list(reds[7:14])  # a new order each epoch


def test_augmented_crops_are_reproducible_varied_and_in_range(image_folder):
    def batches(seed, augment):
        return take(data.image_dataset(str(image_folder), batch_size=2, crop=32, resize=48,
                                       seed=seed, augment=augment), 6)
    first = batches(3, True)
    np.testing.assert_array_equal(first, batches(3, True))  # stateless: resumable
    assert first.shape == (12, 32, 32, 3) and 0.0 <= first.min() and first.max() <= 1.0
    assert np.abs(first - batches(3, False)).mean() > 0.05


def test_shards_respect_the_size_cap(tmp_path):
    rng = np.random.default_rng(1)
    folder = tmp_path / "big"
    folder.mkdir()
    for index in range(3):  # 0.75 MiB each: noise does not compress
        Image.fromarray(rng.integers(0, 255, (512, 512, 3), dtype=np.uint8)).save(
            folder / f"{index}.png")
    paths = data.write_shards(str(folder), str(tmp_path / "train"), max_shard_mib=1)
    assert len(paths) == 3 and all(os.path.getsize(p) < 2**20 for p in paths)
    assert len(data.write_shards(sorted(map(str, folder.iterdir())), str(tmp_path / "all"),
                                 max_shard_mib=2)) == 2
