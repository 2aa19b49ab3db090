"""The notebooks run top to bottom (nbclient, a real kernel) at 64 px without an error."""

import os

import nbformat
import pytest
from conftest import TEST_ASSETS
from nbclient import NotebookClient

NOTEBOOKS = os.path.join(os.path.dirname(__file__), "..", "notebooks")


@pytest.mark.parametrize("name", ["blend_styles.ipynb", "style_interpolation.ipynb",
                                  "train_tiny.ipynb"])
def test_notebook_runs(name, monkeypatch):
    monkeypatch.setenv("NST_SIZE", "64")
    monkeypatch.setenv("NST_TRAIN_STEPS", "6")
    monkeypatch.setenv("NST_ASSETS", os.path.abspath(TEST_ASSETS))
    notebook = nbformat.read(os.path.join(NOTEBOOKS, name), as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": NOTEBOOKS}}).execute()
    images = [output for cell in notebook.cells if cell.cell_type == "code"
              for output in cell.get("outputs", []) if "image/png" in output.get("data", {})]
    assert images, "the notebook showed no image"
