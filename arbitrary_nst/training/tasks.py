"""What a feed-forward model trains on: the interface the trainer drives.

The trainer (:mod:`arbitrary_nst.training.train`) is model-agnostic; :func:`make_task`
gives it the task of the config's ``model.type``, the ``task`` class of that method's
implementation (:mod:`arbitrary_nst.registry`), which has

* ``model``: the network, ``variables`` to train and ``checkpoint_items`` (the objects a
  checkpoint stores besides step and optimiser);
* ``dataset(start, sizes)``: batches beginning at element ``start`` (for exact
  resumption), of ``sizes = (crop, resize)`` (None: the config's ``data.crop``/``resize``);
* ``loss(batch)``: ``{"total", ...}`` scalars of one replica's batch;
* ``preview(batch)``: a ``(N, H, k * W, 3)`` grid of inputs and outputs for TensorBoard;
* for the held-out pairs (:mod:`arbitrary_nst.training.heldout`) of pair tasks,
  ``render(content, style)`` and ``identity(content)``;
* ``run_files()`` and ``check_saved_run(run_dir)``: what a run folder holds besides the
  config and checkpoints, and whether a saved run fits this task.
"""

import os

import tensorflow as tf

from arbitrary_nst import registry
from arbitrary_nst.networks.perceptual import PerceptualLoss
from arbitrary_nst.training import data
from arbitrary_nst.training.config import ConfigError, training_objective


def make_task(config, dtype_policy=None):
    """The task of ``config.model.type``.

    Raises:
      ConfigError: the method is not trainable.
    """
    trainable = registry.names(trainable=True)
    if config.model.type not in trainable:
        raise ConfigError(f"model.type={config.model.type!r}: not trainable, expected one "
                          "of " + ", ".join(trainable))
    return registry.implementation(config.model.type).task(config, dtype_policy)


def images(config, source, exclude, seed_offset, start, sizes, augment=False):
    """Batches of ``config.data`` crops of ``source`` (``sizes``: ``(crop, resize)``, None:
    the config's), from element ``start``, seeded by ``data.seed + seed_offset``."""
    crop, resize = sizes or (config.data.crop, config.data.resize)
    return data.image_dataset(source, config.data.batch_size, crop=crop, resize=resize,
                              seed=config.data.seed + seed_offset, exclude=exclude,
                              start=start, augment=augment)


def init_weights_path(config, shipped_path):
    """The file ``model.init_weights`` names (``shipped``: ``shipped_path``), or None when
    it is empty (a new run starts from random weights).

    Raises:
      ConfigError: no such file.
    """
    init = config.model.init_weights
    if not init:
        return None
    path = shipped_path if init == "shipped" else init
    if not os.path.exists(path):
        raise ConfigError(f"model.init_weights={init!r}: no such file, expected 'shipped' "
                          "or the path of a decoder .npz")
    return path


def perceptual_loss(config, dtype_policy=None):
    """The :class:`PerceptualLoss` of ``config``'s loss layers and weights."""
    return PerceptualLoss(dtype_policy, training_objective(config))


class Task:
    """What every task has: nothing more in its run folder, any saved run fits."""

    def run_files(self):
        """``{file name: text}`` to save in the run folder beside ``config.yaml``."""
        return {}

    def check_saved_run(self, run_dir):
        """Raises ConfigError when the run saved in ``run_dir`` cannot be resumed by this
        task (beyond the config's architecture keys, which the trainer checks)."""


class PairTask(Task):
    """Trains on random (content crop, style crop) pairs; subclasses set ``config``,
    ``model``, ``variables`` and ``checkpoint_items`` and say how the model scores a
    batch (``loss``) and renders a pair (``render``)."""

    def dataset(self, start, sizes=None):
        config = self.config
        return tf.data.Dataset.zip((
            images(config, config.data.content, config.data.content_exclude, 0, start, sizes),
            images(config, config.data.style, config.data.style_exclude, 1, start, sizes,
                   config.data.style_augment)))

    def preview(self, batch):
        content, style = batch[:2]
        return tf.concat([content, style, self.render(content, style)], axis=2)

    def identity(self, content):
        """``content`` ``(N, H, W, 3)`` rendered with its own style (what ``alpha=0``
        gives), for the held-out ``identity_ssim``."""
        return self.render(content, content)
