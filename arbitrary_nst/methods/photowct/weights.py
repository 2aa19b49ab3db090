"""PhotoWCT's unpooling decoders, trained here for reconstruction only
(``configs/photowct_*.yaml``, started from WCT's decoders of the same layers), shipped as
float16 in ``arbitrary_nst/pretrained/photowct_vgg16_decoders.npz`` (the format of
:mod:`arbitrary_nst.methods.wct.weights`)."""

import functools
import os

from arbitrary_nst.errors import WeightsError
from arbitrary_nst.methods.wct.weights import load_decoders
from arbitrary_nst.networks.layer_weights import PRETRAINED_DIR

DECODERS_PATH = os.path.join(PRETRAINED_DIR, "photowct_vgg16_decoders.npz")


@functools.lru_cache(maxsize=1)
def shipped():
    """The shipped PhotoWCT network: every level :data:`DECODERS_PATH` holds."""
    from arbitrary_nst.methods.photowct.network import PhotoWCTNetwork, build_decoders
    if not os.path.exists(DECODERS_PATH):
        raise WeightsError(f"{DECODERS_PATH} is missing: reinstall arbitrary_nst, or train "
                           "the decoders (configs/photowct_*.yaml) and pass --checkpoint")
    return PhotoWCTNetwork(decoders=load_decoders(DECODERS_PATH,
                                                  build_decoders=build_decoders))
