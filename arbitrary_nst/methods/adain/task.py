"""AdaIN's training task (the paper's, plus this project's identity share and detail
branch); see :mod:`arbitrary_nst.training.tasks` for the interface."""


import tensorflow as tf

from arbitrary_nst.methods.adain import weights
from arbitrary_nst.methods.adain.network import AdaIN
from arbitrary_nst.training.config import training_objective
from arbitrary_nst.training.tasks import PairTask, images, init_weights_path


class AdaINTask(PairTask):
    """AdaIN: the decoder trains, from ``model.init_weights`` when the run is new; a
    ``model.identity_share`` of each batch reconstructs its photo. With ``model.trains:
    detail`` only the detail branch trains, on reconstructions of the content crops
    (:meth:`AdaIN.detail_loss`), the decoder stays as ``init_weights`` gave it, and the
    checkpoints hold the branch too (a decoder run's hold the decoder alone: a new decoder
    needs its branch retrained)."""

    def __init__(self, config, dtype_policy=None):
        self.config = config
        self.model = AdaIN(config.model.arch, seed=config.data.seed, dtype_policy=dtype_policy,
                           objective=training_objective(config))
        self.trains_detail = config.model.trains == "detail"
        trained = self.model.detail if self.trains_detail else self.model.decoder
        self.variables = trained.trainable_variables
        self.checkpoint_items = {"decoder": self.model.decoder}
        if self.trains_detail:
            self.checkpoint_items["detail"] = self.model.detail
        path = init_weights_path(config, weights.DECODER_PATH)
        if path:
            weights.load_decoder(self.model, path)

    def dataset(self, start, sizes=None):
        if not self.trains_detail:
            return super().dataset(start, sizes)
        config = self.config  # reconstructions need no paintings
        return images(config, config.data.content, config.data.content_exclude, 0, start,
                      sizes).map(lambda content: (content,))

    def loss(self, batch):
        if self.trains_detail:
            return self.model.detail_loss(batch[0])
        content, style = batch
        model = self.config.model
        return self.model.loss(content, style, content_weight=model.content_weight,
                               style_weight=model.style_weight,
                               identity_weight=model.identity_weight,
                               identity_count=round(model.identity_share * content.shape[0]))

    def preview(self, batch):
        if not self.trains_detail:
            return super().preview(batch)
        return tf.concat([batch[0], self.identity(batch[0])], axis=2)

    def render(self, content, style):
        return self.model.transfer(content, *self.model.style_statistics(style))

    def identity(self, content):
        return self.model.reconstruct(content)
