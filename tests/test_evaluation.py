"""Evaluation on your own data: folders of photos, paintings and outputs (one folder per
method) scored pair by pair, missing outputs listed, the report written."""

import csv
import subprocess
import sys

import numpy as np
import pytest
from conftest import CONTENT_PATH, STYLE_PATH

from arbitrary_nst.errors import UsageError
from arbitrary_nst.evaluation import evaluation
from arbitrary_nst.io import image_io


@pytest.fixture()
def folders(tmp_path, content64, style64):
    """Two photos, two paintings, and two 'methods': ``copy`` returns the photo (content
    kept), ``painting`` returns the painting resized (style kept); ``painting`` lacks one
    output."""
    photos, paintings = tmp_path / "photos", tmp_path / "paintings"
    copy, painting = tmp_path / "copy", tmp_path / "painting"
    for folder in (photos, paintings, copy, painting):
        folder.mkdir()
    images = {"gate": content64, "flipped": content64[:, ::-1].copy()}
    styles = {"starry": style64, "dark": style64 * 0.3}
    for name, image in images.items():
        image_io.save_image(photos / f"{name}.png", image)
    for name, image in styles.items():
        image_io.save_image(paintings / f"{name}.jpg", image)
    for content, image in images.items():
        for style, painting_image in styles.items():
            image_io.save_image(copy / f"{content}__{style}.png", image)
            if (content, style) != ("flipped", "dark"):
                image_io.save_image(painting / f"{content}__{style}.jpg",
                                    image_io.resize(painting_image, *image.shape[:2]))
    return tmp_path


def test_every_pair_of_every_method_is_scored_and_missing_ones_listed(folders):
    rows, problems = evaluation.evaluate_folders(
        [str(folders / "photos")], [str(folders / "paintings" / "*.jpg")],
        [str(folders / "copy"), str(folders / "painting")], show_progress=False)
    assert len(rows) == 4 + 3
    assert problems == [f"painting: no output for flipped x dark in {folders / 'painting'}"]
    by_method = {m: [r for r in rows if r["method"] == m] for m in ("copy", "painting")}
    # The photo itself keeps the content exactly; the painting matches the style better.
    assert all(r["content_loss"] < 1e-3 and r["ssim"] > 0.99 for r in by_method["copy"])
    assert (np.mean([r["style_loss"] for r in by_method["painting"]])
            < np.mean([r["style_loss"] for r in by_method["copy"]]))


def test_name_pairing_matches_photo_k_with_painting_k(folders):
    named = folders / "named"
    named.mkdir()
    image_io.save_image(named / "flipped.png", image_io.load_image(folders / "photos" /
                                                                    "flipped.png"))
    rows, problems = evaluation.evaluate_folders(
        [str(folders / "photos")], [str(folders / "paintings")], [str(named)], "name",
        show_progress=False)
    assert [(r["content"], r["style"]) for r in rows] == [("flipped.png", "dark.jpg")]
    assert problems == [f"named: no output for gate x starry in {named}"]
    with pytest.raises(UsageError, match="2 photos and 1 paintings"):
        evaluation.evaluate_folders([str(folders / "photos")],
                                    [str(folders / "paintings" / "dark.jpg")], [str(named)],
                                    "name", show_progress=False)


def test_cli_writes_the_report_and_exits_1_for_missing_outputs(folders):
    report = folders / "report"
    done = subprocess.run(
        [sys.executable, "-m", "arbitrary_nst.cli", "evaluate", "--content",
         folders / "photos", "--style", folders / "paintings", "--stylized", folders / "copy",
         folders / "painting", "--report", report, "--noprogress"],
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith(
        "arbitrary-nst: error: 1 output(s) missing or unreadable")
    assert "| mean | mean | copy |" in done.stdout
    with open(f"{report}.csv", encoding="utf-8") as f:
        read = list(csv.DictReader(f))
    assert len(read) == 7 + 2 and read[-1]["method"] == "painting"
    assert "# Stylized images scored" in open(f"{report}.md", encoding="utf-8").read()


def test_cli_single_image_still_prints_one_json_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "arbitrary_nst.cli", "evaluate", "--content", CONTENT_PATH,
         "--style", STYLE_PATH, "--stylized", CONTENT_PATH], capture_output=True, text=True,
        timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith('{"content_loss": ')
