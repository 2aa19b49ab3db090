"""Video benchmark: frames/s, peak memory and temporal instability.

1. Makes a synthetic clip of moving textured shapes (``--frames`` frames, 256x256) and a
   10x shorter one, stylizes each in a fresh process with ``arbitrary-nst video``
   (default method) and reports frames/s and the process's peak RSS: streaming means the
   long clip should need about the same memory as the short one.
2. Temporal instability (``arbitrary-nst evaluate-video``) with and without temporal
   consistency on the shared clip (``../shared/assets/video/pedestrians.mp4``) and on the
   synthetic clip, for each ``--weights`` value.

Writes experiments/results/benchmark_video.md.
Usage: python experiments/benchmark_video.py [--frames 300]
"""

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np
from absl import app, flags

from arbitrary_nst import SAMPLES_DIR, video
from common import ASSETS, RESULTS

FLAGS = flags.FLAGS
flags.DEFINE_integer("frames", 300, "Frames of the long synthetic clip.")
flags.DEFINE_list("weights", ["0", "0.6", "0.85"], "Temporal weights to compare.")

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


def cli(*args):
    """Runs ``arbitrary-nst`` in a fresh process; returns (stdout, seconds, peak RSS MiB)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "arbitrary_nst.cli", *map(str, args)],
                          capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return done.stdout, seconds, peak


def main(argv):
    del argv
    lines = ["# Video benchmark", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores, no GPU; default "
             "method (arbitrary), Starry Night, 256 px frames.", "",
             "| clip | frames | seconds (whole command) | frames / s | peak RSS MiB |",
             "|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as folder:
        timings = []
        for frames in (FLAGS.frames // 10, FLAGS.frames):
            clip = os.path.join(folder, f"synthetic_{frames}.mp4")
            synthetic_clip(clip, frames)
            _, seconds, peak = cli("video", "--content", clip, "--style", STYLE, "--size",
                                   256, "--output", os.path.join(folder, "out.mp4"),
                                   "--noprogress")
            timings.append((frames, seconds))
            lines.append(f"| synthetic | {frames} | {seconds:.1f} | {frames / seconds:.1f} | "
                         f"{peak:.0f} |")
            print(lines[-1], flush=True)
        (short, short_s), (long, long_s) = timings
        lines += ["", "Peak RSS is the largest of the child processes so far (each run is a "
                  "fresh process; the short clip runs first). Stylization rate without the "
                  f"start-up (weights, tracing): {(long - short) / (long_s - short_s):.1f} "
                  "frames/s (the two clips' difference).", "",
                  "| clip | temporal weight | instability |", "|---|---|---|"]
        clips = {"shared pedestrians.mp4 (60 frames)": os.path.join(ASSETS, "video",
                                                                     "pedestrians.mp4"),
                 f"synthetic ({FLAGS.frames // 10} frames)":
                     os.path.join(folder, f"synthetic_{FLAGS.frames // 10}.mp4")}
        for label, clip in clips.items():
            for weight in FLAGS.weights:
                output = os.path.join(folder, f"out_{weight}.mp4")
                cli("video", "--content", clip, "--style", STYLE, "--size", 256,
                    "--temporal_weight", weight, "--output", output, "--noprogress")
                stdout, _, _ = cli("evaluate-video", "--content", clip, "--stylized", output)
                value = json.loads(stdout.strip().splitlines()[-1])["instability"]
                lines.append(f"| {label} | {weight} | {value:.4f} |")
                print(lines[-1], flush=True)
    report = "\n".join(lines) + "\n"
    with open(os.path.join(RESULTS, "benchmark_video.md"), "w", encoding="utf-8") as f:
        f.write(report)
    print(report)


if __name__ == "__main__":
    app.run(main)
