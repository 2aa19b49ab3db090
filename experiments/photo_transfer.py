"""Photorealistic transfer measured: PhotoWCT against Reinhard et al.'s global colour
transfer on photo pairs (``configs/experiments/photo_transfer.yaml``).

  python experiments/photo_transfer.py [--set size=512] [--assets ../shared/assets]

For each pair (photo, reference photo) at ``size`` px and each variant (``photowct``:
the default fast smoothing; ``photowct_exact``: the closed-form smoothing;
``photowct_none``: no smoothing; ``reinhard``: :func:`arbitrary_nst.rendering.color.reinhard`):

* ``ssim``: luminance SSIM against the photo (structure kept; 1 = all);
* ``distance``: :func:`arbitrary_nst.evaluation.metrics.colour_tone_distance` to the
  reference, relative to the photo's own (1 = nothing taken from the reference, 0 = its
  colours per third and its tone curve);
* ``seconds``: the stylization alone (median of 3 after a warm-up; exact smoothing once).

``smoothing_radii`` (px at a 512 px long side, scaled like
:data:`arbitrary_nst.methods.photowct.smoothing.GUIDED_RADIUS`): the fast smoothing of
the unsmoothed output at each radius, mean ``ssim`` and ``distance`` over the pairs (how
the default radius was chosen).

Writes ``experiments/results/photo_transfer.md``/``.csv`` and ``photo_transfer.png``
(photo | reference | each figure variant, one row per pair).
"""

import csv
import dataclasses
import io

import numpy as np
from absl import app
from common import asset, load_settings, result_path, write_report

import arbitrary_nst as nst
from arbitrary_nst.evaluation import metrics
from arbitrary_nst.io import image_io
from arbitrary_nst.io.atomic import write_atomically
from arbitrary_nst.methods.photowct import smoothing
from arbitrary_nst.rendering.color import reinhard
from arbitrary_nst.schema import list_setting, setting

VARIANTS = {
    "photowct": lambda photo, reference: nst.stylize(photo, [reference], method="photowct"),
    "photowct_exact": lambda photo, reference: nst.stylize(photo, [reference],
                                                           method="photowct", smoothing="exact"),
    "photowct_none": lambda photo, reference: nst.stylize(photo, [reference],
                                                          method="photowct", smoothing="none"),
    "reinhard": reinhard,
}


@dataclasses.dataclass
class Settings:
    """configs/experiments/photo_transfer.yaml."""
    size: int = setting(512, low=32)
    pairs: list[str] = list_setting()
    variants: list[str] = list_setting(list(VARIANTS))
    figure_variants: list[str] = list_setting(["photowct", "reinhard"])
    smoothing_radii: list[int] = list_setting()


def main(argv):
    del argv
    settings = load_settings(Settings, "photo_transfer")
    unknown = sorted(set(settings.variants + settings.figure_variants) - set(VARIANTS))
    if unknown or not settings.pairs:
        raise SystemExit(f"photo_transfer: variants must be among {', '.join(VARIANTS)} "
                         f"(got {unknown}), and pairs not empty")
    rows, figure, radius_rows = [], [], []
    for pair in settings.pairs:
        photo_name, reference_name = pair.split(":")
        photo = nst.load_image(asset(photo_name), size=settings.size)
        reference = nst.load_image(asset(reference_name), size=settings.size)
        own = metrics.colour_tone_distance(photo, reference)
        outputs = {}
        for variant in settings.variants:
            function = VARIANTS[variant]
            repeats = 1 if variant == "photowct_exact" else 3
            function(photo, reference)  # warm-up
            output, seconds = metrics.median_time(function, photo, reference, repeats=repeats)
            outputs[variant] = output
            rows.append({"photo": photo_name, "reference": reference_name, "variant": variant,
                         "ssim": metrics.luminance_ssim(output, photo),
                         "distance": metrics.colour_tone_distance(output, reference) / own,
                         "seconds": seconds})
            print(rows[-1], flush=True)
        unsmoothed = outputs.get("photowct_none")
        if settings.smoothing_radii and unsmoothed is None:
            unsmoothed = VARIANTS["photowct_none"](photo, reference)
        for radius in settings.smoothing_radii:
            smoothed = np.clip(smoothing.fast(np.clip(unsmoothed, 0.0, 1.0), photo, radius),
                               0.0, 1.0)
            radius_rows.append({"radius": radius,
                                "ssim": metrics.luminance_ssim(smoothed, photo),
                                "distance": metrics.colour_tone_distance(smoothed, reference)
                                / own})
        figure.append([photo, image_io.resize(reference, *photo.shape[:2])]
                      + [outputs[v] for v in settings.figure_variants if v in outputs])
    means = [{"variant": variant, **{key: float(np.mean([r[key] for r in rows
                                                          if r["variant"] == variant]))
                                     for key in ("ssim", "distance", "seconds")}}
             for variant in settings.variants]
    lines = ["# Photorealistic transfer on photo pairs", "",
             f"Photos and references at {settings.size} px (long side). `ssim`: luminance "
             "SSIM against the photo. `distance`: colour and tone distance to the reference "
             "(`arbitrary_nst.evaluation.metrics.colour_tone_distance`: mean chroma of the "
             "dark, middle and bright thirds, and the luminance quantiles) relative to the "
             "photo's own distance (1 = nothing taken, 0 = the reference's). `seconds`: the "
             "stylization alone on this machine.", "",
             "| variant | mean ssim | mean distance | mean seconds |", "|---|---|---|---|"]
    lines += [f"| {m['variant']} | {m['ssim']:.3f} | {m['distance']:.3f} | {m['seconds']:.2f} |"
              for m in means]
    lines += ["", "| photo | reference | variant | ssim | distance | seconds |",
              "|---|---|---|---|---|---|"]
    lines += [f"| {r['photo']} | {r['reference']} | {r['variant']} | {r['ssim']:.3f} | "
              f"{r['distance']:.3f} | {r['seconds']:.2f} |" for r in rows]
    if radius_rows:
        lines += ["", f"Fast smoothing radius (px at a 512 px long side; the default is "
                  f"{smoothing.GUIDED_RADIUS}): means over the pairs.", "",
                  "| radius | mean ssim | mean distance |", "|---|---|---|"]
        for radius in settings.smoothing_radii:
            chosen = [r for r in radius_rows if r["radius"] == radius]
            lines.append(f"| {radius} | {np.mean([r['ssim'] for r in chosen]):.3f} | "
                         f"{np.mean([r['distance'] for r in chosen]):.3f} |")
    write_report("photo_transfer.md", lines)
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    data = table.getvalue().encode("utf-8")
    write_atomically(result_path("photo_transfer.csv"), lambda f: f.write(data))
    nst.save_image(result_path("photo_transfer.png"), nst.make_grid(
        figure, column_labels=["photo", "reference"] + settings.figure_variants))


if __name__ == "__main__":
    app.run(main)
