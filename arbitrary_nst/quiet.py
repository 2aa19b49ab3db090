"""TensorFlow's start-up lines, hidden: its C++ libraries print oneDNN notices, "could not
find cuda drivers" and, on machines without a GPU, a cuInit error while they load and
initialise devices, ignoring Python's logging settings and ``TF_CPP_MIN_LOG_LEVEL`` set
from inside the process. The command and the Python API both import TensorFlow through
:func:`import_tensorflow`, with file descriptor 2 sent to /dev/null meanwhile; with
``ARBITRARY_NST_VERBOSE=1`` (or the command's ``--verbose``) the lines show. LiteRT's
first call prints a line of its own, hidden the same way (:func:`quieted`). No TensorFlow
import here.
"""

import contextlib
import importlib
import importlib.abc
import importlib.machinery
import os
import sys


def verbose_requested():
    """Whether ``ARBITRARY_NST_VERBOSE`` asks for TensorFlow's own lines."""
    return os.environ.get("ARBITRARY_NST_VERBOSE", "").strip().lower() in ("1", "true", "yes",
                                                                         "on")


@contextlib.contextmanager
def native_stderr_silenced():
    """Sends file descriptor 2 to /dev/null for the duration (C++ output included)."""
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def show_native_output():
    """From now on TensorFlow's and LiteRT's own lines show (``--verbose``)."""
    os.environ["ARBITRARY_NST_VERBOSE"] = "1"
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, QuietTensorFlowImport)]


def quieted():
    """A context in which native output (file descriptor 2) is hidden, unless verbose
    output was asked for (:func:`verbose_requested`)."""
    return contextlib.nullcontext() if verbose_requested() else native_stderr_silenced()


def import_tensorflow():
    """Imports TensorFlow and initialises its devices, silently unless verbose output was
    asked for."""
    with quieted():
        import tensorflow as tf
        tf.config.list_physical_devices()
    return tf


class _Existing(importlib.abc.Loader):
    """Hands the import system a module that is already imported."""

    def __init__(self, module):
        self.module = module

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        """Already executed."""


class QuietTensorFlowImport(importlib.abc.MetaPathFinder):
    """A finder that makes the first ``import tensorflow`` of the process quiet
    (:func:`import_tensorflow`), then leaves the import system as it was."""

    def find_spec(self, name, path, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)
        module = import_tensorflow()
        return importlib.machinery.ModuleSpec(name, _Existing(module), is_package=True)


def install():
    """Makes the process's first TensorFlow import quiet, unless verbose output was asked
    for or TensorFlow is imported already."""
    if (verbose_requested() or "tensorflow" in sys.modules
            or any(isinstance(f, QuietTensorFlowImport) for f in sys.meta_path)):
        return
    sys.meta_path.insert(0, QuietTensorFlowImport())
