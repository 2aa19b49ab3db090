"""Every key of the ``model`` and ``data`` sections is honoured by every model type or
refused: walking the schema, a non-default value either changes what the task builds or
trains on (its loss on a fixed batch, its variables, its batches) or is a one-line
ConfigError naming the key and the model type.

The other sections (train, distribute, checkpoint, summary, eval) are read by the one
trainer for every model type alike; tests/test_train.py checks them."""

import dataclasses
import os

import numpy as np
import pytest
import tensorflow as tf

from arbitrary_nst import tasks
from arbitrary_nst.config import ConfigError, ExperimentConfig, load_config
from conftest import TEST_ASSETS

TYPES = ("adain", "multistyle", "arbitrary")
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
    "model.content_layers": ["block2_conv2"],
    "model.style_layers": ["block1_conv1", "block2_conv1"],
    "model.style_layer_weights": [0.0, 3.0, 1.0, 1.0],
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


def keys():
    """``section.key`` of every field of the model and data sections."""
    defaults = ExperimentConfig()
    return [f"{section}.{field.name}" for section in ("model", "data")
            for field in dataclasses.fields(getattr(defaults, section))]


def base_overrides(model_type):
    overrides = [f"model.type={model_type}",
                 f"data.content={os.path.join(TEST_ASSETS, 'content')}",
                 f"data.style={os.path.join(TEST_ASSETS, 'styles')}",
                 "data.resize=72", "data.crop=64", "data.batch_size=2"]
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


@pytest.mark.parametrize("model_type", TYPES)
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
        try:
            changed = load_config(config_file, base_overrides(model_type) + [override])
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
