"""Training one WCT decoder for reconstruction (the paper's loss; see
:mod:`arbitrary_nst.training.tasks` for the interface): photos and paintings alike are
encoded at ``model.level`` and decoded back."""


import tensorflow as tf

from arbitrary_nst.methods.wct import network, weights
from arbitrary_nst.training.tasks import Task, images, init_weights_path


class WCTDecoderTask(Task):
    """The decoder of ``model.level`` learns to give back ``data.content``'s images from
    their features there: ``pixel + model.feature_weight * feature`` (Li et al. 2017,
    lambda 1). A new run starts from ``model.init_weights`` where set: a decoders file
    (``shipped``: the package's) or an AdaIN decoder ``.npz``, whose layers of the same
    names are copied (the rest start from ``data.seed``).

    Subclasses for other decoders set :attr:`network_module` (whose ``build_decoders``
    makes them), :attr:`network_class` and :attr:`shipped_path`."""
    network_module = network
    network_class = network.WCTNetwork
    shipped_path = weights.DECODERS_PATH

    def __init__(self, config, dtype_policy=None):
        self.config = config
        self.level = config.model.level
        decoder = self.network_module.build_decoders((self.level,), config.model.arch,
                                                     config.data.seed, dtype_policy)[self.level]
        path = init_weights_path(config, self.shipped_path)
        if path:
            weights.initialize(decoder, self.level, path)
        self.model = self.network_class((self.level,), {self.level: decoder}, config.model.arch)
        self.variables = decoder.trainable_variables
        self.checkpoint_items = {"decoder": decoder}

    def dataset(self, start, sizes=None):
        config = self.config
        return images(config, config.data.content, config.data.content_exclude, 0, start,
                      sizes).map(lambda content: (content,))

    def loss(self, batch):
        return self.model.reconstruction_loss(batch[0], self.level,
                                              self.config.model.feature_weight)

    def preview(self, batch):
        decoded = tf.clip_by_value(self.model.reconstruct(batch[0], self.level), 0.0, 1.0)
        return tf.concat([batch[0], decoded], axis=2)
