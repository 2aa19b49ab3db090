"""PhotoWCT, Li, Liu, Li, Yang & Kautz 2018: photorealistic transfer of one photo's look
onto another: WCT with unpooling decoders, then smoothing with the photo's affinities
(``settings`` and ``labels`` import no TensorFlow)."""
