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
    job = pipeline.Job(tuple(layout.find_images([str(dataset)])),
                       tuple(layout.find_images([STYLES], "--style")), str(output),
                       size=32, **options)
    return job, pipeline.run(job, str(output) + ".failed.jsonl",
                             PipelineOptions(["--direct_num_workers=1"]))


def test_corrupt_files_are_reported_the_rest_written_and_a_rerun_writes_nothing(
        dataset, tmp_path):
    output = tmp_path / "stylized"
    job, counts = run_job(dataset, output)
    assert counts == {"written": 6, "skipped": 0, "failed": 1}
    written = sorted(os.path.relpath(os.path.join(folder, name), output)
                     for folder, _, names in os.walk(output) for name in names)
    assert written == [key for key, _ in job.images if "broken" not in key]
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
