"""Reading, writing and resizing images.

Images inside the library are ``np.float32`` arrays of shape ``(H, W, 3)``, RGB, values in
``[0, 1]``. Batched tensors for the networks are ``(N, H, W, 3)`` with the same range.

Every way a file can be bad (missing, empty, truncated, not an image, too small, a
decompression bomb, an unwritable output path) raises :class:`ImageError` with a one-line
message naming the file. Writes are atomic: a temporary file in the target folder, then a
rename, so a failed or interrupted save never leaves a half-written image at the path.
"""

import io
import os

import numpy as np
from PIL import Image, ImageOps

from arbitrary_nst.errors import ImageError
from arbitrary_nst.io.atomic import write_atomically
from arbitrary_nst.io.files import (
    MAX_PIXELS,
    MIN_SIDE,
    SAVE_FORMATS,
    check_file,
    check_save_path,
    pillow_errors,
)

_SIXTEEN_BIT_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I")


def load_image(path, size=None, min_side=MIN_SIDE, max_pixels=MAX_PIXELS):
    """Reads any image Pillow can open as RGB float32 in [0, 1].

    Applies the EXIF orientation, takes the first frame of animations, turns grayscale,
    16-bit, palette, CMYK and transparent images into RGB (transparency is composited
    over white).

    Args:
      path: file path (str or os.PathLike).
      size: if given, the image is resized so that its longest side is this many pixels.
      min_side: smallest accepted side (before resizing), in pixels.
      max_pixels: largest accepted width * height; larger files are refused as
        decompression bombs before they are decoded.

    Returns:
      ``np.float32`` array ``(H, W, 3)`` in ``[0, 1]``.

    Raises:
      ImageError: with a one-line message naming ``path``.
    """
    path = os.fspath(path)
    check_file(path)
    return decode_image(path, path, size, min_side, max_pixels)


def decode_image(source, name, size=None, min_side=MIN_SIDE, max_pixels=MAX_PIXELS):
    """Decodes an image from a path or a binary file object (e.g. ``io.BytesIO``).

    Same conversions, checks and return value as :func:`load_image`; errors name ``name``.
    """
    path = name
    with pillow_errors(path), Image.open(source) as img:
        width, height = img.size
        if width * height > max_pixels:
            raise ImageError(f"{path}: {width}x{height} pixels is more than the {max_pixels} "
                             "allowed (possible decompression bomb)")
        img.seek(0)
        img.load()
        img = ImageOps.exif_transpose(img)
        array = _to_rgb_float(img)
    if min(array.shape[:2]) < min_side:
        raise ImageError(f"{path}: image is {array.shape[1]}x{array.shape[0]} pixels, "
                         f"expected at least {min_side} on each side")
    if size is not None:
        array = resize_longest(array, size)
    return array


def _to_rgb_float(img):
    """Converts an opened Pillow image of any mode to float32 RGB ``(H, W, 3)`` in [0, 1]."""
    if img.mode in _SIXTEEN_BIT_MODES:
        gray = np.asarray(img, dtype=np.float32) / 65535.0
        return np.repeat(np.clip(gray, 0.0, 1.0)[..., None], 3, axis=-1)
    if img.mode == "F":
        gray = np.clip(np.asarray(img, dtype=np.float32), 0.0, 1.0)
        return np.repeat(gray[..., None], 3, axis=-1)
    if img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, rgba)
    img = img.convert("RGB")
    return np.asarray(img, dtype=np.float32) / 255.0


def save_image(path, image):
    """Writes an image atomically; the format follows the file extension.

    Args:
      path: output path ending in .png, .jpg/.jpeg, .webp, .bmp or .tif/.tiff.
      image: float array ``(H, W, 3)`` or ``(1, H, W, 3)`` in [0, 1] (values outside are
        clipped), or a ``tf.Tensor`` of that shape.

    Raises:
      ImageError: unknown extension or wrong shape.
      OutputError: the folder cannot be written; nothing is left at ``path`` in that case
        (an older file there stays as it was).
    """
    path = os.fspath(path)
    check_save_path(path)
    extension = os.path.splitext(path)[1].lower()
    array = np.asarray(image, dtype=np.float32)
    if array.ndim == 4 and array.shape[0] == 1:
        array = array[0]
    if array.ndim != 3 or array.shape[-1] != 3:
        raise ImageError(f"{path}: expected an (H, W, 3) image to save, got shape {array.shape}")
    data = encode_image(array, extension)
    write_atomically(path, lambda f: f.write(data))


def encode_image(image, extension, quality=95):
    """The bytes of ``image`` (float ``(H, W, 3)`` in [0, 1], clipped) in the format of
    ``extension`` (".png", ".jpg", ... as :func:`save_image` takes; any case);
    ``quality`` (1-100) for JPEG and WebP."""
    image_format = SAVE_FORMATS[extension.lower()]
    options = {"quality": quality} if image_format in ("JPEG", "WEBP") else {}
    buffer = io.BytesIO()
    Image.fromarray(to_uint8(np.asarray(image, np.float32))).save(
        buffer, format=image_format, **options)
    return buffer.getvalue()


def to_uint8(image, rows=256):
    """``(H, W, C)`` floats in [0, 1] (NaN = 0, clipped) to uint8 0..255, converted
    ``rows`` rows at a time so a large image needs no full-size float temporaries."""
    pixels = np.empty(image.shape, np.uint8)
    for start in range(0, image.shape[0], rows):
        chunk = np.nan_to_num(np.asarray(image[start:start + rows], np.float32))
        np.clip(chunk, 0.0, 1.0, out=chunk)
        pixels[start:start + rows] = np.round(chunk * 255.0)
    return pixels


def resize(image, height, width):
    """Resizes an ``(H, W, C)`` or ``(N, H, W, C)`` image to ``(height, width)``.

    Bilinear interpolation, antialiased when shrinking (a triangle filter widened by the
    shrink factor, half-pixel centres): TensorFlow's ``tf.image.resize(..., "bilinear",
    antialias=True)``, computed with Pillow for arrays (equal within 1e-5; no TensorFlow
    needed) and with TensorFlow for tensors. Returns float32 clipped to [0, 1] (a numpy
    array for numpy input, a tensor for tensor input).
    """
    if not isinstance(image, np.ndarray):
        import tensorflow as tf
        resized = tf.image.resize(tf.convert_to_tensor(image, tf.float32), (height, width),
                                  method="bilinear", antialias=True)
        return tf.clip_by_value(resized, 0.0, 1.0)
    array = np.asarray(image, np.float32)
    planes = array.reshape(-1, *array.shape[-3:]) if array.ndim == 4 else array[None]
    output = np.empty((len(planes), height, width, array.shape[-1]), np.float32)
    for index, plane in enumerate(planes):
        for channel in range(plane.shape[-1]):
            channel_image = Image.fromarray(np.ascontiguousarray(plane[..., channel]), "F")
            output[index, ..., channel] = np.asarray(
                channel_image.resize((width, height), Image.BILINEAR))
    np.clip(output, 0.0, 1.0, out=output)
    return output if array.ndim == 4 else output[0]


def upsample(image, size, add_to=None, rows=256):
    """Bicubic enlargement of ``image`` ``(h, w, C)`` (C = 1 to 4) to ``size`` ``(H, W)``.

    Pixel centres are aligned as in :func:`resize` (half-pixel). The result is computed
    ``rows`` output rows at a time (OpenCV's ``remap``), so a large output needs no
    full-size temporaries. With ``add_to`` (an ``(H, W, 3)`` float32 array) the result is
    added into it in place and it is returned; otherwise a new array. Not clipped.
    """
    import cv2  # here: a render at the working size needs no OpenCV (0.16 s to import)
    height, width = size
    small = np.ascontiguousarray(image, np.float32)
    output = np.zeros((height, width, small.shape[-1]), np.float32) if add_to is None else add_to
    xs = ((np.arange(width, dtype=np.float64) + 0.5) * (small.shape[1] / width) - 0.5)
    for start in range(0, height, rows):
        ys = ((np.arange(start, min(start + rows, height), dtype=np.float64) + 0.5)
              * (small.shape[0] / height) - 0.5)
        map_x = np.repeat(xs[None].astype(np.float32), len(ys), axis=0)
        map_y = np.repeat(ys[:, None].astype(np.float32), width, axis=1)
        rows_out = output[start:start + len(ys)]
        rows_out += cv2.remap(small, map_x, map_y, cv2.INTER_CUBIC,
                              borderMode=cv2.BORDER_REPLICATE).reshape(rows_out.shape)
    return output


def shrink(image, size):
    """``image`` ``(H, W, C)`` (C = 1 to 4) shrunk to ``size`` ``(h, w)`` by area
    averaging (OpenCV's ``INTER_AREA``: antialiased, no full-size temporaries). Returns
    float32 ``(h, w, C)``."""
    import cv2
    height, width = size
    return cv2.resize(np.ascontiguousarray(image, np.float32), (width, height),
                      interpolation=cv2.INTER_AREA).reshape(height, width, image.shape[-1])


def size_for_longest(shape, longest):
    """Returns ``(height, width)`` that scales ``shape[:2]`` so its longest side is ``longest``."""
    height, width = shape[0], shape[1]
    scale = longest / max(height, width)
    return max(1, int(round(height * scale))), max(1, int(round(width * scale)))


def resize_longest(image, longest):
    """Resizes an ``(H, W, 3)`` image so that its longest side is ``longest`` pixels."""
    height, width = size_for_longest(image.shape, longest)
    if (height, width) == tuple(image.shape[:2]):
        return image
    return resize(image, height, width)


_RGB_TO_YIQ = np.array([[0.299, 0.587, 0.114],
                        [0.595716, -0.274453, -0.321263],
                        [0.211456, -0.522591, 0.311135]], np.float32)
_YIQ_TO_RGB = np.linalg.inv(_RGB_TO_YIQ).astype(np.float32)


def rgb_to_yiq(image):
    """RGB ``(..., 3)`` in [0, 1] to YIQ ``(..., 3)``: Y (luminance) in [0, 1], I and Q signed."""
    return np.asarray(image, np.float32) @ _RGB_TO_YIQ.T


def yiq_to_rgb(image, clip=True):
    """Inverse of :func:`rgb_to_yiq`; the result is clipped to [0, 1] unless ``clip`` is
    False (then it is the exact linear inverse)."""
    rgb = np.asarray(image, np.float32) @ _YIQ_TO_RGB.T
    return np.clip(rgb, 0.0, 1.0) if clip else rgb
