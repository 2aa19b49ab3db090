"""Figures made of images: rows of pictures with white gaps and optional labels.

:func:`make_grid` turns :func:`arbitrary_nst.interpolation_grid`'s array, or any rows of
images, into one picture, as the papers' figures are laid out. The notebooks, the
``batch --grid`` contact sheet and the ``experiments/`` figure scripts all use it.
"""

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from arbitrary_nst.errors import UsageError
from arbitrary_nst.io import image_io

LABEL_SIZE = 14
"""Height of the label text (px), Pillow's built-in font."""


def _fit(image, height, width):
    """``image`` resized to ``height`` keeping its aspect (``width`` None), or fitted
    inside ``height x width`` and centred on white (``width`` given); None = white."""
    if width is None:
        scaled = round(image.shape[1] * height / image.shape[0])
        return image_io.resize(image, height, max(1, scaled))
    cell = np.ones((height, width, 3), np.float32)
    if image is None:
        return cell
    scale = min(height / image.shape[0], width / image.shape[1])
    fitted = image_io.resize(image, max(1, round(image.shape[0] * scale)),
                             max(1, round(image.shape[1] * scale)))
    top, left = (height - fitted.shape[0]) // 2, (width - fitted.shape[1]) // 2
    cell[top:top + fitted.shape[0], left:left + fitted.shape[1]] = fitted
    return cell


def _text_width(draw, text, font):
    left, _, right, _ = draw.textbbox((0, 0), text, font=font)
    return right - left


def make_grid(rows, gap=4, height=None, cell=None, row_labels=None, column_labels=None):
    """Lays out rows of images as one picture on a white ground.

    Args:
      rows: ``(R, C, H, W, 3)`` array (e.g. :func:`arbitrary_nst.interpolation_grid`'s) or
        a list of rows, each a list of ``(H, W, 3)`` float32 images in [0, 1] of any sizes
        (None = an empty cell, with ``cell`` only).
      gap: white pixels between cells.
      height: every image is resized to this height, keeping its aspect; default: the
        first image's height. Rows may then differ in width (the picture is as wide as
        the widest; shorter rows end in white).
      cell: ``(height, width)``: instead, every image is fitted inside cells of this size
        and centred, so columns line up.
      row_labels: text left of each row (one per row), or None.
      column_labels: text above each column (positions of the first row), or None.

    Returns:
      float32 ``(H', W', 3)`` in [0, 1].

    Raises:
      UsageError: no images, or label counts that do not match the rows or columns.
    """
    rows = [list(row) for row in rows]
    if not rows or not any(len(row) for row in rows):
        raise UsageError("make_grid: expected at least one image")
    if row_labels is not None and len(row_labels) != len(rows):
        raise UsageError(f"make_grid: {len(row_labels)} row labels for {len(rows)} rows")
    if column_labels is not None and len(column_labels) != len(rows[0]):
        raise UsageError(f"make_grid: {len(column_labels)} column labels for "
                         f"{len(rows[0])} columns")
    if cell is None:
        first = next(image for row in rows for image in row if image is not None)
        height = height or first.shape[0]
        rows = [[_fit(np.asarray(image, np.float32), height, None) for image in row]
                for row in rows]
    else:
        height = cell[0]
        rows = [[_fit(None if image is None else np.asarray(image, np.float32), *cell)
                 for image in row] for row in rows]
    font = ImageFont.load_default(size=LABEL_SIZE)
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    left = (max(_text_width(measure, str(text), font) for text in row_labels) + 2 * gap
            if row_labels else 0)
    top = LABEL_SIZE + 2 * gap if column_labels else 0
    widths = [sum(image.shape[1] for image in row) + gap * (len(row) - 1) for row in rows]
    canvas = np.ones((top + len(rows) * (height + gap) - gap, left + max(widths), 3),
                     np.float32)
    starts = []
    for index, row in enumerate(rows):
        y, x = top + index * (height + gap), left
        for image in row:
            canvas[y:y + height, x:x + image.shape[1]] = image
            if index == 0:
                starts.append((x, image.shape[1]))
            x += image.shape[1] + gap
    if not (row_labels or column_labels):
        return canvas
    picture = Image.fromarray(image_io.to_uint8(canvas))
    draw = ImageDraw.Draw(picture)
    for text, (x, width) in zip(column_labels or [], starts):
        text = str(text)
        draw.text((x + (width - _text_width(draw, text, font)) // 2, gap), text,
                  fill=(0, 0, 0), font=font)
    for index, text in enumerate(row_labels or []):
        draw.text((gap, top + index * (height + gap) + (height - LABEL_SIZE) // 2),
                  str(text), fill=(0, 0, 0), font=font)
    return np.asarray(picture, np.float32) / 255.0
