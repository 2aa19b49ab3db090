"""Figures of the feed-forward methods' controls (AdaIN Fig. 8/9, Ghiasi's interpolation).

Writes to experiments/results/:
* ``alpha_strip.png``: photo, then alpha = 0, 0.25, 0.5, 0.75, 1 for adain (top row) and
  arbitrary (bottom row), cat / Great Wave;
* ``interpolation_grid_{method}.png``: the 5x5 bilinear grid between four paintings;
* ``feedforward_controls.png``: per method (adain, arbitrary, multistyle style 7): the
  result, the style only inside the plant's mask, and with the photo's colours;
* ``multistyle_styles.png``: the photo in 8 of the 26 built-in styles and a 50/50 blend.

Settings: configs/experiments/feedforward_figures.yaml.
Usage: python experiments/feedforward_figures.py [--assets ../shared/assets] [--set size=128]
"""

import dataclasses

from absl import app
from common import asset, load_settings, result_path

import arbitrary_nst as nst
from arbitrary_nst.io import image_io
from arbitrary_nst.schema import list_setting, setting


@dataclasses.dataclass
class Settings:
    """configs/experiments/feedforward_figures.yaml."""
    size: int = setting(256, low=32)
    corners: list[str] = list_setting([
        "styles/hokusai_the_great_wave_off_kanagawa.jpg",
        "styles/kandinsky_composition_viii.jpg", "styles/gogh_starry_night.jpg",
        "styles/renoir_bal_du_moulin_de_la_galette.jpg"])


def main(argv):
    del argv
    settings = load_settings(Settings, "feedforward_figures")
    content = nst.load_image(asset("content/cat.jpg"), size=settings.size)
    wave = nst.load_image(asset(settings.corners[0]))
    alphas = (0.0, 0.25, 0.5, 0.75, 1.0)
    strip = [[content] + [nst.stylize(content, [wave], method=method, alpha=alpha)
                          for alpha in alphas] for method in ("adain", "arbitrary")]
    nst.save_image(result_path("alpha_strip.png"), nst.make_grid(
        strip, row_labels=["adain", "arbitrary"],
        column_labels=["photo"] + [f"alpha {alpha:g}" for alpha in alphas]))

    small = nst.load_image(asset("content/chateaudeChambord.jpg"), size=160)
    corners = [nst.load_image(asset(name)) for name in settings.corners]
    for method in ("adain", "arbitrary"):
        grid = nst.interpolation_grid(small, corners, steps=5, method=method)
        nst.save_image(result_path(f"interpolation_grid_{method}.png"), nst.make_grid(grid))

    plant = nst.load_image(asset("masks/plant.jpg"), size=settings.size)
    mask = nst.load_image(asset("masks/plant_matte.png"), size=settings.size).mean(axis=-1)
    starry = nst.load_image(asset("styles/gogh_starry_night.jpg"))
    rows = []
    for method, style in (("adain", starry), ("arbitrary", starry), ("multistyle", 7)):
        rows.append([plant, nst.stylize(plant, [style], method=method),
                     nst.stylize(plant, [style], method=method, mask=mask),
                     nst.stylize(plant, [style], method=method, preserve_color=True)])
    nst.save_image(result_path("feedforward_controls.png"), nst.make_grid(
        rows, row_labels=["adain", "arbitrary", "multistyle 7"],
        column_labels=["photo", "stylized", "mask", "colour kept"]))

    photo = nst.load_image(asset("content/horse.jpg"), size=160)
    panels = [nst.stylize(photo, [index], method="multistyle") for index in range(0, 24, 3)]
    panels.append(nst.stylize(photo, [3, 12], weights=[0.5, 0.5], method="multistyle"))
    panels = [image_io.resize(p, *panels[0].shape[:2]) for p in [photo] + panels]
    nst.save_image(result_path("multistyle_styles.png"),
                   nst.make_grid([panels[:5], panels[5:]]))


if __name__ == "__main__":
    app.run(main)
