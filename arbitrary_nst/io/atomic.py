"""Atomic file writes: a temporary file beside the target, then a rename.

A write that fails or is interrupted leaves either the old file or nothing at the target
path, never a half-written one.
"""

import os
import tempfile

from arbitrary_nst.errors import NSTError


class OutputError(NSTError):
    """An output path cannot be written."""


def write_atomically(path, write):
    """Calls ``write(file_object)`` on a temporary file beside ``path``, then renames it.

    Args:
      path: final destination.
      write: callable taking a binary file object open for writing.

    Raises:
      OutputError: the folder does not exist or cannot be written (one line naming ``path``).
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        handle, temp_path = tempfile.mkstemp(
            prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write here ({exc.strerror})") from None
    try:
        with os.fdopen(handle, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temp_path, ordinary_mode(folder=False))
        os.replace(temp_path, path)
    except OSError as exc:
        _remove_quietly(temp_path)
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        _remove_quietly(temp_path)
        raise


def ordinary_mode(folder):
    """The permission bits a file (or folder) created by ``open`` (``mkdir``) gets under
    the process's umask: ``tempfile`` creates 0600 files and 0700 folders, which outputs
    must not keep."""
    mask = os.umask(0)
    os.umask(mask)
    return (0o777 if folder else 0o666) & ~mask


def _remove_quietly(path):
    try:
        os.remove(path)
    except OSError:
        pass
