"""The figure at the top of the README: the Quickstart command's photo, painting and
result side by side, and the time the command took.

Runs ``arbitrary-nst stylize`` on the bundled samples exactly as the Quickstart does (the
default method and size) in a fresh process, then writes
experiments/results/quickstart_arbitrary.png (each panel ``height`` px high) and
quickstart.md (seconds for the whole command).

Settings: configs/experiments/quickstart_figure.yaml.
Usage: python experiments/quickstart_figure.py
"""

import dataclasses
import os
import tempfile

import numpy as np
from absl import app
from common import load_settings, result_path, run_cli, write_report

import arbitrary_nst as nst
from arbitrary_nst import SAMPLES_DIR
from arbitrary_nst.io import image_io
from arbitrary_nst.schema import setting


@dataclasses.dataclass
class Settings:
    """configs/experiments/quickstart_figure.yaml."""
    height: int = setting(384, low=32)


def main(argv):
    del argv
    settings = load_settings(Settings, "quickstart_figure")
    content = os.path.join(SAMPLES_DIR, "brandenburg_gate.jpg")
    style = os.path.join(SAMPLES_DIR, "starry_night.jpg")
    with tempfile.TemporaryDirectory() as folder:
        output = os.path.join(folder, "stylized.png")
        _, seconds, _ = run_cli("stylize", "--content", content, "--style", style,
                                "--output", output, "--noprogress")
        stylized = nst.load_image(output)
    panels = []
    for image in (nst.load_image(content), nst.load_image(style), stylized):
        height, width = image.shape[:2]
        panels.append(image_io.resize(image, settings.height,
                                      int(round(width * settings.height / height))))
    nst.save_image(result_path("quickstart_arbitrary.png"), np.concatenate(panels, axis=1))
    write_report("quickstart.md", [
        f"Quickstart command (default method, {stylized.shape[1]}x{stylized.shape[0]} "
        f"output): {seconds:.1f} s for the whole command, start-up included."])


if __name__ == "__main__":
    app.run(main)
