"""The layout of a dataset to stylize, on any filesystem Apache Beam reads (local paths,
``gs://``, ``s3://`` where the user has Beam's extras for them).

Each image has a **key**: its path relative to the folder it was found under (the
ImageFolder layout, ``n01440764/n01440764_10026.JPEG``: class sub-folders and names are
kept), or its file name for a file or a glob match. The output tree repeats the keys.
TFRecord shards are found by :func:`find_shards` (their records' keys:
:mod:`arbitrary_nst.datasets.records`).
"""

import posixpath

from apache_beam.io.filesystems import FileSystems

from arbitrary_nst.datasets.records import is_shard
from arbitrary_nst.errors import UsageError
from arbitrary_nst.io.files import IMAGE_EXTENSIONS, SAVE_FORMATS

GLOB_CHARACTERS = "*?["


def _is_image(key):
    return key.lower().endswith(IMAGE_EXTENSIONS) and _visible(key)


def _matches(source):
    """``[(key, path)]`` of the files of a glob, a folder's tree or a file."""
    root = source.rstrip("/")
    if any(character in source for character in GLOB_CHARACTERS):
        return [(posixpath.basename(m.path), m.path)
                for m in FileSystems.match([source])[0].metadata_list]
    matches = [(m.path[len(root) + 1:], m.path)
               for m in FileSystems.match([root + "/**"])[0].metadata_list]
    if not matches and FileSystems.exists(source):
        matches = [(posixpath.basename(source), source)]
    return matches


def _visible(key):
    return not any(part.startswith(".") for part in key.split("/"))


def find_shards(sources, flag="--content"):
    """The sorted paths of the TFRecord shards in ``sources`` (files, glob patterns, or
    folders: every file in their trees), hidden files left out.

    Raises:
      UsageError: a source that is or holds no file (the message names ``flag``).
    """
    found = set()
    for source in sources:
        matches = [path for key, path in _matches(source) if _visible(key)]
        if not matches:
            raise UsageError(f"{flag} {source}: no such file, and no file in it or "
                             "matching it")
        found.update(matches)
    return sorted(found)


def holds_shards(sources):
    """Whether ``sources`` (files, globs, folders) name or hold TFRecord shards only
    (:func:`~arbitrary_nst.datasets.records.is_shard`) and at least one."""
    try:
        return all(is_shard(path) for path in find_shards(sources))
    except UsageError:  # a source without any file
        return False


def find_images(sources, flag="--content"):
    """``[(key, path)]`` of the images under ``sources`` (folders, whose trees are walked;
    glob patterns; files), sorted by key. Hidden files and folders (a name starting with
    ".") and files without an image extension are left out.

    Raises:
      UsageError: a source that holds or matches no image, or two images with one key
        (the message names ``flag`` and the paths).
    """
    found = {}
    for source in sources:
        matches = [(key, path) for key, path in _matches(source) if _is_image(key)]
        if not matches:
            raise UsageError(f"{flag} {source}: no such file, and no image in it or "
                             "matching it")
        for key, path in matches:
            if key in found and found[key] != path:
                raise UsageError(f"{flag}: {found[key]} and {path} have the same name "
                                 f"{key!r} in the output; give them separate runs")
            found[key] = path
    return sorted(found.items())


def read(path):
    """The bytes of the file at ``path`` (any filesystem Beam reads)."""
    with FileSystems.open(path) as f:
        return f.read()


def output_path(root, key, style_name=None, extension=None):
    """Where the image ``key`` stylized goes under ``root``: the same key, with
    ``-stylized-{style_name}`` before the extension when ``style_name`` is given (one
    image in several styles), and ``extension`` (".png", ...) instead of its own when
    given.

    Raises:
      UsageError: an output extension :func:`arbitrary_nst.io.image_io.save_image`
        cannot write.
    """
    stem, own = posixpath.splitext(key)
    extension = extension or own
    if extension.lower() not in SAVE_FORMATS:
        raise UsageError(f"{key}: cannot write {extension!r} images; expected --format "
                         "one of " + ", ".join(sorted(e[1:] for e in SAVE_FORMATS)))
    name = stem + (f"-stylized-{style_name}" if style_name else "") + extension
    return FileSystems.join(root, *name.split("/"))
