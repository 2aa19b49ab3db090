"""A TF Hub style module as a method: ``module(content, style)[0]`` (TF Hub's
arbitrary-stylization format, which ``arbitrary-nst export`` writes), run on each
region's single style; blends of several styles are refused."""

import tensorflow as tf

from arbitrary_nst.errors import UsageError
from arbitrary_nst.methods.base import Method, composite


def load_module(handle):
    """The module at ``handle`` (a local path or a TF Hub handle).

    Raises:
      UsageError: it cannot be loaded (the reason in one line).
    """
    import tensorflow_hub as hub
    try:
        return hub.load(handle)
    except (OSError, ValueError, tf.errors.OpError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UsageError(f"{handle}: cannot load as a TF Hub module ({reason})") from None


class Hub(Method):
    """The module of :attr:`HubSettings.hub_module`."""

    @classmethod
    def load(cls, spec, settings):
        method = cls(spec, settings)
        method.module = load_module(settings.hub_module)
        return method

    def stylize(self, content, styles, regions, alpha=1.0):
        def render(style_weights):
            chosen = [k for k, w in enumerate(style_weights) if w > 0]
            if len(chosen) != 1:
                raise UsageError("--method hub takes one style per region: a Hub module "
                                 "cannot blend styles")
            output = self.module(tf.constant(content[None]),
                                 tf.constant(styles[chosen[0]][None]))
            return output[0][0].numpy()

        return composite(content, regions, render)
