"""Helper run by test_train.py: one worker of a 2-worker MultiWorkerMirroredStrategy run.

Usage: python multi_worker_train.py CONFIG RUN_DIR INDEX PORT0 PORT1 WEIGHTS.npz
Sets TF_CONFIG for worker INDEX on 127.0.0.1, trains the config's steps with strategy
multi_worker, writes the decoder's final weights to WEIGHTS.npz and prints the losses.
"""

import json
import os
import sys

config_path, run_dir, index, port0, port1, weights_path = sys.argv[1:7]
os.environ["TF_CONFIG"] = json.dumps({
    "cluster": {"worker": [f"127.0.0.1:{port0}", f"127.0.0.1:{port1}"]},
    "task": {"type": "worker", "index": int(index)}})

import numpy as np  # noqa: E402  (TF_CONFIG must be set before TensorFlow starts)

from arbitrary_nst.training.config import load_config  # noqa: E402
from arbitrary_nst.training.train import train  # noqa: E402

config = load_config(config_path, ["distribute.strategy=multi_worker", "train.steps=3",
                                   "train.learning_rate=1e-4", f"checkpoint.dir={run_dir}"])
result = train(config, progress=False)
np.savez(weights_path, *[w.numpy() for w in result["model"].decoder.weights])
print(json.dumps([loss for _, loss in result["losses"]]))
