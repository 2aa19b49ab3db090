"""TF Hub export: the SavedModel reloads through tensorflow_hub (hub.load and
hub.KerasLayer) and gives the in-process output; --method hub runs it."""

import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_hub as hub
from conftest import CONTENT_PATH, STYLE_PATH

from arbitrary_nst import export
from arbitrary_nst.errors import NSTError, UsageError
from arbitrary_nst.io import image_io
from arbitrary_nst.rendering import control


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """``exported(method)``: the path of the method's SavedModel, exported once per module
    (each export grows the test process by ~0.3 GB)."""
    paths = {}

    def path_of(method):
        if method not in paths:
            paths[method] = export.export(method, tmp_path_factory.mktemp(method) / "module")
        return paths[method]
    return path_of


@pytest.mark.parametrize("method", ["arbitrary", "adain"])
def test_export_reloads_through_hub_with_the_same_output(exported, content64, style64, method):
    path = exported(method)
    module = hub.load(path)
    reloaded = module(tf.constant(content64[None]), tf.constant(style64[None]))[0].numpy()[0]
    in_process = control.stylize(content64, [style64], method=method, working_size=64)
    np.testing.assert_allclose(reloaded, in_process, atol=1e-5)
    layer = hub.KerasLayer(path, signature="serving_default", signature_outputs_as_dict=True)
    through_keras = layer({"content": tf.constant(content64[None]),
                           "style": tf.constant(style64[None])})["stylized"].numpy()[0]
    np.testing.assert_allclose(through_keras, in_process, atol=1e-5)
    folder = os.path.dirname(path)
    assert [name for name in os.listdir(folder) if name.startswith(".")] == []


def test_method_hub_runs_an_exported_module(exported, tmp_path, content64, style64):
    path = exported("arbitrary")
    via_hub = control.stylize(content64, [style64], method="hub", hub_module=path)
    np.testing.assert_allclose(via_hub, control.stylize(content64, [style64]), atol=1e-5)
    with pytest.raises(UsageError, match="cannot blend"):
        control.stylize(content64, [style64, style64], method="hub", hub_module=path)
    output = tmp_path / "out.png"
    done = subprocess.run([sys.executable, "-m", "arbitrary_nst.cli", "stylize", "--content",
                           CONTENT_PATH, "--style", STYLE_PATH, "--method", "hub",
                           "--hub_module", path, "--size", "64", "--output", str(output)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert image_io.load_image(str(output)).shape == (48, 64, 3)


def test_export_refusals(tmp_path):
    with pytest.raises(UsageError, match="cannot be exported"):
        export.export("gatys", tmp_path / "module")
    with pytest.raises(NSTError, match="cannot write here"):
        export.export("arbitrary", tmp_path / "missing" / "module")
    with pytest.raises(UsageError, match="cannot load as a TF Hub module"):
        control.stylize(np.zeros((32, 32, 3), np.float32), [np.zeros((32, 32, 3), np.float32)],
                        method="hub", hub_module=str(tmp_path / "nothing"))
