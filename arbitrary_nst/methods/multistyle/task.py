"""Dumoulin et al.'s training task: content crops, each with one of the N styles; see
:mod:`arbitrary_nst.training.tasks` for the interface."""

import os

import tensorflow as tf

from arbitrary_nst.io import image_io
from arbitrary_nst.methods.multistyle.network import MultiStyle
from arbitrary_nst.training import data
from arbitrary_nst.training.config import ConfigError
from arbitrary_nst.training.runs import NEW_FOLDER
from arbitrary_nst.training.tasks import Task, images, perceptual_loss

STYLES_NAME = "styles.txt"
"""The run folder's list of the style images' file names, style k on line k + 1."""


def saved_style_count(run_dir):
    """How many styles the run in ``run_dir`` trained (its :data:`STYLES_NAME`), or None
    when it has no such file."""
    path = os.path.join(run_dir, STYLES_NAME)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return len(f.read().split())


class MultiStyleTask(Task):
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
                                perceptual=perceptual_loss(config, dtype_policy))
        self.variables = self.model.transformer.trainable_variables
        self.checkpoint_items = {"transformer": self.model.transformer}
        self.targets = self.model.style_targets(
            [image_io.load_image(path, size=config.data.style_size)
             for path in self.style_files])

    def dataset(self, start, sizes=None):
        config, count = self.config, self.model.num_styles
        content = images(config, config.data.content, config.data.content_exclude, 0, start,
                         sizes)
        first_batch = start // config.data.batch_size

        def with_styles(index, batch):
            picks = tf.random.stateless_uniform(
                [config.data.batch_size], seed=tf.stack([config.data.seed + 2, index]),
                maxval=count, dtype=tf.int32)
            return batch, tf.one_hot(picks, count)

        return content.enumerate(start=first_batch).map(with_styles)

    def loss(self, batch):
        content, style_weights = batch
        return self.model.loss(content, style_weights, self.targets,
                               self.config.model.content_weight, self.config.model.style_weight)

    def preview(self, batch):
        content, style_weights = batch
        return tf.concat([content, self.model.stylize(content, style_weights)], axis=2)

    def run_files(self):
        return {STYLES_NAME: "".join(os.path.basename(path) + "\n"
                                     for path in self.style_files)}

    def check_saved_run(self, run_dir):
        old = saved_style_count(run_dir)
        if old is not None and old != len(self.style_files):
            raise ConfigError(f"{run_dir}: holds a run of {old} styles ({STYLES_NAME}), this "
                              f"config has {len(self.style_files)} (data.style="
                              f"{self.config.data.style}): resume with the same styles, or "
                              f"{NEW_FOLDER}")
