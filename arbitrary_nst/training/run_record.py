"""A training run folder's history: one JSON line per ``train`` invocation that trained
(or tried to train), appended to ``history.jsonl`` beside the latest effective
``config.yaml``.

Each entry: ``started`` and ``ended`` (UTC, ISO 8601), ``version`` (the package's),
``commit`` (the git commit of the code, when it runs from a git checkout, else None),
``overrides`` (the ``--set`` values), ``steps`` (``[first, last]`` step trained, the
first being the step resumed from + 1), and ``outcome``: ``"completed"``, ``"stopped"``
(SIGTERM, saved) or ``"failed: <error>"``. A process killed outright writes no entry (its
checkpoints remain).
"""

import datetime
import json
import os
import subprocess

from arbitrary_nst.io.atomic import write_atomically

HISTORY_NAME = "history.jsonl"


def now():
    """The current UTC time, ISO 8601, to the second."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def code_commit():
    """The git commit of this package's source, or None outside a git checkout."""
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10, cwd=os.path.dirname(os.path.abspath(__file__)))
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def append(run_dir, entry):
    """Appends ``entry`` (a dict) as one JSON line to ``run_dir``'s history, atomically."""
    path = os.path.join(run_dir, HISTORY_NAME)
    old = b""
    if os.path.exists(path):
        with open(path, "rb") as f:
            old = f.read()
    line = (json.dumps(entry, sort_keys=False) + "\n").encode("utf-8")
    write_atomically(path, lambda f: f.write(old + line))


def read(run_dir):
    """The entries of ``run_dir``'s history, oldest first (empty if none)."""
    path = os.path.join(run_dir, HISTORY_NAME)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
