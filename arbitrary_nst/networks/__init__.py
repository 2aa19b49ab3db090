"""The building blocks every method is made of: the VGG feature extractor and where its
ImageNet weights come from (:mod:`~arbitrary_nst.networks.vgg`,
:mod:`~arbitrary_nst.networks.weights`), normalisation and padding layers
(:mod:`~arbitrary_nst.networks.layers`), the losses and the objective that composes them
(:mod:`~arbitrary_nst.networks.losses`, :mod:`~arbitrary_nst.networks.objective`), the
perceptual loss of the CIN networks, and Keras weights in ``.npz`` files.

``weights``, ``objective`` and ``layer_weights`` import no TensorFlow (the JAX port and
the config checks use them)."""
