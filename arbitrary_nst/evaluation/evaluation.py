"""Scoring stylized images on your own data: ``arbitrary-nst evaluate`` with folders.

Photos, paintings and stylized images are given as files, folders or globs
(:func:`arbitrary_nst.io.files.expand_inputs`). Each ``--stylized`` folder is one method,
labelled by the folder's name. Outputs are found by name:

* ``pairing="all"``: every photo with every painting, the output named as ``batch`` names
  it (``{content}__{style}.<any image extension>``, the inputs' file stems);
* ``pairing="name"``: photo ``k`` with painting ``k`` in the order given (e.g. two folders
  whose files correspond), the output named after the photo (``{content}.<ext>``).

Each found output is scored with :func:`arbitrary_nst.evaluation.metrics.evaluate_pair`; a
missing or unreadable one is listed, not fatal.
:func:`arbitrary_nst.evaluation.metrics.write_report` writes the Markdown and CSV report
(rows per pair and method, then the means per method).
"""

import os

from arbitrary_nst import progress
from arbitrary_nst.errors import NSTError, UsageError
from arbitrary_nst.evaluation import metrics
from arbitrary_nst.io import image_io
from arbitrary_nst.io.files import IMAGE_EXTENSIONS, expand_inputs
from arbitrary_nst.rendering.batch import stem

PAIRINGS = ("all", "name")


def pairs_of(contents, styles, pairing):
    """``[(content, style)]`` paths paired as ``pairing`` says (see the module doc).

    Raises:
      UsageError: ``name`` pairing of unequal counts, or an unknown pairing.
    """
    if pairing == "all":
        return [(content, style) for content in contents for style in styles]
    if pairing == "name":
        if len(contents) != len(styles):
            raise UsageError(f"--pairing name: {len(contents)} photos and {len(styles)} "
                             "paintings; expected as many of each (photo k with painting k)")
        return list(zip(contents, styles))
    raise UsageError(f"--pairing {pairing}: expected one of {', '.join(PAIRINGS)}")


def find_output(folder, content, style, pairing):
    """The stylized image of ``(content, style)`` in ``folder``, or None."""
    wanted = stem(content) if pairing == "name" else f"{stem(content)}__{stem(style)}"
    for extension in IMAGE_EXTENSIONS:
        for candidate in (wanted + extension, wanted + extension.upper()):
            path = os.path.join(folder, candidate)
            if os.path.isfile(path):
                return path
    return None


def evaluate_folders(contents, styles, stylized, pairing="all", show_progress=True):
    """Scores every method's outputs on the pairs.

    Args:
      contents, styles: files, folders or globs of the photos and paintings.
      stylized: folders of outputs, one per method (labelled by the folder name).
      pairing: ``all`` or ``name`` (see the module doc).

    Returns:
      ``(rows, problems)``: a row of :data:`arbitrary_nst.evaluation.metrics.COLUMNS` per scored
      output (``seconds`` empty), and one line per missing or unreadable output.

    Raises:
      UsageError: an input path matching no image, a ``--stylized`` that is not a folder,
        two methods with the same folder name, or pairing mistakes.
    """
    pairs = pairs_of(expand_inputs(contents, "--content"), expand_inputs(styles, "--style"),
                     pairing)
    methods = {}
    for folder in stylized:
        if not os.path.isdir(folder):
            raise UsageError(f"--stylized {folder}: expected a folder of stylized images "
                             "(one per method)")
        label = os.path.basename(os.path.normpath(folder))
        if label in methods:
            raise UsageError(f"--stylized {folder}: another folder is also named {label!r}; "
                             "methods are labelled by folder name")
        methods[label] = folder
    rows, problems, cache = [], [], {}

    def load(path):
        if path not in cache:
            cache[path] = image_io.load_image(path)
        return cache[path]

    with progress.progress_bar(len(pairs) * len(methods), "evaluate",
                               show_progress) as bar:
        for content, style in pairs:
            for label, folder in methods.items():
                bar.update(1)
                output = find_output(folder, content, style, pairing)
                if output is None:
                    problems.append(f"{label}: no output for {stem(content)} x {stem(style)} "
                                    f"in {folder}")
                    continue
                try:
                    scores = metrics.evaluate_pair(load(content), load(style),
                                                   image_io.load_image(output))
                except NSTError as error:
                    problems.append(f"{label}: {error}")
                    continue
                rows.append({"content": os.path.basename(content),
                             "style": os.path.basename(style), "method": label,
                             "seconds": "", **scores})
    return rows, problems
