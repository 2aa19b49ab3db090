"""AdaIN, Huang & Belongie 2017: the VGG encoder, adaptive instance norm and a decoder
trained here (``layout`` imports no TensorFlow)."""
