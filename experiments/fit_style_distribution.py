"""Fits the style-embedding normal that ``arbitrary_nst.StyleAugmentation`` samples from
(Jackson et al. 2019) to the bundled and the shared paintings
(``configs/experiments/fit_style_distribution.yaml``) and ships it.

  python experiments/fit_style_distribution.py [--assets ../shared/assets]

Writes ``arbitrary_nst/pretrained/style_embedding_distribution.npz`` (mean, covariance,
count) and prints the paintings used and the embedding's spread.
"""

import dataclasses
import glob
import os

import numpy as np
from absl import app
from common import asset, load_settings

import arbitrary_nst as nst
from arbitrary_nst.datasets.augmentation import DISTRIBUTION_PATH, fit_style_distribution
from arbitrary_nst.io.files import IMAGE_EXTENSIONS
from arbitrary_nst.schema import list_setting


@dataclasses.dataclass
class Settings:
    """configs/experiments/fit_style_distribution.yaml."""
    folders: list[str] = list_setting(["samples", "styles"])


def main(argv):
    del argv
    settings = load_settings(Settings, "fit_style_distribution")
    paths = []
    for folder in settings.folders:
        root = nst.SAMPLES_DIR if folder == "samples" else asset(folder)
        paths += sorted(p for p in glob.glob(os.path.join(root, "*"))
                        if p.lower().endswith(IMAGE_EXTENSIONS)
                        and "brandenburg" not in os.path.basename(p))  # the sample photo
    mean, covariance = fit_style_distribution([nst.load_image(p) for p in paths],
                                              DISTRIBUTION_PATH)
    print(f"{len(paths)} paintings: " + ", ".join(os.path.basename(p) for p in paths))
    print(f"mean norm {np.linalg.norm(mean):.3f}, total variance {np.trace(covariance):.3f}; "
          f"wrote {DISTRIBUTION_PATH}")


if __name__ == "__main__":
    app.run(main)
