"""Video: frames in and out, optical flow and occlusion, temporal consistency, errors."""

import json
import os
import subprocess
import sys

import cv2
import numpy as np
import pytest
from conftest import STYLE_PATH, TEST_ASSETS
from PIL import Image

from arbitrary_nst.rendering import video

CLIP = os.path.join(TEST_ASSETS, "video", "pedestrians.mp4")


def moving_square(frames=6, size=64, step=2):
    """A textured square moving right by ``step`` px per frame over a gradient."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    background = np.stack([x, y, 0.5 * np.ones_like(x)], -1)
    texture = np.stack([0.5 + 0.5 * np.sin(20 * x), 0.5 + 0.5 * np.cos(17 * y), x * y], -1)
    clip = []
    for t in range(frames):
        frame = background.copy()
        left = 10 + step * t
        frame[20:44, left:left + 24] = texture[20:44, 10:34]
        clip.append(frame.astype(np.float32))
    return clip


def write_clip(path, frames, fps=10):
    with video.FrameWriter(path, fps) as writer:
        for frame in frames:
            writer.write(frame)


def test_round_trip_file_and_folder(tmp_path):
    clip = moving_square()
    write_clip(tmp_path / "clip.mp4", clip)
    read = list(video.read_frames(str(tmp_path / "clip.mp4")))
    assert len(read) == 6 and read[0].shape == (64, 64, 3)
    assert np.abs(read[3] - clip[3]).mean() < 0.03  # lossy MPEG-4
    assert video.frame_rate(str(tmp_path / "clip.mp4")) == pytest.approx(10.0)
    write_clip(tmp_path / "frames", clip)
    folder = list(video.read_frames(str(tmp_path / "frames")))
    assert len(folder) == 6 and np.abs(folder[5] - clip[5]).max() <= 1 / 255 + 1e-6
    assert [n for n in os.listdir(tmp_path) if n.startswith(".")] == []


def test_gif_output_round_trips_with_the_frame_rate(tmp_path):
    clip = moving_square(frames=5)
    write_clip(tmp_path / "clip.gif", clip, fps=4)  # GIF stores durations in 10 ms units
    with Image.open(tmp_path / "clip.gif") as gif:
        assert gif.n_frames == 5 and gif.info["duration"] == 250 and gif.info["loop"] == 0
        gif.seek(3)
        frame = np.asarray(gif.convert("RGB"), np.float32) / 255.0
    assert np.abs(frame - clip[3]).mean() < 0.02  # a 256-colour palette


@pytest.mark.parametrize("name,kind", [("out.mp4", "video"), ("OUT.MOV", "video"),
                                       ("out.gif", "gif"), ("out", "folder"),
                                       ("out.frames/", "folder")])
def test_output_kind_follows_the_extension(name, kind):
    assert video.output_kind(name) == kind


@pytest.mark.parametrize("name", ["x.png", "x.webm", "x.frames", "x.txt"])
def test_other_extensions_are_refused_in_one_line(name):
    with pytest.raises(video.VideoError, match=r"unknown video extension .*\.gif, or a folder"):
        video.output_kind(name)


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
@pytest.mark.parametrize("name", ["clip.mp4", "clip.gif", "frames"])
def test_outputs_follow_the_umask(tmp_path, umask, name):
    """Video files, GIFs and frame folders get the permissions an ordinary file (or
    folder) gets: tempfile's 0600 / 0700 must not leak into outputs."""
    old = os.umask(umask)
    try:
        write_clip(tmp_path / name, moving_square(frames=2))
        reference = tmp_path / "reference"
        reference.write_bytes(b"")
        os.mkdir(tmp_path / "reference_folder")
    finally:
        os.umask(old)
    mode = os.stat(tmp_path / name).st_mode & 0o777
    expected = os.stat(tmp_path / ("reference_folder" if name == "frames" else "reference"))
    assert mode == expected.st_mode & 0o777


def test_flow_recovers_motion_and_masks_occlusions():
    clip = moving_square(frames=2, step=3)
    flow, mask = video.motion(clip[0], clip[1])
    # Inside the square (frame 1 coordinates) the backward flow points 3 px left.
    assert np.median(flow[24:40, 17:33, 0]) == pytest.approx(-3.0, abs=0.5)
    aligned = video.warp(clip[0], flow)
    assert np.abs(aligned - clip[1])[mask > 0].mean() < np.abs(clip[0] - clip[1]).mean()
    assert mask.mean() > 0.8


def test_temporal_blending_cuts_instability():
    clip = moving_square(frames=8)
    rng = np.random.default_rng(0)

    def flickering_render(frame, guide):  # a stand-in for a network whose colours jump
        return np.clip(frame * rng.uniform(0.7, 1.3, size=3), 0, 1).astype(np.float32)

    plain = list(video.stylize_video(clip, flickering_render, temporal_weight=0.0))
    steady = list(video.stylize_video(clip, flickering_render, temporal_weight=0.8))
    assert video.instability(clip, steady) < 0.5 * video.instability(clip, plain)


def test_trust_drops_where_the_inputs_disagree_after_warping():
    rng = np.random.default_rng(0)
    previous = rng.random((32, 32, 3)).astype(np.float32)
    current = previous.copy()
    current[8:16, 8:16] = 1.0 - current[8:16, 8:16]  # the flow (zero) is wrong here
    trust = video.trust(previous, current, np.zeros((32, 32, 2), np.float32),
                        np.ones((32, 32), np.float32))
    assert trust[8:16, 8:16].max() < 0.05 and trust[20:, 20:].min() > 0.99


def test_input_stabilization_removes_source_noise():
    """Sensor-like noise on a still scene: blending the warped previous input (weight 0.8,
    output blending negligible) cuts the output's instability (measured 0.34x)."""
    rng = np.random.default_rng(1)
    still = moving_square(frames=1)[0]
    clip = [np.clip(still + rng.normal(0, 0.02, still.shape), 0, 1).astype(np.float32)
            for _ in range(8)]
    plain = list(video.stylize_video(clip, lambda frame, guide: frame, 0.0))
    stable = list(video.stylize_video(clip, lambda frame, guide: frame, 1e-6, input_weight=0.8))
    assert video.instability(clip, stable) < 0.6 * video.instability(clip, plain)


def test_strong_blending_follows_what_changes():
    """A flat square that changes colour in place (zero flow, which the forward-backward
    check trusts): an exact render (the frame itself) at weight 0.95 must show the new
    colour, not the old one carried forward. Measured MAE in the square: 0.0 with the
    warping-error trust, 0.052 with the forward-backward mask alone."""
    clip = moving_square(frames=6, step=0)
    for t, frame in enumerate(clip):
        frame[20:44, 10:34] = 0.3 if t % 2 == 0 else 0.7
    output = list(video.stylize_video(clip, lambda frame, guide: frame, 0.95))
    assert np.abs(output[-1] - clip[-1])[20:44, 10:34].mean() < 0.01


def test_bad_inputs_are_named_and_leave_nothing(tmp_path):
    with pytest.raises(video.VideoError, match="no such file"):
        list(video.read_frames(str(tmp_path / "missing.mp4")))
    (tmp_path / "junk.mp4").write_bytes(b"not a video")
    with pytest.raises(video.VideoError, match="junk.mp4"):
        list(video.read_frames(str(tmp_path / "junk.mp4")))
    (tmp_path / "empty").mkdir()
    with pytest.raises(video.VideoError, match="no frames"):
        list(video.read_frames(str(tmp_path / "empty")))
    (tmp_path / "sizes").mkdir()
    for index, size in enumerate((32, 32, 40)):
        cv2.imwrite(str(tmp_path / "sizes" / f"{index}.png"), np.zeros((size, size, 3), np.uint8))
    with pytest.raises(video.VideoError, match="frame 2 is 40x40, expected 32x32"):
        list(video.read_frames(str(tmp_path / "sizes")))
    with pytest.raises(video.VideoError, match="cannot write here"):
        video.FrameWriter(str(tmp_path / "nowhere" / "out.mp4"), 10)
    with pytest.raises(RuntimeError):
        with video.FrameWriter(str(tmp_path / "broken.mp4"), 10) as writer:
            writer.write(np.zeros((16, 16, 3), np.float32))
            raise RuntimeError("interrupted")
    assert not (tmp_path / "broken.mp4").exists()
    assert [n for n in os.listdir(tmp_path) if n.startswith(".")] == []


def test_cli_video_and_evaluate_video_on_the_real_clip(tmp_path):
    outputs = {}
    for weight in ("0", "0.85"):
        outputs[weight] = tmp_path / f"out_{weight}.mp4"
        done = subprocess.run(
            [sys.executable, "-m", "arbitrary_nst.cli", "video", "--content", CLIP, "--style",
             STYLE_PATH, "--size", "96", "--temporal_weight", weight, "--output",
             str(outputs[weight]), "--noprogress"], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
    scores = {}
    for weight, path in outputs.items():
        done = subprocess.run([sys.executable, "-m", "arbitrary_nst.cli", "evaluate-video",
                               "--content", CLIP, "--stylized", str(path)],
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        scores[weight] = json.loads(done.stdout.strip().splitlines()[-1])["instability"]
    assert len(list(video.read_frames(str(outputs["0"])))) == 60
    assert scores["0.85"] < scores["0"]
    done = subprocess.run([sys.executable, "-m", "arbitrary_nst.cli", "video", "--content",
                           str(tmp_path / "missing.mp4"), "--style", STYLE_PATH, "--output",
                           str(tmp_path / "x.mp4")], capture_output=True, text=True, timeout=600)
    assert done.returncode == 1 and "missing.mp4: no such file" in done.stderr
    assert not (tmp_path / "x.mp4").exists()
    done = subprocess.run([sys.executable, "-m", "arbitrary_nst.cli", "video", "--content",
                           CLIP, "--style", STYLE_PATH, "--output", str(tmp_path / "x.webm")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1
    assert "x.webm: unknown video extension '.webm'" in done.stderr
    assert not (tmp_path / "x.webm").exists()


def test_gatys_temporal_loss_keeps_frames_consistent():
    from arbitrary_nst.rendering import control
    clip = [frame[::2, ::2] for frame in moving_square(frames=3, size=64, step=2)]
    style = np.stack([np.tile(np.linspace(0, 1, 32, dtype=np.float32), (32, 1))] * 3, -1)
    style[..., 1] = style[..., 1].T

    def render(frame, guide, weight):
        extra = {} if guide is None else {
            "init_image": guide[0], "temporal_target": guide[0], "temporal_mask": guide[1],
            "temporal_weight": weight}
        return control.stylize(frame, [style], method="gatys", steps=15, progress=False,
                               init="noise", **extra)

    plain = list(video.stylize_video(clip, lambda f, g: render(f, None, 0), 0.0, blend=False))
    steady = list(video.stylize_video(clip, lambda f, g: render(f, g, 1.0), 1.0, blend=False))
    assert video.instability(clip, steady) < 0.5 * video.instability(clip, plain)
