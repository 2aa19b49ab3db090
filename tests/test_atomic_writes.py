"""Nothing lost: a writer killed (SIGKILL) at random moments leaves either the old or the
new file at the output path, never a broken one: images, checkpoints."""

import os
import random
import signal
import subprocess
import sys
import time

import numpy as np
import tensorflow as tf

from arbitrary_nst.io import image_io

WRITE_IMAGES = """
import sys, numpy as np
from arbitrary_nst.io import image_io
path = sys.argv[1]
images = [np.full((600, 800, 3), v, np.float32) for v in (0.2, 0.8)]
i = 0
while True:
    noise = np.random.default_rng(i).uniform(0, 0.01, (600, 800, 3)).astype(np.float32)
    image_io.save_image(path, images[i % 2] + noise)
    if i == 0:
        print("wrote", flush=True)
    i += 1
"""

WRITE_CHECKPOINTS = """
import sys, tensorflow as tf
weights = tf.Variable(tf.zeros((512, 512)))
manager = tf.train.CheckpointManager(tf.train.Checkpoint(weights=weights), sys.argv[1], 3)
i = 0
while True:
    i += 1
    weights.assign(tf.fill((512, 512), float(i)))
    manager.save(checkpoint_number=i)
    if i == 1:
        print("wrote", flush=True)
"""


def kill_at_random(script, argument, rounds, check):
    """Starts the writer ``rounds`` times and SIGKILLs it at a random moment after its
    first complete write (it prints a line then: no fixed start-up time is assumed, so a
    busy machine only makes the test slower)."""
    rng = random.Random(0)
    for _ in range(rounds):
        process = subprocess.Popen([sys.executable, "-c", script, argument],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert process.stdout.readline().strip() == "wrote", "the writer died before writing"
        time.sleep(rng.uniform(0.0, 2.0))  # some more writes, killed mid-way through one
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
        check()


def test_images_survive_sigkill(tmp_path):
    path = str(tmp_path / "out.png")

    def check():
        if os.path.exists(path):
            mean = float(image_io.load_image(path).mean())
            assert min(abs(mean - 0.205), abs(mean - 0.805)) < 0.01
        assert [n for n in os.listdir(tmp_path) if n != "out.png"
                and not n.startswith(".out.png.")] == []

    kill_at_random(WRITE_IMAGES, path, 4, check)
    assert os.path.exists(path)


def test_checkpoints_survive_sigkill(tmp_path):
    folder = str(tmp_path / "run")

    def check():
        latest = tf.train.latest_checkpoint(folder)
        assert latest is not None
        weights = tf.Variable(tf.zeros((512, 512)))
        tf.train.Checkpoint(weights=weights).restore(latest).assert_consumed()
        assert np.all(weights.numpy() == float(latest.rsplit("-", 1)[1]))

    kill_at_random(WRITE_CHECKPOINTS, folder, 4, check)
