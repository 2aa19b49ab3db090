"""Training the feed-forward models: experiment configs (no TensorFlow), tf.data
pipelines, the one trainer, the tasks it drives, held-out scores and run folders."""
