"""Method-independent quality measures in one fixed VGG16 feature space.

:func:`evaluate_pair` scores a stylized image against its content and style images so that
any two methods can be compared on the same pair:

* Images are compared at one size: the stylized image's own, shrunk so that its longest
  side is at most :data:`EVAL_SIZE` (512) pixels (never enlarged); the content image is
  resized to exactly that height and width, the style image to the same longest side.
* ``content_loss``: mean squared difference of VGG16 ``block4_conv2`` (relu4_2) features.
* ``style_loss``: ``sum_l 1/5 * mean((G_l(stylized) - G_l(style))^2)`` over ``block1_conv1``
  ... ``block5_conv1`` (relu1_1 ... relu5_1), Gram matrices divided by the number of
  positions (the Gatys objective's style term with its default layer weights: both are
  :data:`arbitrary_nst.networks.objective.GATYS`).
* ``style_loss_mean_std``: ``sum_l 1/5 * (mean squared difference of channel means +
  that of channel standard deviations)`` over the same layers (AdaIN's style statistic).
* ``ssim``: structural similarity of the stylized image's luminance to the content's
  (1 = structure fully kept), ``tf.image.ssim`` with its default 11x11 Gaussian window.

:func:`colour_tone_distance` measures how far an image's colours and tones are from a
reference photo's (photorealistic transfer), :func:`colour_leak` how much of a photo's own
colouring a stylized image keeps; :func:`grid_pattern` measures the fixed grid (banding) a
network's stride leaves in flat areas; :func:`sharpness` compares a large output's fine
detail with an upsampled preview's.

:func:`score_methods` times methods over a set of (content, style) pairs and scores each
output; :func:`write_report` writes such rows as a Markdown table and a CSV file.

VGG16 inputs are RGB in [0, 1] with Keras' caffe preprocessing inside the extractor.
"""

import csv
import io
import time

import numpy as np
import tensorflow as tf

from arbitrary_nst.io import image_io
from arbitrary_nst.io.atomic import write_atomically
from arbitrary_nst.networks import losses
from arbitrary_nst.networks.objective import GATYS
from arbitrary_nst.networks.vgg import shared_extractor

EVAL_SIZE = 512
COLUMNS = ("content", "style", "method", "seconds", "content_loss", "style_loss",
           "style_loss_mean_std", "ssim")


def luminance_ssim(image, reference):
    """SSIM of the luminance of ``image`` against that of ``reference`` (both ``(H, W, 3)``
    in [0, 1], same size), ``tf.image.ssim``'s default 11x11 window; a Python float."""
    return float(tf.image.ssim(image_io.rgb_to_yiq(image)[..., :1],
                               image_io.rgb_to_yiq(reference)[..., :1], max_val=1.0))


def colour_leak(stylized, photo):
    """How much of the photo's own colouring a stylized image keeps: the correlation,
    over pixels, of its chroma with the photo's (YIQ's I and Q, averaged); both
    ``(H, W, 3)``, the same size. About 0 when the colours come from the painting alone;
    a decoder that passes the photo's colours through (a halo of the photo's colour
    around its objects) scores higher. A Python float in [-1, 1]."""
    ours = image_io.rgb_to_yiq(np.asarray(stylized, np.float32))[..., 1:].reshape(-1, 2)
    theirs = image_io.rgb_to_yiq(np.asarray(photo, np.float32))[..., 1:].reshape(-1, 2)
    correlations = [np.corrcoef(ours[:, k], theirs[:, k])[0, 1] for k in range(2)]
    return float(np.mean(np.nan_to_num(correlations)))


TONE_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def colour_tone_distance(image, reference):
    """How far the colours and tones of ``image`` are from ``reference``'s (both
    ``(H, W, 3)`` in [0, 1], any sizes): the sum of

    * the chroma distance: over the dark, middle and bright thirds of each image's pixels
      (by luminance), the Euclidean distance of the mean I and Q (YIQ) of the two thirds,
      summed (the colours of the shadows, midtones and highlights);
    * the tone distance: the mean absolute difference of the luminance quantiles
      :data:`TONE_QUANTILES`.

    0 = the same colour per third and the same tone curve. A Python float."""
    def parts(picture):
        yiq = image_io.rgb_to_yiq(np.asarray(picture, np.float32)).reshape(-1, 3)
        order = np.argsort(yiq[:, 0], kind="stable")
        thirds = np.array_split(order, 3)
        chroma = np.stack([yiq[third, 1:].mean(axis=0) for third in thirds])
        return chroma, np.quantile(yiq[:, 0], TONE_QUANTILES)

    (chroma, tones), (reference_chroma, reference_tones) = parts(image), parts(reference)
    return float(np.linalg.norm(chroma - reference_chroma, axis=1).sum()
                 + np.abs(tones - reference_tones).mean())


def evaluate_pair(content, style, stylized, size=EVAL_SIZE):
    """Content and style losses of ``stylized`` (see module doc).

    Args:
      content, style, stylized: float32 ``(H, W, 3)`` images in [0, 1], any sizes.
      size: largest longest side at which the comparison is made.

    Returns:
      ``{"content_loss", "style_loss", "style_loss_mean_std", "ssim"}`` as Python floats.
    """
    extractor = shared_extractor(GATYS.layers, "vgg16")
    stylized = image_io.resize_longest(stylized, min(size, max(stylized.shape[:2])))
    height, width = stylized.shape[:2]
    content = image_io.resize(content, height, width)
    style = image_io.resize_longest(style, size)
    out, ref_content, ref_style = (extractor(tf.constant(x[None])) for x in
                                   (stylized, content, style))
    content_loss = GATYS.content(lambda layer: losses.content_loss(out[layer],
                                                                   ref_content[layer]))
    style_loss = GATYS.style(lambda layer: losses.gram_style_loss(
        out[layer], losses.gram_matrix(ref_style[layer])))
    mean_std_loss = GATYS.style(lambda layer: losses.mean_std_loss(
        out[layer], *losses.mean_std(ref_style[layer])))
    ssim = luminance_ssim(stylized, content)
    return {"content_loss": float(content_loss), "style_loss": float(style_loss),
            "style_loss_mean_std": float(mean_std_loss), "ssim": float(ssim)}


def grid_pattern(image, period=4):
    """Strength of a fixed grid pattern in ``image`` ``(H, W, 3)``: the standard deviation
    over the ``period x period`` pixel phases ``(y mod period, x mod period)`` of the mean
    high-pass luminance (luminance minus its 8x-shrunk-and-enlarged copy). Content
    averages out over the phases; a pattern tied to the pixel grid (nearest upsampling
    twice: period 4) does not. Units: luminance on [0, 1]."""
    luminance = image_io.rgb_to_yiq(image)[..., :1]
    height, width = luminance.shape[:2]
    blurred = image_io.upsample(image_io.shrink(luminance, (max(1, height // 8),
                                                            max(1, width // 8))),
                                (height, width))
    high = (luminance[..., 0] - blurred[..., 0])[:height // period * period,
                                                 :width // period * period]
    phases = high.reshape(height // period, period, width // period, period)
    return float(phases.mean(axis=(0, 2)).std())


def laplacian_energy(image):
    """Mean absolute 4-neighbour Laplacian of the luminance of ``image`` ``(H, W, 3)``."""
    y = image_io.rgb_to_yiq(image)[..., 0]
    return float(np.abs(4 * y[1:-1, 1:-1] - y[:-2, 1:-1] - y[2:, 1:-1] - y[1:-1, :-2]
                        - y[1:-1, 2:]).mean())


def sharpness(image, preview):
    """:func:`laplacian_energy` of ``image`` over that of ``preview`` (a smaller
    rendering) enlarged bicubic to ``image``'s size and rounded to 8 bits as a saved
    image is (without the rounding, an enlargement is smoother than any saved picture):
    1 = no detail beyond the preview's."""
    enlarged = image_io.upsample(preview, image.shape[:2])
    return laplacian_energy(image) / laplacian_energy(image_io.to_uint8(enlarged) / 255.0)


def score_methods(pairs, methods, warm_up=True, repeats=1):
    """Runs every method on every pair, timing it, and scores the outputs.

    Args:
      pairs: list of ``(content_name, content, style_name, style)``, images float32
        ``(H, W, 3)`` in [0, 1].
      methods: ``{name: function(content, style) -> image}``.
      warm_up: run each method once on the first pair before timing (weights, tracing).
      repeats: runs per pair; ``seconds`` is their median (a single warm-up does not
        always take every one-time cost: the arbitrary model's second call on a pair
        once took 10x its later ones).

    Returns:
      ``(rows, outputs)``: one dict per (pair, method) with :data:`COLUMNS`, and the
      outputs ``{(content_name, style_name, method): image}`` (the last run's).
    """
    rows, outputs = [], {}
    for name, function in methods.items():
        if warm_up and pairs:
            function(pairs[0][1], pairs[0][3])
        for content_name, content, style_name, style in pairs:
            output, seconds = median_time(function, content, style, repeats=repeats)
            outputs[(content_name, style_name, name)] = output
            rows.append({"content": content_name, "style": style_name, "method": name,
                         "seconds": seconds, **evaluate_pair(content, style, output)})
    return rows, outputs


def median_time(function, *args, repeats=1):
    """Calls ``function(*args)`` ``repeats`` times; returns ``(the last result, the median
    wall-clock seconds of a call)``."""
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function(*args)
        seconds.append(time.perf_counter() - start)
    return result, float(np.median(seconds))


def means_by_method(rows):
    """Rows averaged per method (``content``/``style`` become ``"mean"``; a column
    holding anything but numbers, such as an empty ``seconds``, stays empty)."""
    methods = list(dict.fromkeys(row["method"] for row in rows))

    def mean(values):
        numbers = all(isinstance(v, (int, float)) for v in values)
        return float(np.mean(values)) if numbers else ""

    return [{"content": "mean", "style": "mean", "method": method,
             **{key: mean([row[key] for row in rows if row["method"] == method])
                for key in COLUMNS[3:]}} for method in methods]


def markdown_table(rows):
    """Rows as a Markdown table (numbers to 3 significant digits)."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in rows:
        cells = [f"{row[key]:.3g}" if isinstance(row[key], float) else str(row[key])
                 for key in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_report(rows, markdown_path, csv_path, heading=""):
    """Writes ``heading`` + the Markdown table and a CSV of ``rows`` (both atomically)."""
    text = (heading + "\n\n" if heading else "") + markdown_table(rows)
    write_atomically(markdown_path, lambda f: f.write(text.encode("utf-8")))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: row[key] for key in COLUMNS} for row in rows)
    write_atomically(csv_path, lambda f: f.write(buffer.getvalue().encode("utf-8")))
