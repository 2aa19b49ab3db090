"""YAML experiment configs: the shipped files load, and every mistake is named."""

import glob
import os
import re

import pytest

from arbitrary_nst.training.config import ConfigError, load_config

CONFIGS = os.path.join(os.path.dirname(__file__), "..", "configs")


@pytest.mark.parametrize("path", sorted(glob.glob(os.path.join(CONFIGS, "*.yaml"))))
def test_shipped_configs_load(path):
    config = load_config(path)
    assert config.name == os.path.basename(path)[:-5]


def test_paper_settings():
    config = load_config(os.path.join(CONFIGS, "adain_paper.yaml"))
    assert (config.data.batch_size, config.train.learning_rate, config.train.steps,
            config.data.resize, config.data.crop, config.model.style_weight) == (
        8, 1e-4, 160000, 512, 256, 10.0)


def write(tmp_path, text):
    path = tmp_path / "experiment.yaml"
    path.write_text(text)
    return str(path)


def test_overrides_apply_with_types(tmp_path):
    path = write(tmp_path, "data:\n  batch_size: 8\n")
    config = load_config(path, ["train.learning_rate=1e-4", "data.batch_size=4",
                                "train.xla=true", "distribute.strategy=mirrored"])
    assert config.train.learning_rate == 1e-4 and config.data.batch_size == 4
    assert config.train.xla is True and config.distribute.strategy == "mirrored"


@pytest.mark.parametrize("text,overrides,message", [
    ("data:\n  batchsize: 4\n", [], "unknown key data.batchsize; did you mean 'batch_size'?"),
    ("trian:\n  steps: 4\n", [], "unknown key trian; did you mean 'train'?"),
    ("data:\n  batch_size: four\n", [], "data.batch_size='four': expected an integer"),
    ("data:\n  batch_size: 0\n", [], "data.batch_size=0: expected a value >= 1"),
    ("train:\n  xla: 3\n", [], "train.xla=3: expected true or false"),
    ("distribute:\n  strategy: gpus\n", [], "expected one of default, mirrored"),
    ("data:\n  resize: 64\n  crop: 128\n", [], "data.resize=64 is smaller than data.crop=128"),
    ("data: [1, 2]\n", [], "data: expected a mapping"),
    ("- just\n- a list\n", [], "expected a mapping of sections"),
    ("model: {type: adain\n", [], "not valid YAML"),
    ("", ["train.lr=1e-4"], "unknown key train.lr"),
    ("", ["trainn.steps=4"], "unknown section trainn; did you mean 'train'?"),
    ("", ["train.steps"], "expected section.key=value"),
    ("", ["train.steps=-5"], "train.steps=-5: expected a value >= 1"),
    # keys with control characters are shown as their repr: the message stays one line
    ("model:\n  \"\\n\": 1\n", [], "unknown key model.'\\n'; valid keys: type,"),
    ("", ["train.st\neps=4"], "--set 'train.st\\neps=4': unknown key train.'st\\neps'"),
])
def test_mistakes_are_named(tmp_path, text, overrides, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_config(path, overrides)
    assert message in str(error.value) and path in str(error.value)
    assert "\n" not in str(error.value)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="absent.yaml: cannot read config"):
        load_config(str(tmp_path / "absent.yaml"))


@pytest.mark.parametrize("model_type,override,used_by", [
    ("multistyle", "model.arch=vgg19", "adain, wct, photowct"),
    ("arbitrary", "model.arch=vgg19", "adain, wct, photowct"),
    ("adain", "model.transformer=lite", "multistyle"),
    ("adain", "model.num_styles=3", "multistyle"),
    ("arbitrary", "data.style_size=128", "multistyle"),
    ("multistyle", "model.identity_share=0.5", "adain"),
    ("arbitrary", "model.init_weights=shipped", "adain, wct, photowct"),
    ("multistyle", "data.style_augment=true", "arbitrary, adain"),
    ("arbitrary", "train.mixed_precision=true", "adain, multistyle, wct, photowct"),
    ("multistyle", "eval.content=[a.jpg]", "arbitrary, adain"),
    ("wct", "model.style_weight=3", "arbitrary, adain, multistyle"),
    ("wct", "data.style=x", "arbitrary, adain, multistyle"),
])
def test_a_key_the_model_type_does_not_use_is_refused(tmp_path, model_type, override,
                                                       used_by):
    level = "  level: block1_conv1\n" if model_type == "wct" else ""
    path = write(tmp_path, f"model:\n  type: {model_type}\n{level}")
    overrides = [override] + (["eval.style=[b.jpg]"] if override.startswith("eval") else [])
    with pytest.raises(ConfigError) as error:
        load_config(path, overrides)
    key = override.split("=")[0]
    assert f"{key}=" in str(error.value) and f"model.type='{model_type}'" in str(error.value)
    assert f"(only by {used_by})" in str(error.value)


def test_eval_pairs_must_match(tmp_path):
    path = write(tmp_path, "eval: {content: [a.jpg, b.jpg], style: [c.jpg]}\n")
    with pytest.raises(ConfigError, match="eval.content has 2 images and eval.style 1"):
        load_config(path)


@pytest.mark.parametrize("phases,message", [
    ("[{until_step: 5, crop: 64, resize: 32}]", "data.phases[0]: expected until_step above 0 "
                                                "and resize >= crop"),
    ("[{until_step: 5}, {until_step: 5}]", "data.phases[1]: expected until_step above 5"),
    ("[{until: 5}]", "unknown key data.phases[0].until; did you mean 'until_step'?"),
    ("4000", "data.phases=4000: expected a list of mappings"),
])
def test_bad_phases_are_named(tmp_path, phases, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(write(tmp_path, ""), [f"data.phases={phases}"])


@pytest.mark.parametrize("text,overrides,message", [
    ("model: {type: multistyle}\n", ["model.style_layers=[block6_conv1]"],
     "model.style_layers: 'block6_conv1' is not a layer the multistyle loss can use (vgg16)"),
    ("model: {type: adain}\n", ["model.style_layers=[block4_conv2]"],
     "'block4_conv2' is not a layer the adain loss can use"),
    ("model: {type: arbitrary}\n", ["model.content_layers=[relu4_2]"],
     "model.content_layers: 'relu4_2' is not a layer"),
    ("model: {type: adain}\n", ["model.style_layer_weights=[1, 2]"],
     "model.style_layer_weights=[1.0, 2.0]: expected 4 numbers >= 0, one per style layer "
     "(block1_conv1, block2_conv1, block3_conv1, block4_conv1)"),
    ("model: {type: multistyle}\n", ["model.style_layers=[block1_conv1]",
                                     "model.style_layer_weights=[-1]"], "expected 1 numbers"),
    ("model: {type: adain}\n", ["model.content_layers=[block4_conv1]"],
     "model.content_layers=['block4_conv1'] is not used by model.type='adain'"),
    ("", ["model.style_layer_weights=[a]"], "expected a list of numbers"),
])
def test_bad_loss_layers_are_named(tmp_path, text, overrides, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(write(tmp_path, text), overrides)


def test_loss_layers_default_to_each_paper_and_accept_vgg19_for_adain(tmp_path):
    from arbitrary_nst.training.config import training_objective
    adain = training_objective(load_config(write(tmp_path, "model: {type: adain}\n")))
    assert adain.style_weights == dict.fromkeys(
        ("block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1"), 1.0)
    assert adain.statistic == "mean_std"
    multistyle = training_objective(load_config(
        write(tmp_path, "model: {type: multistyle}\n"),
        ["model.style_layers=[block1_conv1, block5_conv3]", "model.style_layer_weights=[0.5, 2]"]))
    assert multistyle.content_weights == {"block3_conv3": 1.0}
    assert multistyle.style_weights == {"block1_conv1": 0.5, "block5_conv3": 2.0}
    assert multistyle.statistic == "gram"
    load_config(write(tmp_path, "model: {type: adain, arch: vgg19}\n"),
                ["model.style_layers=[block3_conv4]"])
