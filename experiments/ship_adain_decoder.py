"""Copies the decoder of an AdaIN training run into the package as float16.

  python experiments/ship_adain_decoder.py --run runs/adain_assets

writes arbitrary_nst/pretrained/adain_vgg16_decoder.npz (what ``--method adain`` loads
when no --checkpoint is given) and prints the step it came from.
"""

import tensorflow as tf
from absl import app, flags

from arbitrary_nst import pretrained, tasks

FLAGS = flags.FLAGS
flags.DEFINE_string("run", "runs/adain_assets", "Training run directory.")


def main(argv):
    del argv
    model = tasks.load_model(FLAGS.run, "adain")
    pretrained.save_adain_decoder(model)
    print(f"wrote {pretrained.ADAIN_DECODER} from {tf.train.latest_checkpoint(FLAGS.run)}")


if __name__ == "__main__":
    app.run(main)
