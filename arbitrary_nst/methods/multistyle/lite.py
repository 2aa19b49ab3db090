"""Dumoulin et al.'s N-style network in LiteRT, without TensorFlow:
:class:`LiteMultiStyle` has :class:`~arbitrary_nst.methods.multistyle.network.MultiStyle`'s
rendering calls on the file of :func:`lite_models`, numpy in and out.

Images are float32 ``(N, H, W, 3)`` RGB in [0, 1]; style weights ``(N, num_styles)``.
"""

from arbitrary_nst.lite.conditioned import STYLIZE, LiteConditionedTransformer, transformer_files


def lite_models(network):
    """``{file: (model, signature, output)}`` of a ``MultiStyle``: the transformer's
    files (:func:`~arbitrary_nst.lite.conditioned.transformer_files`: ``images (N, H, W,
    3), style_weights (N, num_styles) -> stylized``, H and W multiples of 4)."""
    return transformer_files(network.transformer)


class LiteMultiStyle(LiteConditionedTransformer):
    """The N-style transformer as a LiteRT file.

    Attributes:
      num_styles: N, read from the file's ``style_weights`` input.
    """
    condition = "style_weights"
    BATCH_CROSSOVER = 25
    """At 512 px a warm render takes 0.27 s here against TensorFlow's 0.14 s, and
    TensorFlow starts ~3.3 s later (experiments/results/benchmark_startup.md)."""

    def __init__(self, models):
        super().__init__(models)
        self.num_styles = self.transformer.input_shape(STYLIZE, self.condition)[-1]
