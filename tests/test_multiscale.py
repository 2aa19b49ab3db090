"""Stroke scale and multi-scale rendering (arbitrary_nst/rendering/multiscale.py): the look of the
working size at every output size, style_scale, detail sources, the banding fix, video."""

import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import STYLE_PATH

from arbitrary_nst.errors import UsageError
from arbitrary_nst.evaluation import metrics
from arbitrary_nst.io import image_io
from arbitrary_nst.methods.arbitrary import weights as arbitrary_weights
from arbitrary_nst.methods.arbitrary.method import Arbitrary
from arbitrary_nst.methods.multistyle import weights as multistyle_weights
from arbitrary_nst.networks import layers
from arbitrary_nst.rendering import control, multiscale, video

FEEDFORWARD = [("arbitrary", None), ("multistyle", 3), ("adain", None)]


def styles_for(method, style):
    return [3] if method == "multistyle" else [style]


@pytest.fixture(scope="module")
def content256():
    return image_io.load_image(os.path.join(os.path.dirname(STYLE_PATH),
                                            "brandenburg_gate.jpg"), size=256)


@pytest.mark.parametrize("method", ["arbitrary", "multistyle", "adain"])
@pytest.mark.parametrize("detail", ["network", "photo", "none"])
def test_large_output_keeps_the_working_size_look(content256, style64, method, detail):
    """Working size 128: the 256 px output shrunk to 128 px matches the 128 px output
    (mean abs. difference <= 0.02 on [0, 1]; one pass at 256 px differs 3x more)."""
    styles = styles_for(method, style64)
    small = image_io.resize_longest(content256, 128)
    preview = control.stylize(small, styles, method=method, working_size=128)
    large = control.stylize(content256, styles, method=method, working_size=128, detail=detail)
    assert large.shape == content256.shape
    difference = np.abs(image_io.resize_longest(large, 128) - preview).mean()
    assert difference <= 0.02
    single = control.stylize(content256, styles, method=method, working_size=256)
    assert np.abs(image_io.resize_longest(single, 128) - preview).mean() > 3 * difference


@pytest.mark.parametrize("method", ["arbitrary", "multistyle", "adain"])
def test_network_detail_is_sharper_than_the_upsampled_preview(content256, method):
    """Working size 128, output 256 (measured: Laplacian energy 1.22x / 1.50x / 1.08x the
    upsampled preview's for arbitrary / multistyle / adain, photo detail 1.7-1.9x)."""
    styles = styles_for(method, image_io.load_image(STYLE_PATH))
    sharp = control.stylize(content256, styles, method=method, working_size=128)
    soft = control.stylize(content256, styles, method=method, working_size=128, detail="none")
    photo = control.stylize(content256, styles, method=method, working_size=128,
                            detail="photo")
    assert metrics.laplacian_energy(sharp) > 1.05 * metrics.laplacian_energy(soft)
    assert metrics.laplacian_energy(photo) > 1.5 * metrics.laplacian_energy(soft)


def spectral_centroid(image):
    """Power-weighted mean spatial frequency (cycles/px) of the luminance."""
    luminance = image_io.rgb_to_yiq(image)[..., 0]
    power = np.abs(np.fft.fft2(luminance - luminance.mean())) ** 2
    fy, fx = np.meshgrid(np.fft.fftfreq(luminance.shape[0]), np.fft.fftfreq(luminance.shape[1]),
                         indexing="ij")
    return float((power * np.hypot(fy, fx)).sum() / power.sum())


@pytest.mark.parametrize("method", ["arbitrary", "multistyle", "adain"])
def test_style_scale_two_enlarges_the_strokes(content256, style64, method):
    """The luminance's mean spatial frequency falls as style_scale grows (measured at
    scales 0.5 / 1 / 2: arbitrary 0.031 / 0.019 / 0.015 cycles/px, multistyle
    0.092 / 0.064 / 0.035, adain 0.083 / 0.084 / 0.053: AdaIN's finer strokes at 0.5,
    rendered at 512 px, do not survive the shrink to this 256 px output)."""
    styles = styles_for(method, style64)
    centroids = {scale: spectral_centroid(control.stylize(
        content256, styles, method=method, working_size=256, style_scale=scale))
        for scale in (0.5, 1.0, 2.0)}
    assert centroids[2.0] < 0.9 * centroids[1.0]
    if method != "adain":
        assert centroids[1.0] < 0.9 * centroids[0.5]


def test_gatys_style_scale_resizes_the_style_image(content64, style64):
    one, two = (control.stylize(content64, [style64], method="gatys", steps=3, style_scale=s,
                                progress=False) for s in (1.0, 2.0))
    assert np.abs(one - two).mean() > 1e-3
    with pytest.raises(UsageError, match="no working size"):
        control.stylize(content64, [style64], method="gatys", steps=1, working_size=256)


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), 100])
def test_bad_style_scale_is_one_line(content64, style64, bad):
    with pytest.raises(UsageError, match="style_scale"):
        control.stylize(content64, [style64], style_scale=bad)


def test_bad_detail_is_named(content64, style64):
    with pytest.raises(UsageError, match="detail 'sharp'"):
        control.stylize(content64, [style64], working_size=32, detail="sharp")


@pytest.mark.parametrize("rows", [1, 7, 1000])
def test_chunked_upsampling_equals_one_piece(rows):
    rng = np.random.default_rng(0)
    small = rng.uniform(0, 1, (13, 17, 3)).astype(np.float32)
    whole = image_io.upsample(small, (61, 45), rows=10_000)
    np.testing.assert_allclose(image_io.upsample(small, (61, 45), rows=rows), whole, atol=1e-6)
    base = rng.uniform(0, 1, (61, 45, 3)).astype(np.float32)
    added = image_io.upsample(small, (61, 45), add_to=base.copy(), rows=rows)
    np.testing.assert_allclose(added, base + whole, atol=1e-6)
    # A constant stays constant; a shrink of the enlargement gives the small image back.
    flat = image_io.upsample(np.full((5, 5, 3), 0.25, np.float32), (40, 40), rows=rows)
    np.testing.assert_allclose(flat, 0.25, atol=1e-6)
    smooth = image_io.resize(small, 40, 50)
    assert np.abs(image_io.shrink(image_io.upsample(smooth, (160, 200)), (40, 50))
                  - smooth).mean() < 0.01


@pytest.mark.parametrize("interpolation", ["bilinear", multiscale.DETAIL_UPSAMPLING])
def test_interpolating_upsampling_removes_the_grid_in_flat_areas(interpolation):
    """The banding kind: on a smooth out-of-focus-like image the pretrained transformer
    with nearest upsampling leaves a period-4 grid; the interpolating variants (bicubic:
    the detail pass) weaken it (measured here: 0.0019 -> 0.0008 bilinear, 0.0011
    bicubic)."""
    y, x = np.mgrid[0:256, 0:256].astype(np.float32) / 256
    smooth = np.stack([0.6 + 0.2 * np.sin(3 * x + 1), 0.5 + 0.2 * np.cos(2 * y + 3 * x),
                       0.4 + 0.1 * np.sin(4 * y)], -1).astype(np.float32)
    model = arbitrary_weights.shipped()
    vector = model.style_vector(image_io.load_image(STYLE_PATH)[None])
    nearest = model.stylize(smooth[None], vector).numpy()[0]
    variant = Arbitrary.with_upsampling(model, interpolation).stylize(smooth[None],
                                                                        vector).numpy()[0]
    assert metrics.grid_pattern(variant) < 0.6 * metrics.grid_pattern(nearest)
    # Same weights, same look: only the upsampling differs.
    assert np.abs(variant - nearest).mean() < 0.05


def test_with_upsampling_shares_the_weights():
    model = multistyle_weights.shipped()
    variant = layers.with_upsampling(model.transformer, "bilinear")
    assert {id(w) for w in variant.weights} == {id(w) for w in model.transformer.weights}


def test_video_uses_the_same_scale_for_every_frame(tmp_path, style64):
    from test_video import moving_square, write_clip
    clip = [image_io.resize(frame, 48, 48) for frame in moving_square(frames=3)]
    write_clip(str(tmp_path / "in"), clip)
    done = subprocess.run(
        [sys.executable, "-m", "arbitrary_nst.cli", "video", "--content", str(tmp_path / "in"),
         "--style", STYLE_PATH, "--size", "48", "--style_scale", "2", "--working_size", "64",
         "--temporal_weight", "0", "--output", str(tmp_path / "out"), "--noprogress"],
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    style = image_io.load_image(STYLE_PATH)
    for frame, written in zip(video.read_frames(str(tmp_path / "in")),
                              video.read_frames(str(tmp_path / "out"))):
        expected = control.stylize(frame, [style], style_scale=2, working_size=64)
        assert np.abs(written - expected).max() <= 2 / 255
