"""WCT, Li, Fang, Yang, Wang, Lu & Yang 2017: whitening and colouring transforms of VGG
features at several levels, decoders trained here for reconstruction only (``settings``
imports no TensorFlow)."""
