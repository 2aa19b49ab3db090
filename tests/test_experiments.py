"""The experiment scripts: each reads a complete YAML in configs/experiments/, and two of
them run end to end at tiny settings (writing to a temporary results folder)."""

import dataclasses
import importlib
import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest
import yaml
from conftest import TEST_ASSETS

from arbitrary_nst import registry
from arbitrary_nst.training import config

ROOT = os.path.join(os.path.dirname(__file__), "..")
EXPERIMENTS = os.path.join(ROOT, "experiments")
SCRIPTS = ["benchmark_adain", "benchmark_gatys", "benchmark_speed", "benchmark_video",
           "compare_methods", "feedforward_figures", "gatys_figures", "highres",
           "quickstart_figure", "style_at_every_size", "benchmark_startup",
           "multistyle_tiny_curve", "adain_decoder_report", "photo_transfer", "wct_settings",
           "detail_crops", "tflite_precision"]


@pytest.fixture(scope="module")
def modules():
    sys.path.insert(0, EXPERIMENTS)
    try:
        yield {name: importlib.import_module(name) for name in SCRIPTS}
    finally:
        sys.path.remove(EXPERIMENTS)


@pytest.mark.parametrize("name", SCRIPTS)
def test_settings_file_is_complete(modules, name):
    """The YAML names every setting (it is the record of what produced the results)."""
    schema = modules[name].Settings
    path = os.path.join(ROOT, "configs", "experiments", f"{name}.yaml")
    with open(path, encoding="utf-8") as f:
        written = set(yaml.safe_load(f))
    assert written == {field.name for field in dataclasses.fields(schema)}
    assert isinstance(config.load_yaml(path, schema), schema)


def test_every_settings_file_is_complete_for_its_script(modules):
    """A second settings file of a script (``compare_methods_512.yaml``) is as complete as
    the script's own; its first line names the script."""
    folder = os.path.join(ROOT, "configs", "experiments")
    for file_name in sorted(os.listdir(folder)):
        path = os.path.join(folder, file_name)
        with open(path, encoding="utf-8") as f:
            script = re.match(r"# python experiments/(\w+)\.py", f.readline()).group(1)
            written = set(yaml.safe_load(f))
        if script in modules:
            schema = modules[script].Settings
            assert written == {field.name for field in dataclasses.fields(schema)}, file_name


def test_unknown_setting_is_named(modules, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("sizes: [256]\ntile_sise: 512\n")
    with pytest.raises(config.ConfigError, match="unknown key tile_sise; did you mean "
                                                 "'tile_size'"):
        config.load_yaml(str(path), modules["highres"].Settings)


def run_script(name, results, *settings):
    done = subprocess.run(
        [sys.executable, os.path.join(EXPERIMENTS, f"{name}.py"), "--results", str(results),
         "--assets", TEST_ASSETS, *[f"--set={value}" for value in settings]],
        capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    with open(os.path.join(results, f"{name}.md"), encoding="utf-8") as f:
        return f.read()


@pytest.mark.slow
def test_highres_tiny(tmp_path):
    report = run_script("highres", tmp_path, "methods=[arbitrary]", "sizes=[96,160]",
                        "tile_size=64", "tile_overlap=16", "gatys_sizes=[]",
                        "seam_size=160", "crop=32")
    rows = re.findall(r"\| arbitrary \| (\d+) \| (\d+)x(\d+) \| (\d+) \| ([\d.]+) \| (\d+) \|",
                      report)
    assert [(r[0], r[1]) for r in rows] == [("96", "96"), ("160", "160")]
    assert int(rows[1][3]) > 1 and all(float(r[4]) > 0 and int(r[5]) > 100 for r in rows)
    with open(tmp_path / "highres_seams.md", encoding="utf-8") as f:
        seams = f.read()
    full, thumbnail, own = (float(m) for m in re.findall(
        r"statistics.*?\| [\d.]+ \| [\d.]+ \| ([\d.]+) \|", seams))
    # Tile-to-tile spread (at this size the thumbnail is the whole image: full = thumbnail).
    assert full == thumbnail < own
    assert os.path.exists(tmp_path / "highres_seams.png")


def test_speed_table_tiny(tmp_path):
    report = run_script("benchmark_speed", tmp_path, "sizes=[64]", "repeats=1",
                        "methods=[arbitrary,multistyle,gatys]", "gatys_steps=2")
    for method in ("arbitrary", "multistyle", "gatys"):
        assert float(re.search(rf"\| {method} \| ([\d.]+) \|", report).group(1)) > 0


@pytest.mark.slow
def test_style_at_every_size_tiny(tmp_path):
    """Two sizes, one pair, one method: the 512 px row is the reference (ratios 1, no
    difference) and the default mode at 640 px stays within 0.05 of it."""
    report = run_script("style_at_every_size", tmp_path, "sizes=[512,640]",
                        "methods=[arbitrary]", "modes=[single,network]", "crop_pair=0",
                        "crop=64", "pairs=[content/cat.jpg:styles/gogh_starry_night.jpg]")
    preview = re.search(r"\| arbitrary \| 512 \| preview \| [\d.]+ \| 1.00 \| 1.00 \| 0.000 \|",
                        report)
    network = re.search(r"\| arbitrary \| 640 \| network \| [\d.]+ \| [\d.]+ \| [\d.]+ \| "
                        r"([\d.]+) \|", report)
    assert preview and network and float(network.group(1)) <= 0.05
    assert os.path.exists(tmp_path / "style_at_every_size_crops_640.png")



@pytest.mark.slow
def test_pack_data_then_train_adain_gpu_script_tiny(tmp_path):
    """The GPU path at a CPU-sized setting: shards under the size cap and a data card
    naming every file's split and licence, then a few steps from the shipped decoder
    with the held-out scores of both decoders written out."""
    assets = tmp_path / "assets"
    rows = []
    for kind, names in (("content", ["cat.jpg", "chateaudeChambord.jpg", "horse.jpg"]),
                        ("styles", ["hokusai_the_great_wave_off_kanagawa.jpg",
                                    "kandinsky_composition_viii.jpg",
                                    "renoir_bal_du_moulin_de_la_galette.jpg",
                                    "gogh_starry_night.jpg"])):
        (assets / kind).mkdir(parents=True)
        for name in names:
            shutil.copyfile(os.path.join(TEST_ASSETS, kind, name), assets / kind / name)
            rows.append(f"| {kind}/{name} | 1x1 | test licence of {name} |")
    for index, name in enumerate(["cat.jpg", "horse.jpg"]):  # two training photos
        shutil.copyfile(os.path.join(TEST_ASSETS, "content", name),
                        assets / "content" / f"photo{index}.jpg")
        rows.append(f"| content/photo{index}.jpg | 1x1 | test licence of photo{index} |")
    (assets / "SOURCES.md").write_text("| file | size | what |\n|---|---|---|\n"
                                       + "\n".join(rows) + "\n")
    data, card, out = tmp_path / "data", tmp_path / "card.md", tmp_path / "out"
    packed = subprocess.run([sys.executable, os.path.join(EXPERIMENTS, "pack_adain_data.py"),
                             "--assets", str(assets), "--out", str(data), "--card", str(card),
                             "--max_shard_mib", "1"], capture_output=True, text=True)
    assert packed.returncode == 0, packed.stderr[-2000:]
    text = card.read_text()
    assert "| photo0.jpg | content | train | test licence of photo0 |" in text
    assert "| gogh_starry_night.jpg | styles | train |" in text
    assert "| cat.jpg | content | held out | test licence of cat.jpg |" in text
    shards = [name for name in os.listdir(data) if name.endswith(".tfrecord")]
    assert shards and all(os.path.getsize(data / name) < 2**20 for name in shards)
    trained = subprocess.run(
        [sys.executable, os.path.join(EXPERIMENTS, "train_adain_gpu.py"), "--data", str(data),
         "--out", str(out), "--steps", "2", "--batch_size", "2", "--crop", "64",
         "--resize", "80", "--eval_size", "48"], capture_output=True, text=True)
    assert trained.returncode == 0, trained.stderr[-2000:]
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["steps"] == 2 and metrics["pairs_per_second"] > 0
    for decoder in ("heldout_shipped", "heldout_new"):
        assert 0 < metrics[decoder]["identity_ssim"] <= 1 and metrics[decoder]["style_loss"] > 0
    assert os.path.exists(out / "decoder.npz") and os.listdir(out / "run" / "summaries")
    # The same data, trained by the JAX port (GPU machines without TensorFlow).
    assert json.loads((data / "heldout" / "pairs.json").read_text())[0] == [
        "cat.jpg", "hokusai_the_great_wave_off_kanagawa.jpg"]
    jax_out = tmp_path / "jax"
    trained = subprocess.run(
        [sys.executable, os.path.join(EXPERIMENTS, "train_adain_jax.py"), "--data", str(data),
         "--out", str(jax_out), "--steps", "3", "--batch_size", "4", "--crop", "32",
         "--resize", "48", "--eval_size", "32", "--workers", "2",
         "--set", "model.style_weight=4"], capture_output=True, text=True)
    assert trained.returncode == 0, trained.stderr[-2000:]
    metrics = json.loads((jax_out / "metrics.json").read_text())
    assert metrics["steps"] == 3 and metrics["pairs_per_second"] > 0
    assert metrics["model"]["style_weight"] == 4 and metrics["model"]["identity_share"] == 0.25
    final = metrics["snapshots"][-1]
    assert final["file"] == "decoder.npz" and final["step"] == 3
    assert final["heldout"]["content"] > 0 and final["heldout"]["style"] > 0
    from arbitrary_nst.methods.adain.network import AdaIN
    from arbitrary_nst.networks.layer_weights import load_layer_weights
    model = AdaIN("vgg16")
    load_layer_weights({"decoder": model.decoder}, str(jax_out / "decoder.npz"))
    rendered = model.transfer(np.full((1, 32, 32, 3), 0.5, np.float32),
                              *model.style_statistics(np.full((1, 32, 32, 3), 0.2, np.float32)))
    assert np.isfinite(rendered.numpy()).all()
    refused = subprocess.run(
        [sys.executable, os.path.join(EXPERIMENTS, "train_adain_jax.py"), "--data", str(data),
         "--set", "data.crop=3"], capture_output=True, text=True)
    assert refused.returncode == 1 and "data.crop=3: expected a value >= 16" in refused.stderr


def test_compare_methods_runs_exactly_the_listed_methods_on_given_pairs(tmp_path):
    report = run_script("compare_methods", tmp_path, "size=48", "methods=[adain]",
                        "contents=[content/horse.jpg]", "styles=[styles/gogh_starry_night.jpg]")
    assert "# Methods compared on content/horse.jpg x styles/gogh_starry_night.jpg" in report
    rows = [line for line in report.splitlines() if line.startswith("| horse.jpg")]
    assert rows and all("| adain |" in row for row in rows)
    assert "peer" not in report and "Gatys' losses" not in report


@pytest.mark.slow
def test_multistyle_tiny_curve_tiny(tmp_path):
    report = run_script("multistyle_tiny_curve", tmp_path, "checkpoints=[2,4]", "size=32")
    rows = [line for line in report.splitlines() if re.match(r"\| [24] \|", line)]
    assert len(rows) == 2
    assert os.path.exists(tmp_path / "multistyle_tiny_curve.png")


@pytest.mark.slow
def test_adain_decoder_report_tiny(tmp_path):
    report = run_script("adain_decoder_report", tmp_path, "size=48", "crop=16",
                        "decoders=[shipped]")
    rows = [line for line in report.splitlines() if line.startswith("| shipped |")
            or line.startswith("| arbitrary (yardstick) |")]
    assert len(rows) == 2
    for name in ("adain_decoder_alpha.png", "adain_decoder_crops.png"):
        assert os.path.exists(tmp_path / name)


def test_ship_script_averages_the_decoder_weights_of_checkpoints():
    sys.path.insert(0, EXPERIMENTS)
    try:
        ship = importlib.import_module("ship_adain_decoder")
    finally:
        sys.path.remove(EXPERIMENTS)
    from arbitrary_nst.methods.adain.network import AdaIN
    models = [AdaIN(seed=seed) for seed in (1, 2, 3)]
    expected = [np.mean([w.numpy() for w in weights], axis=0)
                for weights in zip(*(model.decoder.weights for model in models))]
    assert np.abs(expected[0] - models[1].decoder.weights[0].numpy()).max() > 1e-3
    averaged = ship.average_decoders(models)
    for weight, mean in zip(averaged.decoder.weights, expected):
        np.testing.assert_allclose(weight.numpy(), mean, rtol=1e-5, atol=1e-7)


@pytest.mark.slow
def test_tflite_precision_tiny(tmp_path):
    """float32 LiteRT files render what TensorFlow renders; float16 files are smaller
    (their differences are measured, not bounded: 0.0032 mean for arbitrary at 512 px)."""
    report = run_script("tflite_precision", tmp_path, "size=96", "precisions=[float32,float16]")
    rows = {(m, p): (float(k.replace(",", "")), float(mean)) for m, p, k, mean in re.findall(
        r"\| (\w+) \| (float\d+) \| ([\d,]+) \| ([\d.]+) \|", report)}
    assert {m for m, _ in rows} == set(registry.names(litert=True))
    for method in registry.names(litert=True):
        assert rows[method, "float32"][1] < 1 / 255
        assert rows[method, "float16"][0] < 0.6 * rows[method, "float32"][0]
