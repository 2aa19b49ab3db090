"""What a newcomer meets in the first hour: the Python API is as quiet as the command,
file errors come before TensorFlow loads, video keeps the clip's size, stylize says when
it upscaled, train says how it ended."""

import os
import subprocess
import sys

import numpy as np
from conftest import CONTENT_PATH, STYLE_PATH
from PIL import Image

TENSORFLOW_CHATTER = ("oneDNN", "cuda", "cuInit", "absl::InitializeLog")


def python(code, **kwargs):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=600, **kwargs)


def test_the_python_api_is_as_quiet_as_the_command():
    done = python("import numpy as np, arbitrary_nst as nst\n"
                  "image = np.random.default_rng(0).random((32, 32, 3), dtype=np.float32)\n"
                  "print(nst.stylize(image, [image]).shape)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "(32, 32, 3)"
    assert not [line for line in done.stderr.splitlines()
                if any(word in line for word in TENSORFLOW_CHATTER)], done.stderr
    verbose = python("import arbitrary_nst, tensorflow",
                     env={**os.environ, "ARBITRARY_NST_VERBOSE": "1"})
    assert any(word in verbose.stderr for word in TENSORFLOW_CHATTER)


def test_file_errors_come_before_tensorflow_loads(tmp_path):
    """Missing photo, a non-image, an unknown output extension, a missing output folder:
    the command's checks find each without importing TensorFlow."""
    text = tmp_path / "notes.txt"
    text.write_text("not a picture")
    cases = [(["--content", str(tmp_path / "missing.jpg")], "no such file"),
             (["--content", str(text)], "not an image file"),
             (["--output", str(tmp_path / "out.xyz")], "unknown image extension"),
             (["--output", str(tmp_path / "nowhere" / "out.png")], "does not exist")]
    for change, words in cases:
        flags = {"--content": CONTENT_PATH, "--style": STYLE_PATH,
                 "--output": str(tmp_path / "out.png")}
        flags.update(dict(zip(change[::2], change[1::2])))
        argv = ["arbitrary-nst", "stylize"] + [part for pair in flags.items() for part in pair]
        done = python("import sys\n"
                      "from arbitrary_nst.cli import parse, preflight\n"
                      "from arbitrary_nst.errors import NSTError\n"
                      f"args = parse({argv!r})\n"
                      "try:\n    preflight.check(args)\n"
                      "except NSTError as exc:\n    print(exc)\n"
                      "print('tensorflow' in sys.modules)")
        lines = done.stdout.strip().splitlines()
        assert len(lines) == 2 and words in lines[0] and lines[1] == "False", done


def test_video_keeps_the_clips_size_and_stylize_says_when_it_upscaled(tmp_path):
    frames = tmp_path / "frames"
    frames.mkdir()
    rng = np.random.default_rng(1)
    for index in range(2):
        Image.fromarray((rng.random((40, 56, 3)) * 255).astype(np.uint8)).save(
            frames / f"{index:03d}.png")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "arbitrary_nst.cli", "video", "--content",
                           str(frames), "--style", STYLE_PATH, "--output", str(out),
                           "--noprogress"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert {Image.open(path).size for path in out.iterdir()} == {(56, 40)}
    photo = tmp_path / "small.png"
    Image.fromarray((rng.random((30, 40, 3)) * 255).astype(np.uint8)).save(photo)
    done = subprocess.run([sys.executable, "-m", "arbitrary_nst.cli", "stylize", "--content",
                           str(photo), "--style", STYLE_PATH, "--output",
                           str(tmp_path / "big.png"), "--size", "80", "--noprogress"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "(80x60, upscaled from the photo's 40x30)" in done.stdout
