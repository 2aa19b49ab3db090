"""A method's missing LiteRT files, converted in a process of its own.

The conversion imports TensorFlow, builds the method's network and runs TensorFlow's
converter, whose memory is not all handed back (in the test suite a process that had
converted the feed-forward methods' files held ~0.7 GB more at its peak than one that
found them converted). A child process returns all of it when it exits, and the process
that renders stays without TensorFlow. The child is
``python -m arbitrary_nst.lite.conversion JOB``, ``JOB`` the JSON of :func:`convert`'s
arguments; it draws its progress bar on the parent's stderr and hides TensorFlow's
start-up lines unless ``ARBITRARY_NST_VERBOSE`` is set (inherited from the parent, as
``--verbose`` sets it).
"""

import json
import subprocess
import sys

from arbitrary_nst import errors


def convert(method, checkpoint, upsampling, paths):
    """Writes the LiteRT files ``paths`` of registry method ``method`` in a child process.

    Args:
      method: the method's registry name (its implementation's ``lite_models`` say what
        each file holds).
      checkpoint: None for the shipped network, else a training run folder or weights
        file (:meth:`~arbitrary_nst.methods.base.FeedForward.network_of`).
      upsampling: "nearest", "bilinear" or "bicubic": the upsampling inside the files.
      paths: ``{file name: path}`` to write (atomically: a half-written file is never
        read).

    Raises:
      NSTError: of the child's kind (e.g. WeightsError), with its message, where the
        network could not be loaded.
      RuntimeError: the child failed otherwise (its traceback is on stderr above).
    """
    job = json.dumps({"method": method, "checkpoint": checkpoint, "upsampling": upsampling,
                      "paths": paths})
    child = subprocess.run([sys.executable, "-m", __name__, job], stdout=subprocess.PIPE,
                           text=True, check=False)
    if child.returncode == 0:
        return
    try:
        failure = json.loads(child.stdout)
    except ValueError:
        raise RuntimeError(f"converting {method}'s networks for LiteRT failed (exit status "
                           f"{child.returncode}); --runtime tf renders without LiteRT") from None
    raise getattr(errors, failure["kind"], errors.NSTError)(failure["message"])


def write_files(method, checkpoint, upsampling, paths):
    """:func:`convert`'s work, in this process (imports TensorFlow)."""
    from arbitrary_nst import progress, quiet, registry
    from arbitrary_nst.io.atomic import write_atomically
    from arbitrary_nst.lite.convert import to_tflite
    spec, implementation = registry.get(method), registry.implementation(method)
    with progress.progress_bar(len(paths), f"converting {method} for LiteRT (once)",
                               unit="network") as bar:
        network = implementation.network_of(spec, checkpoint)
        if upsampling != "nearest":
            network = implementation.with_upsampling(network, upsampling)
        models = implementation.lite_models(network)
        for name, path in paths.items():
            with quiet.quieted():  # the converter's C++ log lines
                data = to_tflite(*models[name])
            write_atomically(path, lambda f, data=data: f.write(data))
            bar.update()


def main(argv):
    """The child: ``argv[1]`` is the job's JSON; an NSTError is written to stdout as
    ``{"kind", "message"}`` with exit status 2."""
    job = json.loads(argv[1])
    try:
        write_files(job["method"], job["checkpoint"], job["upsampling"], job["paths"])
    except errors.NSTError as exc:
        print(json.dumps({"kind": type(exc).__name__, "message": str(exc)}))
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
