"""How many steps until the tiny multistyle config's styles become distinguishable.

Trains ``configs/multistyle_tiny.yaml`` (4 paintings, 64 px crops of 3 photos, batch 2)
from scratch, stopping at each of ``checkpoints`` steps; at each, renders a photo it never
trains on (the bundled Brandenburg Gate, ``size`` px) with every style and measures:

* ``identified``: the share of the N outputs whose own painting is the closest of the N
  in Gram style loss (:func:`arbitrary_nst.evaluation.metrics.evaluate_pair`); 1/N is chance, 1 =
  every style recognisable;
* ``spread``: the mean absolute pixel difference between the outputs of two different
  styles, averaged over all pairs of styles (0 = every style renders the same image);
* the training loss (mean of the last 10 steps).

Settings: configs/experiments/multistyle_tiny_curve.yaml. Run from the repository root.
Writes experiments/results/multistyle_tiny_curve.md and multistyle_tiny_curve.png (rows:
steps, columns: the styles).
Usage: python experiments/multistyle_tiny_curve.py [--set "checkpoints=[50,100]"]
"""

import dataclasses
import itertools
import os
import tempfile

import numpy as np
from absl import app
from common import load_settings, result_path, write_report

import arbitrary_nst as nst
from arbitrary_nst.evaluation import metrics
from arbitrary_nst.methods.multistyle.network import MultiStyle
from arbitrary_nst.schema import list_setting, setting
from arbitrary_nst.training import data
from arbitrary_nst.training.config import load_config
from arbitrary_nst.training.train import train

ROOT = os.path.join(os.path.dirname(__file__), "..")


@dataclasses.dataclass
class Settings:
    """configs/experiments/multistyle_tiny_curve.yaml."""
    checkpoints: list[int] = list_setting([25, 50, 100, 200, 400, 800])
    size: int = setting(96, low=32)


def render_all(model, photo):
    """The photo rendered with each of the model's styles."""
    return [np.asarray(model.stylize(photo[None], np.eye(model.num_styles,
                                                           dtype=np.float32)[k:k + 1]))[0]
            for k in range(model.num_styles)]


def main(argv):
    del argv
    settings = load_settings(Settings, "multistyle_tiny_curve")
    photo = nst.load_image(os.path.join(nst.SAMPLES_DIR, "brandenburg_gate.jpg"),
                           size=settings.size)
    config_path = os.path.join(ROOT, "configs", "multistyle_tiny.yaml")
    with tempfile.TemporaryDirectory() as run_dir:
        base = load_config(config_path)
        styles_folder = os.path.join(ROOT, base.data.style)
        paintings = [nst.load_image(path) for path in data.list_files(styles_folder)]
        lines = ["# The tiny multistyle config: steps until its styles are distinguishable",
                 "", f"`configs/multistyle_tiny.yaml` ({len(paintings)} paintings, "
                 f"{base.data.crop} px crops, batch {base.data.batch_size}, learning rate "
                 f"{base.train.learning_rate}) trained from scratch; the bundled Brandenburg "
                 f"Gate photo (not trained on) rendered at {settings.size} px with each "
                 f"style. identified: share of outputs whose own painting has the lowest "
                 f"Gram style loss of the {len(paintings)} (chance "
                 f"{1 / len(paintings):.2f}); spread: mean absolute pixel difference "
                 "between two styles' outputs.", "",
                 "| steps | loss (last 10 steps) | identified | spread |", "|---|---|---|---|"]
        rows, losses = [], []
        for steps in sorted(settings.checkpoints):
            config = load_config(config_path, [
                f"checkpoint.dir={run_dir}", f"train.steps={steps}",
                f"data.content={os.path.join(ROOT, base.data.content)}",
                f"data.style={styles_folder}", f"checkpoint.every_steps={steps}"])
            result = train(config, progress=False)
            losses += [loss for _, loss in result["losses"]]
            model = result["model"]
            assert isinstance(model, MultiStyle)
            outputs = render_all(model, photo)
            identified = np.mean([
                int(np.argmin([metrics.evaluate_pair(photo, painting, output,
                                                     size=settings.size)["style_loss"]
                               for painting in paintings]) == k)
                for k, output in enumerate(outputs)])
            spread = np.mean([np.abs(a - b).mean()
                              for a, b in itertools.combinations(outputs, 2)])
            lines.append(f"| {steps} | {np.mean(losses[-10:]):.3g} | {identified:.2f} | "
                         f"{spread:.3f} |")
            print(lines[-1], flush=True)
            rows.append(outputs)
    nst.save_image(result_path("multistyle_tiny_curve.png"), nst.make_grid(
        [[photo] + outputs for outputs in rows],
        row_labels=[f"{steps} steps" for steps in sorted(settings.checkpoints)],
        column_labels=["photo"] + [f"style {k}" for k in range(len(paintings))]))
    lines += ["", "Figure `multistyle_tiny_curve.png`: the photo, then style 0 ... "
              f"{len(paintings) - 1} (the paintings in file-name order) after each number of "
              "steps."]
    write_report("multistyle_tiny_curve.md", lines)


if __name__ == "__main__":
    app.run(main)
