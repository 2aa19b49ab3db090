"""Every key of every config section is honoured by every model type or refused.

Walking the schema for each model type: a non-default ``model`` or ``data`` value either
changes what the task builds or trains on (its loss on a fixed batch, its variables, its
batches) or is a one-line ConfigError naming the key and the model type. The trainer's
sections (train, distribute, checkpoint, summary, eval) are walked by training a few
steps with every key changed at once, each key checked by what it alone controls (the
steps run, the logged learning rate, the checkpoints kept, the summaries' steps, the
held-out image size, the compute dtype, the step's XLA compilation, the strategy's
variables, a skipped NaN batch, a stop by the clock), or refused."""

import dataclasses
import os

import numpy as np
import pytest
import tensorflow as tf
from conftest import TEST_ASSETS, summary_tags

from arbitrary_nst import registry
from arbitrary_nst.training import tasks
from arbitrary_nst.training.config import ConfigError, ExperimentConfig, load_config

TYPES = registry.names(trainable=True)
FAST_TYPES = ("adain", "wct")
"""The model types every key is tried on in the default run; the others too with -m slow."""
TYPE_PARAMS = [pytest.param(name, marks=() if name in FAST_TYPES else pytest.mark.slow)
               for name in TYPES]
DECODER_ONLY_KEYS = next(keys for key, value, keys, _ in
                         registry.get("adain").training.unused_when
                         if (key, value) == ("model.trains", "detail"))
NON_DEFAULT = {
    "model.type": None,  # the thing being varied
    "model.arch": "vgg19",
    "model.content_weight": 3.0,
    "model.style_weight": 0.5,
    "model.num_styles": 7,
    "model.transformer": "lite",
    "model.identity_share": 0.5,
    "model.identity_weight": 50.0,
    "model.init_weights": "shipped",
    "model.trains": "detail",
    "model.content_layers": ["block2_conv2"],
    "model.style_layers": ["block1_conv1", "block2_conv1"],
    "model.style_layer_weights": [0.0, 3.0, 1.0, 1.0],
    "model.level": "block2_conv1",
    "model.feature_weight": 3.0,
    "data.content": os.path.join(TEST_ASSETS, "styles"),
    "data.style": os.path.join(TEST_ASSETS, "content"),
    "data.resize": 96,
    "data.crop": 48,
    "data.batch_size": 4,
    "data.style_size": 96,
    "data.seed": 5,
    "data.content_exclude": ["cat.jpg"],
    "data.style_exclude": ["gogh_starry_night.jpg"],
    "data.style_augment": True,
    "data.phases": [{"until_step": 10, "crop": 32, "resize": 40}],
}


def keys(sections=("model", "data")):
    """``section.key`` of every field of ``sections``."""
    defaults = ExperimentConfig()
    return [f"{section}.{field.name}" for section in sections
            for field in dataclasses.fields(getattr(defaults, section))]


def base_overrides(model_type):
    overrides = [f"model.type={model_type}",
                 f"data.content={os.path.join(TEST_ASSETS, 'content')}",
                 "data.resize=72", "data.crop=64", "data.batch_size=2"]
    if "model.level" in registry.get(model_type).training.required_keys:
        # the WCT and PhotoWCT decoders learn to reconstruct: no paintings
        overrides.append("model.level=block1_conv1")
    else:
        overrides.append(f"data.style={os.path.join(TEST_ASSETS, 'styles')}")
    if model_type == "multistyle":
        overrides.append("data.style_size=64")
    return overrides


@pytest.fixture(scope="module")
def config_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "base.yaml"
    path.write_text("name: keys\n")
    return str(path)


def fingerprint(config, batch=None):
    """What a config's task builds and trains on: its variables' shapes, its first batch,
    and its loss terms on ``batch`` (default: that first batch)."""
    tf.keras.utils.set_random_seed(0)
    task = tasks.make_task(config)
    first = next(iter(task.dataset(0, next(
        ((p.crop, p.resize) for p in config.data.phases), None))))
    parts = task.loss(batch if batch is not None else first)
    return {"variables": [tuple(v.shape) for v in task.variables],
            "batch": [np.asarray(t) for t in first],
            "loss": {k: float(v) for k, v in parts.items()}}, first


def differs(a, b):
    if a["variables"] != b["variables"] or a["loss"] != b["loss"]:
        return True
    return any(x.shape != y.shape or np.abs(x - y).max() > 1e-6
               for x, y in zip(a["batch"], b["batch"]))


@pytest.mark.parametrize("model_type", TYPE_PARAMS)
def test_every_model_and_data_key_is_honoured_or_refused(config_file, model_type):
    default = load_config(config_file, base_overrides(model_type))
    reference, batch = fingerprint(default)
    assert set(keys()) == set(NON_DEFAULT), "a new key needs a value in NON_DEFAULT"
    for key in keys():
        value = NON_DEFAULT[key]
        if value is None:
            continue
        if key == "model.style_layer_weights" and model_type != "adain":
            value = [0.0, 3.0, 1.0, 1.0]
        override = f"{key}={value!r}".replace("'", "").replace("True", "true")
        base = base_overrides(model_type)
        if key == "model.trains":  # the detail branch trains without paintings
            base = [o for o in base if not o.startswith("data.style=")]
        try:
            changed = load_config(config_file, base + [override])
            fingerprinted, _ = fingerprint(changed, batch if key.startswith("model.") else None)
        except ConfigError as error:
            assert key in str(error) and "\n" not in str(error), (key, str(error))
            continue
        except Exception as error:  # noqa: BLE001 - a key that builds nothing must say so
            message = str(error)
            assert key == "model.arch" and "vgg19" in message.lower(), (key, message)
            continue
        assert differs(reference, fingerprinted), f"{key}={value!r} changed nothing for " \
                                                  f"{model_type}"


def test_training_the_detail_branch_refuses_the_decoders_keys(config_file):
    """``model.trains=detail`` trains on photos alone: each key of the decoder's loss or
    paintings is refused in one line naming it."""
    base = [o for o in base_overrides("adain") if not o.startswith("data.style=")]
    base.append("model.trains=detail")
    load_config(config_file, base)
    for key in DECODER_ONLY_KEYS:
        override = f"{key}={NON_DEFAULT[key]!r}".replace("'", "").replace("True", "true")
        with pytest.raises(ConfigError) as error:
            load_config(config_file, base + [override])
        message = str(error.value)
        assert f"{key}=" in message and "model.trains=detail" in message, message
        assert "\n" not in message


TRAINER_SECTIONS = ("train", "distribute", "checkpoint", "summary", "eval")
ONE_CHOICE = {"train.optimizer"}  # adam is the only choice: no other value to set


def poison_second_loss(monkeypatch):
    """Makes the second loss evaluation of the next task NaN (a bad batch)."""
    make_task = tasks.make_task

    def poisoned_task(*args, **kwargs):
        task = make_task(*args, **kwargs)
        loss, calls = task.loss, tf.Variable(0)

        def poisoned(batch):
            parts = loss(batch)
            calls.assign_add(1)
            bad = tf.where(tf.equal(calls, 2), float("nan"), 1.0)
            return {**parts, "total": parts["total"] * bad}

        task.loss = poisoned
        return task

    monkeypatch.setattr(tasks, "make_task", poisoned_task)


def networks_of(model):
    """The Keras networks ``model`` holds (as attributes, or in a dict attribute)."""
    values = list(vars(model).values())
    values += [v for d in values if isinstance(d, dict) for v in d.values()]
    return [v for v in values if isinstance(v, tf.keras.Model)]


def compute_dtypes(model):
    """The compute dtypes of the layers of the Keras networks that ``model`` holds."""
    return {layer.compute_dtype for network in networks_of(model) for layer in network.layers}


def checkpoints(folder):
    return sorted(int(name.split("-")[1].split(".")[0]) for name in os.listdir(folder)
                  if name.startswith("ckpt-") and name.endswith(".index"))


@pytest.mark.parametrize("model_type", TYPE_PARAMS)
def test_every_trainer_key_is_honoured_or_refused(config_file, tmp_path, monkeypatch,
                                                  model_type):
    from arbitrary_nst.training import run_record
    from arbitrary_nst.training.train import train
    base = base_overrides(model_type) + ["data.resize=40", "data.crop=32", "train.steps=2"]
    reference = train(load_config(config_file, base + [f"checkpoint.dir={tmp_path / 'a'}"]),
                      progress=False)
    assert reference["step"] == 2 and checkpoints(tmp_path / "a") == [2]
    assert not summary_tags(tmp_path / "a" / "summaries")
    assert "bfloat16" not in compute_dtypes(reference["model"])

    pair = [os.path.join(TEST_ASSETS, "content", "cat.jpg")]
    changed = {
        "train.learning_rate": 0.01, "train.learning_rate_decay": 0.5, "train.steps": 3,
        "train.mixed_precision": "true", "train.xla": "true", "train.on_nonfinite": "skip",
        "distribute.strategy": "mirrored",
        "checkpoint.dir": tmp_path / "b", "checkpoint.every_steps": 1, "checkpoint.keep": 2,
        "summary.every_steps": 1, "summary.image_every_steps": 2,
        "eval.content": pair, "eval.style": [os.path.join(TEST_ASSETS, "styles",
                                                          "gogh_starry_night.jpg")],
        "eval.size": 32, "eval.every_steps": 3}
    separate = {"train.max_minutes", "distribute.tpu"}  # checked below, on their own
    assert set(keys(TRAINER_SECTIONS)) == set(changed) | separate | ONE_CHOICE, \
        "a new trainer key needs a value and a check here"
    overrides = base + [f"{key}={value}".replace("'", "") for key, value in changed.items()]
    refused = set()
    while True:  # drop the keys this model type refuses, each refusal one line naming it
        try:
            load_config(config_file, overrides)
            break
        except ConfigError as error:
            [key] = [key for key in changed if f" {key}=" in str(error)]
            assert "\n" not in str(error)
            refused.add(key)
            overrides = [o for o in overrides if not o.startswith(key + "=")]
    assert refused == {"adain": set(), "arbitrary": {"train.mixed_precision"},
                       "wct": {"eval.content", "eval.style", "eval.size", "eval.every_steps"},
                       "photowct": {"eval.content", "eval.style", "eval.size",
                                    "eval.every_steps"},
                       "multistyle": {"eval.content", "eval.style", "eval.size",
                                      "eval.every_steps"}}[model_type]
    poison_second_loss(monkeypatch)
    result = train(load_config(config_file, overrides), progress=False)
    monkeypatch.undo()
    tags = summary_tags(tmp_path / "b" / "summaries")
    assert result["step"] == 3  # train.steps; the NaN batch was skipped (on_nonfinite)
    assert result["skipped_batches"] == 1
    np.testing.assert_allclose([value for _, value in tags["learning_rate"]],
                               [0.01 / (1 + 0.5 * step) for step in (1, 2, 3)], rtol=1e-6)
    assert [step for step, _ in tags["loss/total"]] == [1, 2, 3]  # summary.every_steps
    assert [step for step, _ in tags["inputs_and_output"]] == [2]  # image_every_steps
    assert checkpoints(tmp_path / "b") == [2, 3]  # checkpoint dir, every_steps, keep
    assert result["step_function"]._jit_compile is True  # train.xla
    variable = next(network for network in networks_of(result["model"])
                    if network.trainable_variables).trainable_variables[0]
    assert isinstance(variable.value, tf.distribute.DistributedValues)  # distribute.strategy
    if "train.mixed_precision" not in refused:
        assert "bfloat16" in compute_dtypes(result["model"])
    if "eval.content" not in refused:  # the pairs, their size, every_steps
        assert [(step, size) for step, size in tags["heldout/pairs"]] == [(3, (128, 32))]

    # train.max_minutes: the clock stops a resumed run before its first step.
    stopped = train(load_config(config_file, base + [f"checkpoint.dir={tmp_path / 'a'}",
                                                     "train.steps=5",
                                                     "train.max_minutes=1e-9"]),
                    progress=False)
    assert stopped["step"] == 2 and run_record.read(tmp_path / "a")[-1]["outcome"].startswith(
        "stopped by train.max_minutes=")
    # distribute.tpu: only with the TPU strategy; with it, no TPU here is a clear error.
    with pytest.raises(ConfigError, match="distribute.tpu='local' is only used with "
                                          "distribute.strategy=tpu"):
        load_config(config_file, base + ["distribute.tpu=local"])
    with pytest.raises(ConfigError, match="no TPU reachable .distribute.tpu='local'"):
        train(load_config(config_file, base + ["distribute.strategy=tpu",
                                               "distribute.tpu=local"]), progress=False)
