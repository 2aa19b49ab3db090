"""Image reading in every Pillow format and mode, bad files, atomic saving."""

import os
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from arbitrary_nst.errors import ImageError
from arbitrary_nst.io import image_io
from arbitrary_nst.io.atomic import OutputError, write_atomically


def gradient_rgb(height=40, width=60):
    """A uint8 (H, W, 3) test card: horizontal red ramp, vertical green ramp, blue 128."""
    y, x = np.mgrid[0:height, 0:width]
    return np.stack([x * 255 // (width - 1), y * 255 // (height - 1),
                     np.full_like(x, 128)], -1).astype(np.uint8)


@pytest.mark.parametrize("extension,tolerance", [
    (".png", 0.5 / 255), (".bmp", 0.5 / 255), (".tiff", 0.5 / 255), (".jpg", 0.04),
    (".webp", 0.04)])
def test_formats_round_trip(tmp_path, extension, tolerance):
    pixels = gradient_rgb()
    path = tmp_path / f"card{extension}"
    Image.fromarray(pixels).save(path)
    loaded = image_io.load_image(path)
    assert loaded.dtype == np.float32 and loaded.shape == (40, 60, 3)
    assert np.abs(loaded - pixels / 255.0).mean() <= tolerance


def test_gif_first_frame(tmp_path):
    frames = [Image.new("RGB", (32, 32), color) for color in ((255, 0, 0), (0, 0, 255))]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100)
    loaded = image_io.load_image(path)
    np.testing.assert_allclose(loaded[16, 16], [1.0, 0.0, 0.0], atol=0.02)


def test_exif_orientation_is_applied(tmp_path):
    pixels = np.zeros((40, 60, 3), np.uint8)
    pixels[:, :10] = (255, 255, 255)  # white band on the left of the stored pixels
    exif = Image.Exif()
    exif[0x0112] = 6  # display rotated 90 degrees clockwise
    path = tmp_path / "rotated.jpg"
    Image.fromarray(pixels).save(path, exif=exif, quality=95)
    loaded = image_io.load_image(path)
    assert loaded.shape == (60, 40, 3)
    assert loaded[2, 20].mean() > 0.9 and loaded[-2, 20].mean() < 0.1  # band now on top


@pytest.mark.parametrize("mode", ["L", "1", "CMYK", "P", "LA", "RGBA", "I;16", "F"])
def test_modes_become_rgb_float(tmp_path, mode):
    pixels = gradient_rgb()
    base = Image.fromarray(pixels)
    if mode == "I;16":
        image = Image.fromarray((np.arange(40 * 60).reshape(40, 60) * 27).astype(np.uint16))
        expected = (np.arange(40 * 60).reshape(40, 60) * 27 / 65535.0)[..., None].repeat(3, -1)
        path = tmp_path / "sixteen.png"
    elif mode == "F":
        values = np.linspace(0, 1, 40 * 60, dtype=np.float32).reshape(40, 60)
        image = Image.fromarray(values, mode="F")
        expected = values[..., None].repeat(3, -1)
        path = tmp_path / "float.tiff"
    else:
        image = base.convert(mode)
        expected = np.asarray(image.convert("RGBA").convert("RGB"), np.float32) / 255.0
        path = tmp_path / ("image.tiff" if mode == "CMYK" else "image.png")
    image.save(path)
    loaded = image_io.load_image(path)
    assert loaded.shape == (40, 60, 3) and loaded.dtype == np.float32
    assert 0.0 <= loaded.min() and loaded.max() <= 1.0
    np.testing.assert_allclose(loaded, expected, atol=2.5 / 255)


def test_transparency_is_composited_over_white(tmp_path):
    rgba = np.zeros((20, 20, 4), np.uint8)
    rgba[..., 0] = 255          # red everywhere
    rgba[:, :10, 3] = 255       # opaque on the left, fully transparent on the right
    path = tmp_path / "alpha.png"
    Image.fromarray(rgba, "RGBA").save(path)
    loaded = image_io.load_image(path)
    np.testing.assert_allclose(loaded[5, 2], [1, 0, 0])
    np.testing.assert_allclose(loaded[5, 15], [1, 1, 1])


def test_resize_by_longest_side(tmp_path):
    path = tmp_path / "card.png"
    Image.fromarray(gradient_rgb(40, 60)).save(path)
    assert image_io.load_image(path, size=30).shape == (20, 30, 3)
    assert image_io.load_image(path, size=120).shape == (80, 120, 3)


def png_with_header_size(width, height):
    """A tiny valid PNG whose header claims ``width`` x ``height`` pixels."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def make_bad_file(tmp_path, kind):
    """Writes one kind of bad input and returns (path, words the error must contain)."""
    path = tmp_path / f"{kind}.png"
    if kind == "missing":
        return path, "no such file"
    if kind == "empty":
        path.write_bytes(b"")
        return path, "empty"
    if kind == "not_image":
        path.write_text("this is a text file, not a picture\n" * 20)
        return path, "not an image"
    if kind == "truncated":
        full = tmp_path / "full.jpg"
        Image.fromarray(gradient_rgb(200, 300)).save(full, quality=95)
        path = tmp_path / "truncated.jpg"
        path.write_bytes(full.read_bytes()[:3000])
        return path, "cannot decode"
    if kind == "too_small":
        Image.new("RGB", (8, 64)).save(path)
        return path, "at least 16"
    if kind == "bomb":
        path.write_bytes(png_with_header_size(40000, 40000))
        return path, "decompression bomb"
    if kind == "folder":
        path.mkdir()
        return path, "folder"
    raise ValueError(kind)


BAD_KINDS = ["missing", "empty", "not_image", "truncated", "too_small", "bomb", "folder"]


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_bad_files_raise_one_line_error_naming_the_file(tmp_path, kind):
    path, words = make_bad_file(tmp_path, kind)
    with pytest.raises(ImageError) as error:
        image_io.load_image(path)
    message = str(error.value)
    assert str(path) in message and words in message and "\n" not in message


def test_max_pixels_limit(tmp_path):
    path = tmp_path / "card.png"
    Image.fromarray(gradient_rgb(100, 100)).save(path)
    with pytest.raises(ImageError, match="decompression bomb"):
        image_io.load_image(path, max_pixels=5000)
    assert image_io.MAX_PIXELS == Image.MAX_IMAGE_PIXELS


def test_save_round_trip_and_permissions(tmp_path):
    image = gradient_rgb().astype(np.float32) / 255.0
    path = tmp_path / "out.png"
    image_io.save_image(path, image[None])
    np.testing.assert_allclose(image_io.load_image(path), image, atol=0.5 / 255)
    assert os.stat(path).st_mode & 0o044  # readable by others, like any normal file
    assert os.listdir(tmp_path) == ["out.png"]


def test_save_errors_leave_nothing(tmp_path):
    image = np.zeros((20, 20, 3), np.float32)
    with pytest.raises(ImageError, match="unknown image extension"):
        image_io.save_image(tmp_path / "out.xyz", image)
    with pytest.raises(ImageError, match="no_such_folder does not exist"):
        image_io.save_image(tmp_path / "no_such_folder" / "out.png", image)
    with pytest.raises(OutputError, match="cannot write here"):
        write_atomically(tmp_path / "no_such_folder" / "out.bin", lambda f: f.write(b"x"))
    assert os.listdir(tmp_path) == []


def test_interrupted_write_keeps_the_old_file(tmp_path):
    path = tmp_path / "result.png"
    path.write_bytes(b"old contents")

    def write_half_then_fail(f):
        f.write(b"new half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(path, write_half_then_fail)
    assert path.read_bytes() == b"old contents"
    assert os.listdir(tmp_path) == ["result.png"]


def test_yiq_round_trip():
    image = gradient_rgb().astype(np.float32) / 255.0
    yiq = image_io.rgb_to_yiq(image)
    np.testing.assert_allclose(yiq[..., 0], image @ np.array([0.299, 0.587, 0.114]), atol=1e-6)
    np.testing.assert_allclose(image_io.yiq_to_rgb(yiq), image, atol=1e-5)
