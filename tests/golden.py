"""Golden outputs: every method and control on small fixed inputs, and a few training
steps' losses, recorded so a refactoring can be checked to change nothing.

``python tests/golden.py`` (from the repository root) writes ``tests/data/golden.npz``;
``tests/test_golden.py`` renders the same cases and compares them with it: images within
1/255 (largest absolute difference), training losses within 1e-5 relative. Regenerate the
file only when a change of behaviour is intended, and say so in the commit.

Inputs: the bundled sample photo and painting at 64 px, and a second synthetic style
(red/blue stripes); the three small photos and four paintings of ``tests/data/assets``
for training.
"""

import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN_PATH = os.path.join(ROOT, "tests", "data", "golden.npz")
IMAGE_TOLERANCE = 1.0 / 255.0
LOSS_TOLERANCE = 1e-3
"""Relative: three training steps compound the CPU's kernel differences (a machine with
AVX-512 FP16 gave one multistyle loss 1.2e-4 away from the recording); a refactoring that
changes a loss moves it by far more."""
TRAINING_STEPS = 3


def inputs():
    """``(content (48, 64, 3), style (48, 64, 3), stripes (48, 64, 3), mask (48, 64))``."""
    from arbitrary_nst import SAMPLES_DIR
    from arbitrary_nst.io import image_io
    content = image_io.load_image(os.path.join(SAMPLES_DIR, "brandenburg_gate.jpg"), size=64)
    style = image_io.load_image(os.path.join(SAMPLES_DIR, "starry_night.jpg"), size=64)
    height, width = content.shape[:2]
    x = np.linspace(0, 6 * np.pi, width, dtype=np.float32)
    stripes = 0.5 + 0.5 * np.sin(x)[None, :].repeat(height, 0)
    stripes = np.stack([stripes, 0.1 * np.ones_like(stripes), 1 - stripes], -1)
    mask = np.zeros((height, width), np.float32)
    mask[:, : width // 2] = 1.0
    return content, style, stripes.astype(np.float32), mask


def render_cases():
    """``{name: (args, kwargs)}`` of :func:`arbitrary_nst.stylize` calls (styles given by
    name: "style", "stripes"; "content" and "mask" likewise)."""
    cases = {}
    for method in ("arbitrary", "adain"):
        two = ["style", "stripes"]
        cases.update({
            f"{method}/plain": (["style"], {}),
            f"{method}/alpha": (["style"], {"alpha": 0.5}),
            f"{method}/blend": (two, {"weights": [0.7, 0.3]}),
            f"{method}/mask_one": (["style"], {"mask": "mask"}),
            f"{method}/mask_two": (two, {"mask": "mask", "alpha": 0.8}),
            f"{method}/luminance": (["style"], {"preserve_color": True}),
            f"{method}/histogram": (["style"], {"preserve_color": True,
                                                "color_method": "histogram"}),
            f"{method}/style_scale": (["style"], {"style_scale": 2.0}),
            f"{method}/detail_network": (["style"], {"size": 96, "working_size": 64}),
            f"{method}/detail_photo": (["style"], {"size": 96, "working_size": 64,
                                                   "detail": "photo"}),
            f"{method}/detail_none": (["style"], {"size": 96, "working_size": 64,
                                                  "detail": "none"}),
            f"{method}/tiled": (["style"], {"size": 160, "working_size": 160, "tile_size": 64,
                                            "tile_overlap": 24}),
            f"{method}/tiled_mask": (two, {"size": 160, "working_size": 160, "tile_size": 64,
                                           "tile_overlap": 24, "mask": "mask"}),
            f"{method}/bilinear": (["style"], {"upsampling": "bilinear"}),
            f"{method}/flat_photo": (["style"], {"content": "flat"}),
            f"{method}/flat_style": (["flat"], {}),
        })
    cases.update({
        "multistyle/plain": ([3], {}),
        "multistyle/blend": ([0, 5], {"weights": [0.4, 0.6]}),
        "multistyle/mask": ([7], {"mask": "mask"}),
        "multistyle/luminance": ([3], {"preserve_color": True}),
        "multistyle/tiled": ([3], {"size": 160, "working_size": 160, "tile_size": 64,
                                   "tile_overlap": 24}),
        "multistyle/detail_network": ([3], {"size": 96, "working_size": 64}),
        "gatys/lbfgs": (["style"], {"method": "gatys", "steps": 5, "progress": False}),
        "gatys/adam_mask": (["style", "stripes"], {"method": "gatys", "steps": 5,
                                                   "optimizer": "adam", "mask": "mask",
                                                   "progress": False}),
        "gatys/luminance": (["style"], {"method": "gatys", "steps": 3, "progress": False,
                                        "preserve_color": True, "style_scale": 0.5}),
    })
    return cases


def render_all():
    """``{case: float32 image}`` for every :func:`render_cases` entry."""
    import arbitrary_nst
    content, style, stripes, mask = inputs()
    flat = np.full_like(content, 0.4)
    named = {"style": style, "stripes": stripes, "mask": mask, "content": content,
             "flat": flat}
    outputs = {}
    for name, (styles, kwargs) in render_cases().items():
        kwargs = dict(kwargs)
        method = kwargs.pop("method", name.split("/")[0])
        photo = named[kwargs.pop("content", "content")]
        if "mask" in kwargs:
            kwargs["mask"] = named[kwargs["mask"]]
        styles = [named[s] if isinstance(s, str) else s for s in styles]
        if arbitrary_nst.METHODS[method].litert:
            kwargs["runtime"] = "tf"  # the recording is TensorFlow's (LiteRT: test_litert.py)
        outputs[name] = arbitrary_nst.stylize(photo, styles, method=method, **kwargs)
    return outputs


def command_outputs(folder):
    """Frames of ``arbitrary-nst video`` (arbitrary, and gatys with 2 steps) on the test
    clip at 64 px, and ``export`` + ``--method hub``: ``{case: float32 image}``."""
    from arbitrary_nst.io import image_io
    clip = os.path.join(ROOT, "tests", "data", "assets", "video", "pedestrians.mp4")
    sample = os.path.join(ROOT, "arbitrary_nst", "samples")
    outputs = {}
    for method, extra in (("arbitrary", []), ("gatys", ["--steps", "2"])):
        frames = os.path.join(folder, f"{method}_frames")
        _command(["video", "--content", clip, "--style",
                  os.path.join(sample, "starry_night.jpg"), "--output", frames, "--size", "64",
                  "--method", method, "--noprogress", *extra])
        for index, name in enumerate(sorted(os.listdir(frames))[:3]):
            outputs[f"video/{method}/{index}"] = image_io.load_image(
                os.path.join(frames, name))
    module = os.path.join(folder, "module")
    _command(["export", "--method", "adain", "--output", module, "--noprogress"])
    output = os.path.join(folder, "hub.png")
    _command(["stylize", "--content", os.path.join(sample, "brandenburg_gate.jpg"),
              "--style", os.path.join(sample, "starry_night.jpg"), "--output", output,
              "--size", "64", "--method", "hub", "--hub_module", module, "--noprogress"])
    outputs["hub/adain_module"] = image_io.load_image(output)
    return outputs


def _command(args):
    subprocess.run([sys.executable, "-m", "arbitrary_nst.cli", *args], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


TRAINING_CONFIGS = {
    "adain": ("configs/adain_tiny.yaml", []),
    "adain_detail": ("configs/adain_tiny.yaml", ["model.trains=detail", "model.style_weight=10",
                                                 "data.style=\"\""]),
    "multistyle": ("configs/multistyle_tiny.yaml", []),
    "arbitrary": ("configs/arbitrary_tiny.yaml", []),
}


def training_losses(folder):
    """``{run: float64 (steps, terms)}``: each step's loss terms (sorted by name) for
    :data:`TRAINING_STEPS` steps of each tiny config."""
    from arbitrary_nst.training import config, train
    losses = {}
    for name, (path, overrides) in TRAINING_CONFIGS.items():
        overrides = [*overrides, f"train.steps={TRAINING_STEPS}",
                     f"checkpoint.dir={os.path.join(folder, name)}", "summary.every_steps=1"]
        experiment = config.load_config(os.path.join(ROOT, path), overrides)
        result = train.train(experiment, progress=False)
        losses[f"train/{name}"] = np.array([loss for _, loss in result["losses"]], np.float64)
    return losses


def everything():
    """Every golden value: ``{name: array}``."""
    with tempfile.TemporaryDirectory() as folder:
        values = {**render_all(), **command_outputs(folder)}
        values.update(training_losses(folder))
    return values


def stored(value):
    """How a value is kept in the file: images as uint16 (1/65535 steps), losses as is."""
    value = np.asarray(value)
    return value if value.ndim == 1 else np.round(value * 65535.0).astype(np.uint16)


def restored(value):
    """The value :func:`stored` kept: images float32 in [0, 1], losses float64."""
    return value.astype(np.float32) / 65535.0 if value.dtype == np.uint16 else value


def recorded():
    """``{name: value}`` of the recording."""
    with np.load(GOLDEN_PATH) as arrays:
        return {name: restored(arrays[name]) for name in arrays.files}


def main():
    values = everything()
    np.savez_compressed(GOLDEN_PATH, **{name: stored(value) for name, value in values.items()})
    print(f"wrote {GOLDEN_PATH}: {len(values)} values")


if __name__ == "__main__":
    sys.path.insert(0, ROOT)
    main()
