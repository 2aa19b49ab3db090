"""Figures of Gatys transfer on shared photo/painting pairs and of the controls.

Writes to experiments/results/:
* ``gatys_shared_pairs.png``: rows of photo | painting | result, 256 px, L-BFGS with 100
  iterations at 128 px then 100 at 256 px, and prints each row's ``evaluate`` losses;
* ``gatys_controls.png``: photo | Starry Night inside the plant's mask only |
  colour preservation by luminance-only transfer | by colour matching.

Usage: python experiments/gatys_figures.py [--assets ../shared/assets]
"""

import json
import os

import numpy as np
from absl import app, flags

import arbitrary_nst as nst
from arbitrary_nst import image_io
from common import ASSETS, PAIRS, RESULTS, side_by_side

FLAGS = flags.FLAGS
flags.DEFINE_string("assets", ASSETS, "The shared assets folder.")
flags.DEFINE_integer("size", 256, "Longest side of the outputs.")

SETTINGS = dict(method="gatys", steps=100, levels=2, coarse_steps=100, progress=False)


def main(argv):
    del argv
    asset = lambda name: os.path.join(FLAGS.assets, name)  # noqa: E731
    rows = []
    for content_name, style_name in PAIRS:
        content = nst.load_image(asset(content_name), size=FLAGS.size)
        style = nst.load_image(asset(style_name))
        output = nst.stylize(content, [style], **SETTINGS)
        print(json.dumps({"content": content_name, "style": style_name,
                          **nst.evaluate_pair(content, style, output)}), flush=True)
        rows.append(np.concatenate(
            [content, image_io.resize(style, *content.shape[:2]), output], axis=1))
    nst.save_image(os.path.join(RESULTS, "gatys_shared_pairs.png"), side_by_side(rows))

    content = nst.load_image(asset("masks/plant.jpg"), size=FLAGS.size)
    mask = nst.load_image(asset("masks/plant_matte.png"), size=FLAGS.size).mean(axis=-1)
    style = nst.load_image(asset("styles/gogh_starry_night.jpg"))
    panels = [content,
              nst.stylize(content, [style], mask=mask, **SETTINGS),
              nst.stylize(content, [style], preserve_color=True, **SETTINGS),
              nst.stylize(content, [style], preserve_color=True, color_method="histogram",
                          **SETTINGS)]
    nst.save_image(os.path.join(RESULTS, "gatys_controls.png"), np.concatenate(panels, 1))


if __name__ == "__main__":
    app.run(main)
