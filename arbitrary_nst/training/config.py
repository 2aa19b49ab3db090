"""Experiment configs of ``arbitrary-nst train``: YAML loaded into typed, validated
dataclasses (:mod:`arbitrary_nst.schema`).

A config file has the sections of :class:`ExperimentConfig` (``model``, ``data``,
``train``, ``distribute``, ``checkpoint``, ``summary``, ``eval``); keys left out keep
their defaults. ``overrides`` (the command line's ``--set section.key=value``) are
applied after the file, values parsed as YAML (``--set train.learning_rate=1e-4``).

What each model type uses comes from its registry entry (:mod:`arbitrary_nst.registry`:
``training``): its loss layers and weights, the keys only some types use, keys another
key's value leaves unused. Every problem is a :class:`ConfigError` with one line naming
the file and the dotted key. No TensorFlow.
"""

import dataclasses

from arbitrary_nst import registry
from arbitrary_nst.errors import NSTError
from arbitrary_nst.networks.weights import conv_layer_names
from arbitrary_nst.schema import ConfigError, dump, list_setting, load_yaml, setting

AUGMENT_SCALES = (0.5, 2.0)
"""With ``data.style_augment``, the shorter side is resized to ``resize`` times a factor
drawn log-uniformly from this range (never below ``crop``)."""
AUGMENT_HUE = 0.04
"""... the hue shifted by up to this fraction of the colour circle either way ..."""
AUGMENT_SATURATION = (0.8, 1.25)
"""... the saturation scaled by a factor in this range ..."""
AUGMENT_CONTRAST = (0.8, 1.25)
"""... and the contrast too."""


@dataclasses.dataclass
class ModelConfig:
    """Which network to train and its loss weights.

    ``num_styles`` (multistyle): 0 = as many as the style images found; ``transformer``
    (multistyle): channel widths, see :data:`arbitrary_nst.methods.multistyle.network.SHAPES`.
    ``identity_share`` (adain): the share of each batch whose style is its own content
    (a reconstruction, what ``alpha=0`` decodes), rounded to whole images;
    ``identity_weight`` (adain): weight of the pixel identity loss on those images (see
    :meth:`arbitrary_nst.methods.adain.network.AdaIN.loss`). ``init_weights`` (adain): the decoder
    a new run starts from: "" (random, seeded by ``data.seed``), ``shipped`` (the
    package's) or the path of a decoder ``.npz`` (``experiments/ship_adain_decoder.py``).
    ``trains`` (adain): ``decoder`` (the paper's training) or ``detail``: only the detail
    branch, on reconstructions of the content images, the decoder frozen (see
    :mod:`arbitrary_nst.methods.adain.network`). ``level`` (wct, required): the encoder
    layer whose decoder trains (``block{b}_conv1``); ``feature_weight`` (wct): lambda of
    its reconstruction loss, pixel + lambda * feature (:meth:`arbitrary_nst.methods.wct.
    network.WCTNetwork.reconstruction_loss`). ``init_weights`` (wct): a decoder ``.npz``
    whose layers of the same names start the run (``shipped``: the package's WCT
    decoders; an AdaIN decoder file fits from ``block4_conv1_mirror`` down).

    Perceptual loss (the names of
    :class:`arbitrary_nst.methods.gatys.settings.GatysSettings`), empty = the paper's (the
    ``objective`` of the method's registry entry, :mod:`arbitrary_nst.networks.objective`):
    ``content_layers`` (multistyle, arbitrary; default ``[block3_conv3]``, averaged),
    ``style_layers`` (default ``[block1_conv2, block2_conv2, block3_conv3,
    block4_conv3]``, Gram; adain: ``[block1_conv1 ... block4_conv1]``, mean/std, at most
    as deep as ``block4_conv1``) and ``style_layer_weights`` (one per style layer, default
    1 each). Layer names are Keras': ``block{b}_conv{c}`` = relu{b}_{c}.
    """
    type: str = setting(registry.DEFAULT_TRAINING, choices=registry.names(trainable=True))
    arch: str = setting("vgg16", choices=("vgg16", "vgg19"))
    content_weight: float = setting(1.0, low=0.0)
    style_weight: float = setting(10.0, low=0.0)
    num_styles: int = setting(0, low=0)
    transformer: str = setting("paper", choices=("paper", "lite"))
    identity_share: float = setting(0.0, low=0.0, high=1.0)
    identity_weight: float = setting(0.0, low=0.0)
    init_weights: str = ""
    trains: str = setting("decoder", choices=("decoder", "detail"))
    level: str = setting("", choices=("", "block1_conv1", "block2_conv1", "block3_conv1",
                                      "block4_conv1", "block5_conv1"))
    feature_weight: float = setting(1.0, low=0.0)
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
    contrast a little (:func:`arbitrary_nst.training.data.image_dataset`'s ``augment``;
    the ranges are :data:`AUGMENT_SCALES`, :data:`AUGMENT_HUE`, ...).
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
    (:mod:`arbitrary_nst.training.heldout`): ``content[i]`` with ``style[i]``, image files; none by
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


def _only_for_model_types():
    """``{dotted key: model types using it}`` for the keys that only some model types
    use (their registry entries' ``training.config_keys``)."""
    users = {}
    for name in registry.names(trainable=True):
        for key in registry.get(name).training.config_keys:
            users.setdefault(key, []).append(name)
    return {key: tuple(types) for key, types in users.items()}


ONLY_FOR_MODEL_TYPES = _only_for_model_types()
"""Keys that only some model types use; another type refuses a value other than the
default (every key not named here is used by every type)."""


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
    return dump(config)


def load_config(path, overrides=()):
    """Reads ``path`` (YAML), applies ``overrides`` ("a.b=value"), validates, returns it.

    Raises:
      ConfigError: unreadable file, bad YAML, unknown key, wrong type or range, a key
        the model type does not use (:data:`ONLY_FOR_MODEL_TYPES`) or another key makes
        unused (:func:`check_dependent_keys`), unpaired eval images, loss layers that do
        not fit (:func:`training_objective`).
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
    training_objective(config, path)
    return config


def check_dependent_keys(config, path):
    """Raises ConfigError for a key set away from its default that another key's value
    makes unused: the model type's ``training.unused_when`` (e.g. the decoder's loss and
    the paintings when only AdaIN's detail branch trains), an identity weight without
    reconstructions, a TPU address without the TPU strategy, held-out settings without
    held-out pairs."""
    defaults = ExperimentConfig()
    training = registry.get(config.model.type).training
    for dotted in training.required_keys:
        changed, value = _changed_value(config, dotted)
        if not changed:
            raise ConfigError(f"{path}: model.type={config.model.type!r} needs {dotted} "
                              f"(it is {value!r})")
    for key, value, unused, reason in training.unused_when:
        if _changed_value(config, key)[1] != value:
            continue
        for dotted in unused:
            changed, current = _changed_value(config, dotted)
            if changed:
                raise ConfigError(f"{path}: {dotted}={current!r} is not used when "
                                  f"{key}={value} ({reason}): remove it")
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


def training_objective(config, path="config"):
    """The :class:`~arbitrary_nst.networks.objective.Objective` ``config`` trains with:
    its model type's (the registry entry's ``training.objective``) with the layers and
    weights of ``model.content_layers``, ``style_layers``, ``style_layer_weights``.

    Raises:
      ConfigError: loss layers that are not convolution layers of the model's VGG (or
        deeper than the type's ``training.deepest_layer``), or style layer weights that
        are not one number >= 0 per style layer.
    """
    training = registry.get(config.model.type).training
    if training.objective is None:
        return None  # the loss-layer keys are those of other model types: refused already
    model = config.model
    valid = conv_layer_names(model.arch)
    if training.deepest_layer:
        valid = valid[:valid.index(training.deepest_layer) + 1]
    for key in ("content_layers", "style_layers"):
        for name in getattr(model, key):
            if name not in valid:
                raise ConfigError(f"{path}: model.{key}: {name!r} is not a layer the "
                                  f"{model.type} loss can use ({model.arch}): expected one "
                                  "of " + ", ".join(valid))
    try:
        return training.objective.with_layers(model.content_layers, model.style_layers,
                                              model.style_layer_weights)
    except NSTError as exc:
        raise ConfigError(f"{path}: model.{exc}") from None
