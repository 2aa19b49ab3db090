"""Video benchmark: frames/s, peak memory and temporal instability.

1. Makes a synthetic clip of moving textured shapes (``frames`` frames, 256x256) and a
   10x shorter one, stylizes each in a fresh process with ``arbitrary-nst video``
   (default method, one pass at 256 px: ``--working_size 256``) and reports frames/s
   and the process's peak RSS: streaming means the long clip should need about the same
   memory as the short one.
2. Temporal instability (``arbitrary-nst evaluate-video``) with and without temporal
   consistency on the shared clip (``../shared/assets/video/pedestrians.mp4``) and on the
   synthetic clip, for each of ``variants`` (output blending weight : input stabilization
   weight), measured on lossless PNG frames (the method) and on an MPEG-4 file of them
   (what a user gets; the codec adds its own flicker), with the style kept: the Gram
   style loss (``arbitrary_nst.evaluation.metrics``) against the painting, mean over every 10th
   frame, relative to the run without consistency (above 1 = further from the painting).
   Figure ``video_frame40_weights.png``: the walking people in frame 40 of the shared
   clip for each variant (2x nearest-neighbour zoom), to look for trails and lost strokes.

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
from common import asset, load_settings, result_path, run_cli, write_report

from arbitrary_nst import SAMPLES_DIR
from arbitrary_nst.evaluation import metrics
from arbitrary_nst.io import image_io
from arbitrary_nst.rendering import video
from arbitrary_nst.schema import list_setting, setting


@dataclasses.dataclass
class Settings:
    """configs/experiments/benchmark_video.yaml."""
    frames: int = setting(300, low=20)  # frames of the long synthetic clip
    # "temporal_weight:input_weight" pairs compared (0:0 = no temporal consistency).
    variants: list[str] = list_setting(["0:0", "0.6:0", "0.85:0", "0.6:0.8", "0.7:0.8"])

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
                                   256, "--working_size", 256, "--output",
                                   os.path.join(folder, "out.mp4"), "--noprogress")
            timings.append((frames, seconds))
            lines.append(f"| synthetic | {frames} | {seconds:.1f} | {frames / seconds:.1f} | "
                         f"{peak:.0f} |")
            print(lines[-1], flush=True)
        (short, short_s), (long, long_s) = timings
        lines += ["", "Peak RSS is that process's own (each run is a fresh process). "
                  "Stylization rate without the "
                  f"start-up (weights, tracing): {(long - short) / (long_s - short_s):.1f} "
                  "frames/s (the two clips' difference).", "",
                  "| clip | temporal weight : input weight | instability (PNG frames) | "
                  "reduction | instability (MPEG-4) | reduction | style loss vs off |",
                  "|---|---|---|---|---|---|---|"]
        clips = {"shared pedestrians.mp4 (60 frames)": asset("video/pedestrians.mp4"),
                 f"synthetic ({settings.frames // 10} frames)":
                     os.path.join(folder, f"synthetic_{settings.frames // 10}.mp4")}
        painting = image_io.load_image(STYLE)
        for label, clip in clips.items():
            baseline, crops = None, []
            inputs = list(video.read_frames(clip, 256))
            for variant in settings.variants:
                weight, input_weight = variant.split(":")
                frames_out = os.path.join(folder, f"out_{variant}")
                run_cli("video", "--content", clip, "--style", STYLE, "--size", 256,
                        "--working_size", 256, "--temporal_weight", weight,
                        "--input_weight", input_weight, "--output", frames_out,
                        "--noprogress")
                encoded = frames_out + ".mp4"
                with video.FrameWriter(encoded, video.frame_rate(clip)) as writer:
                    for frame in video.read_frames(frames_out):
                        writer.write(frame)
                values = [json.loads(run_cli("evaluate-video", "--content", clip,
                                             "--stylized", path)[0].strip().splitlines()[-1])
                          ["instability"] for path in (frames_out, encoded)]
                pairs = list(zip(inputs, video.read_frames(frames_out)))
                style = np.mean([metrics.evaluate_pair(frame, painting, out)["style_loss"]
                                 for frame, out in pairs[::10]])
                baseline = baseline or (*values, style)
                lines.append(f"| {label} | {variant} | {values[0]:.4f} | "
                             f"{baseline[0] / values[0]:.2f}x | {values[1]:.4f} | "
                             f"{baseline[1] / values[1]:.2f}x | {style / baseline[2]:.3f} |")
                print(lines[-1], flush=True)
                if label.startswith("shared"):  # the walking people, 2x zoom
                    crops.append(np.repeat(np.repeat(pairs[40][1][40:150, 100:256], 2, 0), 2, 1))
                else:  # the whole synthetic frame
                    crops.append(pairs[min(20, len(pairs) - 1)][1])  # short clips: the last
            name = "video_frame40_weights.png" if label.startswith("shared") else (
                "video_synthetic_frame20_weights.png")
            image_io.save_image(result_path(name), np.concatenate(crops, axis=1))
        lines += ["", "Figures, left to right " + ", ".join(settings.variants) + ": "
                  "`video_frame40_weights.png`, frame 40 of the shared clip (people walking); "
                  "`video_synthetic_frame20_weights.png`, frame 20 of the synthetic clip."]
    write_report("benchmark_video.md", lines)


if __name__ == "__main__":
    app.run(main)
