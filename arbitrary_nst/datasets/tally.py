"""A progress bar for a pipeline whose workers run on this machine (Beam's DirectRunner):
each worker appends one byte per image and style done (written, skipped or failed) to a
file, and the launcher draws a bar (count, rate, ETA) of that file's size. Remote runners
have their own monitoring (the Dataflow console, Flink's web UI); their workers' marks
stay on their own disks. No TensorFlow, no Beam."""

import contextlib
import os
import shutil
import tempfile
import threading

from arbitrary_nst import progress

POLL_SECONDS = 0.5


class Marker:
    """A worker's side: :meth:`mark` appends a byte to the tally file ``path`` (None: a
    marker that does nothing). Picklable; the file opens on the first mark."""

    def __init__(self, path):
        self.path = path
        self._fd = None

    def __getstate__(self):
        return {"path": self.path, "_fd": None}

    def mark(self):
        if self.path is None:
            return
        if self._fd is None:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        os.write(self._fd, b".")


@contextlib.contextmanager
def followed(total, enabled, stream=None):
    """Yields the path of a new tally file while a thread draws a bar of the marks made
    in it (``total``: the expected count, None when unknown; ``stream``: where the bar
    is drawn, default stderr); the file is removed afterwards. ``enabled`` False yields
    None and draws nothing."""
    if not enabled:
        yield None
        return
    folder = tempfile.mkdtemp(prefix="arbitrary_nst_tally_")
    path = os.path.join(folder, "done")
    stop = threading.Event()

    def follow():
        with progress.progress_bar(total, "stylize-dataset", unit="img", stream=stream) as bar:
            shown = 0
            while True:
                stopping = stop.wait(POLL_SECONDS)
                done = os.path.getsize(path) if os.path.exists(path) else 0
                if done > shown:
                    bar.update(done - shown)
                    shown = done
                if stopping:
                    return

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    try:
        yield path
    finally:
        stop.set()
        thread.join()
        shutil.rmtree(folder, ignore_errors=True)
