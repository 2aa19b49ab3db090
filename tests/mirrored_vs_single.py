"""Helper run by test_train.py in a fresh process: 2 logical CPUs must exist before TF starts.

Usage: python mirrored_vs_single.py CONFIG RUN_DIR -> prints one JSON line
{"default": [losses], "mirrored": [losses], "replicas": 2}.
"""

import json
import sys

import tensorflow as tf

tf.config.set_logical_device_configuration(
    tf.config.list_physical_devices("CPU")[0],
    [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()])

from arbitrary_nst.training.config import load_config  # noqa: E402  (after the device setup)
from arbitrary_nst.training.train import train  # noqa: E402

config_path, run_dir = sys.argv[1], sys.argv[2]
results = {}
for strategy in ("default", "mirrored"):
    config = load_config(config_path, [f"distribute.strategy={strategy}", "train.steps=4",
                                       "train.learning_rate=1e-4",
                                       f"checkpoint.dir={run_dir}/{strategy}"])
    results[strategy] = [loss for _, loss in train(config, progress=False)["losses"]]
results["replicas"] = tf.distribute.MirroredStrategy().num_replicas_in_sync
print(json.dumps(results))
