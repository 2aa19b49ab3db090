"""stylize-dataset on Apache Beam's DirectRunner (real Beam, tiny images): the tree and
names are kept, a corrupt file goes to the dead-letter report while the rest are written,
a rerun writes nothing, the style assignment is a pure function of (seed, key)."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from arbitrary_nst.datasets import assignment, layout, pipeline
from arbitrary_nst.errors import UsageError

ASSETS = os.path.join(os.path.dirname(__file__), "data", "assets")
STYLES = os.path.join(ASSETS, "styles")


@pytest.fixture(autouse=True)
def eager_first_calls_afterwards(monkeypatch):
    """A pipeline run in this process tells it to trace at once (its workers' setup):
    the tests after these keep the process's own setting."""
    from arbitrary_nst.networks import tracing
    monkeypatch.setattr(tracing, "_EAGER_FIRST", list(tracing._EAGER_FIRST))


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """An ImageFolder tree: two classes of 40x56 photos crops, one corrupt file, a
    hidden file."""
    root = tmp_path_factory.mktemp("dataset") / "train"
    photo = np.asarray(Image.open(os.path.join(ASSETS, "content", "cat.jpg")).convert("RGB"))
    for label in ("n01", "n02"):
        (root / label).mkdir(parents=True)
        for index in range(3):
            crop = photo[index * 20:index * 20 + 40, index * 30:index * 30 + 56]
            crop = crop[:, ::-1] if label == "n02" else crop  # no two images alike
            Image.fromarray(crop).save(root / label / f"{label}_{index}.JPEG")
    (root / "n02" / "broken.JPEG").write_bytes(b"not an image at all")
    (root / "n01" / ".hidden.jpg").write_bytes(b"skipped")
    return root


def test_layout_keeps_the_tree_and_skips_hidden_files(dataset):
    keys = [key for key, _ in layout.find_images([str(dataset)])]
    assert keys == ["n01/n01_0.JPEG", "n01/n01_1.JPEG", "n01/n01_2.JPEG", "n02/broken.JPEG",
                    "n02/n02_0.JPEG", "n02/n02_1.JPEG", "n02/n02_2.JPEG"]
    assert layout.output_path("/out", "n01/a.JPEG") == "/out/n01/a.JPEG"
    assert (layout.output_path("/out", "n01/a.JPEG", "wave", ".png")
            == "/out/n01/a-stylized-wave.png")


def run_job(dataset, output, **options):
    job = pipeline.Job((str(dataset),), tuple(layout.find_images([STYLES], "--style")),
                       str(output), size=32, **options)
    return job, pipeline.run(job, str(output) + ".failed.jsonl",
                             PipelineOptions(["--direct_num_workers=1"]))


def test_corrupt_files_are_reported_the_rest_written_and_a_rerun_writes_nothing(
        dataset, tmp_path):
    output = tmp_path / "stylized"
    job, counts = run_job(dataset, output, tally=str(tmp_path / "tally"))
    assert counts == {"written": 6, "skipped": 0, "failed": 1}
    assert os.path.getsize(tmp_path / "tally") == 7  # one mark per image done (the bar)
    written = sorted(os.path.relpath(os.path.join(folder, name), output)
                     for folder, _, names in os.walk(output) for name in names
                     if name != pipeline.SETTINGS_FILE)
    assert written == [key for key, _ in layout.find_images(job.content)
                                           if "broken" not in key]
    with open(str(output) + ".failed.jsonl", encoding="utf-8") as f:
        failures = [json.loads(line) for line in f]
    assert [os.path.basename(f["input"]) for f in failures] == ["broken.JPEG"]
    assert "not an image" in failures[0]["reason"]
    image = np.asarray(Image.open(output / "n01" / "n01_0.JPEG"), np.float32) / 255
    photo = np.asarray(Image.open(dataset / "n01" / "n01_0.JPEG"), np.float32) / 255
    assert image.shape[:2] == (23, 32)  # --size 32, the photo's aspect
    assert np.abs(image - np.asarray(Image.fromarray(np.uint8(photo * 255)).resize(
        (32, 23)), np.float32) / 255).mean() > 0.05  # stylized, not the photo
    times = {name: os.path.getmtime(output / "n01" / name) for name in os.listdir(output / "n01")}
    _, again = run_job(dataset, output)
    assert again == {"written": 0, "skipped": 6, "failed": 1}
    assert times == {name: os.path.getmtime(output / "n01" / name) for name in times}
    with pytest.raises(UsageError, match="stylized with seed 0 .*this run has 1"):
        run_job(dataset, output, seed=1)  # would skip images made with seed 0


@pytest.mark.parametrize("flags, message", [
    (["--size", "0"], "--size 0: expected at least 16"),
    (["--quality", "101"], "--quality 101: expected 1 to 100"),
    (["--alpha", "2"], "--alpha 2.0: expected 0.0 to 1.0"),
    (["--batch_size", "0"], "--batch_size 0: expected at least 1"),
    (["--styles_per_image", "0"], "--styles_per_image 0: expected at least 1"),
    (["--style_per_image", "2"], "--style_per_image: neither a stylize-dataset flag nor an "
                                 "Apache Beam pipeline option (did you mean --styles_per_image?)"),
])
def test_flag_errors_are_one_line_with_exit_2_before_anything_runs(flags, message, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "arbitrary_nst.cli", "stylize-dataset", "--content", STYLES,
         "--style", STYLES, "--output", str(tmp_path / "out"), *flags],
        capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"arbitrary-nst: error: {message}"]
    assert not os.listdir(tmp_path)


def test_an_image_named_by_two_sources_is_rendered_once(dataset, tmp_path):
    folder = dataset / "n01"
    job = pipeline.Job((str(folder), str(folder / "*.JPEG")),
                       tuple(layout.find_images([STYLES], "--style")), str(tmp_path / "out"),
                       size=32)
    counts = pipeline.run(job, str(tmp_path / "failed.jsonl"),
                          PipelineOptions(["--direct_num_workers=1"]))
    assert counts == {"written": 3, "skipped": 0, "failed": 0}
    assert sorted(os.listdir(tmp_path / "out")) == [pipeline.SETTINGS_FILE, "n01_0.JPEG",
                                                    "n01_1.JPEG", "n01_2.JPEG"]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31), key=st.text(min_size=1, max_size=40),
       count=st.integers(1, 30), data=st.data())
def test_style_assignment_is_a_pure_function_of_seed_and_key(seed, key, count, data):
    per_image = data.draw(st.integers(1, count))
    indices = assignment.style_indices(seed, key, per_image, count)
    assert indices == assignment.style_indices(seed, key, per_image, count)
    assert len(set(indices)) == per_image and all(0 <= i < count for i in indices)


def test_another_seed_gives_another_assignment():
    keys = [f"n{label:02d}/{index}.JPEG" for label in range(4) for index in range(25)]
    first = [assignment.style_indices(0, key, 1, 10) for key in keys]
    assert first == [assignment.style_indices(0, key, 1, 10) for key in keys]
    other = [assignment.style_indices(1, key, 1, 10) for key in keys]
    assert sum(a != b for a, b in zip(first, other)) > 50  # about 90 of 100 expected
    assert len({i[0] for i in first}) == 10  # every style used


def test_the_command_in_multiprocessing_mode_names_styles_and_fails_with_status_1(
        dataset, tmp_path):
    output = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "arbitrary_nst.cli", "stylize-dataset", "--content",
         str(dataset), "--style", STYLES, "--output", str(output), "--size", "32",
         "--styles_per_image", "2", "--seed", "7", "--format", "png",
         "--direct_num_workers=2"], capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert ("wrote 12, skipped 0 (already there), failed 2" in result.stdout), result.stdout
    names = sorted(os.listdir(output / "n01"))
    assert len(names) == 6 and all("-stylized-" in n and n.endswith(".png") for n in names)
    style_names = {os.path.splitext(n)[0] for n in os.listdir(STYLES)}
    assert {n.split("-stylized-")[1][:-4] for n in names} <= style_names


def test_the_stylized_imagenet_recipe_sets_flags_that_the_command_line_overrides(tmp_path):
    import argparse

    from arbitrary_nst.datasets.recipe import apply_recipe
    from arbitrary_nst.schema import ConfigError
    recipe = os.path.join(os.path.dirname(__file__), "..", "configs", "datasets",
                          "stylized_imagenet.yaml")
    args = argparse.Namespace(method="wct", alpha=None, size=None, styles_per_image=3, seed=9,
                              format=None, quality=95, runtime="auto")
    apply_recipe(args, recipe, explicit={"seed"})
    assert (args.method, args.alpha, args.styles_per_image, args.seed, args.format) == (
        "adain", 1.0, 1, 9, "jpg")
    bad = tmp_path / "bad.yaml"
    bad.write_text("styles_per_image: 0\n")
    with pytest.raises(ConfigError, match="styles_per_image"):
        apply_recipe(args, str(bad), explicit=set())


def read_records(folder):
    """``{(key, painting): tf.train.Example}`` of the output shards in ``folder``."""
    import tensorflow as tf
    found = {}
    for name in sorted(n for n in os.listdir(folder) if n.endswith(".tfrecord")):
        for record in tf.data.TFRecordDataset(str(folder / name)).as_numpy_iterator():
            example = tf.train.Example.FromString(record)
            features = example.features.feature
            key = features["image/filename"].bytes_list.value[0].decode()
            found[key, features["style/name"].bytes_list.value[0].decode()] = features
    return found


def test_an_image_tree_becomes_records_with_keys_labels_and_styles_and_resumes(
        dataset, tmp_path):
    import tensorflow as tf
    output = tmp_path / "records"
    job, counts = run_job(dataset, output, output_format="tfrecord", styles_per_image=2,
                          shard_prefix="stylized-run1")
    assert counts == {"written": 12, "skipped": 0, "failed": 2}
    assert job.classes == ("n01", "n02")
    shards = [n for n in os.listdir(output) if n != pipeline.SETTINGS_FILE]
    assert shards and all(n.startswith("stylized-run1-") and n.endswith(".tfrecord")
                          for n in shards)
    found = read_records(output)
    keys = [key for key, _ in layout.find_images(job.content)
                                           if "broken" not in key]
    assert sorted({key for key, _ in found}) == keys
    for (key, painting), features in found.items():
        assert features["image/class/label"].int64_list.value[0] == ("n01", "n02").index(
            key.split("/")[0])
        assert features["image/class/text"].bytes_list.value[0].decode() == key.split("/")[0]
        assert painting in dict(job.styles)
        image = tf.io.decode_image(features["image/encoded"].bytes_list.value[0]).numpy()
        assert image.shape == (23, 32, 3)
        assert (features["image/height"].int64_list.value[0],
                features["image/width"].int64_list.value[0]) == (23, 32)
        assert features["image/format"].bytes_list.value[0] == b"jpeg"
    # Each image's two paintings are its assignment's.
    for key in keys:
        assigned = {job.styles[i][0] for i, _ in job.targets(key)}
        assert {p for k, p in found if k == key} == assigned
    _, again = run_job(dataset, output, output_format="tfrecord", styles_per_image=2,
                       shard_prefix="stylized-run2")
    assert again == {"written": 0, "skipped": 12, "failed": 2}
    assert sorted(os.listdir(output)) == sorted(shards + [pipeline.SETTINGS_FILE])  # no new
    with pytest.raises(UsageError, match="shards of an earlier run have this prefix"):
        run_job(dataset, output, output_format="tfrecord", styles_per_image=2,
                shard_prefix="stylized-run1")


@pytest.fixture(scope="module")
def shards(dataset, tmp_path_factory):
    """Two TFRecord shards in TensorFlow's ImageNet layout (one record without a file name,
    one that is not an Example, one whose image is corrupt) and an extra feature."""
    import tensorflow as tf
    folder = tmp_path_factory.mktemp("shards")
    files = [(key, path) for key, path in layout.find_images([str(dataset)])]
    paths = []
    for shard, part in enumerate((files[:4], files[4:])):
        path = str(folder / f"train-{shard:05d}-of-00002.tfrecord")
        with tf.io.TFRecordWriter(path) as writer:
            for index, (key, file) in enumerate(part):
                features = {"image/encoded": open(file, "rb").read(),
                            "image/class/label": int(key.startswith("n02")),
                            "extra/note": f"record {shard}.{index}"}
                if index != 1:
                    features["image/filename"] = os.path.basename(key)
                example = tf.train.Example(features=tf.train.Features(feature={
                    name: tf.train.Feature(int64_list=tf.train.Int64List(value=[value]))
                    if isinstance(value, int) else tf.train.Feature(bytes_list=tf.train.BytesList(
                        value=[value.encode() if isinstance(value, str) else value]))
                    for name, value in features.items()}))
                writer.write(example.SerializeToString())
            if shard == 0:
                writer.write(b"\x08\x01 not a tf.train.Example")
        paths.append(path)
    return paths


def run_records(shards, output, **options):
    job = pipeline.Job(tuple(shards), tuple(layout.find_images([STYLES], "--style")),
                       str(output), size=32, records=True, **options)
    return job, pipeline.run(job, str(output) + ".failed.jsonl",
                             PipelineOptions(["--direct_num_workers=1"]))


def test_records_round_trip_their_keys_labels_and_features(shards, tmp_path):
    output = tmp_path / "records"
    _, counts = run_records(shards, output, output_format="tfrecord")
    assert counts == {"written": 6, "skipped": 0, "failed": 2}
    with open(str(output) + ".failed.jsonl", encoding="utf-8") as f:
        reasons = sorted(json.loads(line)["reason"] for line in f)
    assert len(reasons) == 2 and any("not a tf.train.Example" in r for r in reasons)
    assert any("(broken.JPEG): not an image" in r for r in reasons), reasons
    found = read_records(output)
    assert len(found) == 6
    nameless = [key for key, _ in found if not key.endswith(".JPEG")]
    assert len(nameless) == 2 and all(len(key) == 20 for key in nameless)  # the digest
    for (key, _), features in found.items():
        note = features["extra/note"].bytes_list.value[0].decode()
        assert note.startswith("record ")
        assert features["image/class/label"].int64_list.value[0] == int(key.startswith("n02")
                                                                         or note == "record 1.1")
    _, again = run_records(shards, output, output_format="tfrecord")  # its own shard names
    assert again == {"written": 0, "skipped": 6, "failed": 2}
    assert len(read_records(output)) == 6  # the first run's shards are kept


def test_records_become_a_tree_and_the_command_reads_shards(shards, tmp_path):
    output = tmp_path / "tree"
    result = subprocess.run(
        [sys.executable, "-m", "arbitrary_nst.cli", "stylize-dataset", "--content",
         os.path.dirname(shards[0]), "--style", STYLES,  # a folder of shards: auto
         "--output", str(output), "--size", "32", "--direct_num_workers=1"],
        capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert "the records of 2 shard(s) x 1 style(s): wrote 6, skipped 0" in result.stdout
    names = sorted(n for n in os.listdir(output) if n != pipeline.SETTINGS_FILE)
    assert len(names) == 6 and sum(n.endswith(".JPEG") for n in names) == 4
    assert all(n.endswith(".jpg") for n in names if not n.endswith(".JPEG"))
