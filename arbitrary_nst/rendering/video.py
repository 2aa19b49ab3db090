"""Video style transfer with temporal consistency (after Ruder, Dosovitskiy & Brox 2016).

Frames are streamed: one frame in, one frame out, so memory stays flat for long videos.

* Optical flow between consecutive *input* frames: OpenCV's DIS (``medium`` preset) on
  luminance, both directions.
* Occlusion / disocclusion mask by forward-backward consistency (Ruder et al., Eq. 6):
  a pixel of frame t is trusted when following the backward flow to t-1 and the forward
  flow back lands near where it started,
  ``|b + f(x + b)|^2 <= 0.01 (|b|^2 + |f(x + b)|^2) + 0.5``.
* Trust: the forward-backward mask times the input frames' own agreement after warping,
  ``exp(-(e / WARP_ERROR_SCALE)^2)`` with ``e`` the mean absolute difference of frame t
  and the warped frame t-1. Where the flow is wrong (the limbs of walking people, lighting
  changes) the inputs disagree, and the previous output is not carried there, so moving
  objects leave no trails.
* Input stabilization: before stylizing, the previous (stabilized) input frame, warped to
  frame t, is blended into frame t's trusted pixels with weight ``input_weight``. This
  removes the frame-to-frame noise of the source (sensor, compression) that the networks
  amplify into flickering strokes, without averaging the stylized strokes themselves.
* Feed-forward methods: the previous *stylized* frame, warped to frame t, is blended into
  the trusted pixels: ``out = (1 - w m) * stylized_t + w m * warp(out_{t-1})`` with
  ``w = temporal_weight`` and ``m`` the trust.
* Gatys: each frame starts from the warped previous output and its objective gets
  Ruder's temporal loss ``mean(m * (x - warp(out_{t-1}))^2)`` with the relative weight
  ``w`` (see :class:`arbitrary_nst.methods.gatys.transfer.GatysSettings`).
* Temporal instability (the metric): mean absolute difference between stylized frame t
  and the warped stylized frame t-1 over trusted pixels, averaged over frames.

Frames are float32 ``(H, W, 3)`` RGB in [0, 1]. Inputs are video files that OpenCV reads
or folders of image frames. Outputs (:func:`output_kind`): a video file (``.mp4`` and the
other :data:`arbitrary_nst.io.files.VIDEO_EXTENSIONS`, written as MPEG-4 Part 2), an
animated GIF (``.gif``, frame durations from the input's frame rate, looping), or a
folder of PNG frames (a path without an extension, or ending with a slash); any other
extension is refused before work starts.
"""

import os
import shutil
import tempfile

import cv2
import numpy as np
from PIL import Image

from arbitrary_nst.io import image_io
from arbitrary_nst.io.atomic import ordinary_mode, write_atomically
from arbitrary_nst.io.files import VideoError, output_kind


def read_frames(path, size=None):
    """Yields the frames of a video file or of a folder of images (sorted by name).

    Args:
      size: if given, each frame is resized so its longest side is ``size`` pixels.

    Raises:
      VideoError: unreadable file, no frames, or a frame size that changes mid-stream.
    """
    shape = None
    count = 0
    for frame in _raw_frames(path):
        if shape is None:
            shape = frame.shape
        elif frame.shape != shape:
            raise VideoError(f"{path}: frame {count} is {frame.shape[1]}x{frame.shape[0]}, "
                             f"expected {shape[1]}x{shape[0]} like the first frame")
        count += 1
        yield image_io.resize_longest(frame, size) if size else frame
    if count == 0:
        raise VideoError(f"{path}: no frames could be read")


def _raw_frames(path):
    if os.path.isdir(path):
        names = sorted(n for n in os.listdir(path)
                       if os.path.splitext(n)[1].lower() in image_io.SAVE_FORMATS)
        for name in names:
            yield image_io.load_image(os.path.join(path, name))
        return
    if not os.path.exists(path):
        raise VideoError(f"{path}: no such file")
    capture = cv2.VideoCapture(path)
    if not capture.isOpened():
        raise VideoError(f"{path}: not a video OpenCV can read")
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            yield cv2.cvtColor(frame, cv2.COLOR_BGR2RGB).astype(np.float32) / 255.0
    finally:
        capture.release()


def frame_count(path):
    """Number of frames a video file or folder announces (0 when unknown)."""
    if os.path.isdir(path):
        return len([n for n in os.listdir(path)
                    if os.path.splitext(n)[1].lower() in image_io.SAVE_FORMATS])
    capture = cv2.VideoCapture(path)
    count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) if capture.isOpened() else 0
    capture.release()
    return max(count, 0)


def frame_rate(path, default=25.0):
    """Frames per second of a video file (``default`` for folders or when unknown)."""
    if os.path.isdir(path):
        return default
    capture = cv2.VideoCapture(path)
    fps = capture.get(cv2.CAP_PROP_FPS) if capture.isOpened() else 0.0
    capture.release()
    return fps if fps and fps > 0 else default


class FrameWriter:
    """Writes frames to a video file, an animated GIF or a folder (:func:`output_kind`),
    atomically, with the permissions of an ordinary file (or folder) under the umask.

    Video frames stream to a temporary file (or folder) beside ``path``; :meth:`close`
    with ``success=True`` renames it into place, otherwise it is deleted, so no
    half-written output is ever left at ``path``. GIF frames are kept in memory (8 bits
    per channel) and written at :meth:`close`. Use as a context manager.

    Raises:
      VideoError: an unknown extension, or no writable folder for ``path``.
    """

    def __init__(self, path, fps):
        self.path, self.fps = os.fspath(path).rstrip("/" + os.sep) or os.sep, fps
        self.kind = output_kind(path)
        parent = os.path.dirname(os.path.abspath(self.path))
        if not os.path.isdir(parent) or not os.access(parent, os.W_OK):
            raise VideoError(f"{self.path}: cannot write here (no writable folder {parent})")
        base = "." + os.path.basename(self.path) + ".partial"
        self.temp, self.frames = None, []
        if self.kind == "folder":
            self.temp = tempfile.mkdtemp(prefix=base, dir=parent)
            os.chmod(self.temp, ordinary_mode(folder=True))
        elif self.kind == "video":
            handle, self.temp = tempfile.mkstemp(prefix=base, suffix=".mp4", dir=parent)
            os.close(handle)
            os.chmod(self.temp, ordinary_mode(folder=False))
        self.writer, self.count = None, 0

    def write(self, frame):
        pixels = image_io.to_uint8(frame)
        if self.kind == "folder":
            image_io.save_image(os.path.join(self.temp, f"frame_{self.count:06d}.png"),
                                pixels.astype(np.float32) / 255.0)
        elif self.kind == "gif":
            self.frames.append(Image.fromarray(pixels))
        else:
            if self.writer is None:
                height, width = pixels.shape[:2]
                self.writer = cv2.VideoWriter(self.temp, cv2.VideoWriter_fourcc(*"mp4v"),
                                              self.fps, (width, height))
            self.writer.write(cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR))
        self.count += 1

    def close(self, success):
        if self.writer is not None:
            self.writer.release()
        if self.kind == "gif":
            if success and self.frames:
                write_atomically(self.path, lambda f: self.frames[0].save(
                    f, format="GIF", save_all=True, append_images=self.frames[1:],
                    duration=round(1000.0 / self.fps), loop=0))
            self.frames = []
        elif success and self.count:
            if os.path.isdir(self.path) and self.kind == "folder":
                shutil.rmtree(self.path)
            os.replace(self.temp, self.path)
        elif self.kind == "folder":
            shutil.rmtree(self.temp, ignore_errors=True)
        elif os.path.exists(self.temp):
            os.remove(self.temp)

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        self.close(success=kind is None)


_DIS = None


def optical_flow(source, target):
    """Dense flow ``(H, W, 2)`` (x, y pixels) such that ``source(p) ~ target(p + flow(p))``."""
    global _DIS
    if _DIS is None:
        _DIS = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    gray = [cv2.cvtColor(image_io.to_uint8(f), cv2.COLOR_RGB2GRAY)
            for f in (source, target)]
    return _DIS.calc(gray[0], gray[1], None)


def warp(image, flow):
    """``image`` sampled at ``p + flow(p)`` (bilinear, borders replicated)."""
    height, width = flow.shape[:2]
    grid_x, grid_y = np.meshgrid(np.arange(width, dtype=np.float32),
                                 np.arange(height, dtype=np.float32))
    return cv2.remap(image.astype(np.float32), grid_x + flow[..., 0], grid_y + flow[..., 1],
                     cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def motion(previous, current):
    """How to bring frame t-1 onto frame t: ``(backward_flow, trusted_mask (H, W))``.

    ``warp(x_{t-1}, backward_flow)`` aligns ``x_{t-1}`` with frame t; the mask is 1 where
    the forward-backward check passes and 0 at occlusions and motion boundaries.
    """
    backward = optical_flow(current, previous)
    forward = optical_flow(previous, current)
    forward_at = warp(forward, backward)
    mismatch = np.sum((backward + forward_at) ** 2, axis=-1)
    scale = np.sum(backward ** 2, axis=-1) + np.sum(forward_at ** 2, axis=-1)
    trusted = mismatch <= 0.01 * scale + 0.5
    return backward, trusted.astype(np.float32)


WARP_ERROR_SCALE = 0.05
"""Input warping error (mean absolute, on [0, 1]) at which trust falls to 1/e."""


def trust(previous, current, flow, mask):
    """``(H, W)`` in [0, 1]: ``mask`` (forward-backward check) times how well
    ``previous`` warped by ``flow`` matches ``current`` (see the module docstring)."""
    error = np.abs(current - warp(previous, flow)).mean(axis=-1)
    return mask * np.exp(-np.square(error / WARP_ERROR_SCALE))


def instability(frames, stylized):
    """Mean absolute difference of stylized frame t and the warped stylized frame t-1 over
    trusted pixels (flow and mask from the input frames), averaged over frame pairs.

    ``frames`` and ``stylized`` are equal-length iterables of ``(H, W, 3)`` arrays (the
    stylized ones are resized to the input frames' size).
    """
    values = []
    previous = previous_out = None
    for frame, out in zip(frames, stylized):
        out = image_io.resize(out, *frame.shape[:2])
        if previous is not None:
            flow, mask = motion(previous, frame)
            difference = np.abs(out - warp(previous_out, flow)).mean(axis=-1)
            values.append(float((difference * mask).sum() / max(mask.sum(), 1.0)))
        previous, previous_out = frame, out
    if not values:
        raise VideoError("temporal instability needs at least 2 frames")
    return float(np.mean(values))


def stylize_video(frames, render, temporal_weight=0.7, input_weight=0.8, blend=True):
    """Yields stylized frames, each made consistent with the previous output.

    Args:
      frames: iterable of ``(H, W, 3)`` frames.
      render: ``(frame, guide) -> stylized frame`` (same size); ``guide`` is None for the
        first frame (or with ``temporal_weight`` 0), else ``(warped previous output,
        trust (H, W))`` (:func:`trust`); optimisation methods use it for their temporal loss and
        initialisation, feed-forward ones ignore it.
      temporal_weight: in [0, 1]; 0 turns temporal consistency off (input stabilization
        included).
      input_weight: in [0, 1]: weight of the warped previous stabilized input frame.
      blend: mix the warped previous output into the trusted pixels of the rendered frame
        with weight ``temporal_weight`` (feed-forward methods).
    """
    previous = previous_in = previous_out = None
    for frame in frames:
        guide, stable = None, frame
        if previous is not None and temporal_weight > 0:
            flow, mask = motion(previous, frame)
            trusted = trust(previous, frame, flow, mask)
            guide = (warp(previous_out, flow), trusted)
            keep = input_weight * trusted[..., None]
            stable = (1.0 - keep) * frame + keep * warp(previous_in, flow)
        output = render(stable, guide)
        if guide is not None and blend:
            keep = temporal_weight * guide[1][..., None]
            output = (1.0 - keep) * output + keep * guide[0]
        previous, previous_in, previous_out = frame, stable, output
        yield output
