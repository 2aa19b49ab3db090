"""Evaluation: SSIM of structure, timing over pairs, Markdown and CSV reports."""

import csv

import numpy as np

from arbitrary_nst.evaluation import metrics
from arbitrary_nst.io import image_io


def test_ssim_is_one_for_the_photo_and_lower_for_a_blur(content64, style64):
    itself = metrics.evaluate_pair(content64, style64, content64)
    assert abs(itself["ssim"] - 1.0) < 1e-4 and itself["content_loss"] < 1e-3
    blurred = image_io.resize(image_io.resize(content64, 12, 16), 48, 64)
    assert metrics.evaluate_pair(content64, style64, blurred)["ssim"] < 0.8


def test_score_methods_runs_each_pair_repeats_times_after_one_warm_up(content64, style64):
    calls = []

    def method(content, style):
        calls.append(content.shape)
        return content

    pairs = [("a", content64, "s", style64), ("b", content64[:32], "s", style64)]
    rows, outputs = metrics.score_methods(pairs, {"m": method}, repeats=3)
    assert calls == [(48, 64, 3)] * 4 + [(32, 64, 3)] * 3
    assert [row["content"] for row in rows] == ["a", "b"] and len(outputs) == 2
    assert all(row["seconds"] >= 0 for row in rows)


def test_score_methods_and_reports_round_trip(tmp_path, content64, style64):
    pairs = [("photo", content64, "painting", style64),
             ("mirrored", content64[:, ::-1].copy(), "painting", style64)]
    methods = {"identity": lambda content, style: content,
               "style_colours": lambda content, style: np.broadcast_to(
                   style.mean(axis=(0, 1)), content.shape).astype(np.float32)}
    rows, outputs = metrics.score_methods(pairs, methods)
    assert len(rows) == 4 and len(outputs) == 4
    assert all(row["seconds"] >= 0 for row in rows)
    means = {row["method"]: row for row in metrics.means_by_method(rows)}
    assert means["identity"]["ssim"] > 0.99 > means["style_colours"]["ssim"]
    metrics.write_report(rows + metrics.means_by_method(rows), tmp_path / "t.md",
                         tmp_path / "t.csv", heading="# test")
    with open(tmp_path / "t.csv", newline="") as f:
        read = list(csv.DictReader(f))
    assert [r["method"] for r in read] == ["identity"] * 2 + ["style_colours"] * 2 + [
        "identity", "style_colours"]
    assert abs(float(read[0]["ssim"]) - rows[0]["ssim"]) < 1e-9
    text = (tmp_path / "t.md").read_text()
    assert text.startswith("# test") and text.count("\n| ") == 7
