"""What the experiment scripts share: the held-out evaluation pairs, where the shared
assets are, and how figures are laid out."""

import os

import numpy as np

ASSETS = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "assets")
RESULTS = os.path.join(os.path.dirname(__file__), "results")

PAIRS = [("content/cat.jpg", "styles/hokusai_the_great_wave_off_kanagawa.jpg"),
         ("content/chateaudeChambord.jpg", "styles/kandinsky_composition_viii.jpg"),
         ("content/horse.jpg", "styles/renoir_bal_du_moulin_de_la_galette.jpg")]
"""Photo / painting pairs every method is evaluated on (held out of AdaIN's training)."""


def side_by_side(rows):
    """Stacks rows of images, padding each row on the right to the widest."""
    width = max(row.shape[1] for row in rows)
    return np.concatenate([np.pad(r, ((0, 0), (0, width - r.shape[1]), (0, 0))) for r in rows])
