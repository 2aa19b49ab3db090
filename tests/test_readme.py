"""The README's Python example runs exactly as written (on the bundled samples)."""

import os
import re

import numpy as np

README = os.path.join(os.path.dirname(__file__), "..", "README.md")


def test_python_example_runs_as_written(tmp_path, monkeypatch):
    with open(README, encoding="utf-8") as f:
        text = f.read()
    code = re.search(r"In Python:\n\n```python\n(.*?)```", text, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert os.path.exists(tmp_path / "out.png")
    content, image, large = namespace["content"], namespace["image"], namespace["large"]
    assert image.shape == content.shape and max(large.shape[:2]) == 2048
    assert namespace["grid"].shape[:2] == (3, 3)
    assert np.abs(image - content).mean() > 0.05
