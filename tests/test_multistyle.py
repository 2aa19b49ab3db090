"""The N-style CIN network: the imported 26-style weights match onnxruntime, blending is
a convex mix, training from a config lowers the loss, and the CLI runs a trained run."""

import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import CONTENT_PATH, STYLE_PATH

from arbitrary_nst.errors import UsageError
from arbitrary_nst.io import image_io
from arbitrary_nst.methods import lite_onnx
from arbitrary_nst.methods.multistyle import weights as shipped_weights
from arbitrary_nst.methods.multistyle.network import build_transformer
from arbitrary_nst.rendering import control
from arbitrary_nst.training.config import load_config
from arbitrary_nst.training.train import train


def _onnx_output(image, weights):
    import onnxruntime
    session = onnxruntime.InferenceSession(lite_onnx.model_path("multistyle26"),
                                           providers=["CPUExecutionProvider"])
    feeds = {"image": image.transpose(2, 0, 1)[None].astype(np.float32),
             "style_weights": weights.astype(np.float32)}
    return session.run(None, feeds)[0][0].transpose(1, 2, 0)


@pytest.mark.parametrize("mix", [{3: 1.0}, {3: 0.6, 17: 0.4}])
def test_imported_weights_match_onnxruntime(content64, mix):
    weights = np.zeros(26, np.float32)
    for index, weight in mix.items():
        weights[index] = weight
    ours = shipped_weights.shipped().stylize(content64[None], weights[None]).numpy()[0]
    reference = _onnx_output(content64, weights)
    assert ours.shape == reference.shape == content64.shape
    assert np.abs(ours - reference).mean() < 1e-4  # measured: ~1e-6


def test_any_size_and_regions(content64):
    odd = image_io.resize(content64, 45, 61)
    out = control.stylize(odd, [3], method="multistyle")
    assert out.shape == (45, 61, 3)
    mask = np.zeros((45, 61), np.float32)
    mask[:, :30] = 1.0
    masked = control.stylize(odd, [3], method="multistyle", mask=mask)
    np.testing.assert_allclose(masked[:, 31:], odd[:, 31:], atol=1e-6)
    # 1e-4: in LiteRT the first call runs the builtin kernels, later ones XNNPACK's
    # (measured: up to 4e-5 apart)
    np.testing.assert_allclose(masked[:, :29], out[:, :29], atol=1e-4)


def test_controls_that_do_not_apply_are_refused(content64, style64):
    with pytest.raises(UsageError, match="no alpha"):
        control.stylize(content64, [3], method="multistyle", alpha=0.5)
    with pytest.raises(UsageError, match="style indices"):
        control.stylize(content64, [style64], method="multistyle")
    with pytest.raises(UsageError, match="style images"):
        control.stylize(content64, [3], method="adain")
    with pytest.raises(UsageError, match="histogram"):
        control.stylize(content64, [3], method="multistyle", preserve_color=True,
                        color_method="histogram")
    with pytest.raises(UsageError, match="styles 0 to 25"):
        control.stylize(content64, [26], method="multistyle")


def test_paper_transformer_shape():
    model = build_transformer(5, "paper")
    assert model.get_layer("contract2_norm").weights[0].shape == (5, 128)
    assert len([layer for layer in model.layers if layer.name.startswith("res")]) == 10 * 2


def test_train_from_config_then_stylize_with_the_run(tmp_path):
    """Two 'styles' (the sample painting and its mirror image), 64 px content crops."""
    for kind, source in (("content", CONTENT_PATH), ("style", STYLE_PATH)):
        os.makedirs(tmp_path / kind)
        image = image_io.load_image(source, size=128)
        image_io.save_image(tmp_path / kind / "a.png", image)
        image_io.save_image(tmp_path / kind / "b.png", image[:, ::-1])
    path = tmp_path / "tiny.yaml"
    run_dir = tmp_path / "run"
    path.write_text(f"""
name: multistyle_test
model: {{type: multistyle, transformer: lite, content_weight: 1.0, style_weight: 1.0e-5}}
data: {{content: {tmp_path / 'content'}, style: {tmp_path / 'style'}, resize: 80, crop: 64,
        batch_size: 2, style_size: 96}}
train: {{learning_rate: 1.0e-2, steps: 40}}
checkpoint: {{dir: {run_dir}, every_steps: 20}}
summary: {{every_steps: 10, image_every_steps: 20}}
""")
    result = train(load_config(str(path)), progress=False)
    totals = [loss for _, loss in result["losses"]]
    assert np.mean(totals[-5:]) < 0.5 * np.mean(totals[:3]), totals
    assert (run_dir / "styles.txt").read_text().split() == ["a.png", "b.png"]
    output = tmp_path / "out.png"
    command = [sys.executable, "-m", "arbitrary_nst.cli", "stylize", "--content",
               CONTENT_PATH, "--method", "multistyle", "--checkpoint", str(run_dir),
               "--style", "0", "--style", "1", "--style_weights", "0.5,0.5", "--size", "64",
               "--output", str(output)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert image_io.load_image(str(output)).shape == (48, 64, 3)
    command[command.index("0")] = "2"
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "styles 0 to 1" in done.stderr
