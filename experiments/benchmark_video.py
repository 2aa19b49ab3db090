"""Video benchmark: frames/s, peak memory and temporal instability.

1. Makes a synthetic clip of moving textured shapes (``frames`` frames, 256x256) and a
   10x shorter one, stylizes each in a fresh process with ``arbitrary-nst video``
   (default method) and reports frames/s and the process's peak RSS: streaming means the
   long clip should need about the same memory as the short one.
2. Temporal instability (``arbitrary-nst evaluate-video``) with and without temporal
   consistency on the shared clip (``../shared/assets/video/pedestrians.mp4``) and on the
   synthetic clip, for each ``weights`` value.

Writes experiments/results/benchmark_video.md.
Settings: configs/experiments/benchmark_video.yaml.
Usage: python experiments/benchmark_video.py [--set frames=100]
"""

import dataclasses
import json
import os
import platform
import tempfile

import numpy as np
from absl import app
from common import asset, load_settings, result_path, run_cli

from arbitrary_nst import SAMPLES_DIR, video
from arbitrary_nst.config import list_setting, setting


@dataclasses.dataclass
class Settings:
    """configs/experiments/benchmark_video.yaml."""
    frames: int = setting(300, low=20)  # frames of the long synthetic clip
    weights: list[str] = list_setting(["0", "0.6", "0.85"])  # temporal weights compared

STYLE = os.path.join(SAMPLES_DIR, "starry_night.jpg")


def synthetic_clip(path, frames, size=256):
    """Two textured discs circling over a gradient."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    background = np.stack([x, y, 1 - x * y], -1)
    texture = np.stack([0.5 + 0.5 * np.sin(40 * x), 0.5 + 0.5 * np.cos(33 * y), x], -1)
    with video.FrameWriter(path, 25) as writer:
        for t in range(frames):
            frame = background.copy()
            for phase, radius in ((0.0, 40), (np.pi, 28)):
                cx = size / 2 + size / 4 * np.cos(2 * np.pi * t / 120 + phase)
                cy = size / 2 + size / 4 * np.sin(2 * np.pi * t / 120 + phase)
                disc = (x * size - cx) ** 2 + (y * size - cy) ** 2 < radius ** 2
                frame[disc] = texture[disc]
            writer.write(frame)


def main(argv):
    del argv
    settings = load_settings(Settings, "benchmark_video")
    lines = ["# Video benchmark", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores, no GPU; default "
             "method (arbitrary), Starry Night, 256 px frames.", "",
             "| clip | frames | seconds (whole command) | frames / s | peak RSS MiB |",
             "|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as folder:
        timings = []
        for frames in (settings.frames // 10, settings.frames):
            clip = os.path.join(folder, f"synthetic_{frames}.mp4")
            synthetic_clip(clip, frames)
            _, seconds, peak = run_cli("video", "--content", clip, "--style", STYLE, "--size",
                                   256, "--output", os.path.join(folder, "out.mp4"),
                                   "--noprogress")
            timings.append((frames, seconds))
            lines.append(f"| synthetic | {frames} | {seconds:.1f} | {frames / seconds:.1f} | "
                         f"{peak:.0f} |")
            print(lines[-1], flush=True)
        (short, short_s), (long, long_s) = timings
        lines += ["", "Peak RSS is that process's own (each run is a fresh process). "
                  "Stylization rate without the "
                  f"start-up (weights, tracing): {(long - short) / (long_s - short_s):.1f} "
                  "frames/s (the two clips' difference).", "",
                  "| clip | temporal weight | instability |", "|---|---|---|"]
        clips = {"shared pedestrians.mp4 (60 frames)": asset("video/pedestrians.mp4"),
                 f"synthetic ({settings.frames // 10} frames)":
                     os.path.join(folder, f"synthetic_{settings.frames // 10}.mp4")}
        for label, clip in clips.items():
            for weight in settings.weights:
                output = os.path.join(folder, f"out_{weight}.mp4")
                run_cli("video", "--content", clip, "--style", STYLE, "--size", 256,
                    "--temporal_weight", weight, "--output", output, "--noprogress")
                stdout, _, _ = run_cli("evaluate-video", "--content", clip, "--stylized", output)
                value = json.loads(stdout.strip().splitlines()[-1])["instability"]
                lines.append(f"| {label} | {weight} | {value:.4f} |")
                print(lines[-1], flush=True)
    report = "\n".join(lines) + "\n"
    with open(result_path("benchmark_video.md"), "w", encoding="utf-8") as f:
        f.write(report)
    print(report)


if __name__ == "__main__":
    app.run(main)
