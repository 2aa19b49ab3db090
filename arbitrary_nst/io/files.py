"""What the inputs and outputs of a command must be, checked before anything heavy loads
(no TensorFlow, no decoding): image files by their header, output paths by their
extension and folder, video outputs by their kind, lists of inputs from files, folders
and glob patterns. Every problem is one line naming the file.
"""

import contextlib
import glob
import os
import warnings

from PIL import Image, UnidentifiedImageError

from arbitrary_nst.errors import ImageError, NSTError, UsageError

MIN_SIDE = 16
"""Smallest accepted image side in pixels: VGG's pooling needs a few pixels to work with."""
MAX_PIXELS = Image.MAX_IMAGE_PIXELS
"""Largest accepted pixel count (Pillow's decompression-bomb limit, about 89 megapixels)."""
SAVE_FORMATS = {
    ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP",
    ".bmp": "BMP", ".tif": "TIFF", ".tiff": "TIFF",
}
"""Output image extensions and the Pillow format each is written in."""
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif")
"""Input image extensions taken from folders."""
VIDEO_EXTENSIONS = (".mp4", ".avi", ".mov", ".mkv", ".m4v")
GIF_EXTENSION = ".gif"


class VideoError(NSTError):
    """A video that cannot be read or written as asked."""


def check_file(path):
    """Raises ImageError unless ``path`` is an existing, readable, non-empty file."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise ImageError(f"{path}: no such file")
    if os.path.isdir(path):
        raise ImageError(f"{path}: is a folder, expected an image file")
    if not os.access(path, os.R_OK):
        raise ImageError(f"{path}: cannot be read (permission denied)")
    if os.path.getsize(path) == 0:
        raise ImageError(f"{path}: file is empty, expected an image")


@contextlib.contextmanager
def pillow_errors(path):
    """Turns what Pillow raises for a bad file (not an image, damaged, a decompression
    bomb) into one-line ImageErrors naming ``path``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError(f"{path}: refused as a possible decompression bomb ({exc})") from None
    except UnidentifiedImageError:
        raise ImageError(f"{path}: not an image file Pillow can read") from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ImageError(f"{path}: cannot decode image ({reason})") from None


def check_image_file(path, min_side=MIN_SIDE, max_pixels=MAX_PIXELS):
    """Raises ImageError (one line) unless ``path`` is a readable file whose header is
    that of an image Pillow opens, with each side at least ``min_side`` and at most
    ``max_pixels`` pixels in all. Only the header is read; a file damaged further on is
    found when it is decoded."""
    check_file(path)
    with pillow_errors(path), Image.open(path) as image:
        width, height = image.size
    if width * height > max_pixels:
        raise ImageError(f"{path}: {width}x{height} pixels is more than the {max_pixels} "
                         "allowed (possible decompression bomb)")
    if min(width, height) < min_side:
        raise ImageError(f"{path}: image is {width}x{height} pixels, expected at least "
                         f"{min_side} on each side")


def check_writable_folder(path, error=ImageError):
    """Raises ``error`` unless the folder that ``path`` goes in exists and is writable."""
    folder = os.path.dirname(os.path.abspath(os.fspath(path)))
    if not os.path.isdir(folder):
        raise error(f"{path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise error(f"{path}: cannot write in {folder} (permission denied)")


def check_save_path(path):
    """Raises ImageError unless ``path`` has a known image extension in an existing,
    writable folder: lets a long run fail before it starts rather than when it saves."""
    path = os.fspath(path)
    extension = os.path.splitext(path)[1].lower()
    if extension not in SAVE_FORMATS:
        raise ImageError(f"{path}: unknown image extension {extension!r}, expected one of "
                         + ", ".join(sorted(SAVE_FORMATS)))
    check_writable_folder(path)


def output_kind(path):
    """``"video"``, ``"gif"`` or ``"folder"``: what a video's frames are written as at
    ``path`` (a path without an extension, or ending with a slash, is a folder of PNGs).

    Raises:
      VideoError: an extension that is neither a video's nor ``.gif`` (one line).
    """
    path = os.fspath(path)
    if path.endswith(("/", os.sep)):
        return "folder"
    extension = os.path.splitext(path)[1].lower()
    if extension in VIDEO_EXTENSIONS:
        return "video"
    if extension == GIF_EXTENSION:
        return "gif"
    if not extension:
        return "folder"
    raise VideoError(f"{path}: unknown video extension {extension!r}, expected one of "
                     f"{', '.join(VIDEO_EXTENSIONS + (GIF_EXTENSION,))}, or a folder (a "
                     "path without an extension)")


def expand_inputs(paths, flag):
    """Image paths from files, folders and glob patterns, in order, without repeats.

    Raises:
      UsageError: a path that is none of these or matches no image (names ``flag``).
    """
    found = []
    for path in paths:
        if os.path.isdir(path):
            matches = sorted(os.path.join(path, name) for name in os.listdir(path)
                             if name.lower().endswith(IMAGE_EXTENSIONS)
                             and not name.startswith("."))
        elif os.path.exists(path):
            matches = [path]
        else:
            matches = sorted(glob.glob(path))
        if not matches:
            raise UsageError(f"{flag} {path}: no such file, and no image in it or matching it")
        found.extend(match for match in matches if match not in found)
    return found
