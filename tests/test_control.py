"""The shared controls: blending weights, colour preservation, masks, the stylize API."""

import numpy as np
import pytest

import arbitrary_nst
from arbitrary_nst.errors import UsageError
from arbitrary_nst.io import image_io
from arbitrary_nst.methods import regions
from arbitrary_nst.rendering import color

FAST = dict(method="gatys", steps=20, progress=False)


def test_normalize_weights():
    assert regions.normalize_weights([3, 1], 2) == (0.75, 0.25)
    assert regions.normalize_weights(None, 4) == (0.25,) * 4
    with pytest.raises(UsageError, match="2 values for 3 style images"):
        regions.normalize_weights([1, 1], 3)
    with pytest.raises(UsageError, match="non-negative"):
        regions.normalize_weights([1, -1], 2)


def test_mask_regions_memberships_sum_to_one():
    mask = np.linspace(0, 1, 11, dtype=np.float32)[None, :]
    one = regions.mask_regions(mask, 1)
    assert one[0].style_weights == (1.0,) and one[1].style_weights is None
    np.testing.assert_allclose(one[0].mask + one[1].mask, 1.0)
    three = regions.mask_regions(mask, 3)
    np.testing.assert_allclose(sum(r.mask for r in three), 1.0, atol=1e-6)
    assert three[0].mask[0, -1] == 1.0 and three[1].mask[0, 5] == 1.0 and three[2].mask[0, 0] == 1.0


def test_match_color_matches_mean_and_covariance(content64, style64):
    rng = np.random.default_rng(0)
    mix_a = np.array([[1, .5, 0], [0, 1, .3], [0, 0, 1]])
    mix_b = np.array([[1, 0, 0], [.8, 1, 0], [0, .2, 1]])
    style = 0.5 + 0.1 * rng.normal(size=(40, 40, 3)) @ mix_a
    content = 0.4 + 0.05 * rng.normal(size=(30, 50, 3)) @ mix_b
    mapped = color.match_color(style.astype(np.float32), content.astype(np.float32))
    pixels, target = mapped.reshape(-1, 3), content.reshape(-1, 3)
    np.testing.assert_allclose(pixels.mean(0), target.mean(0), atol=1e-4)
    np.testing.assert_allclose(np.cov(pixels.T), np.cov(target.T), atol=1e-5)
    # On the real pair only clipping to [0, 1] keeps the match from being exact.
    real = color.match_color(style64, content64).reshape(-1, 3)
    np.testing.assert_allclose(real.mean(0), content64.reshape(-1, 3).mean(0), atol=0.03)


def test_luminance_transfer_keeps_content_chrominance(content64, style64):
    out = arbitrary_nst.stylize(content64, [style64], preserve_color=True, **FAST)
    got, want = image_io.rgb_to_yiq(out), image_io.rgb_to_yiq(content64)
    # I and Q come from the content (up to clipping to [0, 1]); Y is stylized.
    assert np.abs(got[..., 1:] - want[..., 1:]).mean() < 0.01
    assert np.abs(got[..., 0] - want[..., 0]).mean() > 0.02
    plain = arbitrary_nst.stylize(content64, [style64], **FAST)
    assert (np.abs(image_io.rgb_to_yiq(plain)[..., 1:] - want[..., 1:]).mean()
            > 3 * np.abs(got[..., 1:] - want[..., 1:]).mean())


def test_histogram_color_preservation_moves_palette_towards_content(content64, style64):
    out = arbitrary_nst.stylize(content64, [style64], preserve_color=True,
                                color_method="histogram", **FAST)
    plain = arbitrary_nst.stylize(content64, [style64], **FAST)
    target = content64.reshape(-1, 3).mean(0)
    assert (np.abs(out.reshape(-1, 3).mean(0) - target).sum()
            < np.abs(plain.reshape(-1, 3).mean(0) - target).sum())


def test_mask_with_one_style_keeps_content_outside(content64, style64):
    mask = np.zeros(content64.shape[:2], np.float32)
    mask[:, :32] = 1.0
    out = arbitrary_nst.stylize(content64, [style64], mask=mask, **FAST)
    np.testing.assert_allclose(out[:, 34:], content64[:, 34:], atol=1e-6)
    assert np.abs(out[:, :30] - content64[:, :30]).mean() > 0.03


def test_size_and_bad_combinations(content64, style64):
    out = arbitrary_nst.stylize(content64, [style64], size=32, method="gatys", steps=2,
                                progress=False)
    assert out.shape == (24, 32, 3)
    with pytest.raises(UsageError, match="unknown method 'magic'"):
        arbitrary_nst.stylize(content64, [style64], method="magic")
    with pytest.raises(UsageError, match="no option 'colour'"):
        arbitrary_nst.stylize(content64, [style64], colour=1)
    with pytest.raises(UsageError, match="no alpha"):
        arbitrary_nst.stylize(content64, [style64], method="gatys", alpha=0.5)
    with pytest.raises(UsageError, match="no option 'steps'"):
        arbitrary_nst.stylize(content64, [style64], steps=5)
    with pytest.raises(UsageError, match="not both"):
        arbitrary_nst.stylize(content64, [style64, style64], weights=[1, 1],
                              mask=np.ones(content64.shape[:2]))


def test_style_encodings_are_reused_across_calls(content64, style64):
    """A batch or a notebook encodes each style image once per network: the second
    stylize with the same painting finds its encoding (same result, no new encoding)."""
    from arbitrary_nst.methods import base
    calls = []

    def encode(images):
        calls.append(images.shape)
        return images.mean()

    network = object()
    first = base.encoded(network, encode, style64)
    assert base.encoded(network, encode, style64.copy()) == first and len(calls) == 1
    base.encoded(network, encode, style64[::-1])  # another image: encoded
    assert len(calls) == 2
    base._ENCODINGS.clear()
    once = arbitrary_nst.stylize(content64, [style64], working_size=32)  # 2 passes
    assert len(base._ENCODINGS) == 1
    again = arbitrary_nst.stylize(content64, [style64], working_size=32)
    assert len(base._ENCODINGS) == 1
    np.testing.assert_allclose(once, again, atol=1e-5)  # LiteRT: XNNPACK after a first call


@pytest.mark.parametrize("method, runtime", [
    ("adain", "litert"), ("arbitrary", "litert"),
    pytest.param("adain", "tf", marks=pytest.mark.slow),  # its 512 px batch: +1.8 GB
    pytest.param("arbitrary", "tf", marks=pytest.mark.slow)])
def test_stylize_batch_equals_stylize_per_image(method, runtime, content64, style64,
                                                monkeypatch):
    """Images of one shape go through the network together (AdaIN: one transfer of the
    batch; the others one call each), images of other shapes and flat ones alone: every
    output is stylize's (rendered at 512 px, the working size)."""
    from arbitrary_nst.rendering import control
    batches = []
    implementation = arbitrary_nst.registry.implementation(method)
    original = implementation.stylize_batch

    def counted(self, contents, styles, alpha=1.0):
        batches.append(len(contents))
        return original(self, contents, styles, alpha)
    monkeypatch.setattr(implementation, "stylize_batch", counted)
    flipped = np.ascontiguousarray(content64[:, ::-1])
    other = np.ascontiguousarray(content64[8:, :48])
    flat = np.full_like(content64, 0.4)
    contents = [content64, flipped, other, content64, flat]
    styles = [style64, np.ascontiguousarray(style64[::-1]), style64, style64[:40], style64]
    batch = control.stylize_batch(contents, styles, method=method, runtime=runtime)
    assert batches == [3]  # the three of one shape, the flat one alone
    for content, style, output in zip(contents, styles, batch):
        alone = control.stylize(content, [style], method=method, runtime=runtime)
        assert output.shape == content.shape and output.dtype == np.float32
        np.testing.assert_allclose(output, alone, atol=2e-5)
    assert np.abs(batch[0] - batch[3]).mean() > 0.01  # each image has its own style
