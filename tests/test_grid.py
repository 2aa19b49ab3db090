"""make_grid: rows of images as one picture, cells in place, gaps white, labels drawn."""

import numpy as np
import pytest

import arbitrary_nst as nst
from arbitrary_nst.errors import UsageError


def cells(rows, cols, height=8, width=12):
    rng = np.random.default_rng(0)
    return rng.uniform(0, 0.9, (rows, cols, height, width, 3)).astype(np.float32)


def test_an_interpolation_grid_array_is_laid_out_in_place_with_white_gaps():
    grid = cells(2, 3)
    picture = nst.make_grid(grid, gap=4)
    assert picture.shape == (2 * 8 + 4, 3 * 12 + 2 * 4, 3) and picture.dtype == np.float32
    for i in range(2):
        for j in range(3):
            np.testing.assert_allclose(picture[i * 12:i * 12 + 8, j * 16:j * 16 + 12],
                                       grid[i, j], atol=1e-6)
    assert (picture[8:12] == 1).all() and (picture[:, 12:16] == 1).all()


def test_images_take_the_first_height_and_short_rows_end_in_white():
    tall = np.zeros((16, 8, 3), np.float32)
    picture = nst.make_grid([[np.zeros((8, 12, 3), np.float32), tall], [tall]], gap=2)
    # tall is resized to height 8 (4 px wide): row 0 is 12 + 2 + 4 = 18 px wide.
    assert picture.shape == (8 + 2 + 8, 18, 3)
    assert (picture[10:, 4:] == 1).all() and (picture[10:, :4] == 0).all()


def test_cells_fit_images_centred_and_none_is_blank():
    wide = np.zeros((10, 20, 3), np.float32)
    picture = nst.make_grid([[None, wide]], gap=0, cell=(20, 20))
    assert picture.shape == (20, 40, 3)
    assert (picture[:, :20] == 1).all()
    assert (picture[5:15, 20:] == 0).all() and (picture[:5, 20:] == 1).all()


def test_labels_add_bands_with_text():
    grid = cells(2, 2, 24, 24)
    plain = nst.make_grid(grid)
    labelled = nst.make_grid(grid, row_labels=["first", "second"],
                             column_labels=["left", "right"])
    assert labelled.shape[0] > plain.shape[0] and labelled.shape[1] > plain.shape[1]
    top = labelled.shape[0] - plain.shape[0]
    left = labelled.shape[1] - plain.shape[1]
    assert labelled[:top].min() < 0.5  # dark text in the header band
    assert labelled[top:, :left].min() < 0.5  # and in the row-label band
    np.testing.assert_allclose(labelled[top:, left:], plain, atol=1 / 255)


@pytest.mark.parametrize("kwargs,message", [
    (dict(rows=[]), "at least one image"),
    (dict(rows=cells(2, 2), row_labels=["one"]), "1 row labels for 2 rows"),
    (dict(rows=cells(2, 2), column_labels=["a", "b", "c"]), "3 column labels for 2 columns"),
])
def test_mismatches_are_named(kwargs, message):
    with pytest.raises(UsageError, match=message):
        nst.make_grid(**kwargs)
