"""Batch stylization: every (content, style) pair of two sets of inputs, one output each.

* :func:`arbitrary_nst.io.files.expand_inputs` turns files, folders and glob patterns
  into a sorted list of image paths (a folder: its image files, not recursive).
* :func:`output_name` names each output from a template (default
  ``{content}__{style}.png``, the input file names without their extensions).
* :func:`contact_sheet` lays outputs out like the papers' figures: one row per content,
  one column per style, a header row of the styles and a header column of the contents,
  labelled with their file names.
* :func:`run_batch` renders the pairs, skipping outputs that exist (so an interrupted
  batch resumes) and inputs that cannot be read (reported, listed at the end).

Images are float32 ``(H, W, 3)`` RGB in [0, 1].
"""

import collections
import concurrent.futures
import dataclasses
import os

from arbitrary_nst import progress
from arbitrary_nst.errors import NSTError, UsageError
from arbitrary_nst.evaluation.grid import make_grid
from arbitrary_nst.io import image_io

DEFAULT_NAME = "{content}__{style}.png"


def stem(path):
    """The label of an input: its file name without the extension (or a style index)."""
    return os.path.splitext(os.path.basename(str(path)))[0]


def output_name(template, content, style):
    """``template`` with ``{content}`` and ``{style}`` replaced by the inputs' stems.

    Raises:
      UsageError: an unknown ``{field}`` or an unknown image extension.
    """
    try:
        name = template.format(content=stem(content), style=stem(style))
    except (KeyError, IndexError, ValueError) as exc:
        raise UsageError(f"--name {template}: expected a template with {{content}} and "
                         f"{{style}} ({exc})") from None
    if os.path.splitext(name)[1].lower() not in image_io.SAVE_FORMATS:
        raise UsageError(f"--name {template}: ends in {os.path.splitext(name)[1]!r}, expected "
                         f"one of {', '.join(sorted(image_io.SAVE_FORMATS))}")
    return name


@dataclasses.dataclass
class BatchResult:
    """What a batch did: outputs ``{(content, style): path}`` written or already there,
    ``skipped`` (existing outputs kept), ``failures`` ``[(input or pair, message)]``,
    ``styles`` ``{style: what load_style gave}`` for the styles that loaded."""
    outputs: dict
    skipped: int
    failures: list
    styles: dict


def run_batch(contents, styles, folder, render, load_style, size, template=DEFAULT_NAME,
              overwrite=False, show_progress=True):
    """Renders every (content, style) pair into ``folder`` (created if missing).

    Args:
      contents: content image paths.
      styles: style image paths (or style indices).
      render: ``render(content image, style) -> image``; ``style`` as ``load_style`` gives.
      load_style: ``path -> style`` (an image, or the index itself); called once per style.
      size: long side of the outputs (the content images are loaded at it).
      template, overwrite: output names (:func:`output_name`); replace existing outputs.
      show_progress: progress bar with images/s and ETA.

    Returns:
      :class:`BatchResult`. A content or style that cannot be read, or a pair that fails,
      is recorded in ``failures`` and the batch goes on.
    """
    names = {(c, s): os.path.join(folder, output_name(template, c, s))
             for c in contents for s in styles}  # a bad template fails before any work
    os.makedirs(folder, exist_ok=True)
    loaded, failures = {}, []
    for style in styles:
        try:
            loaded[style] = load_style(style)
        except NSTError as exc:
            failures.append((style, str(exc)))
    outputs, skipped = {}, 0
    writing = collections.deque()  # (pair, path, future) of outputs being written

    def settle(limit):
        """Waits for the oldest writes until at most ``limit`` are pending."""
        while len(writing) > limit:
            pair, path, future = writing.popleft()
            try:
                future.result()
                outputs[pair] = path
            except NSTError as exc:
                failures.append((f"{pair[0]} x {pair[1]}", str(exc)))

    def todo_of(content):
        return [s for s in styles if s in loaded and (overwrite or not os.path.exists(
            names[content, s]))]

    # Reading the next photo and writing outputs run in threads while TensorFlow renders
    # (both release the GIL); at most two outputs wait to be written.
    with progress.progress_bar(len(names), "batch", show_progress, unit="image") as bar, \
            concurrent.futures.ThreadPoolExecutor(max_workers=2) as threads:
        reads = {}

        def read(content):
            if content not in reads and todo_of(content):
                reads[content] = threads.submit(image_io.load_image, content, size=size)

        for index, content in enumerate(contents):
            todo = todo_of(content)
            for style in styles:
                if style in loaded and style not in todo:
                    outputs[content, style] = names[content, style]
                    skipped += 1
            image = None
            if todo:
                read(content)
                try:
                    image = reads.pop(content).result()
                except NSTError as exc:
                    failures.append((content, str(exc)))
            if index + 1 < len(contents):
                read(contents[index + 1])
            for style in todo:
                if image is not None:
                    try:
                        output = render(image, loaded[style])
                        writing.append(((content, style), names[content, style],
                                        threads.submit(image_io.save_image,
                                                       names[content, style], output)))
                        settle(2)
                    except NSTError as exc:
                        failures.append((f"{content} x {style}", str(exc)))
                bar.update(1)
            bar.update(len(styles) - len(todo))
        settle(0)
    return BatchResult(outputs, skipped, failures, loaded)


def contact_sheet(contents, styles, outputs, load_style_image, cell=256, gap=2):
    """The outputs on one sheet: a header row of the style images (an empty corner first),
    then per content its photo and its outputs, columns labelled with the styles' names
    and rows with the photos'; images fitted in cells ``cell`` px wide and as tall as the
    tallest fitted image (no white bands around landscape pictures), ``gap`` px apart.
    Missing outputs stay white.

    Args:
      contents, styles: the inputs, in order.
      outputs: ``{(content, style): output path}``.
      load_style_image: ``style -> image`` for the header (None: a blank cell).

    Returns float32 ``(H, W, 3)``.
    """
    def load(path):
        try:
            return image_io.load_image(path, size=cell)
        except NSTError:
            return None

    header = [None] + [load_style_image(style) for style in styles]
    rows = [header] + [[load(content)] + [load(outputs[content, style])
                                          if (content, style) in outputs else None
                                          for style in styles] for content in contents]
    fitted = [min(cell, round(cell * image.shape[0] / image.shape[1]))
              for row in rows for image in row if image is not None]
    height = max(fitted, default=cell)
    return make_grid(rows, gap=gap, cell=(height, cell),
                     row_labels=["styles"] + [stem(content) for content in contents],
                     column_labels=["photos"] + [stem(style) for style in styles])
