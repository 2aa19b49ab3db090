"""The registry is the one home of every method: it imports no TensorFlow, every entry
resolves to an implementation with the interface, and a new method is its own module
plus one entry (shown with a method defined here, registered for the test only)."""

import dataclasses
import subprocess
import sys

import numpy as np
import pytest

import arbitrary_nst as nst
from arbitrary_nst import registry
from arbitrary_nst.cli.parser import build_parser
from arbitrary_nst.errors import UsageError
from arbitrary_nst.io import image_io
from arbitrary_nst.methods.base import FeedForward, Method, composite
from arbitrary_nst.methods.settings import NoSettings


def test_the_registry_and_the_configs_import_no_tensorflow():
    code = ("import sys; import arbitrary_nst.registry, arbitrary_nst.training.config, "
            "arbitrary_nst.cli.parser; print('tensorflow' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("name", list(registry.METHODS))
def test_every_entry_resolves_to_an_implementation_of_its_kind(name):
    spec = registry.get(name)
    implementation = registry.implementation(name)
    assert issubclass(implementation, Method)
    assert issubclass(implementation, FeedForward) == (spec.tiled or spec.trainable
                                                       or spec.exportable)
    if spec.trainable:
        assert implementation.task is not None
    assert dataclasses.is_dataclass(spec.settings)


def test_capabilities_select_methods():
    assert set(registry.names(trainable=True)) <= set(registry.names(feedforward=True))
    assert set(registry.names(exportable=True)) <= set(registry.names(style_images=True))
    with pytest.raises(UsageError, match="unknown method 'nope', expected one of"):
        registry.get("nope")


class ChannelStatistics(Method):
    """A method written for this test: each channel's mean and standard deviation of the
    photo become the style's (a global colour transfer), blended by the weights, alpha
    toward the photo, regions composited."""

    def stylize(self, content, styles, regions, alpha=1.0):
        mean, std = content.mean((0, 1)), content.std((0, 1)) + 1e-6

        def render(weights):
            target_mean = sum(w * s.mean((0, 1)) for w, s in zip(weights, styles))
            target_std = sum(w * s.std((0, 1)) for w, s in zip(weights, styles))
            moved = (content - mean) / std * target_std + target_mean
            return alpha * moved + (1.0 - alpha) * content

        return composite(content, regions, render)


@pytest.fixture
def new_method(monkeypatch):
    """``channel_stats``: the method above plus one registry entry, nothing else."""
    spec = registry.MethodSpec("channel_stats", "channel statistics of the painting",
                               f"{__name__}:ChannelStatistics", NoSettings, alpha=True)
    monkeypatch.setitem(registry.METHODS, spec.name, spec)
    return spec.name


def test_a_new_method_is_one_module_and_one_entry(new_method, content64, style64,
                                                  second_style64):
    output = nst.stylize(content64, [style64], method=new_method, working_size=64)
    np.testing.assert_allclose(output.mean((0, 1)), style64.mean((0, 1)), atol=0.02)
    half = nst.stylize(content64, [style64], method=new_method, alpha=0.0, working_size=64)
    np.testing.assert_allclose(half, content64, atol=1e-5)
    mask = np.zeros(content64.shape[:2], np.float32)
    mask[:, :32] = 1.0
    masked = nst.stylize(content64, [style64, second_style64], method=new_method, mask=mask,
                         working_size=64)
    left = nst.stylize(content64, [style64], method=new_method, working_size=64)
    np.testing.assert_allclose(masked[:, :30], left[:, :30], atol=0.02)
    kept = nst.stylize(content64, [style64], method=new_method, preserve_color=True,
                       working_size=64)
    chroma = [image_io.rgb_to_yiq(image)[..., 1:] for image in (kept, content64)]
    assert np.abs(chroma[0] - chroma[1]).mean() < 0.02
    args = build_parser().parse_args(["stylize", "--content", "a.jpg", "--style", "b.jpg",
                                      "--output", "c.png", "--method", new_method])
    assert args.method == new_method
    with pytest.raises(UsageError, match=f"method '{new_method}' has no option 'steps'"):
        nst.stylize(content64, [style64], method=new_method, steps=3)
