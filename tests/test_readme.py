"""The README's Python example runs exactly as written (on the bundled samples), in a
process of its own as a user runs it (its 2048 px render grew a test process by 1 GB)."""

import os
import re
import subprocess
import sys

import numpy as np

README = os.path.join(os.path.dirname(__file__), "..", "README.md")
KEPT = """
import numpy
numpy.savez("kept.npz", content=content, image=image, large=numpy.array(large.shape),
            grid=numpy.array(grid.shape))
"""
"""Appended to the example: what the test checks of its variables."""


def test_python_example_runs_as_written(tmp_path):
    with open(README, encoding="utf-8") as f:
        text = f.read()
    code = re.search(r"In Python:\n\n```python\n(.*?)```", text, re.S).group(1)
    subprocess.run([sys.executable, "-c", code + KEPT], cwd=tmp_path, check=True)
    assert os.path.exists(tmp_path / "out.png") and os.path.exists(tmp_path / "grid.png")
    kept = np.load(tmp_path / "kept.npz")
    assert kept["image"].shape == kept["content"].shape and max(kept["large"][:2]) == 2048
    assert tuple(kept["grid"][:2]) == (3, 3)
    assert np.abs(kept["image"] - kept["content"]).mean() > 0.05
