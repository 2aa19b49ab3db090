"""Files in and out: images (:mod:`~arbitrary_nst.io.image_io`) and writes that never
leave a half-written file (:mod:`~arbitrary_nst.io.atomic`). No TensorFlow."""
