"""Ghiasi et al.'s model as a method: styles are images; a blend is the weighted mean of
their 100-d style vectors; ``alpha`` interpolates toward the content image's own vector;
regions are rendered separately and composited; content past the tile size is tiled
with thumbnail statistics. Renders in TensorFlow or, without importing it, in LiteRT
(:mod:`arbitrary_nst.methods.arbitrary.lite`).

Images are float32 ``(H, W, 3)`` RGB in [0, 1].
"""

from arbitrary_nst.methods.arbitrary import lite, weights
from arbitrary_nst.methods.base import ConditionedTransformer, encoded, imported


class Arbitrary(ConditionedTransformer):
    """Style predictor + transformer
    (:class:`~arbitrary_nst.methods.arbitrary.network.ArbitraryStyle`, or in LiteRT
    :class:`~arbitrary_nst.methods.arbitrary.lite.LiteArbitraryStyle`), conditioned on
    a style vector ``(1, 100)``."""
    task = imported("arbitrary_nst.methods.arbitrary.task:ArbitraryTask")
    shipped = staticmethod(weights.shipped)
    lite_network = lite.LiteArbitraryStyle
    lite_models = staticmethod(lite.lite_models)

    @staticmethod
    def weights_files():
        return [weights.WEIGHTS_PATH]

    @classmethod
    def from_run(cls, config, run_dir):
        network = weights.build()
        return network, {"predictor": network.predictor, "transformer": network.transformer}

    @classmethod
    def with_upsampling(cls, network, interpolation):
        from arbitrary_nst.methods.arbitrary.network import ArbitraryStyle
        from arbitrary_nst.networks import layers
        return ArbitraryStyle(network.predictor,
                              layers.with_upsampling(network.transformer, interpolation))

    @staticmethod
    def serve(network, content, style):
        return network.stylize(content, network.style_vector(style))

    def condition(self, style):
        return encoded(self.network.predictor, self.network.style_vector, style)

    def own_condition(self, content):
        return self.network.style_vector(content[None])
