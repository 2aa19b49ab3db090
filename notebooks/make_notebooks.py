"""Writes the notebooks of this folder from the cell sources below (outputs stripped, so
they stay small). Run after editing: python notebooks/make_notebooks.py

Every notebook reads NST_SIZE (longest side of the images, default 384) and NST_ASSETS
(a folder with content/ and styles/ subfolders; default the small copies in
../tests/data/assets, which are in the repository; the full shared asset set has the same
layout) from the environment, so the test suite runs them top to bottom at 64 px.
"""

import os

import nbformat

SETUP = """import os
import numpy as np
from IPython.display import display
from PIL import Image
import arbitrary_nst as nst

SIZE = int(os.environ.get("NST_SIZE", "384"))
ASSETS = os.environ.get("NST_ASSETS", os.path.join("..", "tests", "data", "assets"))

def show(*images, labels=None):
    # float32 (H, W, 3) images in [0, 1], side by side at the first one's height.
    display(Image.fromarray(nst.image_io.to_uint8(nst.make_grid([images], column_labels=labels))))

def painting(name):
    # A painting from ASSETS/styles; a missing one is an error naming it.
    return nst.load_image(os.path.join(ASSETS, "styles", name))"""

NOTEBOOKS = {
    "blend_styles.ipynb": [
        ("markdown", "# Blend styles\n\nLoad a photo and several paintings, set blending "
                     "weights, and compare the blend across methods. Every method takes the "
                     "same `weights`; `arbitrary` mixes style vectors, `adain` mixes feature "
                     "statistics."),
        ("code", SETUP),
        ("code", """content = nst.load_image(os.path.join(nst.SAMPLES_DIR, "brandenburg_gate.jpg"), size=SIZE)
styles = [painting("hokusai_the_great_wave_off_kanagawa.jpg"), painting("kandinsky_composition_viii.jpg")]
show(content, *styles)"""),
        ("markdown", "Change the weights and rerun: they are normalised to sum to 1."),
        ("code", """weights = [0.7, 0.3]
blends = {method: nst.stylize(content, styles, weights=weights, method=method)
          for method in ("arbitrary", "adain")}
show(*blends.values())
assert all(b.shape == content.shape for b in blends.values())"""),
        ("markdown", "A sweep from the first painting to the second:"),
        ("code", """sweep = [nst.stylize(content, styles, weights=[1 - t, t]) for t in np.linspace(0, 1, 5)]
show(*sweep)"""),
        ("markdown", "## Live blending\n\nMove the sliders: each change re-renders a "
                     "preview (256-384 px, the look of the full-size output) and says how "
                     "long it took. The panel needs ipywidgets: "
                     "`pip install -e \".[notebooks]\"`."),
        ("code", """from arbitrary_nst.blend_panel import panel
panel(content, styles, names=["Great Wave", "Composition VIII"])"""),
        ("markdown", "The 26 built-in styles of `multistyle` blend by index:"),
        ("code", """show(nst.stylize(content, [3], method="multistyle"),
     nst.stylize(content, [3, 12], weights=[0.5, 0.5], method="multistyle"),
     nst.stylize(content, [12], method="multistyle"))"""),
    ],
    "style_interpolation.ipynb": [
        ("markdown", "# Style interpolation\n\nThe bilinear grid between four paintings "
                     "(AdaIN paper Fig. 9, Ghiasi et al.'s interpolation figure) and the "
                     "content/style trade-off `alpha`."),
        ("code", SETUP),
        ("code", """content = nst.load_image(os.path.join(nst.SAMPLES_DIR, "brandenburg_gate.jpg"), size=SIZE // 2)
corners = [painting(name) for name in ("hokusai_the_great_wave_off_kanagawa.jpg",
                                       "kandinsky_composition_viii.jpg", "gogh_starry_night.jpg",
                                       "renoir_bal_du_moulin_de_la_galette.jpg")]
grid = nst.interpolation_grid(content, corners, steps=4, method="arbitrary")
print(grid.shape)
# cell (i, j) weighs the corners (1-u)(1-v), u(1-v), (1-u)v, uv with u = j/3, v = i/3
steps = [f"{k / 3:.2f}" for k in range(4)]
picture = nst.make_grid(grid, row_labels=[f"v {v}" for v in steps],
                        column_labels=[f"u {u}" for u in steps])
display(Image.fromarray(nst.image_io.to_uint8(picture)))"""),
        ("markdown", "`alpha` from 0 (the photo's own style) to 1 (the painting's):"),
        ("code", """strip = [nst.stylize(content, corners[:1], alpha=a, method="arbitrary") for a in (0.0, 0.25, 0.5, 0.75, 1.0)]
show(content, *strip, labels=["photo"] + [f"alpha {a}" for a in (0, 0.25, 0.5, 0.75, 1)])"""),
    ],
    "train_tiny.ipynb": [
        ("markdown", "# Train a tiny model from a config\n\nTrains AdaIN's decoder for a "
                     "few steps from `configs/adain_tiny.yaml` and watches the loss. Real "
                     "runs use `arbitrary-nst train --config ...` and TensorBoard."),
        ("code", SETUP),
        ("code", """import tempfile
from arbitrary_nst.training.config import load_config
from arbitrary_nst.training.train import train

steps = int(os.environ.get("NST_TRAIN_STEPS", "60"))
run_dir = tempfile.mkdtemp(prefix="adain_tiny_")
config = load_config(os.path.join("..", "configs", "adain_tiny.yaml"),
                     [f"data.content={ASSETS}/content", f"data.style={ASSETS}/styles",
                      f"train.steps={steps}", f"checkpoint.dir={run_dir}"])
print(config.model, config.train, sep="\\n")"""),
        ("code", """result = train(config, progress=False)
losses = [loss for _, loss in result["losses"]]
print(f"{len(losses)} steps, first {losses[0]:.3g}, last {losses[-1]:.3g}")"""),
        ("markdown", "The loss curve (log scale), drawn with Pillow:"),
        ("code", """from PIL import ImageDraw
values = np.log10(losses)
canvas = Image.new("RGB", (400, 200), "white")
draw = ImageDraw.Draw(canvas)
span = max(values.max() - values.min(), 1e-6)
points = [(10 + 380 * i / max(len(values) - 1, 1), 190 - 180 * (v - values.min()) / span)
          for i, v in enumerate(values)]
draw.line(points, fill="navy", width=2)
display(canvas)"""),
        ("code", """photo = nst.load_image(os.path.join(nst.SAMPLES_DIR, "brandenburg_gate.jpg"), size=SIZE // 2)
show(photo, nst.stylize(photo, [painting("gogh_starry_night.jpg")], method="adain", checkpoint=run_dir))"""),
    ],
}


def main():
    folder = os.path.dirname(os.path.abspath(__file__))
    for name, cells in NOTEBOOKS.items():
        notebook = nbformat.v4.new_notebook()
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                           "language": "python"}
        # Cell ids from the position, so regenerating changes only edited cells.
        notebook.cells = [nbformat.v4.new_markdown_cell(text, id=f"cell-{index}")
                          if kind == "markdown" else
                          nbformat.v4.new_code_cell(text, id=f"cell-{index}")
                          for index, (kind, text) in enumerate(cells)]
        nbformat.write(notebook, os.path.join(folder, name))


if __name__ == "__main__":
    main()
