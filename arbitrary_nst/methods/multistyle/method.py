"""Dumoulin et al.'s N-style network as a method: styles are indices of its built-in
styles; a blend is a convex mix of the CIN parameters; regions are rendered separately
and composited; content past the tile size is tiled with thumbnail statistics.

Images are float32 ``(H, W, 3)`` RGB in [0, 1].
"""

import numpy as np

from arbitrary_nst.errors import UsageError
from arbitrary_nst.methods import lite_onnx
from arbitrary_nst.methods.base import ConditionedTransformer, imported
from arbitrary_nst.methods.multistyle import lite, weights


class MultiStyleMethod(ConditionedTransformer):
    """The N-style network (:class:`~arbitrary_nst.methods.multistyle.network.MultiStyle`,
    or in LiteRT :class:`~arbitrary_nst.methods.multistyle.lite.LiteMultiStyle`),
    conditioned on a style-weight vector ``(1, N)``."""
    task = imported("arbitrary_nst.methods.multistyle.task:MultiStyleTask")
    shipped = staticmethod(weights.shipped)
    lite_network = lite.LiteMultiStyle
    lite_models = staticmethod(lite.lite_models)

    @staticmethod
    def weights_files():
        return [lite_onnx.model_path(weights.ONNX_NAME)]

    @classmethod
    def from_run(cls, config, run_dir):
        from arbitrary_nst.methods.multistyle.network import MultiStyle
        from arbitrary_nst.methods.multistyle.task import STYLES_NAME, saved_style_count
        count = saved_style_count(run_dir)
        if count is None:
            raise UsageError(f"{run_dir}: no {STYLES_NAME}, which a run of this network "
                             "holds")
        network = MultiStyle(count, config.model.transformer)
        return network, {"transformer": network.transformer}

    @classmethod
    def with_upsampling(cls, network, interpolation):
        from arbitrary_nst.methods.multistyle.network import MultiStyle
        from arbitrary_nst.networks import layers
        return MultiStyle(network.num_styles,
                          transformer=layers.with_upsampling(network.transformer,
                                                             interpolation))

    def condition(self, index):
        """The one-hot ``(1, N)`` vector of style ``index``.

        Raises:
          UsageError: no such style in this network.
        """
        count = self.network.num_styles
        if not 0 <= index < count:
            raise UsageError(f"style index {index}: this network has styles 0 to "
                             f"{count - 1}")
        vector = np.zeros((1, count), np.float32)
        vector[0, index] = 1.0
        return vector
