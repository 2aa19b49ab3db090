"""The trainer on tiny real images: loss falls, resumes exactly (after SIGTERM or SIGKILL),
mixed precision, 2 logical CPUs and 2 local workers agree with one device, TPU errors."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from conftest import CONTENT_PATH, STYLE_PATH, summary_tags

from arbitrary_nst.io import image_io
from arbitrary_nst.training.config import ConfigError, load_config
from arbitrary_nst.training.train import train


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
        batch_size: 2}}
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


def test_mirrored_over_two_cpus_matches_one_device(tiny_config_path):
    path, root = tiny_config_path
    helper = os.path.join(os.path.dirname(__file__), "mirrored_vs_single.py")
    done = subprocess.run([sys.executable, helper, path, str(root / "mirrored")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["replicas"] == 2
    # Same global batch of 2, split 1 + 1 over the replicas: the same losses step by step
    # (the gradients are summed across replicas, so the updates agree too).
    assert len(result["mirrored"]) == 4
    # rtol 1e-3: the float sums of the two replicas drift apart step by step (3e-4 at step
    # 4 seen on a loaded 2-core machine); a wrong aggregation is off by far more (2x)
    np.testing.assert_allclose(result["mirrored"], result["default"], rtol=1e-3)


def test_sigkill_then_resume_continues_exactly(tiny_config_path):
    """A run killed with SIGKILL resumes from its last checkpoint (step, optimiser, model
    and place in the data) and reproduces the losses of a run that never stopped."""
    path, root = tiny_config_path
    killed_dir = root / "killed"
    command = [sys.executable, "-m", "arbitrary_nst.cli", "train", "--config", path,
               "--set", "train.steps=100000", "--set", "checkpoint.every_steps=4",
               "--set", f"checkpoint.dir={killed_dir}", "--noprogress"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 300
        while not _latest_step(killed_dir) >= 8:
            assert process.poll() is None and time.time() < deadline, "no checkpoint"
            time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    saved = _latest_step(killed_dir)
    resumed = train(load_config(path, [f"checkpoint.dir={killed_dir}",
                                       f"train.steps={saved + 3}"]), progress=False)
    assert [s for s, _ in resumed["losses"]] == [saved + 1, saved + 2, saved + 3]
    straight = train(load_config(path, [f"checkpoint.dir={root / 'straight'}",
                                        f"train.steps={saved + 3}"]), progress=False)
    np.testing.assert_allclose([loss for _, loss in resumed["losses"]],
                               [loss for _, loss in straight["losses"][-3:]], rtol=1e-4)


def _latest_step(run_dir):
    import tensorflow as tf
    latest = tf.train.latest_checkpoint(str(run_dir))
    return int(latest.rsplit("-", 1)[1]) if latest else 0


def test_mixed_precision_trains_in_bfloat16_on_cpu(tiny_config_path):
    path, root = tiny_config_path
    config = load_config(path, [f"checkpoint.dir={root / 'mixed'}", "train.steps=20",
                                "train.mixed_precision=true"])
    result = train(config, progress=False)
    decoder = result["model"].decoder
    assert decoder.get_layer("block1_conv1_mirror").compute_dtype == "bfloat16"
    assert all(w.dtype == "float32" for w in decoder.weights)
    totals = [loss for _, loss in result["losses"]]
    assert np.all(np.isfinite(totals))
    assert np.mean(totals[-5:]) < 0.6 * np.mean(totals[:3]), totals


def test_two_local_workers_end_with_identical_weights(tiny_config_path):
    path, root = tiny_config_path
    ports = []
    for _ in range(2):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            ports.append(sock.getsockname()[1])
    helper = os.path.join(os.path.dirname(__file__), "multi_worker_train.py")
    workers = [subprocess.Popen(
        [sys.executable, helper, path, str(root / "multi"), str(index), *map(str, ports),
         str(root / f"worker{index}.npz")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True) for index in range(2)]
    outputs = [worker.communicate(timeout=600) for worker in workers]
    for worker, (_, err) in zip(workers, outputs):
        assert worker.returncode == 0, err[-2000:]
    losses = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert len(losses[0]) == 3 and losses[0] == losses[1]
    first, second = (np.load(root / f"worker{index}.npz") for index in range(2))
    assert len(first.files) > 10
    for name in first.files:
        np.testing.assert_array_equal(first[name], second[name])
    assert _latest_step(root / "multi") == 3


@pytest.mark.parametrize("policy", ["stop", "skip"])
def test_nonfinite_loss_stops_or_skips(tiny_config_path, monkeypatch, policy):
    """A bad batch injected at the 5th loss evaluation (its loss becomes NaN)."""
    import tensorflow as tf

    from arbitrary_nst.methods.adain.task import AdaINTask
    from arbitrary_nst.training.train import TrainingError
    original = AdaINTask.loss
    calls = tf.Variable(0)

    def poisoned(self, batch):
        parts = original(self, batch)
        calls.assign_add(1)
        bad = tf.where(tf.equal(calls, 5), float("nan"), 1.0)
        return {**parts, "style": parts["style"] * bad, "total": parts["total"] * bad}

    monkeypatch.setattr(AdaINTask, "loss", poisoned)
    path, root = tiny_config_path
    run_dir = root / f"nan_{policy}"
    config = load_config(path, [f"checkpoint.dir={run_dir}", "train.steps=8",
                                "checkpoint.every_steps=2", f"train.on_nonfinite={policy}"])
    if policy == "stop":
        with pytest.raises(TrainingError, match=r"step 5: non-finite loss style=nan, "
                           r"total=nan; stopped, the last checkpoint \(ckpt-4\) is the last"):
            train(config, progress=False)
        assert _latest_step(run_dir) == 4  # the last good state, nothing written after
        resumed = train(load_config(path, [f"checkpoint.dir={run_dir}", "train.steps=6"]),
                        progress=False)
        assert np.all(np.isfinite([loss for _, loss in resumed["losses"]]))
    else:
        result = train(config, progress=False)
        assert result["step"] == 8 and result["skipped_batches"] == 1
        assert np.all(np.isfinite([loss for _, loss in result["losses"]]))


def test_nonfinite_loss_before_any_checkpoint_says_none_was_written(tiny_config_path,
                                                                     monkeypatch):
    import tensorflow as tf

    from arbitrary_nst.methods.adain.task import AdaINTask
    from arbitrary_nst.training.train import TrainingError
    original = AdaINTask.loss

    def poisoned(self, batch):
        parts = original(self, batch)
        return {**parts, "total": parts["total"] * tf.constant(float("nan"))}

    monkeypatch.setattr(AdaINTask, "loss", poisoned)
    path, root = tiny_config_path
    with pytest.raises(TrainingError, match="step 1: .*; stopped, no checkpoint was written$"):
        train(load_config(path, [f"checkpoint.dir={root / 'nan_first'}", "train.steps=3"]),
              progress=False)
    assert _latest_step(root / "nan_first") == 0
    from arbitrary_nst.training import run_record
    [entry] = run_record.read(root / "nan_first")  # the folder says it failed, and how
    assert entry["steps"] is None and entry["outcome"].startswith("failed: ")
    assert "step 1: non-finite loss" in entry["outcome"]


def test_history_records_each_invocation_and_an_idle_one_changes_nothing(tiny_config_path):
    from arbitrary_nst.training import run_record
    path, root = tiny_config_path
    run_dir = root / "history"
    first = train(load_config(path, [f"checkpoint.dir={run_dir}", "train.steps=3"]),
                  progress=False, overrides=["train.steps=3"])
    assert first["trained"] and first["step"] == 3
    [entry] = run_record.read(run_dir)
    assert entry["steps"] == [1, 3] and entry["outcome"] == "completed"
    assert entry["overrides"] == ["train.steps=3"] and entry["version"]
    assert entry["started"] <= entry["ended"]
    saved = (run_dir / "config.yaml").read_text()
    idle = train(load_config(path, [f"checkpoint.dir={run_dir}", "train.steps=3",
                                    "train.learning_rate=0.5"]), progress=False)
    assert not idle["trained"] and idle["step"] == 3
    assert (run_dir / "config.yaml").read_text() == saved  # lr 0.5 never ran: not recorded
    assert len(run_record.read(run_dir)) == 1
    with pytest.raises(ConfigError, match=r"train.steps=2 is below the step the run in .* "
                                          r"is at \(3\)"):
        train(load_config(path, [f"checkpoint.dir={run_dir}", "train.steps=2"]),
              progress=False)
    train(load_config(path, [f"checkpoint.dir={run_dir}", "train.steps=5"]), progress=False)
    assert [e["steps"] for e in run_record.read(run_dir)] == [[1, 3], [4, 5]]


def test_resuming_with_another_network_is_one_line_naming_both(tiny_config_path):
    """Model type, architecture keys and the multistyle style count are checked against
    the folder's run before anything is restored or rewritten."""
    path, root = tiny_config_path
    run_dir = root / "mismatch"
    train(load_config(path, [f"checkpoint.dir={run_dir}", "train.steps=2"]), progress=False)
    saved = (run_dir / "config.yaml").read_text()
    with pytest.raises(ConfigError, match="model.type='adain', this config has 'multistyle': "
                       "resume with model.type='adain', or train into a new folder "
                       r"\(--set checkpoint.dir=NEW_FOLDER\)$") as raised:
        train(load_config(path, [f"checkpoint.dir={run_dir}", "model.type=multistyle",
                                 "train.steps=4"]), progress=False)
    assert "\n" not in str(raised.value)
    assert (run_dir / "config.yaml").read_text() == saved
    assert _latest_step(run_dir) == 2

    styles_run = root / "mismatch_styles"
    train(load_config(path, [f"checkpoint.dir={styles_run}", "model.type=multistyle",
                             "train.steps=2"]), progress=False)
    with pytest.raises(ConfigError, match="model.transformer='paper', this config has 'lite'"):
        train(load_config(path, [f"checkpoint.dir={styles_run}", "model.type=multistyle",
                                 "model.transformer=lite", "train.steps=4"]), progress=False)
    two_styles = root / "two_styles"
    two_styles.mkdir()
    for name in ("0.png", "1.png"):
        (two_styles / name).write_bytes((root / "style" / name).read_bytes())
    with pytest.raises(ConfigError, match="holds a run of 4 styles .*this config has 2"):
        train(load_config(path, [f"checkpoint.dir={styles_run}", "model.type=multistyle",
                                 f"data.style={two_styles}", "train.steps=4"]),
              progress=False)
    # A checkpoint without its config.yaml still fails in one line, not a traceback.
    (run_dir / "config.yaml").unlink()
    with pytest.raises(ConfigError, match="does not fit this config's multistyle network"):
        train(load_config(path, [f"checkpoint.dir={run_dir}", "model.type=multistyle",
                                 "train.steps=4"]), progress=False)


def test_heldout_pairs_and_identity_are_scored_in_tensorboard(tiny_config_path):
    path, root = tiny_config_path
    config = load_config(path, [
        f"checkpoint.dir={root / 'heldout'}", "train.steps=4", "eval.every_steps=2",
        "summary.every_steps=2",
        f"eval.content=[{CONTENT_PATH}]", f"eval.style=[{STYLE_PATH}]", "eval.size=48",
        "model.identity_share=0.5", "model.identity_weight=5", "model.init_weights=shipped"])
    train(config, progress=False)
    tags = summary_tags(root / "heldout" / "summaries")
    for metric in ("content_loss", "style_loss", "style_loss_mean_std", "ssim",
                   "identity_ssim"):
        steps = [step for step, _ in tags[f"heldout/{metric}"]]
        assert steps == [2, 4], (metric, steps)
    assert 0.0 < tags["heldout/identity_ssim"][0][1] <= 1.0
    assert "heldout/pairs" in tags
    assert all(value > 0 for _, value in tags["loss/identity"])
    # Raw and weighted terms: the weighted ones are weight x raw and add up to the total.
    weights = {"content": config.model.content_weight, "style": config.model.style_weight,
               "identity": 5.0}
    for (step, total), *terms in zip(tags["loss/total"], *[
            zip(tags[f"loss/{t}"], tags[f"loss/{t}_weighted"]) for t in weights]):
        for term, ((_, raw), (_, weighted)) in zip(weights, terms):
            np.testing.assert_allclose(weighted, weights[term] * raw, rtol=1e-5)
        np.testing.assert_allclose(sum(w for (_, (_, w)) in terms), total, rtol=1e-4)


def test_a_missing_heldout_image_fails_before_training(tiny_config_path):
    path, root = tiny_config_path
    config = load_config(path, [f"checkpoint.dir={root / 'missing'}", "train.steps=2",
                                f"eval.content=[{root / 'absent.jpg'}]",
                                f"eval.style=[{STYLE_PATH}]"])
    with pytest.raises(Exception, match="absent.jpg"):
        train(config, progress=False)
    assert not os.path.exists(root / "missing")


def test_phases_switch_crop_size_and_resume_exactly(tiny_config_path):
    """Steps 1-3 on 32 px crops, then 64 px: an uninterrupted run and one stopped at step
    2 (inside the first phase) then resumed end with the same weights."""
    path, root = tiny_config_path
    phases = "data.phases=[{until_step: 3, crop: 32, resize: 40}]"
    whole = train(load_config(path, [f"checkpoint.dir={root / 'phases'}", "train.steps=5",
                                     phases]), progress=False)
    assert [step for step, _ in whole["losses"]] == [1, 2, 3, 4, 5]
    parted = root / "phases_resumed"
    train(load_config(path, [f"checkpoint.dir={parted}", "train.steps=2", phases]),
          progress=False)
    resumed = train(load_config(path, [f"checkpoint.dir={parted}", "train.steps=5", phases]),
                    progress=False)
    for a, b in zip(whole["model"].decoder.weights, resumed["model"].decoder.weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)
    saved = load_config(str(parted / "config.yaml"))
    assert [(p.until_step, p.crop, p.resize) for p in saved.data.phases] == [(3, 32, 40)]


def test_phase_at_covers_steps_up_to_until_step(tiny_config_path):
    from arbitrary_nst.training.train import phase_at
    path, _ = tiny_config_path
    config = load_config(path, ["data.phases=[{until_step: 3, crop: 32, resize: 40}, "
                                "{until_step: 6, crop: 48, resize: 56}]"])
    assert [phase_at(config, done) for done in (0, 2, 3, 5, 6)] == [
        ((32, 40), 3), ((32, 40), 3), ((48, 56), 6), ((48, 56), 6), (None, float("inf"))]


def test_load_model_of_a_given_step(tiny_config_path):
    from arbitrary_nst.errors import WeightsError
    from arbitrary_nst.training import runs
    path, root = tiny_config_path
    run_dir = root / "steps"
    train(load_config(path, [f"checkpoint.dir={run_dir}", "train.steps=20"]), progress=False)
    early, latest = (runs.load_network(str(run_dir), "adain", step) for step in (10, None))
    assert any(np.abs(a.numpy() - b.numpy()).max() > 0
               for a, b in zip(early.decoder.weights, latest.decoder.weights))
    with pytest.raises(WeightsError, match="no checkpoint of step 11"):
        runs.load_network(str(run_dir), "adain", 11)


def test_heldout_pairs_are_scored_for_the_arbitrary_model_too(tiny_config_path):
    path, root = tiny_config_path
    config = load_config(path, [
        f"checkpoint.dir={root / 'heldout_arbitrary'}", "model.type=arbitrary",
        "train.steps=2", "eval.every_steps=2", "summary.every_steps=2",
        f"eval.content=[{CONTENT_PATH}]", f"eval.style=[{STYLE_PATH}]", "eval.size=48"])
    train(config, progress=False)
    tags = summary_tags(root / "heldout_arbitrary" / "summaries")
    assert [step for step, _ in tags["heldout/style_loss"]] == [2]
    assert 0.0 < tags["heldout/identity_ssim"][0][1] <= 1.0
