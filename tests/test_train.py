"""The trainer on tiny real images: loss falls, resumes, stops on SIGTERM, TPU errors."""

import os
import signal
import threading

import numpy as np
import pytest

from arbitrary_nst import image_io
from arbitrary_nst.config import ConfigError, load_config
from arbitrary_nst.train import train
from conftest import CONTENT_PATH, STYLE_PATH


@pytest.fixture(scope="module")
def tiny_config_path(tmp_path_factory):
    """A config training on four 96 px crops of each bundled sample, 64 px crops."""
    root = tmp_path_factory.mktemp("train")
    for kind, source in (("content", CONTENT_PATH), ("style", STYLE_PATH)):
        image = image_io.load_image(source, size=192)
        os.makedirs(root / kind)
        for index, (y, x) in enumerate([(0, 0), (0, 90), (90, 0), (90, 90)]):
            image_io.save_image(root / kind / f"{index}.png", image[y:y + 96, x:x + 96])
    path = root / "tiny.yaml"
    path.write_text(f"""
name: tiny
data: {{content: {root / 'content'}, style: {root / 'style'}, resize: 72, crop: 64,
        batch_size: 2, shuffle_buffer: 8}}
train: {{learning_rate: 1.0e-3, steps: 30}}
checkpoint: {{dir: {root / 'run'}, every_steps: 10}}
summary: {{every_steps: 5, image_every_steps: 10}}
""")
    return str(path), root


def test_loss_falls_and_summaries_are_written(tiny_config_path):
    path, root = tiny_config_path
    config = load_config(path, [f"checkpoint.dir={root / 'falls'}"])
    result = train(config, progress=False)
    totals = [loss for _, loss in result["losses"]]
    assert result["step"] == 30 and len(totals) == 30
    assert np.mean(totals[-5:]) < 0.6 * np.mean(totals[:3]), totals
    assert os.listdir(root / "falls" / "summaries")
    assert any(name.startswith("ckpt-30") for name in os.listdir(root / "falls"))


def test_resume_continues_the_step_count(tiny_config_path):
    path, root = tiny_config_path
    run_dir = root / "resume"
    first = train(load_config(path, [f"checkpoint.dir={run_dir}", "train.steps=6",
                                     "checkpoint.every_steps=3"]), progress=False)
    assert first["step"] == 6
    second = train(load_config(path, [f"checkpoint.dir={run_dir}", "train.steps=9"]),
                   progress=False)
    assert [s for s, _ in second["losses"]] == [7, 8, 9] and second["step"] == 9


def test_sigterm_saves_and_returns(tiny_config_path):
    path, root = tiny_config_path
    config = load_config(path, [f"checkpoint.dir={root / 'term'}", "train.steps=100000",
                                "checkpoint.every_steps=100000"])
    timer = threading.Timer(8.0, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    result = train(config, progress=False)
    timer.join()
    assert 0 < result["step"] < 100000
    assert any(name.startswith(f"ckpt-{result['step']}") for name in os.listdir(root / "term"))


def test_tpu_without_a_tpu_is_a_clear_error(tiny_config_path):
    path, root = tiny_config_path
    with pytest.raises(ConfigError, match="distribute.strategy=tpu: no TPU reachable"):
        train(load_config(path, ["distribute.strategy=tpu"]), progress=False)



def test_mirrored_over_two_cpus_trains(tiny_config_path):
    import json
    import subprocess
    import sys
    path, root = tiny_config_path
    helper = os.path.join(os.path.dirname(__file__), "mirrored_vs_single.py")
    done = subprocess.run([sys.executable, helper, path, str(root / "mirrored")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["replicas"] == 2
    assert len(result["mirrored"]) == 3 and np.all(np.isfinite(result["mirrored"]))
    # Not yet checked: equal losses to one device for the same global batch (they differ
    # from the first step; see the issue note).
