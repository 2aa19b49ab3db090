"""Run folders of ``arbitrary-nst train``: what they hold besides checkpoints, whether a
config may resume one, and the trained network of one.

A run folder holds ``config.yaml`` (the run's config, written by the trainer), the task's
own files (:meth:`arbitrary_nst.training.tasks.Task.run_files`, e.g. a multistyle run's
style list), ``ckpt-N`` checkpoints, ``summaries/`` and ``history.jsonl``
(:mod:`arbitrary_nst.training.run_record`).
"""

import os

import tensorflow as tf
from absl import logging

from arbitrary_nst import registry
from arbitrary_nst.errors import UsageError, WeightsError
from arbitrary_nst.io.atomic import write_atomically
from arbitrary_nst.training.config import ConfigError, dump_config, load_config

CONFIG_NAME = "config.yaml"
NEW_FOLDER = "train into a new folder (--set checkpoint.dir=NEW_FOLDER)"
"""The way out of a run folder that cannot be resumed with this config."""
ARCHITECTURE_KEYS = ("type", "arch", "transformer", "level")
"""``model`` keys that shape the network or its checkpoint: a run resumes only with the
values it was started with."""
YOUNG_RUN_STEPS = 500
"""A run's checkpoint of fewer steps than this gets a warning when it is used to
stylize (unless it started from trained weights: ``model.init_weights``)."""


def latest_checkpoint(run_dir):
    """The path prefix of the newest checkpoint in ``run_dir``, or None."""
    return tf.train.latest_checkpoint(run_dir)


def write_run_info(config, task, run_dir):
    """Saves ``config.yaml`` and the task's :meth:`run_files` into ``run_dir``."""
    os.makedirs(run_dir, exist_ok=True)
    files = {CONFIG_NAME: dump_config(config), **task.run_files()}
    for name, text in files.items():
        data = text.encode("utf-8")
        write_atomically(os.path.join(run_dir, name), lambda f, data=data: f.write(data))


def check_resume(config, task, run_dir):
    """Raises ConfigError (one line naming both values and the way out) when the run in
    ``run_dir`` was started with another network than ``config`` and ``task`` build (its
    ``config.yaml``'s :data:`ARCHITECTURE_KEYS`, then the task's own check). No saved
    run: nothing to check."""
    path = os.path.join(run_dir, CONFIG_NAME)
    if not os.path.exists(path):
        return
    saved = load_config(path)
    for key in ARCHITECTURE_KEYS:
        old, new = getattr(saved.model, key), getattr(config.model, key)
        if old != new:
            raise ConfigError(f"{run_dir}: holds a run with model.{key}={old!r}, this config "
                              f"has {new!r}: resume with model.{key}={old!r}, or {NEW_FOLDER}")
    task.check_saved_run(run_dir)


def load_network(run_dir, method, step=None):
    """The trained network of a run folder of ``method``, restored from its latest
    checkpoint (or the one saved at ``step``); ``run_dir`` may instead be a weights file
    of a method that reads one (its ``from_file``, e.g. an AdaIN decoder ``.npz``).

    Raises:
      WeightsError: no checkpoint or no ``config.yaml`` there, or a checkpoint (or file)
        that does not fit the network.
      UsageError: the run trained another method, or a file the method does not read.
    """
    implementation = registry.implementation(method)
    if os.path.isfile(run_dir):
        return implementation.from_file(registry.get(method), run_dir)
    config_path = os.path.join(run_dir, CONFIG_NAME)
    latest = latest_checkpoint(run_dir)
    if step is not None:
        latest = os.path.join(run_dir, f"ckpt-{step}")
        if not tf.io.gfile.exists(latest + ".index"):
            raise WeightsError(f"{run_dir}: no checkpoint of step {step} (ckpt-{step}.index)")
    if not latest or not os.path.exists(config_path):
        raise WeightsError(f"{run_dir}: expected a training run directory with {CONFIG_NAME} "
                           "and checkpoints (from arbitrary-nst train)")
    config = load_config(config_path)
    if config.model.type != method:
        raise UsageError(f"{run_dir}: trained a {config.model.type!r} model, not {method!r}")
    network, items = implementation.from_run(config, run_dir)
    status = tf.train.Checkpoint(**items).restore(latest)
    try:
        status.assert_existing_objects_matched()
    except AssertionError as exc:
        raise WeightsError(f"{latest}: does not fit the {method} network "
                           f"({str(exc).splitlines()[0]})") from None
    status.expect_partial()  # the optimiser's slots are not needed
    trained = int(os.path.basename(latest).rsplit("-", 1)[1])
    fine_tuned = config.model.init_weights or registry.get(method).training.fine_tunes
    if trained < YOUNG_RUN_STEPS and not fine_tuned:
        logging.warning(
            "%s: a model trained %d steps renders little more than noise; the tiny configs "
            "(configs/*_tiny.yaml) exist for the tests, a usable model comes from the "
            "paper configs or the shipped weights (or fine-tune them: "
            "configs/adain_finetune.yaml)", run_dir, trained)
    return network
