"""Figures of Gatys transfer on shared photo/painting pairs and of the controls.

Writes to experiments/results/:
* ``gatys_shared_pairs.png``: rows of photo | painting | result, 256 px, L-BFGS with 100
  iterations at 128 px then 100 at 256 px, and prints each row's ``evaluate`` losses;
* ``gatys_controls.png``: photo | Starry Night inside the plant's mask only |
  colour preservation by luminance-only transfer | by colour matching.

Settings: configs/experiments/gatys_figures.yaml.
Usage: python experiments/gatys_figures.py [--assets ../shared/assets] [--set size=128]
"""

import dataclasses
import json

from absl import app
from common import PAIRS, asset, load_settings, result_path

import arbitrary_nst as nst
from arbitrary_nst.schema import setting


@dataclasses.dataclass
class Settings:
    """configs/experiments/gatys_figures.yaml: output size and L-BFGS schedule."""
    size: int = setting(256, low=32)
    levels: int = setting(2, low=1)
    steps: int = setting(100, low=1)
    coarse_steps: int = setting(100, low=1)


def main(argv):
    del argv
    settings = load_settings(Settings, "gatys_figures")
    options = dict(method="gatys", steps=settings.steps, levels=settings.levels,
                   coarse_steps=settings.coarse_steps, progress=False)
    rows = []
    for content_name, style_name in PAIRS:
        content = nst.load_image(asset(content_name), size=settings.size)
        style = nst.load_image(asset(style_name))
        output = nst.stylize(content, [style], **options)
        print(json.dumps({"content": content_name, "style": style_name,
                          **nst.evaluate_pair(content, style, output)}), flush=True)
        rows.append([content, style, output])
    nst.save_image(result_path("gatys_shared_pairs.png"), nst.make_grid(
        rows, column_labels=["photo", "painting", "gatys"]))

    content = nst.load_image(asset("masks/plant.jpg"), size=settings.size)
    mask = nst.load_image(asset("masks/plant_matte.png"), size=settings.size).mean(axis=-1)
    style = nst.load_image(asset("styles/gogh_starry_night.jpg"))
    panels = [content,
              nst.stylize(content, [style], mask=mask, **options),
              nst.stylize(content, [style], preserve_color=True, **options),
              nst.stylize(content, [style], preserve_color=True, color_method="histogram",
                          **options)]
    nst.save_image(result_path("gatys_controls.png"), nst.make_grid(
        [panels], column_labels=["photo", "mask", "colour kept (luminance)",
                                 "colour kept (histogram)"]))


if __name__ == "__main__":
    app.run(main)
