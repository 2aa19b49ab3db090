"""Where the LiteRT files of the feed-forward networks are kept (no TensorFlow).

A method's networks are converted once per weights (at the first render in LiteRT, by a
child process that imports TensorFlow: :mod:`arbitrary_nst.lite.conversion`) and kept in
``$ARBITRARY_NST_CACHE/litert/`` (default ``~/.cache/arbitrary_nst/litert/``), one file
per network, named ``{method}-{network}-{version}.tflite`` (``{network}_{upsampling}``
for a network's variant with interpolating upsampling): ``version`` is a digest of
the weights the file was converted from (the shipped files' bytes, or a training run's
latest checkpoint) and of :data:`FORMAT`, so new weights convert anew and never mix with
old files. Files are written atomically (a half-written file is never read), by
:mod:`arbitrary_nst.lite.conversion`.
"""

import hashlib
import os

FORMAT = "tflite-float32-2"
"""What the conversion writes; part of every file's version (change it when the
conversion changes)."""


def cache_dir():
    """The folder of the converted files (made if missing)."""
    root = os.environ.get("ARBITRARY_NST_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "arbitrary_nst")
    folder = os.path.join(root, "litert")
    os.makedirs(folder, exist_ok=True)
    return folder


def weights_version(paths):
    """A 16-hex-digit digest of the files ``paths`` (their bytes) and :data:`FORMAT`."""
    digest = hashlib.blake2b(FORMAT.encode(), digest_size=8)
    for path in paths:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def model_paths(method, networks, version):
    """``{network: path}`` of ``method``'s files for weights ``version``; ``networks``
    maps each network to the file's stem (its name, or a variant's)."""
    folder = cache_dir()
    return {name: os.path.join(folder, f"{method}-{stem}-{version}.tflite")
            for name, stem in networks.items()}


def missing(paths):
    """The entries of ``paths`` (``{network: path}``) whose file is not there yet."""
    return {name: path for name, path in paths.items() if not os.path.exists(path)}
