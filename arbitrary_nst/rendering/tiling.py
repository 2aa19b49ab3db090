"""Tiled inference: feed-forward stylization of images too large to run in one piece.

The image is cut into square tiles of ``tile_size`` pixels that overlap their neighbours
by ``overlap`` pixels (both multiples of 8, so every tile starts on the pixel grid of the
network's stride-2 and 2x-upsampling layers). Each tile is stylized on its own; on a side
shared with a neighbour its outer ``3/8 overlap`` pixels are dropped (convolutions there
saw reflection padding instead of the neighbour's pixels) and the next ``overlap / 4``
pixels fade linearly into the neighbour's, so seams are blended away. Peak memory is that
of one tile plus the input and output images.

Whole-image statistics: an instance norm normalises its input with the mean and standard
deviation over all positions. Per tile these differ (a tile of sky is not the whole
photo), and neighbouring tiles would come out in different colours. Here every tile uses
the statistics of one thumbnail of the whole image (long side
:data:`STATISTICS_SIZE`), computed once before the tiles: Thumbnail Instance
Normalization (Chen et al., AAAI 2022). :func:`render_normalized` does this with a
network's two calls (the statistics of a thumbnail, a tile rendered with them): the CIN
transformers' (Ghiasi, Dumoulin) in :mod:`arbitrary_nst.networks.thumbnail_norm` and
their LiteRT files; AdaIN passes the thumbnail's relu4_1 statistics to
:func:`arbitrary_nst.networks.layers.adain`, WCT every level's.

Images are float32 ``(H, W, 3)`` in [0, 1]. No TensorFlow.
"""

import numpy as np

from arbitrary_nst import progress
from arbitrary_nst.errors import UsageError
from arbitrary_nst.io import image_io

TILE_SIZE = 1024
"""Default tile side in pixels; images whose long side is larger are tiled."""
OVERLAP = 128
"""Default overlap of neighbouring tiles in pixels."""
STATISTICS_SIZE = 1024
"""Long side of the thumbnail whose instance-norm statistics every tile uses."""
STATISTICS_MIN_SIDE = 128
"""Least short side of that thumbnail (a thin panorama's is larger on the long side)."""
ALIGN = 8


def check_tiling(tile_size, overlap):
    """Raises UsageError unless ``tile_size`` and ``overlap`` are usable together."""
    if tile_size < 64 or tile_size % ALIGN:
        raise UsageError(f"tile_size {tile_size}: expected a multiple of {ALIGN}, at least 64")
    if overlap < 0 or overlap % ALIGN or 2 * overlap >= tile_size:
        raise UsageError(f"tile_overlap {overlap}: expected a multiple of {ALIGN} from 0 to "
                         f"less than half of tile_size ({tile_size})")


def tile_starts(length, tile_size, overlap):
    """Start offsets (multiples of 8) of the tiles covering ``range(length)``.

    Neighbours overlap by at least ``overlap``; the last tile may reach up to 7 pixels past
    the end (it is reflection-padded there). One tile at 0 if ``length <= tile_size``.
    """
    if length <= tile_size:
        return [0]
    last = -(-(length - tile_size) // ALIGN) * ALIGN  # rounded up: ends <= 7 px past
    starts = list(range(0, last, tile_size - overlap))
    return starts + [last]


def edge_weights(length, overlap, fade_start, fade_end):
    """Blending weights ``(length,)`` of one tile along one axis.

    On a faded side the first ``3/8 overlap`` pixels weigh 0 and the next
    ``overlap / 4`` rise linearly to 1; sides on the image border keep weight 1. (Measured
    at 1024 px, tiles of 512: dropping 1/4 instead left errors up to 0.09 near seams at
    overlap 128; 3/8 leaves 0.008.)
    """
    weights = np.ones(length, np.float32)
    drop = overlap * 3 // 8
    ramp = overlap - 2 * drop
    rising = np.concatenate([np.zeros(drop), np.linspace(0.0, 1.0, ramp + 2)[1:-1]])
    if fade_start:
        weights[:drop + ramp] = rising
    if fade_end:
        weights[length - drop - ramp:] = np.minimum(weights[length - drop - ramp:],
                                                    rising[::-1])
    return weights


def crop(array, top, left, height, width):
    """``array[top:top+height, left:left+width]``, reflection-padded where the box passes
    the bottom or right border (by less than the array's size)."""
    piece = array[top:top + height, left:left + width]
    missing_rows, missing_cols = height - piece.shape[0], width - piece.shape[1]
    if missing_rows or missing_cols:
        padding = [(0, missing_rows), (0, missing_cols)] + [(0, 0)] * (array.ndim - 2)
        piece = np.pad(piece, padding, mode="reflect")
    return piece


def render_tiled(arrays, render, tile_size=TILE_SIZE, overlap=OVERLAP, show_progress=True):
    """Renders an image tile by tile and blends the tiles.

    Args:
      arrays: tuple of arrays ``(H, W, ...)`` cut into the same tiles (the content image
        first, then e.g. region masks ``(H, W, R)``).
      render: ``render(*tiles) -> (h, w, 3)`` float32 for tiles ``(h, w, ...)``.
      tile_size, overlap: see the module docstring and :func:`check_tiling`.
      show_progress: draw a progress bar with tiles/s and ETA when there are several tiles.

    Returns:
      float32 ``(H, W, 3)``.
    """
    check_tiling(tile_size, overlap)
    height, width = arrays[0].shape[:2]
    rows, cols = tile_starts(height, tile_size, overlap), tile_starts(width, tile_size, overlap)
    output = np.zeros((height, width, 3), np.float32)
    # Weights are separable and the grid regular, so their sum is an outer product too.
    row_total, col_total = np.zeros(height, np.float32), np.zeros(width, np.float32)
    row_weights, col_weights = [], []
    for starts, length, total, weights in ((rows, height, row_total, row_weights),
                                           (cols, width, col_total, col_weights)):
        for index, start in enumerate(starts):
            inside = min(start + tile_size, length) - start
            weight = edge_weights(inside, overlap, index > 0, index < len(starts) - 1)
            total[start:start + inside] += weight
            weights.append(weight)
    count = len(rows) * len(cols)
    with progress.progress_bar(count, "tiles", show_progress and count > 1) as bar:
        for top, wy in zip(rows, row_weights):
            for left, wx in zip(cols, col_weights):
                tiles = [crop(array, top, left, tile_size if len(rows) > 1 else height,
                              tile_size if len(cols) > 1 else width) for array in arrays]
                rendered = render(*tiles)[:len(wy), :len(wx)]
                output[top:top + len(wy), left:left + len(wx)] += (
                    rendered * wy[:, None, None] * wx[None, :, None])
                bar.update(1)
    output /= row_total[:, None, None]
    output /= col_total[None, :, None]
    return output


def render_normalized(content, statistics, stylize, tile_size=TILE_SIZE, overlap=OVERLAP,
                      statistics_size=STATISTICS_SIZE, show_progress=True):
    """Renders ``content`` ``(H, W, 3)`` in tiles that share one thumbnail's statistics.

    Args:
      statistics: ``statistics(thumbnail (1, h, w, 3)) -> s``, called once on
        :func:`thumbnail`'s image of ``content``.
      stylize: ``stylize(tile (1, th, tw, 3), s) -> (1, th, tw, 3)`` renders a tile
        normalised with ``s``.
      tile_size, overlap, show_progress: as :func:`render_tiled`.
      statistics_size: the thumbnail's long side (px).

    Returns:
      float32 ``(H, W, 3)``.
    """
    computed = statistics(thumbnail(content, statistics_size)[None])
    return render_tiled((content,), lambda tile: np.asarray(stylize(tile[None], computed))[0],
                        tile_size, overlap, show_progress)


def thumbnail(content, statistics_size=STATISTICS_SIZE):
    """``content`` ``(H, W, 3)`` shrunk so its long side is at most ``statistics_size``,
    but its short side no less than :data:`STATISTICS_MIN_SIDE` (a thin panorama's
    thumbnail must hold more than its borders), never enlarged, and never more pixels
    than a ``statistics_size`` square."""
    height, width = content.shape[:2]
    scale = min(1.0, max(statistics_size / max(height, width),
                         STATISTICS_MIN_SIDE / min(height, width)),
                statistics_size / np.sqrt(height * width))
    return image_io.resize(content, int(round(height * scale)), int(round(width * scale)))
