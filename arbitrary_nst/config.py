"""YAML experiment configs loaded into typed, validated dataclasses.

A config file has the sections of :class:`ExperimentConfig` (``model``, ``data``,
``train``, ``distribute``, ``checkpoint``, ``summary``); keys left out keep their defaults.
``overrides`` (the command line's ``--set section.key=value``) are applied after the file,
values parsed as YAML (``--set train.learning_rate=1e-4``).

Every problem is a :class:`ConfigError` with one line naming the file and the dotted key:
an unknown key names the closest valid one, a wrong type or a value out of range says what
was expected.
"""

import dataclasses
import difflib
import typing

import yaml

from arbitrary_nst import loss_layers
from arbitrary_nst.errors import NSTError
from arbitrary_nst.weights import conv_layer_names


class ConfigError(NSTError):
    """An experiment config or override that does not fit the schema."""


def setting(default, low=None, high=None, choices=None):
    """A dataclass field with a default and the range or choices :func:`load_yaml` checks."""
    return dataclasses.field(default=default,
                             metadata={"low": low, "high": high, "choices": choices})


def list_setting(default=()):
    """A field holding a list (of strings or integers), ``default`` copied for each use."""
    return dataclasses.field(default_factory=lambda: list(default), metadata={})


@dataclasses.dataclass
class ModelConfig:
    """Which network to train and its loss weights.

    ``num_styles`` (multistyle): 0 = as many as the style images found; ``transformer``
    (multistyle): channel widths, see :data:`arbitrary_nst.models.multistyle.SHAPES`.
    ``identity_share`` (adain): the share of each batch whose style is its own content
    (a reconstruction, what ``alpha=0`` decodes), rounded to whole images;
    ``identity_weight`` (adain): weight of the pixel identity loss on those images (see
    :meth:`arbitrary_nst.models.adain.AdaIN.loss`). ``init_weights`` (adain): the decoder
    a new run starts from: "" (random, seeded by ``data.seed``), ``shipped`` (the
    package's) or the path of a decoder ``.npz`` (``experiments/ship_adain_decoder.py``).
    ``trains`` (adain): ``decoder`` (the paper's training) or ``detail``: only the detail
    branch, on reconstructions of the content images, the decoder frozen (see
    :mod:`arbitrary_nst.models.adain`).

    Perceptual loss (the names of :class:`arbitrary_nst.optimize.GatysSettings`), empty =
    the paper's: ``content_layers`` (multistyle, arbitrary; default ``[block3_conv3]``,
    averaged), ``style_layers`` (default ``[block1_conv2, block2_conv2, block3_conv3,
    block4_conv3]``, Gram; adain: ``[block1_conv1 ... block4_conv1]``, mean/std, at most
    as deep as ``block4_conv1``) and ``style_layer_weights`` (one per style layer, default
    1 each). Layer names are Keras': ``block{b}_conv{c}`` = relu{b}_{c}.
    """
    type: str = setting("adain", choices=("adain", "multistyle", "arbitrary"))
    arch: str = setting("vgg16", choices=("vgg16", "vgg19"))
    content_weight: float = setting(1.0, low=0.0)
    style_weight: float = setting(10.0, low=0.0)
    num_styles: int = setting(0, low=0)
    transformer: str = setting("paper", choices=("paper", "lite"))
    identity_share: float = setting(0.0, low=0.0, high=1.0)
    identity_weight: float = setting(0.0, low=0.0)
    init_weights: str = ""
    trains: str = setting("decoder", choices=("decoder", "detail"))
    content_layers: list[str] = list_setting()
    style_layers: list[str] = list_setting()
    style_layer_weights: list[float] = list_setting()


@dataclasses.dataclass
class PhaseConfig:
    """An earlier training phase at other crop sizes: steps up to ``until_step`` (and
    after the previous phase's) cut ``crop`` px crops of images resized to ``resize``."""
    until_step: int = setting(1, low=1)
    crop: int = setting(128, low=16)
    resize: int = setting(256, low=16)


@dataclasses.dataclass
class DataConfig:
    """Training images (folders, globs or TFRecord shards; any tf.io.gfile path).

    ``style_size`` (multistyle): shorter side of the style images whose Gram matrices are
    the targets. ``seed`` fixes file order, shuffling, crops and the model's initial weights.
    ``content_exclude`` / ``style_exclude``: file-name patterns left out of training,
    e.g. the images held out for evaluation. ``style_augment`` (adain, arbitrary): cut
    the style crops at random scales, mirror them and vary their hue, saturation and
    contrast a little (:func:`arbitrary_nst.data.image_dataset`'s ``augment``).
    ``phases``: a schedule of crop sizes, e.g. ``[{until_step: 4000, crop: 128, resize:
    256}]`` trains steps 1-4,000 on 128 px crops and the rest at ``crop``/``resize``
    (the image sequence carries on across phases, so resuming stays exact).
    """
    content: str = ""
    style: str = ""
    resize: int = setting(512, low=16)
    crop: int = setting(256, low=16)
    batch_size: int = setting(8, low=1)
    style_size: int = setting(256, low=16)
    seed: int = 0
    content_exclude: list[str] = list_setting()
    style_exclude: list[str] = list_setting()
    style_augment: bool = False
    phases: list[PhaseConfig] = list_setting()


@dataclasses.dataclass
class TrainConfig:
    """Optimiser and schedule.

    ``on_nonfinite``: what a NaN or Inf loss does: ``stop`` (no update, exit with an error
    naming the loss; the last checkpoint stays the last good state) or ``skip`` the batch.
    ``max_minutes``: stop (saving a checkpoint, as on SIGTERM) once this invocation has
    trained this many minutes; 0 = no limit.
    """
    optimizer: str = setting("adam", choices=("adam",))
    learning_rate: float = setting(1e-4, low=0.0)
    learning_rate_decay: float = setting(5e-5, low=0.0)
    steps: int = setting(160000, low=1)
    mixed_precision: bool = False
    xla: bool = False
    on_nonfinite: str = setting("stop", choices=("stop", "skip"))
    max_minutes: float = setting(0.0, low=0.0)


@dataclasses.dataclass
class DistributeConfig:
    """tf.distribute strategy: one device, several GPUs, several machines, or a TPU."""
    strategy: str = setting("default", choices=("default", "mirrored", "multi_worker", "tpu"))
    tpu: str = ""


@dataclasses.dataclass
class CheckpointConfig:
    """Where and how often the trainer saves."""
    dir: str = "runs/experiment"
    every_steps: int = setting(1000, low=1)
    keep: int = setting(3, low=1)


@dataclasses.dataclass
class SummaryConfig:
    """TensorBoard cadence."""
    every_steps: int = setting(100, low=1)
    image_every_steps: int = setting(1000, low=1)


@dataclasses.dataclass
class EvalConfig:
    """Held-out (photo, painting) pairs scored in TensorBoard while training
    (:mod:`arbitrary_nst.heldout`): ``content[i]`` with ``style[i]``, image files; none by
    default. ``size``: side of the square each is resized to."""
    content: list[str] = list_setting()
    style: list[str] = list_setting()
    size: int = setting(256, low=32)
    every_steps: int = setting(500, low=1)


@dataclasses.dataclass
class ExperimentConfig:
    """One experiment: every section with its defaults."""
    name: str = "experiment"
    model: ModelConfig = dataclasses.field(default_factory=ModelConfig)
    data: DataConfig = dataclasses.field(default_factory=DataConfig)
    train: TrainConfig = dataclasses.field(default_factory=TrainConfig)
    distribute: DistributeConfig = dataclasses.field(default_factory=DistributeConfig)
    checkpoint: CheckpointConfig = dataclasses.field(default_factory=CheckpointConfig)
    summary: SummaryConfig = dataclasses.field(default_factory=SummaryConfig)
    eval: EvalConfig = dataclasses.field(default_factory=EvalConfig)


ONLY_FOR_MODEL_TYPES = {
    "model.arch": ("adain",),
    "model.num_styles": ("multistyle",),
    "model.transformer": ("multistyle",),
    "model.identity_share": ("adain",),
    "model.identity_weight": ("adain",),
    "model.init_weights": ("adain",),
    "model.trains": ("adain",),
    "model.content_layers": ("multistyle", "arbitrary"),
    "data.style_size": ("multistyle",),
    "data.style_augment": ("adain", "arbitrary"),
    "train.mixed_precision": ("adain", "multistyle"),
    "eval.content": ("adain", "arbitrary"),
    "eval.style": ("adain", "arbitrary"),
}
"""Keys that only some model types use; another type refuses a value other than the
default (every key not named here is used by every type)."""


DECODER_ONLY_KEYS = ("model.content_weight", "model.style_weight", "model.identity_share",
                     "model.identity_weight", "model.style_layers",
                     "model.style_layer_weights", "data.style", "data.style_exclude",
                     "data.style_augment")
"""AdaIN keys of the decoder's training that ``model.trains: detail`` leaves unused."""


def _changed_value(config, dotted):
    """``(changed, value)``: the value of ``section.key`` in ``config`` and whether it
    differs from the default."""
    section, key = dotted.split(".")
    value = getattr(getattr(config, section), key)
    return value != getattr(getattr(ExperimentConfig(), section), key), value


def check_model_type_keys(config, path):
    """Raises ConfigError naming the first key of :data:`ONLY_FOR_MODEL_TYPES` set away
    from its default for a model type that does not use it."""
    for dotted, types in ONLY_FOR_MODEL_TYPES.items():
        changed, value = _changed_value(config, dotted)
        if config.model.type not in types and changed:
            raise ConfigError(f"{path}: {dotted}={value!r} is not used by model.type="
                              f"{config.model.type!r} (only by {', '.join(types)}): remove it")


def dump_config(config):
    """The YAML text of ``config`` (reads back to an equal config with :func:`load_config`)."""
    return yaml.safe_dump(dataclasses.asdict(config), sort_keys=False)


def load_config(path, overrides=()):
    """Reads ``path`` (YAML), applies ``overrides`` ("a.b=value"), validates, returns it.

    Raises:
      ConfigError: unreadable file, bad YAML, unknown key, wrong type or range, a key
        the model type does not use (:data:`ONLY_FOR_MODEL_TYPES`) or another key makes
        unused (:func:`check_dependent_keys`), unpaired eval images.
    """
    config = load_yaml(path, ExperimentConfig, overrides)
    check_model_type_keys(config, path)
    if config.data.resize < config.data.crop:
        raise ConfigError(f"{path}: data.resize={config.data.resize} is smaller than "
                          f"data.crop={config.data.crop}")
    previous = 0
    for index, phase in enumerate(config.data.phases):
        if phase.until_step <= previous or phase.resize < phase.crop:
            raise ConfigError(f"{path}: data.phases[{index}]: expected until_step above "
                              f"{previous} and resize >= crop, got {dataclasses.asdict(phase)}")
        previous = phase.until_step
    if len(config.eval.content) != len(config.eval.style):
        raise ConfigError(f"{path}: eval.content has {len(config.eval.content)} images and "
                          f"eval.style {len(config.eval.style)}: expected one style per "
                          "content (pairs)")
    check_dependent_keys(config, path)
    check_loss_layers(config, path)
    return config


def check_dependent_keys(config, path):
    """Raises ConfigError for a key set away from its default that another key's value
    makes unused: an identity weight without reconstructions, a TPU address without the
    TPU strategy, held-out settings without held-out pairs, the decoder's loss and the
    paintings when only AdaIN's detail branch trains."""
    defaults = ExperimentConfig()
    if config.model.trains == "detail":
        for dotted in DECODER_ONLY_KEYS:
            changed, value = _changed_value(config, dotted)
            if changed:
                raise ConfigError(f"{path}: {dotted}={value!r} is not used when "
                                  "model.trains=detail (the branch trains on reconstructions "
                                  "of data.content alone): remove it")
    if config.model.identity_weight and not config.model.identity_share:
        raise ConfigError(f"{path}: model.identity_weight={config.model.identity_weight} "
                          "weighs reconstructions, but model.identity_share=0 makes none: "
                          "set model.identity_share (e.g. 0.25)")
    if config.distribute.tpu != defaults.distribute.tpu and config.distribute.strategy != "tpu":
        raise ConfigError(f"{path}: distribute.tpu={config.distribute.tpu!r} is only used with "
                          f"distribute.strategy=tpu (this config has "
                          f"{config.distribute.strategy!r})")
    for key in ("size", "every_steps"):
        changed, value = _changed_value(config, f"eval.{key}")
        if changed and not config.eval.content:
            raise ConfigError(f"{path}: eval.{key}={value} is only used with held-out pairs: "
                              "set eval.content and eval.style, or remove it")


def check_loss_layers(config, path):
    """Raises ConfigError for loss layers that are not convolution layers of the model's
    VGG (or deeper than AdaIN's encoder), or style layer weights that are not one number
    >= 0 per style layer."""
    arch = config.model.arch if config.model.type == "adain" else "vgg16"
    valid = conv_layer_names(arch)
    if config.model.type == "adain":
        valid = valid[:valid.index(loss_layers.ADAIN_DEEPEST) + 1]
    for key in ("content_layers", "style_layers"):
        for name in getattr(config.model, key):
            if name not in valid:
                raise ConfigError(f"{path}: model.{key}: {name!r} is not a layer the "
                                  f"{config.model.type} loss can use ({arch}): expected one "
                                  "of " + ", ".join(valid))
    _, style, weights = loss_layers.for_model(config.model)
    if len(weights) != len(style) or any(w < 0 for w in weights):
        raise ConfigError(f"{path}: model.style_layer_weights={list(weights)}: expected "
                          f"{len(style)} numbers >= 0, one per style layer "
                          f"({', '.join(style)})")


def load_yaml(path, schema, overrides=()):
    """Reads the YAML file ``path`` into the dataclass ``schema`` (fields made with
    :func:`setting` carry ranges and choices; nested dataclasses are sections), applies
    ``overrides`` ("a.b=value"), and returns the instance. Raises ConfigError."""
    try:
        with open(path, encoding="utf-8") as f:
            raw = yaml.safe_load(f)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())
        raise ConfigError(f"{path}: not valid YAML ({reason})") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of sections at the top level, "
                          f"got {type(raw).__name__}")
    config = _build(schema, raw, path, "")
    for override in overrides:
        _apply_override(config, override, path)
    return config


def _build(cls, raw, path, prefix):
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: {prefix.rstrip('.') or 'top level'}: expected a mapping, "
                          f"got {raw!r}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    values = {}
    for key, value in raw.items():
        if key not in fields:
            raise ConfigError(f"{path}: unknown key {prefix}{key}{_suggestion(key, fields)}")
        if dataclasses.is_dataclass(hints[key]):
            values[key] = _build(hints[key], value, path, f"{prefix}{key}.")
        else:
            values[key] = _check_value(fields[key], hints[key], value, path, prefix + key)
    return cls(**values)


def _suggestion(key, valid):
    close = difflib.get_close_matches(str(key), list(valid), n=1, cutoff=0.5)
    if close:
        return f"; did you mean {close[0]!r}?"
    return "; valid keys: " + ", ".join(valid)


def _check_value(field, kind, value, path, dotted):
    expected = {int: "an integer", float: "a number", bool: "true or false", str: "a string"}
    if typing.get_origin(kind) is list and dataclasses.is_dataclass(typing.get_args(kind)[0]):
        if not isinstance(value, list):
            raise ConfigError(f"{path}: {dotted}={value!r}: expected a list of mappings")
        return [_build(typing.get_args(kind)[0], element, path, f"{dotted}[{index}].")
                for index, element in enumerate(value)]
    if typing.get_origin(kind) is list:
        item = typing.get_args(kind)[0]
        if item is float and isinstance(value, list):
            value = [float(v) if isinstance(v, int) and not isinstance(v, bool) else v
                     for v in value]
        if not isinstance(value, list) or not all(
                isinstance(v, item) and not isinstance(v, bool) for v in value):
            raise ConfigError(f"{path}: {dotted}={value!r}: expected a list of "
                              + {str: "strings", int: "integers", float: "numbers"}[item])
        return value
    if kind is float and isinstance(value, str):
        try:
            value = float(value)  # YAML reads 1e-4 (no dot) as a string
        except ValueError:
            pass
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(f"{path}: {dotted}={value!r}: expected {expected[kind]}")
    meta = field.metadata
    if meta.get("choices") and value not in meta["choices"]:
        raise ConfigError(f"{path}: {dotted}={value!r}: expected one of "
                          + ", ".join(meta["choices"]))
    if meta.get("low") is not None and value < meta["low"]:
        raise ConfigError(f"{path}: {dotted}={value!r}: expected a value >= {meta['low']}")
    if meta.get("high") is not None and value > meta["high"]:
        raise ConfigError(f"{path}: {dotted}={value!r}: expected a value <= {meta['high']}")
    return value


def _apply_override(config, override, path):
    where = f"{path} --set {override}"
    if "=" not in override:
        raise ConfigError(f"{where}: expected section.key=value")
    dotted, text = override.split("=", 1)
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        raise ConfigError(f"{where}: value {text!r} is not valid YAML") from None
    *sections, key = dotted.strip().split(".")
    target, prefix = config, ""
    for section in sections:
        names = [f.name for f in dataclasses.fields(target)]
        child = getattr(target, section, None) if section in names else None
        if not dataclasses.is_dataclass(child):
            raise ConfigError(f"{where}: unknown section {prefix}{section}"
                              + _suggestion(section, names))
        target, prefix = child, f"{prefix}{section}."
    fields = {f.name: f for f in dataclasses.fields(target)}
    if key not in fields or dataclasses.is_dataclass(getattr(target, key)):
        raise ConfigError(f"{where}: unknown key {prefix}{key}{_suggestion(key, fields)}")
    hint = typing.get_type_hints(type(target))[key]
    setattr(target, key, _check_value(fields[key], hint, value, where, prefix + key))
