"""LiteRT: the feed-forward networks converted to ``.tflite`` render what TensorFlow
renders (every control, within 1/255 on average and at every pixel; measured: at most
2e-3 at a pixel, multistyle rendering at 1024 px for style_scale 0.5, 7e-6 elsewhere at
the working size; style_scale renders at 128 px here, as 1024 px grew a test process by
1 GB per method), the command runs them without importing TensorFlow, and the runtime
choice fails clearly."""

import os
import re
import subprocess
import sys

import numpy as np
import pytest

import arbitrary_nst
from arbitrary_nst import registry
from arbitrary_nst.errors import UsageError
from arbitrary_nst.io import image_io
from arbitrary_nst.lite import runtime as lite_runtime
from arbitrary_nst.lite import store
from conftest import CONTENT_PATH, STYLE_PATH

LITE_METHODS = registry.names(litert=True)
MEAN_TOLERANCE = 1.0 / 255
MAX_TOLERANCE = 1.0 / 255


@pytest.fixture(scope="module")
def images():
    content = image_io.load_image(CONTENT_PATH, size=96)
    style = image_io.load_image(STYLE_PATH, size=128)
    stripes = np.zeros((64, 64, 3), np.float32)
    stripes[:, ::8] = [0.9, 0.2, 0.1]
    mask = np.zeros(content.shape[:2], np.float32)
    mask[:, : content.shape[1] // 2] = 1.0
    return content, style, stripes, mask


CONTROLS = {
    "plain": lambda s, t, m: ([s], {}),
    "alpha": lambda s, t, m: ([s], {"alpha": 0.4}),
    "blend": lambda s, t, m: ([s, t], {"weights": [0.3, 0.7]}),
    "mask": lambda s, t, m: ([s, t], {"mask": m}),
    "preserve_color": lambda s, t, m: ([s], {"preserve_color": True}),
    "style_scale": lambda s, t, m: ([s], {"style_scale": 0.5, "working_size": 64}),
    "detail": lambda s, t, m: ([s], {"size": 128, "working_size": 64}),  # bicubic pass
    "upsampling": lambda s, t, m: ([s], {"upsampling": "bilinear"}),
    "tiled": lambda s, t, m: ([s], {"tile_size": 64, "tile_overlap": 16,
                                    "working_size": 128}),  # 6 tiles, not 88
}


SLOW_METHODS = ("wct", "photowct")
"""Methods whose renders take seconds here (VGG to relu4_1 and four or five decoders): in
the default run with the controls of :data:`QUICK_CONTROLS` only, the others under
``-m slow`` (wct's together took 150 s and grew a test process by 2 GB)."""
QUICK_CONTROLS = ("plain", "mask", "tiled")


def lite_case(method, *rest):
    """A parameter set of ``method``, marked slow where it belongs to the slow run."""
    slow = method in SLOW_METHODS and (not rest or rest[0] not in QUICK_CONTROLS)
    return pytest.param(method, *rest, marks=[pytest.mark.slow] if slow else [])


@pytest.mark.parametrize("method, control", [
    lite_case(method, control) for method in LITE_METHODS for control in sorted(CONTROLS)
    if control != "alpha" or registry.get(method).alpha])
def test_litert_renders_what_tensorflow_renders(method, control, images):
    content, style, stripes, mask = images
    if not registry.get(method).style_images:  # built-in styles: two indices
        style, stripes = 3, 7
    styles, options = CONTROLS[control](style, stripes, mask)
    size = options.pop("size", None)
    photo = image_io.resize_longest(content, size) if size else content
    # The same code paths as the default 512, which renders the 96 px photo at 512 px
    # (VGG's methods then hold ~2 GB of LiteRT buffers, one set per file)
    options.setdefault("working_size", 128)
    lite = arbitrary_nst.stylize(photo, styles, method=method, runtime="litert", **options)
    reference = arbitrary_nst.stylize(photo, styles, method=method, runtime="tf", **options)
    assert lite.shape == reference.shape == photo.shape
    difference = np.abs(lite - reference)
    assert difference.mean() <= MEAN_TOLERANCE, (control, difference.mean())
    assert difference.max() <= MAX_TOLERANCE, (control, difference.max())


CONVERT_WITHOUT_TENSORFLOW = """
import sys; sys.modules['tensorflow'] = None
import numpy as np, arbitrary_nst
output = arbitrary_nst.stylize(arbitrary_nst.load_image(sys.argv[1], size=64), [3],
                               method='multistyle', working_size=64)
np.save(sys.argv[2], output)
"""
"""Renders with multistyle's LiteRT files (``--runtime auto``) in a process where
importing TensorFlow fails."""


def test_auto_renders_in_litert_and_converts_once_in_a_child_process(tmp_path):
    """The missing files are converted by a child process (which imports TensorFlow) and
    the rendering process never imports it; a second run converts nothing."""
    environment = {**os.environ, "ARBITRARY_NST_CACHE": str(tmp_path)}
    outputs = [tmp_path / "first.npy", tmp_path / "second.npy"]
    subprocess.run([sys.executable, "-c", CONVERT_WITHOUT_TENSORFLOW, CONTENT_PATH,
                    outputs[0]], env=environment, check=True, capture_output=True)
    files = sorted(os.listdir(tmp_path / "litert"))
    # The tiled rendering's files are converted when a tiled render first calls them.
    assert [name.split("-")[1] for name in files] == ["transformer"]
    written = [os.path.getmtime(tmp_path / "litert" / name) for name in files]
    result = subprocess.run([sys.executable, "-c", CONVERT_WITHOUT_TENSORFLOW, CONTENT_PATH,
                             outputs[1]], env=environment, capture_output=True, text=True)
    assert result.returncode == 0 and "converting" not in result.stderr
    assert [os.path.getmtime(tmp_path / "litert" / name) for name in files] == written
    expected = arbitrary_nst.stylize(image_io.load_image(CONTENT_PATH, size=64), [3],
                                     method="multistyle", working_size=64, runtime="litert")
    for output in outputs:
        np.testing.assert_allclose(np.load(output), expected, atol=1e-5)  # threads: 3e-6


def test_a_conversion_that_cannot_load_its_network_raises_the_childs_error(tmp_path):
    from arbitrary_nst.errors import WeightsError
    from arbitrary_nst.lite import conversion
    target = tmp_path / "decoder.tflite"
    with pytest.raises(WeightsError, match=re.escape(f"{tmp_path / 'run'}: expected a "
                                                     "training run directory")):
        conversion.convert("adain", str(tmp_path / "run"), "nearest", {"decoder": str(target)})
    assert not os.listdir(tmp_path)


def test_threads_sharing_the_litert_networks_render_what_one_thread_renders(images):
    # Beam's in-memory DirectRunner with several workers: threads share the interpreters
    # (this crashed the process inside LiteRT).
    from concurrent.futures import ThreadPoolExecutor
    content, style, _, _ = images
    photos = [content[:height] for height in (40, 48, 56, 64, 72, 80)]
    def render(photo):  # working size 128: the 40-80 px photos, not 512 px renders
        return arbitrary_nst.stylize(photo, [style], runtime="litert", working_size=128)

    alone = [render(p) for p in photos]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(render, photos * 2))
    for single, shared in zip(alone * 2, together):
        np.testing.assert_allclose(shared, single, atol=1e-4)  # XNNPACK after the first call


def test_weights_version_follows_the_bytes(tmp_path):
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    first.write_bytes(b"weights")
    second.write_bytes(b"weights")
    assert store.weights_version([first]) == store.weights_version([second])
    second.write_bytes(b"weightz")
    assert store.weights_version([first]) != store.weights_version([second])


def test_runtime_choice():
    arbitrary, hub = registry.get("arbitrary"), registry.get("hub")
    assert lite_runtime.choose(arbitrary, "auto") == "litert"
    assert lite_runtime.choose(arbitrary, "tf") == "tf"
    assert lite_runtime.choose(hub, "auto") == "tf"
    with pytest.raises(UsageError, match="method 'hub' has no LiteRT networks"):
        lite_runtime.choose(hub, "litert")


@pytest.mark.parametrize("method", LITE_METHODS)
def test_auto_runs_in_tensorflow_past_the_crossover_and_litert_without_it(method,
                                                                          monkeypatch):
    spec = registry.get(method)
    crossover = lite_runtime.crossover(spec)
    assert lite_runtime.choose(spec, "auto", renders=crossover + 1) == "tf"
    if crossover >= 1:  # a one-image command in LiteRT
        assert lite_runtime.choose(spec, "auto") == "litert"
    assert lite_runtime.choose(spec, "litert", renders=crossover + 1) == "litert"
    monkeypatch.setitem(sys.modules, "tensorflow", None)  # a LiteRT-only installation
    assert lite_runtime.choose(spec, "auto", renders=crossover + 1) == "litert"


def test_without_litert_installed_auto_falls_back(monkeypatch):
    # Another platform without ai-edge-litert wheels: the one thing mocked here.
    monkeypatch.setattr(lite_runtime, "available", lambda: False)
    arbitrary = registry.get("arbitrary")
    assert lite_runtime.choose(arbitrary, "auto") == "tf"
    with pytest.raises(UsageError, match="ai-edge-litert is not installed"):
        lite_runtime.choose(arbitrary, "litert")


def test_litert_flag_errors_are_one_line_before_anything_runs(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "arbitrary_nst.cli", "stylize", "--method", "hub",
         "--runtime", "litert", "--content", CONTENT_PATH, "--style", STYLE_PATH,
         "--output", str(tmp_path / "out.png")], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "arbitrary-nst: error: --runtime applies to --method "
        + " / ".join(registry.names(litert=True)) + " only (this run uses --method hub)"]
    assert not os.listdir(tmp_path)


NO_TENSORFLOW_PREFIX = "import sys; sys.modules['tensorflow'] = None\n"
"""Python code after which importing TensorFlow fails."""
NO_TENSORFLOW = (NO_TENSORFLOW_PREFIX
                 + "from arbitrary_nst.cli import run; sys.argv[0] = 'arbitrary-nst'; run()")


@pytest.mark.parametrize("method", [lite_case(method) for method in LITE_METHODS])
def test_the_command_renders_in_litert_without_tensorflow(tmp_path, images, method):
    style = STYLE_PATH if registry.get(method).style_images else 3
    # converted beforehand (the conversion itself needs TensorFlow)
    arbitrary_nst.stylize(images[0], [images[1] if style == STYLE_PATH else style],
                          method=method, runtime="litert", working_size=64)
    lite, reference = tmp_path / "lite.png", tmp_path / "tf.png"
    common = ["stylize", "--method", method, "--content", CONTENT_PATH, "--style", str(style),
              "--size", "128"]
    result = subprocess.run([sys.executable, "-c", NO_TENSORFLOW, *common, "--output",
                             str(lite)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    subprocess.run([sys.executable, "-m", "arbitrary_nst.cli", *common, "--runtime", "tf",
                    "--output", str(reference)], check=True, capture_output=True)
    difference = np.abs(image_io.load_image(lite) - image_io.load_image(reference))
    assert difference.mean() <= MEAN_TOLERANCE


@pytest.mark.parametrize("method", [lite_case(method) for method in LITE_METHODS
                                    if method != "photowct"])  # its detail: the photo's
def test_large_renders_detail_pass_and_tiles_run_in_litert_without_tensorflow(tmp_path,
                                                                             method):
    """Above the working size: the bicubic detail pass at full size, in tiles with the
    thumbnail's statistics (the files of both converted on demand beforehand)."""
    style = STYLE_PATH if registry.get(method).style_images else "3"
    large = ["--size", "160", "--working_size", "64", "--tile_size", "64",
             "--tile_overlap", "16"]
    outputs = {}
    for runtime, launch in (("tf", ["-m", "arbitrary_nst.cli"]), ("litert", None),
                            ("litert", ["-c", NO_TENSORFLOW])):
        output = tmp_path / f"{runtime}.png"
        command = ["stylize", "--method", method, "--content", CONTENT_PATH, "--style", style,
                   *large, "--output", str(output), "--noprogress"]
        if launch is None:  # converts the LiteRT files (TensorFlow needed)
            launch = ["-m", "arbitrary_nst.cli"]
            command += ["--runtime", "litert"]
        result = subprocess.run([sys.executable, *launch, *command], capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stderr[-2000:]
        outputs[runtime] = image_io.load_image(output)
    difference = np.abs(outputs["litert"] - outputs["tf"])
    assert outputs["tf"].shape[:2] == (120, 160)
    assert difference.mean() <= MEAN_TOLERANCE and difference.max() <= MAX_TOLERANCE


README = os.path.join(os.path.dirname(__file__), "..", "README.md")


def test_exported_tflite_files_run_with_litert_alone_as_the_readme_shows(tmp_path):
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
    with open(README, encoding="utf-8") as f:
        example = re.search(r"TensorFlow\):\n\n```python\n(.*?)```", f.read(), re.S).group(1)
    outputs, sizes = {}, {}
    for precision in ("float32", "float16"):
        folder = tmp_path / precision  # the README's paths: the samples and the export
        (folder / "arbitrary_nst").mkdir(parents=True)
        os.symlink(os.path.join(root, "arbitrary_nst", "samples"),
                   folder / "arbitrary_nst" / "samples")
        subprocess.run([sys.executable, "-m", "arbitrary_nst.cli", "export", "--method",
                        "arbitrary", "--format", "tflite", "--precision", precision,
                        "--output", str(folder / "arbitrary_tflite"), "--noprogress"],
                       check=True, capture_output=True, cwd=root)
        files = sorted(os.listdir(folder / "arbitrary_tflite"))
        assert files == ["style_predictor.tflite", "transformer.tflite",
                         "transformer_statistics.tflite", "transformer_tiled.tflite"]
        sizes[precision] = sum(os.path.getsize(folder / "arbitrary_tflite" / n) for n in files)
        subprocess.run([sys.executable, "-c", NO_TENSORFLOW_PREFIX + example], check=True,
                       cwd=folder)
        outputs[precision] = image_io.load_image(folder / "stylized_lite.png")
    assert sizes["float16"] < 0.6 * sizes["float32"]
    content = image_io.load_image(CONTENT_PATH, size=512)
    assert outputs["float32"].shape == (384, 512, 3)
    assert np.abs(outputs["float32"] - content).mean() > 0.05  # stylized, not the photo
    assert np.abs(outputs["float16"] - outputs["float32"]).mean() <= MEAN_TOLERANCE


def test_batch_and_video_render_in_litert_without_tensorflow(tmp_path, images):
    arbitrary_nst.stylize(images[0], [images[1]], runtime="litert",
                          working_size=64)  # converted beforehand
    clip = os.path.join(os.path.dirname(__file__), "data", "assets", "video",
                        "pedestrians.mp4")
    for command in (["batch", "--content", CONTENT_PATH, STYLE_PATH, "--style", STYLE_PATH,
                     "--size", "64", "--output", str(tmp_path / "batch")],
                    ["video", "--content", clip, "--style", STYLE_PATH, "--size", "64",
                     "--output", str(tmp_path / "frames")]):
        result = subprocess.run([sys.executable, "-c", NO_TENSORFLOW, *command,
                                 "--noprogress"], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    assert len(os.listdir(tmp_path / "batch")) == 2
    frames = sorted(os.listdir(tmp_path / "frames"))
    assert len(frames) == 60
    first = image_io.load_image(tmp_path / "frames" / frames[0])
    assert first.shape[1] == 64 and first.std() > 0.05
