"""The trainer of the feed-forward models, driven by an :class:`ExperimentConfig`.

``train(config)`` builds the tf.distribute strategy the config names, the model's task
(network, batches and loss: :mod:`arbitrary_nst.training.tasks`), Adam with the paper's inverse-time
learning-rate decay, and a ``tf.train.CheckpointManager`` in ``checkpoint.dir``. It resumes
from the latest checkpoint there (step, optimiser and model), writes TensorBoard scalars
every ``summary.every_steps`` (``loss/total``; each term raw as ``loss/content``,
``loss/style``, ``loss/identity`` and times its config weight as ``loss/<term>_weighted``,
which add up to the total) and content/style/output image grids every
``summary.image_every_steps``, the held-out pairs' scores every ``eval.every_steps``
(:mod:`arbitrary_nst.training.heldout`), shows a progress bar with steps/s and ETA, and on SIGTERM
saves a checkpoint and returns cleanly.

The global batch (``data.batch_size``) is split over the strategy's replicas.
Models: ``adain``, ``multistyle``, ``arbitrary`` (fine-tuned from the imported weights).
The run directory also gets ``config.yaml`` (and the style list of a multistyle run) so
``arbitrary-nst stylize --checkpoint DIR`` can rebuild the model.
"""

import contextlib
import os
import shutil
import signal
import tempfile
import time

import numpy as np
import tensorflow as tf
from absl import logging

from arbitrary_nst import __version__
from arbitrary_nst.errors import NSTError
from arbitrary_nst.progress import progress_bar
from arbitrary_nst.training import heldout, run_record, runs, tasks
from arbitrary_nst.training.config import ConfigError


def make_strategy(config):
    """The ``tf.distribute`` strategy named by ``config.distribute.strategy``."""
    kind = config.distribute.strategy
    if kind == "default":
        return tf.distribute.get_strategy()
    if kind == "mirrored":
        return tf.distribute.MirroredStrategy()
    if kind == "multi_worker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    try:
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=config.distribute.tpu)
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
    except (ValueError, tf.errors.OpError, RuntimeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"distribute.strategy=tpu: no TPU reachable "
                          f"(distribute.tpu={config.distribute.tpu!r}): {reason}") from None
    return tf.distribute.TPUStrategy(resolver)


@contextlib.contextmanager
def custom_gradients_released():
    """Drops, on leaving, the custom gradients registered meanwhile in TensorFlow's
    process-wide gradient registry.

    Tracing a training step registers a custom gradient for each ``tf.distribute``
    all-reduce in it, never removed, and each one holds the step's whole graph
    (tensorflow/tensorflow#97697): every training run in a process kept 55 MB (the tiny
    AdaIN config, 6 steps) to 400 MB (the test suite's runs) after it ended. The step
    functions of a run that has ended are not traced again, so its entries serve nothing.
    """
    from tensorflow.python.framework import ops
    registry = getattr(getattr(ops, "_gradient_registry", None), "_registry", {})
    before = set(registry)
    try:
        yield
    finally:
        for name in set(registry) - before:
            if name.startswith("CustomGradient-"):
                del registry[name]


def phase_at(config, done):
    """``((crop, resize), end)`` of the ``data.phases`` entry that step ``done + 1``
    belongs to (``end``: its ``until_step``, the last step it covers), or
    ``(None, inf)`` past every phase (the config's own ``data.crop``/``resize``)."""
    for phase in config.data.phases:
        if done < phase.until_step:
            return (phase.crop, phase.resize), phase.until_step
    return None, float("inf")


class TrainingError(NSTError):
    """Training cannot go on (e.g. a non-finite loss)."""


def dtype_policy(config):
    """The Keras dtype policy for ``train.mixed_precision``: float16 compute on a GPU,
    bfloat16 elsewhere (CPU, TPU); None (float32) when it is off."""
    if not config.train.mixed_precision:
        return None
    return "mixed_float16" if tf.config.list_logical_devices("GPU") else "mixed_bfloat16"


def _is_chief(strategy):
    """True on the worker that owns checkpoints and summaries (always, on one machine)."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.task_type:
        return True
    return resolver.task_type == "chief" or (
        resolver.task_type == "worker" and resolver.task_id == 0
        and "chief" not in resolver.cluster_spec().as_dict())


class _Stop:
    """Set by SIGTERM (or the ``train.max_minutes`` clock) so that the loop saves and
    returns between steps; ``reason`` says which."""

    def __init__(self):
        self.requested = False
        self.reason = None

    def __call__(self, signum, frame):
        self.requested, self.reason = True, "a signal (SIGTERM)"


@custom_gradients_released()
def train(config, progress=True, overrides=()):
    """Runs (or resumes) the experiment until ``train.steps``.

    ``overrides`` (the ``--set`` values) go into the run folder's history
    (:mod:`arbitrary_nst.training.run_record`). A run already at ``train.steps`` trains nothing and
    writes nothing (``"trained": False`` in the result).

    Returns:
      ``{"step": last step, "losses": [(step, total loss) for each step run now],
      "model": the trained model, "skipped_batches": batches dropped for a non-finite
      loss, "seconds_per_step": median wall time of the steps after the first (which
      traces the graph), None if fewer than 2 ran, "step_function": the tf.function of
      one training step (jit-compiled with ``train.xla``; for profiling or inspection;
      None for a run already at ``train.steps``), "outcome": "completed", "stopped by
      train.max_minutes=N" or "stopped by a signal (SIGTERM)", "checkpoint": the path of
      the last checkpoint written}`` (the last two only when it trained).

    Raises:
      TrainingError: a non-finite loss with ``train.on_nonfinite: stop`` (the default):
        that step's update is not applied, nothing is saved, the message names the loss.
      ConfigError: ``train.steps`` below the run's current step, or a run folder of
        another network.
    """
    strategy = make_strategy(config)
    replicas = strategy.num_replicas_in_sync
    if config.data.batch_size % replicas:
        raise ConfigError(f"data.batch_size={config.data.batch_size} does not split over "
                          f"{replicas} replicas")

    policy = dtype_policy(config)
    with strategy.scope():
        task = tasks.make_task(config, policy)
        schedule = tf.keras.optimizers.schedules.InverseTimeDecay(
            config.train.learning_rate, decay_steps=1,
            decay_rate=config.train.learning_rate_decay)
        optimizer = tf.keras.optimizers.Adam(schedule)
        if policy == "mixed_float16":
            optimizer = tf.keras.mixed_precision.LossScaleOptimizer(optimizer)
        # Slots must exist before the first distributed step: built lazily inside
        # strategy.run, MirroredStrategy fails on an unfed placeholder.
        optimizer.build(task.variables)
        step = tf.Variable(0, dtype=tf.int64, trainable=False, name="step",
                           aggregation=tf.VariableAggregation.ONLY_FIRST_REPLICA)
        checkpoint = tf.train.Checkpoint(step=step, optimizer=optimizer,
                                         **task.checkpoint_items)
    chief = _is_chief(strategy)
    held_out = heldout.HeldOut(config.eval) if chief and config.eval.content else None
    latest = tf.train.latest_checkpoint(config.checkpoint.dir)
    if latest:
        runs.check_resume(config, task, config.checkpoint.dir)
        try:
            checkpoint.restore(latest).assert_existing_objects_matched()
        except (AssertionError, ValueError, tf.errors.OpError) as exc:
            raise ConfigError(f"{latest}: does not fit this config's {config.model.type} "
                              f"network ({str(exc).splitlines()[0][:200]}): "
                              f"{runs.NEW_FOLDER}") from None
        logging.info("resumed from %s at step %d", latest, int(step.numpy()))
    resumed = int(step.numpy())
    if config.train.steps < resumed:
        raise ConfigError(f"train.steps={config.train.steps} is below the step the run in "
                          f"{config.checkpoint.dir} is at ({resumed}): raise it to train "
                          f"more, or {runs.NEW_FOLDER}")
    if config.train.steps == resumed:
        return {"step": resumed, "losses": [], "model": task.model, "skipped_batches": 0,
                "seconds_per_step": None, "trained": False, "step_function": None}
    # Every worker takes part in saving (it runs collectives); only the chief's copy is
    # kept, the others write to a scratch folder that is removed at the end.
    save_dir = config.checkpoint.dir if chief else tempfile.mkdtemp(prefix="nst-worker-")
    manager = tf.train.CheckpointManager(checkpoint, save_dir,
                                         max_to_keep=config.checkpoint.keep)
    writer = (tf.summary.create_file_writer(os.path.join(config.checkpoint.dir, "summaries"))
              if chief else tf.summary.create_noop_writer())
    if chief:
        runs.write_run_info(config, task, config.checkpoint.dir)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA

    def batches_from(done):
        """The batches after step ``done`` and the step where their phase ends."""
        sizes, end = phase_at(config, done)
        start = done * config.data.batch_size  # resume the same image sequence
        return iter(strategy.experimental_distribute_dataset(
            task.dataset(start, sizes).with_options(options))), end

    iterator, phase_end = batches_from(int(step.numpy()))

    def replica_step(*batch):
        with tf.GradientTape() as tape:
            parts = task.loss(batch)
            # Summed over replicas by apply_gradients; scale_loss is 1 except under
            # float16 loss scaling.
            scaled = optimizer.scale_loss(parts["total"] / replicas)
        optimizer.apply_gradients(zip(tape.gradient(scaled, task.variables), task.variables))
        return parts

    @tf.function(jit_compile=config.train.xla or None)
    def distributed_step(batch):
        parts = strategy.run(replica_step, args=batch)
        return {k: strategy.reduce(tf.distribute.ReduceOp.MEAN, v, axis=None)
                for k, v in parts.items()}

    # A copy of the weights and optimiser state from before each step, put back when the
    # step's loss is not finite (so a NaN batch never reaches the model).
    state = list(task.variables) + list(optimizer.variables)
    with strategy.scope():
        backup = [tf.Variable(v, trainable=False) for v in state]

    @tf.function
    def save_state():
        for variable, copy in zip(state, backup):
            copy.assign(variable)

    @tf.function
    def restore_state():
        for variable, copy in zip(state, backup):
            variable.assign(copy)

    term_weights = {"content": config.model.content_weight,
                    "style": config.model.style_weight,
                    "identity": config.model.identity_weight}
    stop = _Stop()
    previous = signal.signal(signal.SIGTERM, stop)
    losses, step_seconds, skipped_batches = [], [], 0
    record = {"started": run_record.now(), "version": __version__,
              "commit": run_record.code_commit(), "overrides": list(overrides)}
    outcome = "failed: interrupted"
    try:
        with writer.as_default(), progress_bar(config.train.steps - int(step.numpy()),
                                               f"train {config.name}", progress) as bar:
            deadline = (time.monotonic() + 60 * config.train.max_minutes
                        if config.train.max_minutes else float("inf"))
            while int(step.numpy()) < config.train.steps and not stop.requested:
                if time.monotonic() > deadline:
                    stop.requested = True
                    stop.reason = f"train.max_minutes={config.train.max_minutes:g}"
                    break
                started = time.perf_counter()
                if int(step.numpy()) >= phase_end:
                    iterator, phase_end = batches_from(int(step.numpy()))
                batch = next(iterator)
                save_state()
                parts = distributed_step(batch)
                bad = sorted(k for k, v in parts.items() if not np.isfinite(float(v)))
                if bad:
                    restore_state()  # undo the update: back to the last good step
                    message = (f"step {int(step.numpy()) + 1}: non-finite loss "
                               + ", ".join(f"{k}={float(parts[k])}" for k in bad))
                    if config.train.on_nonfinite == "stop":
                        saved = manager.latest_checkpoint
                        raise TrainingError(
                            f"{config.checkpoint.dir}: {message}; stopped, "
                            + (f"the last checkpoint ({os.path.basename(saved)}) is the last "
                               "good state" if saved else "no checkpoint was written"))
                    logging.warning("%s; batch skipped (train.on_nonfinite=skip)", message)
                    skipped_batches += 1
                    continue
                step.assign_add(1)
                current = int(step.numpy())
                losses.append((current, float(parts["total"])))
                step_seconds.append(time.perf_counter() - started)
                bar.update(1, loss=losses[-1][1])
                if current % config.summary.every_steps == 0:
                    for name, value in parts.items():
                        tf.summary.scalar(f"loss/{name}", value, step=current)
                        if name in term_weights:
                            tf.summary.scalar(f"loss/{name}_weighted",
                                              term_weights[name] * value, step=current)
                    tf.summary.scalar("learning_rate", schedule(current), step=current)
                if chief and current % config.summary.image_every_steps == 0:
                    local = tuple(strategy.experimental_local_results(t)[0] for t in batch)
                    tf.summary.image("inputs_and_output", task.preview(local), step=current,
                                     max_outputs=4)
                if held_out and current % config.eval.every_steps == 0:
                    means = held_out.write_summaries(task.render, task.identity, current)
                    logging.info("step %d held-out: %s", current, ", ".join(
                        f"{key} {value:.4g}" for key, value in means.items()))
                if current % config.checkpoint.every_steps == 0:
                    manager.save(checkpoint_number=current)
        if stop.requested or int(step.numpy()) % config.checkpoint.every_steps:
            manager.save(checkpoint_number=int(step.numpy()))
        outcome = f"stopped by {stop.reason}" if stop.requested else "completed"
    except Exception as exc:
        outcome = f"failed: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
        raise
    finally:
        if chief:
            first = resumed + 1 if int(step.numpy()) > resumed else None
            run_record.append(config.checkpoint.dir, {
                **record, "ended": run_record.now(),
                "steps": [first, int(step.numpy())] if first else None, "outcome": outcome})
        signal.signal(signal.SIGTERM, previous)
        writer.flush()
        if not chief:
            shutil.rmtree(save_dir, ignore_errors=True)
    return {"step": int(step.numpy()), "losses": losses, "model": task.model,
            "skipped_batches": skipped_batches, "trained": True, "outcome": outcome,
            "checkpoint": manager.latest_checkpoint,
            "step_function": distributed_step,
            "seconds_per_step": float(np.median(step_seconds[1:])) if len(step_seconds) > 1
            else None}

