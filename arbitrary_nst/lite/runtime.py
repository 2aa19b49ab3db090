"""Running ``.tflite`` files with LiteRT (``ai-edge-litert``), without TensorFlow.

:class:`LiteModel` holds one file's interpreter; :meth:`LiteModel.run` calls one of its
named signatures with float32 numpy inputs of any height and width (the inputs are
resized in the interpreter when their shapes change). :func:`choose` decides whether a
render runs in LiteRT or in TensorFlow.
"""

import functools
import importlib.util
import os
import sys
import threading

from absl import logging

from arbitrary_nst import quiet
from arbitrary_nst.errors import UsageError

RUNTIMES = ("auto", "litert", "tf")
"""``--runtime`` values: "auto" (LiteRT where the method and the installation allow it,
else TensorFlow), "litert", "tf"."""


BATCH_CROSSOVER = 45
"""Renders past which ``--runtime auto`` runs the arbitrary method in TensorFlow
(each LiteRT network class has its own ``BATCH_CROSSOVER``): at 512 px on a 2-core CPU
TensorFlow starts ~4.5 s later but renders ~0.1 s faster per image (LiteRT re-plans its
buffers for every new photo size): experiments/results/benchmark_startup.md."""


def available():
    """Whether ``ai-edge-litert`` is installed (it is not for every platform)."""
    return importlib.util.find_spec("ai_edge_litert") is not None


def tensorflow_available():
    """Whether TensorFlow can be imported here (without importing it)."""
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"] is not None
    return importlib.util.find_spec("tensorflow") is not None


def choose(spec, runtime, renders=1):
    """The runtime a network of ``spec`` (a :class:`~arbitrary_nst.registry.MethodSpec`)
    runs in for ``renders`` renders: "litert" or "tf".

    "auto" and "litert" both run in LiteRT what it has: the method's networks with any
    upsampling (the bicubic detail pass above the working size included:
    :mod:`arbitrary_nst.rendering.multiscale`); "auto" runs in TensorFlow (where it is
    installed) past the LiteRT network class's ``BATCH_CROSSOVER`` renders, where
    TensorFlow's faster renders repay its start-up (0: TensorFlow is faster from the
    first render).

    Args:
      runtime: one of :data:`RUNTIMES` (checked by the settings).
      renders: how many renders the job makes (a batch's images x styles).

    Raises:
      UsageError: "litert" for a method without LiteRT networks, or where
        ``ai-edge-litert`` is not installed.
    """
    if runtime == "tf":
        return "tf"
    reason = None
    if not spec.litert:
        reason = f"method {spec.name!r} has no LiteRT networks"
    elif not available():
        reason = "ai-edge-litert is not installed (pip install ai-edge-litert==2.3.0)"
    if reason is None:
        if runtime == "auto" and renders > crossover(spec) and tensorflow_available():
            return "tf"
        return "litert"
    if runtime == "litert":
        raise UsageError(f"--runtime litert: {reason}; use --runtime tf or auto")
    if spec.litert:  # the installation lacks LiteRT: said under --verbose
        logging.info("rendering in TensorFlow: %s", reason)
    return "tf"


def crossover(spec):
    """The ``BATCH_CROSSOVER`` of the LiteRT network class of ``spec``'s method."""
    from arbitrary_nst import registry
    return registry.implementation(spec.name).lite_network.BATCH_CROSSOVER


class LiteModel:
    """One ``.tflite`` file, ready to run.

    A signature's first call runs with LiteRT's builtin kernels unless ``xnnpack_first``;
    later calls (and every call once :func:`arbitrary_nst.networks.tracing.expect_many_calls`
    was called: batch, video) run with the XNNPACK delegate. XNNPACK renders a repeated
    512 px call of the arbitrary transformer in 0.12-0.15 s against 0.31 s, but its first
    call is no faster (0.41 s against 0.39 s) and it holds ~300 MiB more (a workspace per
    delegated partition): a one-image command pays neither. For VGG-sized networks
    (AdaIN's) XNNPACK's first call is already 2-3x faster (a 512 px transfer 1.7 s against
    4.2 s), so their files run it from the first call.

    One call runs at a time (a lock): an interpreter is not thread-safe, and threads that
    share a model (Beam's in-memory DirectRunner with several workers) crashed the
    process inside LiteRT.

    Args:
      path: the file.
      threads: interpreter threads (default: the CPU count).
      xnnpack_first: run XNNPACK from the first call.
      xnnpack: False: never run XNNPACK (its workspaces grow with the input: the files
        of 1024 px tiles).

    Attributes:
      path: the file.
      make: None, or a callable that writes the file where it is missing, called
        before its first interpreter is made (a file converted on demand).
    """

    def __init__(self, path, threads=None, xnnpack_first=False, xnnpack=True):
        self.path, self._threads = path, threads or os.cpu_count()
        self._xnnpack_first, self._xnnpack = xnnpack_first, xnnpack
        self._interpreters, self._runners, self._calls = {}, {}, {}
        self._lock = threading.Lock()
        self.make = None

    @functools.cached_property
    def signatures(self):
        """``{name: {"inputs": [...], "outputs": [...]}}`` of the file (its interpreter is
        made on first use: a network's files that a job does not call cost nothing)."""
        return self._interpreter(False).get_signature_list()

    def _interpreter(self, delegated):
        if delegated not in self._interpreters:
            if self.make is not None and not os.path.exists(self.path):
                self.make()
            from ai_edge_litert.interpreter import Interpreter, OpResolverType
            resolver = (OpResolverType.AUTO if delegated
                        else OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
            self._interpreters[delegated] = Interpreter(
                model_path=self.path, num_threads=self._threads,
                experimental_op_resolver_type=resolver)
        return self._interpreters[delegated]

    def input_names(self, signature):
        """The input names of ``signature``, in the file's order."""
        return self.signatures[signature]["inputs"]

    def input_shape(self, signature, name):
        """The shape of input ``name`` of ``signature`` (-1 or 1 where dynamic)."""
        details = self._interpreter(False).get_signature_runner(signature).get_input_details()
        return tuple(int(n) for n in details[name]["shape"])

    def run(self, signature, **inputs):
        """``{output name: float32 array}`` of ``signature`` called with ``inputs``
        (``{input name: array}``, any height and width)."""
        with self._lock:
            return self._run(signature, inputs)

    def _run(self, signature, inputs):
        from arbitrary_nst.networks import tracing
        self._calls[signature] = self._calls.get(signature, 0) + 1
        delegated = self._xnnpack and (self._xnnpack_first or tracing.many_calls_expected()
                                       or self._calls[signature] > 1)
        key = (signature, delegated)
        if key in self._runners:
            return self._runners[key](**inputs)
        runner = self._runners[key] = self._interpreter(delegated).get_signature_runner(
            signature)
        with quiet.quieted():  # XNNPACK's first call prints a "Created ... delegate" line
            return runner(**inputs)
