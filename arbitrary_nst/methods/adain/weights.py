"""The AdaIN decoder this project trained, shipped as float16 in
``arbitrary_nst/pretrained/`` (``configs/adain_round4.yaml`` and ``adain_detail.yaml``
say how it was made), and decoder files in that format."""

import functools
import os

from arbitrary_nst.errors import WeightsError
from arbitrary_nst.networks.layer_weights import (
    PRETRAINED_DIR,
    load_layer_weights,
    prefixes,
    save_layer_weights,
)

DECODER_PATH = os.path.join(PRETRAINED_DIR, "adain_vgg16_decoder.npz")


def save_decoder(model, path=DECODER_PATH):
    """Writes an AdaIN model's decoder and detail-branch weights (float16, atomically)."""
    save_layer_weights({"decoder": model.decoder, "detail": model.detail}, path)


def load_decoder(model, path):
    """Sets an AdaIN model's decoder, and its detail branch when ``path`` holds one, from
    a :func:`save_decoder` file; a file of a decoder alone (trained before the branch
    existed, or by ``experiments/train_adain_jax.py``) leaves the branch as it is.

    Raises:
      WeightsError: the file's layers do not fit the networks (the message names it).
    """
    has_detail = "detail" in prefixes(path)
    load_layer_weights({"decoder": model.decoder, **({"detail": model.detail}
                                                     if has_detail else {})}, path)


@functools.lru_cache(maxsize=1)
def shipped():
    """The shipped AdaIN model (VGG16 encoder, the decoder from :data:`DECODER_PATH`)."""
    from arbitrary_nst.methods.adain.network import AdaIN
    if not os.path.exists(DECODER_PATH):
        raise WeightsError(f"{DECODER_PATH} is missing: reinstall arbitrary_nst, or train "
                           "one (configs/adain_assets.yaml) and pass --checkpoint RUN_DIR")
    model = AdaIN("vgg16")
    load_decoder(model, DECODER_PATH)
    return model
