"""Ghiasi et al.'s training task, fine-tuning the imported weights; see
:mod:`arbitrary_nst.training.tasks` for the interface."""

from arbitrary_nst.methods.arbitrary import weights
from arbitrary_nst.methods.arbitrary.network import predictor_input
from arbitrary_nst.training.tasks import PairTask, perceptual_loss


class ArbitraryTask(PairTask):
    """Ghiasi et al.'s model fine-tuned from the imported weights; the style predictor and
    the transformer both train."""

    def __init__(self, config, dtype_policy=None):
        self.config = config
        self.model = weights.build()
        self.model.perceptual = perceptual_loss(config)
        self.variables = (self.model.predictor.trainable_variables
                          + self.model.transformer.trainable_variables)
        self.checkpoint_items = {"predictor": self.model.predictor,
                                 "transformer": self.model.transformer}

    def dataset(self, start, sizes=None):
        """(content, style, the style's :func:`predictor_input`) batches: the predictor's
        antialiased resize runs in tf.data, so the step compiles with ``train.xla``."""
        return super().dataset(start, sizes).map(
            lambda content, style: (content, style, predictor_input(style)))

    def loss(self, batch):
        content, style, style_input = batch
        return self.model.loss(content, style, style_input,
                               content_weight=self.config.model.content_weight,
                               style_weight=self.config.model.style_weight)

    def render(self, content, style):
        return self.model.stylize(content, self.model.style_vector(style))
