"""Training one PhotoWCT decoder for reconstruction: WCT's task
(:class:`~arbitrary_nst.methods.wct.task.WCTDecoderTask`) with the unpooling decoders."""

from arbitrary_nst.methods.photowct import network, weights
from arbitrary_nst.methods.wct.task import WCTDecoderTask


class PhotoWCTDecoderTask(WCTDecoderTask):
    """The unpooling decoder of ``model.level`` learns to give back the images from their
    features there and the encoder's pooling switches (``model.init_weights``: a WCT
    decoders file fits every layer)."""
    network_module = network
    network_class = network.PhotoWCTNetwork
    shipped_path = weights.DECODERS_PATH
