"""Progress bars for long work: count, rate (it/s), ETA and the latest loss, on stderr."""

import contextlib
import sys

from tqdm import tqdm

_SHOWN = [True]


def show_bars(shown):
    """Turns every progress bar of this process on or off (the command's
    ``--noprogress`` hides the tile bars of the feed-forward methods too)."""
    _SHOWN[0] = bool(shown)


class _Bar:
    """Thin wrapper over tqdm that shows the latest loss in the postfix."""

    def __init__(self, bar):
        self._bar = bar

    def update(self, count=1, **postfix):
        if self._bar is None:
            return
        if postfix:
            self._bar.set_postfix({k: f"{v:.4g}" for k, v in postfix.items()}, refresh=False)
        self._bar.update(count)


@contextlib.contextmanager
def progress_bar(total, description, enabled=True, unit="it", stream=None):
    """A context manager yielding an object with ``update(count=1, **values)``.

    Args:
      total: expected number of updates (for the ETA).
      description: text shown before the bar.
      enabled: when False (or bars are off, :func:`show_bars`), updates do nothing and
        nothing is printed.
      unit: what is counted (the rate is shown per second of it).
      stream: the text stream the bar is drawn on (default ``sys.stderr``).
    """
    if not (enabled and _SHOWN[0]):
        yield _Bar(None)
        return
    bar = tqdm(total=total, desc=description, unit=unit, file=stream or sys.stderr,
               dynamic_ncols=True, mininterval=0.5)
    try:
        yield _Bar(bar)
    finally:
        bar.close()
