"""The project's own exception types.

Every failure a user can cause (a bad file, a bad flag, missing weights) is raised as a
subclass of :class:`NSTError` whose message is one line naming the file or key and what
was expected. The command line turns these into a one-line error and a non-zero exit.
"""


class NSTError(Exception):
    """Base class of every error this package raises on bad input."""


class ImageError(NSTError):
    """An image file cannot be read or written (missing, empty, truncated, too small...)."""


class WeightsError(NSTError):
    """No usable pretrained weights were found for a network."""


class UsageError(NSTError):
    """Arguments that do not fit together (e.g. style weights that do not match styles)."""
