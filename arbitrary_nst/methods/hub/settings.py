"""Settings of the TF Hub method (no TensorFlow): :class:`HubSettings`."""

import dataclasses

from arbitrary_nst.errors import UsageError
from arbitrary_nst.methods.settings import option


@dataclasses.dataclass(frozen=True)
class HubSettings:
    """Attributes:
      hub_module: a local SavedModel folder or a TF Hub handle, called as
        ``module(content, style)[0]`` (TF Hub's arbitrary-stylization format, which
        ``arbitrary-nst export`` writes).
    """
    hub_module: str = option(None, "a SavedModel called as module(content, style)[0]",
                             metavar="PATH_OR_HANDLE", type=str)

    def validate(self):
        """Raises UsageError when no module is named."""
        if not self.hub_module:
            raise UsageError("--method hub needs --hub_module PATH_OR_HANDLE")
