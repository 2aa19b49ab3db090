"""Optimisation-based style transfer (Gatys, Ecker & Bethge 2016; controls of Gatys et al. 2017).

The stylized image ``x`` minimises

    L(x) = alpha * L_content(x) + beta * L_style(x) + tv_weight * L_tv(x)
           [+ temporal_weight * L_temporal(x)]   (video, Ruder et al. 2016)

with ``L_content`` the mean squared VGG feature difference to the content image at the
content layers (averaged over layers), ``L_style = sum_l w_l * mean((G_l(x) - A_l)^2)``
over the style layers (``G`` Gram matrices divided by the number of positions, ``A`` the
style image's, ``w_l`` the per-layer weights, 1/5 each by default: the objective
:data:`arbitrary_nst.networks.objective.GATYS`) and ``L_tv`` the total variation; the
settings are :class:`~arbitrary_nst.methods.gatys.settings.GatysSettings`. Default
weights: alpha 1e4 and beta 1 (TensorFlow's style transfer tutorial uses the same
normalisation with alpha 1e4 and beta 1e-2 on VGG19; on VGG16 that leaves the shared
photo/painting pairs barely stylized after 150 L-BFGS steps, beta 1 stylizes them
clearly while buildings stay recognisable). Several style images are blended by mixing
their Gram matrices with the given weights (the same minimiser as the weighted sum of their
losses). Spatial control uses guided Gram matrices: one style (or none) per mask region.

Optimisers: L-BFGS (``scipy.optimize`` L-BFGS-B, pixels bounded to [0, 1]) and Adam
(lr 0.02, beta_1 0.99, epsilon 0.1 as in the tutorial, pixels clipped to [0, 1]).
Coarse-to-fine: ``levels`` > 1 first optimises at 1/2**(levels-1) of the size, then
upsamples the result and continues at each doubled size. By default (``levels=None``)
images up to :data:`SINGLE_LEVEL_SIDE` px run at full size only and larger ones add a
level per doubling, so high-resolution output starts from a converged coarse image.

Images are float32 ``(H, W, 3)`` RGB in [0, 1].
"""

import dataclasses
import time

import numpy as np
import tensorflow as tf

from arbitrary_nst.errors import UsageError
from arbitrary_nst.io import image_io
from arbitrary_nst.methods.gatys.settings import GatysSettings
from arbitrary_nst.methods.regions import Region
from arbitrary_nst.networks import losses
from arbitrary_nst.networks.vgg import (
    canonical_layer_name,
    layer_order,
    shared_extractor,
)
from arbitrary_nst.progress import progress_bar

MIN_LEVEL_SIDE = 32
SINGLE_LEVEL_SIDE = 512
TEMPORAL_REFERENCE_MSE = 1e-4
"""Pixel mean squared difference (1% of the range, per pixel) at which the temporal loss
costs ``temporal_weight`` times the initial objective."""


@dataclasses.dataclass
class GatysResult:
    """The stylized image ``(H, W, 3)`` in [0, 1] and the optimisation history.

    ``history`` holds one ``(level, iteration, seconds_since_start, total_loss)`` per
    iteration; ``final_losses`` the total and each part of the last image's loss;
    ``snapshots`` ``{iteration: image}`` for the iterations in ``GatysSettings.snapshots``.
    """
    image: np.ndarray
    history: list
    final_losses: dict
    snapshots: dict = dataclasses.field(default_factory=dict)


def feature_extractor(settings):
    """The VGG extractor for the settings' layers, shared by every call in the process."""
    return shared_extractor(tuple(settings.content_layers) + tuple(settings.style_layers),
                            settings.arch)


def automatic_levels(longest_side):
    """1 up to :data:`SINGLE_LEVEL_SIDE` px, then one more level per doubling (the
    coarsest level is at most that size): 1024 px -> 2, 2048 -> 3, 4096 -> 4."""
    levels = 1
    while longest_side > SINGLE_LEVEL_SIDE * 2 ** (levels - 1):
        levels += 1
    return levels


def level_sizes(height, width, levels):
    """``[(h, w), ...]`` from coarsest to full size; levels below 32 px are dropped."""
    sizes = []
    for level in range(levels):
        factor = 2 ** (levels - 1 - level)
        h, w = int(round(height / factor)), int(round(width / factor))
        if min(h, w) >= MIN_LEVEL_SIDE or factor == 1:
            sizes.append((h, w))
    return sizes


def min_side(settings):
    """The smallest side (px) the VGG layers of ``settings`` take: ``2 ** p`` for the ``p``
    2x2 poolings before the deepest content or style layer (16 for block5_conv1)."""
    order = layer_order(settings.arch)
    deepest = max(order.index(canonical_layer_name(name))
                  for name in (*settings.content_layers, *settings.style_layers))
    return 2 ** sum(name.endswith("_pool") for name in order[:deepest])


def check_sizes(content_shape, style_shapes, settings):
    """Raises UsageError (one line, with the least workable size) when the content, or a
    style image as resized for ``style_scale``, is under :func:`min_side` on a side:
    checked before any work."""
    least = min_side(settings)

    def sizes(longest):  # (name, (h, w)) of every image when the content's long side is this
        style_longest = max(1, int(round(longest * settings.style_scale)))
        return [("the content", image_io.size_for_longest(content_shape, longest))] + [
            (f"style image {index + 1}", image_io.size_for_longest(shape, style_longest))
            for index, shape in enumerate(style_shapes)]

    longest = max(content_shape[:2])
    too_small = [(name, size) for name, size in sizes(longest) if min(size) < least]
    if too_small:
        workable = longest + 1
        while any(min(size) < least for _, size in sizes(workable)):
            workable += 1
        name, (h, w) = too_small[0]
        raise UsageError(f"method 'gatys': {name} would be {w}x{h} px, under the {least} px "
                         "on each side that its VGG layers take; use a size of at least "
                         f"{workable} px" + ("" if name == "the content"
                                             else " or a larger style_scale"))


def gatys_transfer(content, styles, regions=None, settings=None):
    """Stylizes ``content`` with ``styles`` by optimising the image's pixels.

    Args:
      content: float32 ``(H, W, 3)`` in [0, 1].
      styles: list of float32 ``(h, w, 3)`` style images in [0, 1].
      regions: list of :class:`Region`; default one region, all styles with equal weight.
      settings: :class:`GatysSettings`.

    Returns:
      A :class:`GatysResult`.
    """
    settings = settings or GatysSettings()
    settings.validate()
    if not styles:
        raise UsageError("at least one style image is needed")
    check_sizes(content.shape, [style.shape for style in styles], settings)
    if regions is None:
        regions = [Region(None, tuple([1.0 / len(styles)] * len(styles)))]
    extractor = feature_extractor(settings)
    height, width = content.shape[:2]
    image = None
    history, snapshots = [], {}
    start = time.perf_counter()
    sizes = level_sizes(height, width, settings.levels or automatic_levels(max(height, width)))
    for level, (h, w) in enumerate(sizes):
        level_content = image_io.resize(content, h, w)
        if image is None:
            image = _initial_image(settings, level_content, styles)
        else:
            image = image_io.resize(image, h, w)
        objective = _objective(extractor, settings, level_content, styles, regions)
        objective.calibrate_temporal(image)
        run = _run_lbfgs if settings.optimizer == "lbfgs" else _run_adam
        final = level == len(sizes) - 1
        steps = settings.steps if final or settings.coarse_steps is None else settings.coarse_steps
        description = f"gatys {settings.optimizer} {w}x{h}"
        with progress_bar(steps, description, settings.progress) as bar:
            def record(iteration, loss, current):
                history.append((level, iteration, time.perf_counter() - start, loss))
                bar.update(1, loss=loss)
                if final and iteration in settings.snapshots:
                    snapshots[iteration] = current()
                return final and settings.stop_at_loss is not None and (
                    loss <= settings.stop_at_loss)
            image = run(objective, image, steps, settings, record)
    parts = {k: float(v) for k, v in objective(tf.constant(image[None]))[1].items()}
    return GatysResult(image, history, parts, snapshots)


def _initial_image(settings, content, styles):
    if settings.init_image is not None:
        return image_io.resize(np.asarray(settings.init_image, np.float32), *content.shape[:2])
    if settings.init == "content":
        return content.copy()
    if settings.init == "style":
        return image_io.resize(styles[0], *content.shape[:2])
    rng = np.random.default_rng(settings.seed)
    return rng.uniform(0.0, 1.0, content.shape).astype(np.float32)


def _objective(extractor, settings, content, styles, regions):
    """Returns a tf.function ``image (1, h, w, 3) -> (total_loss, parts, gradient)``."""
    height, width = content.shape[:2]
    objective = settings.objective()
    content_targets = extractor(content[None])
    style_longest = max(1, int(round(max(height, width) * settings.style_scale)))
    style_features = [extractor(image_io.resize_longest(s, style_longest)[None]) for s in styles]
    region_targets = []
    for region in regions:
        if region.style_weights is None:
            continue
        grams = {layer: tf.add_n([weight * losses.gram_matrix(features[layer])
                                  for weight, features in zip(region.style_weights,
                                                              style_features)])
                 for layer in settings.style_layers}
        masks = None
        if region.mask is not None:
            masks = {layer: image_io.resize(region.mask[None, :, :, None].astype(np.float32),
                                            *content_targets[layer].shape[1:3])
                     for layer in settings.style_layers}
        region_targets.append((grams, masks))

    alpha = tf.constant(settings.content_weight, tf.float32)
    beta = tf.constant(settings.style_weight, tf.float32)
    tv_weight = tf.constant(settings.tv_weight, tf.float32)
    temporal_weight = tf.Variable(0.0, trainable=False)  # set by calibrate_temporal
    temporal = None
    if settings.temporal_target is not None and settings.temporal_weight > 0:
        mask = (np.ones((height, width), np.float32) if settings.temporal_mask is None
                else image_io.resize(np.asarray(settings.temporal_mask, np.float32)[..., None],
                                     height, width)[..., 0])
        temporal = (tf.constant(image_io.resize(settings.temporal_target, height, width)[None]),
                    tf.constant(mask[None, :, :, None]))

    @tf.function(reduce_retracing=True)
    def loss_and_gradient(image):
        with tf.GradientTape() as tape:
            tape.watch(image)
            features = extractor(image)
            content_loss = objective.content(lambda layer: losses.content_loss(
                features[layer], content_targets[layer]))
            style_loss = tf.constant(0.0) + sum(objective.style(
                lambda layer, grams=grams, masks=masks: losses.gram_style_loss(
                    features[layer], grams[layer], None if masks is None else masks[layer]))
                for grams, masks in region_targets)
            tv_loss = losses.total_variation_loss(image)
            temporal_loss = (tf.reduce_mean(temporal[1] * tf.square(image - temporal[0]))
                             if temporal is not None else tf.constant(0.0))
            total = (alpha * content_loss + beta * style_loss + tv_weight * tv_loss
                     + temporal_weight * temporal_loss)
        parts = {"total": total, "content": content_loss, "style": style_loss, "tv": tv_loss,
                 "temporal": temporal_loss}
        return total, parts, tape.gradient(total, image)

    def calibrate_temporal(image):
        """Scales the temporal term relative to the objective at ``image`` (see settings)."""
        if temporal is not None:
            temporal_weight.assign(0.0)
            base = float(loss_and_gradient(tf.constant(image[None]))[0])
            temporal_weight.assign(settings.temporal_weight * base / TEMPORAL_REFERENCE_MSE)

    loss_and_gradient.calibrate_temporal = calibrate_temporal
    return loss_and_gradient


def _run_lbfgs(objective, image, steps, settings, record):
    """L-BFGS-B over the pixels with bounds [0, 1]; ``record(i, loss, current_image)``
    may ask to stop."""
    import scipy.optimize  # here, not at the top: 0.3 s of every command's start-up
    shape = (1,) + image.shape
    state = {"iteration": 0, "loss": None}

    def loss_and_gradient(flat):
        total, _, gradient = objective(tf.constant(flat.reshape(shape), tf.float32))
        state["loss"] = float(total)
        return state["loss"], gradient.numpy().astype(np.float64).ravel()

    def callback(flat):
        state["iteration"] += 1
        current = lambda: flat.reshape(image.shape).astype(np.float32)  # noqa: E731
        if record(state["iteration"], state["loss"], current):
            raise StopIteration

    result = scipy.optimize.minimize(
        loss_and_gradient, image.astype(np.float64).ravel(), jac=True, method="L-BFGS-B",
        bounds=scipy.optimize.Bounds(0.0, 1.0), callback=callback,
        options={"maxiter": steps, "maxfun": steps * 2, "ftol": 0.0,
                 "gtol": 0.0, "maxcor": 20})
    return result.x.reshape(image.shape).astype(np.float32)


def _run_adam(objective, image, steps, settings, record):
    """Adam on the pixels, clipped to [0, 1] after every step."""
    variable = tf.Variable(image[None])
    optimizer = tf.keras.optimizers.Adam(settings.learning_rate, beta_1=0.99, epsilon=1e-1)
    for iteration in range(1, steps + 1):
        total, _, gradient = objective(tf.convert_to_tensor(variable))
        optimizer.apply_gradients([(gradient, variable)])
        variable.assign(tf.clip_by_value(variable, 0.0, 1.0))
        if record(iteration, float(total), lambda: variable.numpy()[0]):
            break
    return variable.numpy()[0]
