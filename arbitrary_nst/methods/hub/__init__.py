"""A TF Hub module in the arbitrary-stylization format (settings without TensorFlow)."""
