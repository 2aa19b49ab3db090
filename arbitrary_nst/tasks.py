"""What each feed-forward model trains on: its network, batches, loss and preview.

The trainer (:mod:`arbitrary_nst.train`) is model-agnostic; it asks :func:`make_task` for
a task with

* ``model``: the network (an ``AdaIN`` or ``MultiStyle``), ``variables`` to train and
  ``checkpoint_items`` (the objects a checkpoint stores besides step and optimiser);
* ``dataset(start, sizes)``: batches beginning at element ``start`` (for exact
  resumption), of ``sizes = (crop, resize)`` (None: the config's ``data.crop``/``resize``);
* ``loss(batch)``: ``{"total", ...}`` scalars of one replica's batch;
* ``preview(batch)``: a ``(N, H, k * W, 3)`` grid of inputs and outputs for TensorBoard.

:func:`load_model` rebuilds a trained model from a run directory (the trainer saves the
config there as ``config.yaml``) for ``arbitrary-nst stylize --checkpoint DIR``.
"""

import os

import tensorflow as tf

from arbitrary_nst import data, image_io, loss_layers, pretrained
from arbitrary_nst.atomic import write_atomically
from arbitrary_nst.config import ConfigError, dump_config, load_config
from arbitrary_nst.errors import UsageError, WeightsError
from arbitrary_nst.models import arbitrary
from arbitrary_nst.models.adain import AdaIN
from arbitrary_nst.models.multistyle import MultiStyle
from arbitrary_nst.models.perceptual import PerceptualLoss

CONFIG_NAME = "config.yaml"
STYLES_NAME = "styles.txt"


def _images(config, source, exclude, seed_offset, start, sizes, augment=False):
    crop, resize = sizes or (config.data.crop, config.data.resize)
    return data.image_dataset(source, config.data.batch_size, crop=crop, resize=resize,
                              seed=config.data.seed + seed_offset, exclude=exclude,
                              start=start, augment=augment)


def _perceptual(config, dtype_policy=None):
    """The :class:`PerceptualLoss` of ``config``'s ``model`` loss keys."""
    content, style, weights = loss_layers.for_model(config.model)
    return PerceptualLoss(dtype_policy, content, style, weights)


class _PairTask:
    """Trains on random (content crop, style crop) pairs; subclasses set ``model``,
    ``variables`` and ``checkpoint_items`` and say how the model scores a batch and
    renders a pair."""

    def dataset(self, start, sizes=None):
        config = self.config
        return tf.data.Dataset.zip((
            _images(config, config.data.content, config.data.content_exclude, 0, start, sizes),
            _images(config, config.data.style, config.data.style_exclude, 1, start, sizes,
                    config.data.style_augment)))

    def preview(self, batch):
        content, style = batch[:2]
        return tf.concat([content, style, self.render(content, style)], axis=2)

    def identity(self, content):
        """``content`` ``(N, H, W, 3)`` rendered with its own style (what ``alpha=0``
        gives), for the held-out ``identity_ssim``."""
        return self.render(content, content)


class AdaINTask(_PairTask):
    """AdaIN: the decoder trains, from ``model.init_weights`` when the run is new; a
    ``model.identity_share`` of each batch reconstructs its photo. With ``model.trains:
    detail`` only the detail branch trains, on reconstructions of the content crops
    (:meth:`AdaIN.detail_loss`), the decoder stays as ``init_weights`` gave it, and the
    checkpoints hold the branch too (a decoder run's hold the decoder alone: a new decoder
    needs its branch retrained)."""

    def __init__(self, config, dtype_policy=None):
        self.config = config
        _, style_layers, style_layer_weights = loss_layers.for_model(config.model)
        self.model = AdaIN(config.model.arch, seed=config.data.seed, dtype_policy=dtype_policy,
                           style_layers=style_layers, style_layer_weights=style_layer_weights)
        self.trains_detail = config.model.trains == "detail"
        trained = self.model.detail if self.trains_detail else self.model.decoder
        self.variables = trained.trainable_variables
        self.checkpoint_items = {"decoder": self.model.decoder}
        if self.trains_detail:
            self.checkpoint_items["detail"] = self.model.detail
        init = config.model.init_weights
        if init:
            path = pretrained.ADAIN_DECODER if init == "shipped" else init
            if not os.path.exists(path):
                raise ConfigError(f"model.init_weights={init!r}: no such file, expected "
                                  "'shipped' or the path of a decoder .npz")
            pretrained.load_adain_decoder(self.model, path)

    def dataset(self, start, sizes=None):
        if not self.trains_detail:
            return super().dataset(start, sizes)
        config = self.config  # reconstructions need no paintings
        return _images(config, config.data.content, config.data.content_exclude, 0, start,
                       sizes).map(lambda content: (content,))

    def loss(self, batch):
        if self.trains_detail:
            return self.model.detail_loss(batch[0])
        content, style = batch
        model = self.config.model
        return self.model.loss(content, style, content_weight=model.content_weight,
                               style_weight=model.style_weight,
                               identity_weight=model.identity_weight,
                               identity_count=round(model.identity_share * content.shape[0]))

    def preview(self, batch):
        if not self.trains_detail:
            return super().preview(batch)
        return tf.concat([batch[0], self.identity(batch[0])], axis=2)

    def render(self, content, style):
        return self.model.transfer(content, *self.model.style_statistics(style))

    def identity(self, content):
        return self.model.reconstruct(content)


class MultiStyleTask:
    """Dumoulin's N-style network: content crops, each with a random one of the N styles.

    The styles are the files of ``data.style`` (sorted, minus ``data.style_exclude``),
    style k being the k-th; their Gram targets are computed once at ``data.style_size``.
    """

    def __init__(self, config, dtype_policy=None):
        self.config = config
        self.style_files = data.list_files(config.data.style, config.data.style_exclude)
        count = len(self.style_files)
        if config.model.num_styles not in (0, count):
            raise ConfigError(f"model.num_styles={config.model.num_styles} but data.style "
                              f"{config.data.style!r} holds {count} style images")
        self.model = MultiStyle(count, config.model.transformer, seed=config.data.seed,
                                dtype_policy=dtype_policy,
                                perceptual=_perceptual(config, dtype_policy))
        self.variables = self.model.transformer.trainable_variables
        self.checkpoint_items = {"transformer": self.model.transformer}
        self.targets = self.model.style_targets(
            [image_io.load_image(path, size=config.data.style_size)
             for path in self.style_files])

    def dataset(self, start, sizes=None):
        config, count = self.config, self.model.num_styles
        content = _images(config, config.data.content, config.data.content_exclude, 0, start,
                          sizes)
        first_batch = start // config.data.batch_size

        def with_styles(index, images):
            picks = tf.random.stateless_uniform(
                [config.data.batch_size], seed=tf.stack([config.data.seed + 2, index]),
                maxval=count, dtype=tf.int32)
            return images, tf.one_hot(picks, count)

        return content.enumerate(start=first_batch).map(with_styles)

    def loss(self, batch):
        content, style_weights = batch
        return self.model.loss(content, style_weights, self.targets,
                               self.config.model.content_weight, self.config.model.style_weight)

    def preview(self, batch):
        content, style_weights = batch
        return tf.concat([content, self.model.stylize(content, style_weights)], axis=2)


class ArbitraryTask(_PairTask):
    """Ghiasi et al.'s model fine-tuned from the imported weights; the style predictor and
    the transformer both train."""

    def __init__(self, config, dtype_policy=None):
        self.config = config
        self.model = pretrained.build_arbitrary()
        self.model.perceptual = _perceptual(config)
        self.variables = (self.model.predictor.trainable_variables
                          + self.model.transformer.trainable_variables)
        self.checkpoint_items = {"predictor": self.model.predictor,
                                 "transformer": self.model.transformer}

    def dataset(self, start, sizes=None):
        """(content, style, the style's :func:`predictor_input`) batches: the predictor's
        antialiased resize runs in tf.data, so the step compiles with ``train.xla``."""
        return super().dataset(start, sizes).map(
            lambda content, style: (content, style, arbitrary.predictor_input(style)))

    def loss(self, batch):
        content, style, style_input = batch
        return self.model.loss(content, style, style_input,
                               content_weight=self.config.model.content_weight,
                               style_weight=self.config.model.style_weight)

    def render(self, content, style):
        return self.model.stylize(content, self.model.style_vector(style))


TASKS = {"adain": AdaINTask, "multistyle": MultiStyleTask, "arbitrary": ArbitraryTask}


def make_task(config, dtype_policy=None):
    """The task of ``config.model.type``."""
    if config.model.type not in TASKS:
        raise ConfigError(f"model.type={config.model.type!r}: not trainable yet, expected "
                          "one of " + ", ".join(TASKS))
    return TASKS[config.model.type](config, dtype_policy)


def write_run_info(config, task, run_dir):
    """Saves ``config.yaml`` (and ``styles.txt`` for multistyle) into ``run_dir``."""
    os.makedirs(run_dir, exist_ok=True)
    text = dump_config(config).encode("utf-8")
    write_atomically(os.path.join(run_dir, CONFIG_NAME), lambda f: f.write(text))
    if isinstance(task, MultiStyleTask):
        names = "".join(os.path.basename(path) + "\n" for path in task.style_files)
        write_atomically(os.path.join(run_dir, STYLES_NAME),
                         lambda f: f.write(names.encode("utf-8")))


NEW_FOLDER = "train into a new folder (--set checkpoint.dir=NEW_FOLDER)"
"""The way out of a run folder that cannot be resumed with this config."""
ARCHITECTURE_KEYS = ("type", "arch", "transformer")
"""``model`` keys that shape the network or its checkpoint: a run resumes only with the
values it was started with."""


def check_resume(config, task, run_dir):
    """Raises ConfigError (one line naming both values and the way out) when the run in
    ``run_dir`` (its ``config.yaml`` and, for multistyle, ``styles.txt``) was started with
    another network than ``config`` and ``task`` build. No saved run: nothing to check."""
    path = os.path.join(run_dir, CONFIG_NAME)
    if not os.path.exists(path):
        return
    saved = load_config(path)
    for key in ARCHITECTURE_KEYS:
        old, new = getattr(saved.model, key), getattr(config.model, key)
        if old != new:
            raise ConfigError(f"{run_dir}: holds a run with model.{key}={old!r}, this config "
                              f"has {new!r}: resume with model.{key}={old!r}, or {NEW_FOLDER}")
    styles = os.path.join(run_dir, STYLES_NAME)
    if isinstance(task, MultiStyleTask) and os.path.exists(styles):
        with open(styles, encoding="utf-8") as f:
            old = len(f.read().split())
        if old != len(task.style_files):
            raise ConfigError(f"{run_dir}: holds a run of {old} styles ({STYLES_NAME}), this "
                              f"config has {len(task.style_files)} (data.style="
                              f"{config.data.style}): resume with the same styles, or "
                              f"{NEW_FOLDER}")


def load_model(run_dir, expected_type, step=None):
    """The trained model of a run directory, restored from its latest checkpoint (or the
    one saved at ``step``); for
    ``adain``, ``run_dir`` may instead be a decoder ``.npz`` (from
    ``experiments/ship_adain_decoder.py`` or ``train_adain_gpu.py``).

    Raises:
      WeightsError: no checkpoint or no ``config.yaml`` there, or a decoder file that does
        not fit.
      UsageError: the run trained a different model type, or a file for another method.
    """
    if os.path.isfile(run_dir):
        if expected_type != "adain" or not run_dir.endswith(".npz"):
            raise UsageError(f"{run_dir}: a file is accepted only as an AdaIN decoder .npz; "
                             f"for {expected_type} give a training run folder")
        model = AdaIN()
        pretrained.load_adain_decoder(model, run_dir)
        return model
    config_path = os.path.join(run_dir, CONFIG_NAME)
    latest = tf.train.latest_checkpoint(run_dir)
    if step is not None:
        latest = os.path.join(run_dir, f"ckpt-{step}")
        if not tf.io.gfile.exists(latest + ".index"):
            raise WeightsError(f"{run_dir}: no checkpoint of step {step} (ckpt-{step}.index)")
    if not latest or not os.path.exists(config_path):
        raise WeightsError(f"{run_dir}: expected a training run directory with {CONFIG_NAME} "
                           "and checkpoints (from arbitrary-nst train)")
    config = load_config(config_path)
    if config.model.type != expected_type:
        raise UsageError(f"{run_dir}: trained a {config.model.type!r} model, "
                         f"not {expected_type!r}")
    if expected_type == "adain":
        model = AdaIN(config.model.arch)
        items = {"decoder": model.decoder}
        if config.model.trains == "detail":  # only such runs checkpoint the branch
            items["detail"] = model.detail
    elif expected_type == "arbitrary":
        model = pretrained.build_arbitrary()
        items = {"predictor": model.predictor, "transformer": model.transformer}
    else:
        with open(os.path.join(run_dir, STYLES_NAME), encoding="utf-8") as f:
            count = len(f.read().split())
        model = MultiStyle(count, config.model.transformer)
        items = {"transformer": model.transformer}
    status = tf.train.Checkpoint(**items).restore(latest)
    try:
        status.assert_existing_objects_matched()
    except AssertionError as exc:
        raise WeightsError(f"{latest}: does not fit the {expected_type} network "
                           f"({str(exc).splitlines()[0]})") from None
    status.expect_partial()  # the optimiser's slots are not needed
    return model

