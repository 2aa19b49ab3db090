"""The same picture at every size: the feed-forward methods from 512 to 4096 px.

For each held-out pair, method and output size (long side), the command is run as a user
runs it (``arbitrary-nst stylize --size N``, a fresh process each: time and peak RSS are
that run's) in each rendering mode:

* ``single``: one pass of the network at the output size (``--working_size N``), what
  every size did before multi-scale rendering;
* ``network`` (the default), ``photo``, ``none``: the look at the 512 px working size,
  detail from a full-size pass of the network, from the photo, or none
  (``arbitrary_nst/rendering/multiscale.py``).

Scores in the fixed VGG16 space of ``arbitrary_nst.evaluation.metrics.evaluate_pair`` with
the output resized to ``eval_size`` px: Gram style loss relative to the photo's own (the
photo scored as if it were the stylized image: lower = more of the painting) and content
loss, each
then relative to the 512 px output's (1 = as much style / content as the preview);
``preview``: mean absolute difference of the output resized to 512 px against the 512 px
output; ``sharpness``: mean absolute Laplacian of the
output's luminance over that of the 512 px output upsampled bicubic to the same size
(``arbitrary_nst.evaluation.metrics.sharpness``); ``grid``: the period-4 pattern of the output
(``arbitrary_nst.evaluation.metrics.grid_pattern``), the banding nearest upsampling leaves.
``multistyle`` has built-in styles: its style reference is its own 512 px rendering of the
bundled Brandenburg Gate photo with the same style (the look, apart from any content).

Writes experiments/results/style_at_every_size.md/.csv and style_at_every_size_crops_N.png
(``report`` names them) for each size N above 512 (pair ``crop_pair``, a ``crop`` px
square at ``crop_at``: the 512 px output upsampled, then each mode; one row per method).
Usage: python experiments/style_at_every_size.py [--assets ../shared/assets]
  [--set sizes=[512,1024]] [--set methods=[arbitrary]]
"""

import csv
import dataclasses
import io
import os
import tempfile

import numpy as np
from absl import app
from common import asset, load_settings, result_path, run_cli, write_report

import arbitrary_nst as nst
from arbitrary_nst import registry
from arbitrary_nst.evaluation import metrics
from arbitrary_nst.io import image_io
from arbitrary_nst.io.atomic import write_atomically
from arbitrary_nst.rendering.multiscale import REFERENCE_SIZE
from arbitrary_nst.schema import list_setting, setting

MODES = ("single", "network", "photo", "none")


@dataclasses.dataclass
class Settings:
    """configs/experiments/style_at_every_size.yaml."""
    pairs: list[str] = list_setting([
        "content/cat.jpg:styles/hokusai_the_great_wave_off_kanagawa.jpg",
        "content/horse.jpg:styles/renoir_bal_du_moulin_de_la_galette.jpg",
        "content/scarlet_macaw.jpg:styles/kandinsky_composition_viii.jpg"])
    methods: list[str] = list_setting(["arbitrary", "multistyle", "adain"])
    multistyle_style: int = setting(0, low=0)
    sizes: list[int] = list_setting([512, 1024, 2048, 4096])
    modes: list[str] = list_setting(list(MODES))
    crop_pair: int = setting(2, low=0)  # the pair the crop figures show
    crop_at: list[float] = list_setting([0.1, 0.7])  # crop's top-left, fractions of H, W
    crop: int = setting(384, low=32)
    eval_size: int = setting(256, low=32)
    report: str = "style_at_every_size"  # the file names written: {report}.md, .csv, ...


def render(method, content_path, style, size, mode, path, settings):
    """Runs the command; returns ``(seconds, peak RSS MiB)``."""
    style = style if registry.get(method).style_images else settings.multistyle_style
    extra = (["--working_size", size] if mode == "single" else
             ["--detail", mode] if size > REFERENCE_SIZE else [])
    _, seconds, peak = run_cli("stylize", "--content", content_path, "--style", style,
                               "--method", method, "--size", size, "--output", path,
                               "--noprogress", *extra)
    return seconds, peak


def main(argv):
    del argv
    settings = load_settings(Settings, "style_at_every_size")
    unknown = sorted(set(settings.modes) - set(MODES))
    if unknown:
        raise SystemExit(f"modes: unknown {unknown[0]!r}, expected some of {', '.join(MODES)}")
    rows, crops = [], {}
    with tempfile.TemporaryDirectory() as folder:
        look = os.path.join(folder, "multistyle_look.png")
        if "multistyle" in settings.methods:
            run_cli("stylize", "--content", os.path.join(nst.SAMPLES_DIR, "brandenburg_gate.jpg"),
                    "--style", settings.multistyle_style, "--method", "multistyle",
                    "--output", look, "--noprogress")
        for pair_index, pair in enumerate(settings.pairs):
            content_name, style_name = pair.split(":")
            content = nst.load_image(asset(content_name))
            for method in settings.methods:
                style = nst.load_image(asset(style_name) if registry.get(method).style_images
                                       else look)
                method_rows = []
                photo = metrics.evaluate_pair(content, style, content, settings.eval_size)
                outputs = {}
                for size in settings.sizes:
                    for mode in (settings.modes if size != REFERENCE_SIZE else ["network"]):
                        path = os.path.join(folder, f"{method}_{size}_{mode}.png")
                        seconds, peak = render(method, asset(content_name), asset(style_name),
                                               size, mode, path, settings)
                        image = nst.load_image(path)
                        outputs[size, mode] = image
                        scores = metrics.evaluate_pair(content, style, image, settings.eval_size)
                        scores["style_loss"] /= photo["style_loss"]
                        scores["style_loss_vs_photo"] = scores.pop("style_loss")
                        method_rows.append({"pair": pair, "method": method, "size": size,
                                            "mode": mode if size != REFERENCE_SIZE
                                            else "preview", "seconds": seconds,
                                            "peak_mib": peak, **scores})
                        print(method_rows[-1], flush=True)
                preview = outputs[REFERENCE_SIZE, "network"]
                reference = next(r for r in method_rows if r["mode"] == "preview")
                for row in method_rows:
                    image = outputs[row["size"], "network" if row["mode"] == "preview"
                                    else row["mode"]]
                    row["style_ratio"] = (row["style_loss_vs_photo"]
                                          / reference["style_loss_vs_photo"])
                    row["content_ratio"] = row["content_loss"] / reference["content_loss"]
                    row["preview_diff"] = float(np.abs(image_io.resize_longest(
                        image, REFERENCE_SIZE) - preview).mean())
                    row["sharpness"] = metrics.sharpness(image, preview)
                    row["grid"] = metrics.grid_pattern(image)
                rows.extend(method_rows)
                if pair_index == settings.crop_pair:
                    for size in settings.sizes:
                        if size > REFERENCE_SIZE:
                            crops.setdefault(size, []).append(
                                crop_row(outputs, preview, size, settings))
    write_outputs(rows, settings)
    for size, rows_of_crops in crops.items():
        nst.save_image(result_path(f"{settings.report}_crops_{size}.png"),
                       nst.make_grid(rows_of_crops,
                                     column_labels=["preview"] + settings.modes))


def crop_row(outputs, preview, size, settings):
    """Crops at ``size`` (``crop_at``): the preview upsampled, then each mode."""
    pieces = []
    for mode in ["preview"] + settings.modes:
        image = (image_io.upsample(preview, outputs[size, settings.modes[0]].shape[:2])
                 if mode == "preview" else outputs[size, mode])
        top, left = (int(f * s) for f, s in zip(settings.crop_at, image.shape[:2]))
        pieces.append(np.clip(image[top:top + settings.crop, left:left + settings.crop], 0, 1))
    return pieces


def write_outputs(rows, settings):
    columns = ("pair", "method", "size", "mode", "seconds", "peak_mib", "content_loss",
               "style_loss_vs_photo", "ssim", "style_ratio", "content_ratio", "preview_diff",
               "sharpness", "grid")
    text = io.StringIO()
    writer = csv.DictWriter(text, columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    write_atomically(result_path(f"{settings.report}.csv"),
                     lambda f: f.write(text.getvalue().encode("utf-8")))
    lines = [f"# Style at every size\n\nPairs: {', '.join(settings.pairs)}; means over the "
             f"pairs. Losses at {settings.eval_size} px; style loss / photo's = Gram style "
             "loss over the photo's own; ratios are to the "
             f"{REFERENCE_SIZE} px output's; preview = mean "
             f"abs. difference at {REFERENCE_SIZE} px against it; sharpness = mean "
             "|Laplacian| over that of the upsampled preview; grid = the period-4 pattern "
             "(banding, `arbitrary_nst.evaluation.metrics.grid_pattern`, luminance units). "
             "Time and "
             "peak RSS: one `arbitrary-nst stylize` process, start-up and PNG writing "
             "included.\n",
             "| method | size | mode | style loss / photo's | style loss / 512's | content loss "
             "/ 512's | preview diff | sharpness | grid | seconds | peak RSS MiB |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    keys = sorted({(r["method"], r["size"], r["mode"]) for r in rows},
                  key=lambda k: (settings.methods.index(k[0]), k[1],
                                 (["preview"] + list(MODES)).index(k[2])))
    for method, size, mode in keys:
        group = [r for r in rows if (r["method"], r["size"], r["mode"]) == (method, size, mode)]
        mean = {name: np.mean([r[name] for r in group]) for name in
                ("style_loss_vs_photo", "style_ratio", "content_ratio", "preview_diff",
                 "sharpness", "grid", "seconds", "peak_mib")}
        lines.append(f"| {method} | {size} | {mode} | {mean['style_loss_vs_photo']:.2f} | "
                     f"{mean['style_ratio']:.2f} | "
                     f"{mean['content_ratio']:.2f} | {mean['preview_diff']:.3f} | "
                     f"{mean['sharpness']:.2f} | {mean['grid']:.4f} | {mean['seconds']:.1f} | "
                     f"{mean['peak_mib']:.0f} |")
    write_report(f"{settings.report}.md", lines)


if __name__ == "__main__":
    app.run(main)
