"""Batch stylization: inputs from files, folders and globs; output names; skipping what
exists; unreadable inputs reported without stopping the batch; the contact sheet."""

import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import CONTENT_PATH, STYLE_PATH
from PIL import Image

from arbitrary_nst.errors import UsageError
from arbitrary_nst.io import files, image_io
from arbitrary_nst.rendering import batch


def make_inputs(folder):
    (folder / "photos").mkdir()
    for name, colour in (("red", (200, 40, 40)), ("blue", (40, 40, 200))):
        Image.new("RGB", (48, 36), colour).save(folder / "photos" / f"{name}.png")
    (folder / "photos" / "notes.txt").write_text("not an image")
    (folder / "styles").mkdir()
    for name in ("starry_a", "starry_b"):
        Image.open(STYLE_PATH).resize((64, 51)).save(folder / "styles" / f"{name}.jpg")


def test_expand_inputs(tmp_path):
    make_inputs(tmp_path)
    photos = str(tmp_path / "photos")
    assert [os.path.basename(p) for p in files.expand_inputs([photos], "--content")] == [
        "blue.png", "red.png"]
    styles = files.expand_inputs([str(tmp_path / "styles" / "*_b.jpg"), str(tmp_path / "styles"),
                                  CONTENT_PATH], "--style")
    assert [os.path.basename(p) for p in styles] == ["starry_b.jpg", "starry_a.jpg",
                                                     "brandenburg_gate.jpg"]
    with pytest.raises(UsageError, match=r"--content .*nothing\*: no such file"):
        files.expand_inputs([str(tmp_path / "nothing*")], "--content")


def test_output_names():
    assert batch.output_name(batch.DEFAULT_NAME, "a/cat.jpg", "b/wave.png") == "cat__wave.png"
    assert batch.output_name("{style}-{content}.jpg", "cat.jpg", 3) == "3-cat.jpg"
    with pytest.raises(UsageError, match="--name {photo}.png"):
        batch.output_name("{photo}.png", "cat.jpg", "wave.jpg")
    with pytest.raises(UsageError, match="ends in '.gifx'"):
        batch.output_name("{content}.gifx", "cat.jpg", "wave.jpg")


def run_batch_command(*args):
    return subprocess.run([sys.executable, "-m", "arbitrary_nst.cli", "batch", *map(str, args)],
                          capture_output=True, text=True, timeout=600)


def test_batch_command_end_to_end(tmp_path):
    make_inputs(tmp_path)
    broken = tmp_path / "photos" / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff not really a jpeg")
    out = tmp_path / "out"
    args = ["--content", tmp_path / "photos", "--style", tmp_path / "styles" / "*.jpg",
            "--output", out, "--size", "32", "--working_size", "32", "--grid",
            tmp_path / "sheet.png", "--noprogress"]
    done = run_batch_command(*args)
    assert done.returncode == 1
    assert sorted(os.listdir(out)) == ["blue__starry_a.png", "blue__starry_b.png",
                                       "red__starry_a.png", "red__starry_b.png"]
    assert done.stdout.startswith(f"wrote 4 images to {out}")
    skipped = [line for line in done.stderr.splitlines() if "skipped" in line]
    assert len(skipped) == 1 and "broken.jpg" in skipped[0]
    assert done.stderr.splitlines()[-1].startswith("arbitrary-nst: error: 1 input(s)")
    red = image_io.load_image(out / "red__starry_a.png")
    assert red.shape == (24, 32, 3) and red.std() > 0.01  # stylized, not the flat photo
    # Sheet: a header row and column around 3 contents (blue, broken, red) x 2 styles in
    # cells 256 px wide and 204 px high (the tallest picture, a 64x51 painting, fitted to
    # that width: no white bands around the 4:3 photos' 192 px),
    # 2 px apart, below a row of column labels and right of a column of row labels (the
    # file names: dark text); the corner and the broken photo's row stay white.
    sheet = image_io.load_image(tmp_path / "sheet.png")
    top, left = sheet.shape[0] - (4 * 204 + 3 * 2), sheet.shape[1] - (3 * 256 + 2 * 2)
    assert 10 < top < 40 and 20 < left < 120
    assert sheet[:top, left:].min() < 0.5 and sheet[top:, :left].min() < 0.5  # labels

    def cell(row, column):  # its interior
        return sheet[top + row * 206 + 16:top + row * 206 + 188,
                     left + column * 258 + 16:left + column * 258 + 240]
    assert cell(0, 0).min() == 1.0 and cell(2, 1).min() == 1.0 and cell(2, 2).min() == 1.0
    assert cell(1, 1).min() < 0.9 and cell(0, 1).min() < 0.9 and cell(3, 2).min() < 0.9

    # Run again: existing outputs are kept (an interrupted batch resumes) ...
    broken.unlink()
    before = {name: os.stat(out / name).st_mtime_ns for name in os.listdir(out)}
    again = run_batch_command(*args)
    assert again.returncode == 0, again.stderr
    assert "kept 4 existing" in again.stdout
    assert {name: os.stat(out / name).st_mtime_ns for name in os.listdir(out)} == before
    # ... unless --overwrite.
    replaced = run_batch_command(*args, "--overwrite")
    assert replaced.returncode == 0 and replaced.stdout.startswith("wrote 4 images")
    assert all(os.stat(out / name).st_mtime_ns != mtime for name, mtime in before.items())


def test_batch_takes_style_indices_for_multistyle(tmp_path):
    make_inputs(tmp_path)
    done = run_batch_command("--content", tmp_path / "photos" / "red.png", "--style", "3",
                             "12", "--method", "multistyle", "--output", tmp_path / "out",
                             "--size", "32", "--working_size", "32", "--noprogress")
    assert done.returncode == 0, done.stderr
    assert sorted(os.listdir(tmp_path / "out")) == ["red__12.png", "red__3.png"]
    first, second = (image_io.load_image(tmp_path / "out" / n)
                     for n in ("red__3.png", "red__12.png"))
    assert np.abs(first - second).mean() > 0.02


def test_run_batch_writes_every_pair_and_reports_a_failed_write(tmp_path):
    """Outputs are written in threads while the next pair renders: each holds its own
    pair's render, and a write that fails is listed without stopping the others."""
    make_inputs(tmp_path)
    contents = files.expand_inputs([str(tmp_path / "photos")], "--content")
    factors = {"dim": 0.25, "bright": 0.75, "broken": None}

    def render(image, factor):
        return image * factor if factor else image[..., :2]  # 2 channels: cannot be saved

    out = tmp_path / "out"
    result = batch.run_batch(contents, list(factors), str(out), render=render,
                             load_style=factors.get, size=32, show_progress=False)
    assert [(pair, "expected an (H, W, 3) image" in message)
            for pair, message in result.failures] == [
        (f"{content} x broken", True) for content in contents]
    assert sorted(os.listdir(out)) == ["blue__bright.png", "blue__dim.png",
                                       "red__bright.png", "red__dim.png"]
    assert len(result.outputs) == 4
    for (content, style), path in result.outputs.items():
        expected = image_io.load_image(content, size=32) * factors[style]
        np.testing.assert_allclose(image_io.load_image(path), expected, atol=1 / 255)
