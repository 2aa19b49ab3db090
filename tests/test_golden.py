"""Every method and control, and a few training steps, give what they gave when
``tests/data/golden.npz`` was recorded (``python tests/golden.py``): images within 1/255
at every pixel, training losses within 1e-3 relative. Guards refactorings."""

import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
import golden  # noqa: E402


@pytest.fixture(scope="module")
def recorded():
    return golden.recorded()


@pytest.fixture(scope="module")
def rendered():
    return golden.render_all()


@pytest.mark.parametrize("case", sorted(golden.render_cases()))
def test_rendering_matches_the_recording(case, recorded, rendered):
    np.testing.assert_allclose(rendered[case], recorded[case], rtol=0,
                               atol=golden.IMAGE_TOLERANCE, err_msg=case)


@pytest.mark.slow
def test_commands_match_the_recording(recorded, tmp_path):
    outputs = golden.command_outputs(str(tmp_path))
    assert sorted(outputs) == sorted(k for k in recorded if k.startswith(("video/", "hub/")))
    for name, image in outputs.items():
        np.testing.assert_allclose(image, recorded[name], rtol=0,
                                   atol=golden.IMAGE_TOLERANCE, err_msg=name)


@pytest.mark.slow
def test_training_losses_match_the_recording(recorded, tmp_path):
    losses = golden.training_losses(str(tmp_path))
    for name, values in losses.items():
        np.testing.assert_allclose(values, recorded[name], rtol=golden.LOSS_TOLERANCE,
                                   err_msg=name)
