"""LiteRT files at every precision against TensorFlow, on the bundled pair and the
held-out shared pairs (``configs/experiments/tflite_precision.yaml``).

For each method with LiteRT networks (``registry.names(litert=True)``) and each precision
of :data:`arbitrary_nst.lite.convert.PRECISIONS`, the shipped networks are converted
(int8: calibrated on 128 px crops of the bundled photo with the bundled painting's
condition), then every pair is rendered at ``size`` px (the working size: one network
pass) through the method's own code with those files, and compared with the TensorFlow
render: mean and largest absolute difference per pixel and channel ([0, 1] scale) and
the files' size (times: ``benchmark_startup.py``); the tiled rendering's files (which
a single pass does not call) are left out. A precision whose files LiteRT refuses to run
(a kernel's error) is reported as failing, with the error's first line.

Each method and precision is measured in a process of its own (this script with
``--rows``): the converter's memory is not all handed back (one process for every
method at every precision grew past 24 GB; one for photowct's four precisions, past 19).

Writes experiments/results/tflite_precision.md.
Usage: python experiments/tflite_precision.py [--set size=256] [--set methods=[adain]]
"""

import dataclasses
import os
import sys
import tempfile

import numpy as np
from absl import app, flags
from common import PAIRS, asset, load_settings, run_process, write_report

import arbitrary_nst as nst
from arbitrary_nst import registry
from arbitrary_nst.io import image_io
from arbitrary_nst.lite.convert import PRECISIONS, to_tflite
from arbitrary_nst.lite.runtime import LiteModel
from arbitrary_nst.methods.regions import Region
from arbitrary_nst.schema import list_setting, setting

flags.DEFINE_string("rows", None, "Measure the one method and precision of --set "
                    "methods=[NAME] --set precisions=[PRECISION] and write its table row to "
                    "this file (what each measuring process does).")

CALIBRATION_SIZE = 512
"""The bundled photo's size for the int8 calibration crops (128 px, 96 px apart)."""


@dataclasses.dataclass
class Settings:
    """configs/experiments/tflite_precision.yaml."""
    size: int = setting(512, low=64)
    precisions: list[str] = list_setting(PRECISIONS)
    builtin_style: int = setting(7, low=0)
    methods: list[str] = list_setting(registry.names(litert=True))


def calibration(method, network, content, style):
    """``{file: callable}`` of int8 calibration inputs for each of ``method``'s files:
    128 px crops of ``content`` with ``style``'s condition (CIN transformers), 256 px
    squares (a style predictor), the crops' features (and pooling switches) at the level
    of a decoder file (WCT's and PhotoWCT's), or the crops with ``style``'s relu4_1
    statistics, one region of ones and alpha 1 (AdaIN's files)."""
    crops = [content[y:y + 128, x:x + 128][None]
             for y in range(0, content.shape[0] - 127, 96)
             for x in range(0, content.shape[1] - 127, 96)]
    inputs = {}
    for name, (model, _, _) in method.lite_models(network).items():
        if name in method.lite_network.ON_DEMAND:  # the tiled rendering's: not converted
            continue
        names = [tensor.name for tensor in model.inputs]
        if len(names) == 1 and hasattr(method, "condition"):  # a style predictor
            squares = [image_io.resize(crop[0], 256, 256)[None] for crop in crops]
            inputs[name] = lambda n=names[0], s=squares: ({n: x} for x in s)
        elif "_decoder_" in name:  # a level's decoder: what its encoder gives
            inputs[name] = lambda level=name.split("_decoder_")[1], c=crops: (
                decoder_inputs(network, x, level) for x in c)
        elif len(names) == 1:
            inputs[name] = lambda n=names[0], c=crops: ({n: x} for x in c)
        elif hasattr(method, "condition"):
            inputs[name] = lambda n=names, c=crops, v=np.asarray(method.condition(style)): (
                {n[0]: x, n[1]: v} for x in c)
        else:
            mean, std = (np.asarray(s) for s in network.style_statistics(style[None]))
            fixed = {"style_mean": mean, "style_std": std, "alphas": np.ones(1, np.float32),
                     "masks": np.ones((1, 128, 128), np.float32)}
            inputs[name] = lambda c=crops, f=fixed: ({"content": x, **f} for x in c)
    return inputs


def decoder_inputs(network, images, level):
    """``{"features": ..., pooling: switches}`` of ``images`` at ``level`` (a WCT-family
    network's encoder output, the inputs of that level's decoder file)."""
    features, switches = network.encode_for_decoding(images, level)
    return {"features": np.asarray(features),
            **{pool: np.asarray(value) for pool, value in (switches or {}).items()}}


def pairs():
    """The (photo, painting) paths: the bundled pair, then the held-out shared ones."""
    bundled = (os.path.join(nst.SAMPLES_DIR, "brandenburg_gate.jpg"),
               os.path.join(nst.SAMPLES_DIR, "starry_night.jpg"))
    return [bundled] + [(asset(c), asset(s)) for c, s in PAIRS]


def method_rows(name, settings):
    """The report's rows of method ``name``: one per precision of ``settings``."""
    spec = registry.get(name)
    implementation = registry.implementation(name)
    reference = implementation.load(spec, spec.settings(runtime="tf"))
    network = reference.network
    evaluated = pairs()
    photos = [image_io.resize_longest(nst.load_image(c), settings.size) for c, _ in evaluated]
    styles = ([nst.load_image(s) for _, s in evaluated] if spec.style_images
              else [settings.builtin_style] * len(photos))
    regions = [Region(None, (1.0,))]
    expected = [reference.stylize(p, [s], regions) for p, s in zip(photos, styles)]
    calibrate = calibration(reference, network,
                            nst.load_image(evaluated[0][0], size=CALIBRATION_SIZE), styles[0])
    rows = []
    for precision in settings.precisions:
        with tempfile.TemporaryDirectory() as folder:
            models = {}
            on_demand = implementation.lite_network.ON_DEMAND  # the tiles': not called
            for file, (model, signature, output) in implementation.lite_models(
                    network).items():
                models[file] = LiteModel(os.path.join(folder, f"{file}.tflite"))
                if file not in on_demand:
                    with open(models[file].path, "wb") as f:
                        f.write(to_tflite(model, signature, output, precision,
                                          calibrate[file]))
            size = sum(os.path.getsize(m.path) for file, m in models.items()
                       if file not in on_demand) / 1024
            lite = implementation(spec, reference.settings,
                                  implementation.lite_network(models), "litert")
            differences = []
            try:
                for photo, style, target in zip(photos, styles, expected):
                    output = lite.stylize(photo, [style], regions)
                    differences.append(np.abs(np.clip(output, 0, 1) - np.clip(target, 0, 1)))
            except RuntimeError as exc:  # a kernel refusing this precision's numbers
                failure = str(exc).splitlines()[0]
        if len(differences) < len(photos):
            rows.append(f"| {name} | {precision} | {size:,.0f} | fails: {failure} | |")
            continue
        rows.append(f"| {name} | {precision} | {size:,.0f} | "
                    f"{np.mean([d.mean() for d in differences]):.5f} | "
                    f"{max(d.max() for d in differences):.4f} |")
    return rows


def main(argv):
    del argv
    settings = load_settings(Settings, "tflite_precision")
    if flags.FLAGS.rows:
        name, = settings.methods
        with open(flags.FLAGS.rows, "w", encoding="utf-8") as f:
            f.write("\n".join(method_rows(name, settings)) + "\n")
        return
    lines = ["# LiteRT precisions against TensorFlow", "",
             f"Renders at {settings.size} px (one network pass) of the bundled pair and the "
             f"{len(PAIRS)} held-out shared pairs; differences per pixel and channel on the "
             "[0, 1] scale (1/255 = 0.0039), against the TensorFlow render.", "",
             "| method | precision | files KiB | mean diff | max diff |",
             "|---|---|---|---|---|"]
    for name in settings.methods:
        for precision in settings.precisions:
            with tempfile.NamedTemporaryFile("r", suffix=".md") as rows:
                _, seconds, peak = run_process([
                    sys.executable, __file__, *sys.argv[1:], "--set", f"methods=[{name}]",
                    "--set", f"precisions=[{precision}]", "--rows", rows.name])
                lines += rows.read().splitlines()
            print(f"{name} {precision}: {seconds:.0f} s, peak RSS {peak:,.0f} MiB", flush=True)
    write_report("tflite_precision.md", lines)


if __name__ == "__main__":
    app.run(main)
