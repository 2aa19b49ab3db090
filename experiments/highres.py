"""High-resolution output: time and peak memory from 1024 to 8192 px, and seams.

1. Every feed-forward method in ``methods`` at every size in ``sizes`` (long side), run
   as a user runs it (``arbitrary-nst stylize --size N``, a fresh process each, so the
   peak RSS is that run's); images above ``tile_size`` are tiled with thumbnail
   statistics (``arbitrary_nst/rendering/tiling.py``). Gatys at ``gatys_sizes`` (coarse-to-fine).
   Also a crop of the largest arbitrary output at full resolution around a tile corner.
   Writes experiments/results/highres.md and highres_largest_crop.png (skipped when
   ``methods`` and ``gatys_sizes`` are empty).
2. Seams at ``seam_size`` px (arbitrary): one untiled pass against tiles normalised with
   the whole image's statistics at full size, with a thumbnail's (what the command does)
   and with each tile's own (the naive way): mean and max absolute difference and the
   tile-to-tile spread; figure: the same crop around a corner where four tiles meet.
   Writes highres_seams.md and highres_seams.png (skipped when ``seam_size`` is 0).
Usage: python experiments/highres.py [--assets ../shared/assets] [--set sizes=[1024]]
"""

import dataclasses
import os
import platform
import tempfile

import numpy as np
import tensorflow as tf
from absl import app
from common import asset, load_settings, result_path, run_cli, write_report
from PIL import Image

import arbitrary_nst as nst
from arbitrary_nst import registry
from arbitrary_nst.methods.arbitrary import weights as arbitrary_weights
from arbitrary_nst.methods.gatys.transfer import SINGLE_LEVEL_SIDE
from arbitrary_nst.networks import thumbnail_norm
from arbitrary_nst.rendering import tiling
from arbitrary_nst.schema import list_setting, setting


@dataclasses.dataclass
class Settings:
    """configs/experiments/highres.yaml."""
    content: str = "content/chateaudeChambord.jpg"
    style: str = "styles/hokusai_the_great_wave_off_kanagawa.jpg"
    methods: list[str] = list_setting(["arbitrary", "multistyle", "adain"])
    multistyle_style: int = setting(0, low=0)
    sizes: list[int] = list_setting([1024, 2048, 4096, 8192])
    tile_size: int = setting(tiling.TILE_SIZE, low=64)
    adain_tile_size: int = setting(registry.get("adain").tile_size, low=64)
    tile_overlap: int = setting(tiling.OVERLAP, low=0)
    gatys_sizes: list[int] = list_setting([1024, 2048])
    gatys_steps: int = setting(5, low=1)
    gatys_coarse_steps: int = setting(20, low=1)
    seam_size: int = setting(2048, low=0)  # 0: no seam report
    crop: int = setting(256, low=32)


def seam_corner(tile_size, overlap):
    """Pixel where the first four tiles' blending zones cross (row = column)."""
    second = tiling.tile_starts(10 * tile_size, tile_size, overlap)[1]
    return second + overlap // 2


def timing_table(settings, style_path, folder):
    lines = ["| method | long side px | output | tiles | seconds | peak RSS MiB |",
             "|---|---|---|---|---|---|"]
    runs = [(method, size, []) for method in settings.methods for size in settings.sizes]
    runs += [("gatys", size, ["--steps", settings.gatys_steps, "--coarse_steps",
                              settings.gatys_coarse_steps]) for size in settings.gatys_sizes]
    largest = None
    for method, size, extra in runs:
        spec = registry.get(method)
        style = style_path if spec.style_images else settings.multistyle_style
        output = os.path.join(folder, f"{method}_{size}.png")
        tile_size = settings.adain_tile_size if method == "adain" else settings.tile_size
        if spec.tiled:
            extra = ["--tile_size", tile_size, "--tile_overlap", settings.tile_overlap]
        _, seconds, peak = run_cli("stylize", "--content", asset(settings.content), "--style",
                                   style, "--method", method, "--size", size, "--output",
                                   output, "--noprogress", *extra)
        width, height = Image.open(output).size
        tiles = "-" if not spec.tiled else len(
            tiling.tile_starts(height, tile_size, settings.tile_overlap)) * len(
            tiling.tile_starts(width, tile_size, settings.tile_overlap))
        lines.append(f"| {method} | {size} | {width}x{height} | {tiles} | {seconds:.1f} | "
                     f"{peak:.0f} |")
        print(lines[-1], flush=True)
        if method == "arbitrary":
            largest = output
    return lines, largest


def tile_spread(image, whole, tile_size, overlap):
    """Standard deviation over tiles of each tile's mean (signed) difference from
    ``whole``: 0 when every tile is off by the same amount (no tile-to-tile colour shift)."""
    height, width = whole.shape[:2]
    means = [float((image - whole)[top:top + tile_size, left:left + tile_size].mean())
             for top in tiling.tile_starts(height, tile_size, overlap)
             for left in tiling.tile_starts(width, tile_size, overlap)]
    return float(np.std(means))


def seam_report(settings, style):
    """highres_seams.md and .png: the arbitrary model at ``seam_size`` px, tiled three ways
    and untiled."""
    content = nst.load_image(asset(settings.content), size=settings.seam_size)
    model = arbitrary_weights.shipped()
    vector = model.style_vector(style[None])
    whole = model.stylize(content[None], vector).numpy()[0]
    thumbnailed = thumbnail_norm.thumbnail_normalized(model.transformer)
    variants = {
        f"the whole image's statistics, computed at full size ({settings.seam_size} px)":
            thumbnailed(content, vector, settings.tile_size, settings.tile_overlap,
                        statistics_size=settings.seam_size, show_progress=False),
        f"a {tiling.STATISTICS_SIZE} px thumbnail's statistics (what the command does)":
            thumbnailed(content, vector, settings.tile_size, settings.tile_overlap,
                        show_progress=False),
        "each tile's own statistics (naive tiling)":
            tiling.render_tiled((content,), lambda tile: model.stylize(tile[None], vector)
                                .numpy()[0], settings.tile_size, settings.tile_overlap,
                                show_progress=False)}
    corner, half = seam_corner(settings.tile_size, settings.tile_overlap), settings.crop // 2
    crops = [image[corner - half:corner + half, corner - half:corner + half]
             for image in [whole, *variants.values()]]
    nst.save_image(result_path("highres_seams.png"), np.concatenate(crops, axis=1))
    lines = [f"# Seams at {settings.seam_size} px", "",
             f"Arbitrary model, {os.path.basename(settings.content)} with "
             f"{os.path.basename(settings.style)}, tiles of {settings.tile_size} px overlapping "
             f"by {settings.tile_overlap}, compared with one untiled pass. Tile-to-tile "
             "spread: standard deviation over the tiles of each tile's mean difference from "
             "the untiled pass (a colour shift between tiles shows up here; a shift shared by "
             "all tiles does not).", "",
             "| tiles normalised with | mean abs. difference | max | tile-to-tile spread |",
             "|---|---|---|---|"]
    for label, image in variants.items():
        difference = np.abs(image - whole)
        spread = tile_spread(image, whole, settings.tile_size, settings.tile_overlap)
        lines.append(f"| {label} | {difference.mean():.4f} | {difference.max():.3f} | "
                     f"{spread:.4f} |")
    lines += ["", f"Figure `highres_seams.png`: {settings.crop} px crops around pixel "
              f"({corner}, {corner}), where four tiles meet: untiled, then the three rows "
              "above in order."]
    return lines


def timing_report(settings, style_path):
    """highres.md and highres_largest_crop.png: the timing and memory table."""
    lines = ["# High-resolution output", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores, no GPU, TensorFlow "
             f"{tf.__version__}. Content {os.path.basename(settings.content)} (1024 px "
             f"original, upscaled), style {os.path.basename(settings.style)}. Each row is "
             "one `arbitrary-nst stylize` process: seconds for the whole command (start-up, "
             "weights, tracing, reading and writing the PNG) and that process's peak RSS. "
             "Gatys: its default coarse-to-fine levels (the coarsest at most "
             f"{SINGLE_LEVEL_SIDE} px), {settings.gatys_coarse_steps} L-BFGS iterations per "
             f"coarse level and {settings.gatys_steps} at full size (too few for a finished "
             "image: the row measures memory and the cost per level).", ""]
    with tempfile.TemporaryDirectory() as folder:
        table, largest = timing_table(settings, style_path, folder)
        lines += table + [""]
        if largest:
            image = np.asarray(Image.open(largest), np.float32) / 255.0
            corner = seam_corner(settings.tile_size, settings.tile_overlap)
            half = settings.crop
            nst.save_image(result_path("highres_largest_crop.png"),
                           image[corner - half:corner + half, corner - half:corner + half])
            lines += [f"Figure `highres_largest_crop.png`: a {2 * half} px crop at full "
                      f"resolution of the largest arbitrary output ({image.shape[1]}x"
                      f"{image.shape[0]}) around pixel ({corner}, {corner}), where four "
                      "tiles meet."]
    return lines


def main(argv):
    del argv
    settings = load_settings(Settings, "highres")
    if settings.methods or settings.gatys_sizes:
        write_report("highres.md", timing_report(settings, asset(settings.style)))
    if settings.seam_size:
        style = nst.load_image(asset(settings.style))
        write_report("highres_seams.md", seam_report(settings, style))


if __name__ == "__main__":
    app.run(main)
