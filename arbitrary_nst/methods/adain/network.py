"""AdaIN encoder-decoder (Huang & Belongie 2017).

A frozen ImageNet VGG encodes content and style images up to ``relu4_1``
(``block4_conv1``); :func:`arbitrary_nst.networks.layers.adain` gives the content features the
style's channel means and standard deviations; a decoder that mirrors the encoder (nearest
upsampling, reflection padding, no normalisation layers) turns them back into an image.

Training loss (the paper's): ``L = content_weight * L_c + style_weight * L_s`` with
``L_c = mse(f(g(t)), t)`` at ``relu4_1`` and ``L_s`` the weighted sum over the style
layers of the objective (default :data:`arbitrary_nst.networks.objective.ADAIN`:
relu1_1..relu4_1, each weighted 1) of the mean/std loss
(:func:`arbitrary_nst.networks.losses.mean_std_loss`), ``t`` the AdaIN target, ``g`` the
decoder and ``f`` the encoder; ``style_weight`` is 10 in the paper. The decoder's layout
is :func:`arbitrary_nst.methods.adain.layout.decoder_layers`.

Detail branch (this project's addition): a decoder that sees only relu4_1 cannot give the
photo back (its reconstruction keeps a luminance SSIM of about 0.73), so a small network
(:func:`build_detail_branch`) maps the content's ``relu1_1`` features (a skip connection
from the encoder, as in U-Net-style decoders) to the detail that decoding relu4_1 loses.
Its output is added with weight ``1 - alpha`` at each pixel: at ``alpha=1`` the output is
the paper's, at ``alpha=0`` the photo's structure comes back. It is trained on
reconstructions alone, with the decoder frozen (:meth:`AdaIN.detail_loss`).

Images are float32 ``(N, H, W, 3)`` RGB in [0, 1]; any size (inputs are reflection-padded
to a multiple of 8 and the output cropped back).
"""

import functools

import tensorflow as tf

from arbitrary_nst.methods.adain.layout import BOTTLENECK, DETAIL_LAYER
from arbitrary_nst.networks import layers, losses, objective
from arbitrary_nst.networks.decoder import build_mirror_decoder
from arbitrary_nst.networks.vgg import shared_extractor
from arbitrary_nst.networks.weights import conv_layer_names

MARGIN = 32
"""Reflected margin (px) around the content: the encoder's zero padding reaches ~26 px
into relu4_1's picture (2 + 2*2 + 3*4 + 8 for VGG16's layers up to it), and decoding
those border features gave dark stripes along plain edges."""


def build_decoder(arch="vgg16", seed=0, dtype_policy=None):
    """The decoder mirroring ``arch`` from relu4_1 down to RGB
    (:func:`arbitrary_nst.networks.decoder.build_mirror_decoder`): ``(N, h, w, 512)``
    features to ``(N, 8h, 8w, 3)`` float32 images (not clipped); initial weights from
    ``seed``."""
    return build_mirror_decoder(BOTTLENECK, arch, seed, dtype_policy,
                                name=f"adain_decoder_{arch}")


def build_detail_branch(width=32, seed=0, dtype_policy=None):
    """The detail branch: relu1_1 features ``(N, H, W, 64)`` (VGG's 0..255 input scale)
    to an RGB residual ``(N, H, W, 3)`` on the [0, 1] image scale.

    Two reflection-padded 3x3 convolutions (``width`` channels, ReLU; then 3, linear). The
    last one starts at zero, so a new branch adds nothing and leaves the model as it was.
    """
    conv = functools.partial(layers.ReflectionConv2D, dtype=dtype_policy)
    features = tf.keras.Input(shape=(None, None, 64), name="relu1_1")
    x = tf.keras.layers.Rescaling(1.0 / 255.0, name="from_vgg_scale")(features)
    x = conv(width, activation="relu", seed=seed * 100 + 50, name="detail_conv1")(x)
    last = conv(3, seed=seed * 100 + 51, name="detail_conv2")
    residual = tf.keras.layers.Activation("linear", dtype="float32",
                                          name="to_float32")(last(x))
    branch = tf.keras.Model(features, residual, name="adain_detail")
    for weight in last.weights:
        weight.assign(tf.zeros_like(weight))
    return branch


def _is_number(value, number):
    """Whether ``value`` is the Python number ``number`` (not a tensor)."""
    return isinstance(value, (int, float)) and value == number


class AdaIN(tf.Module):
    """The AdaIN network: frozen VGG encoder, AdaIN, trainable decoder and detail branch.

    ``objective`` sets the training loss's mean/std style layers and their weights
    (default :data:`arbitrary_nst.networks.objective.ADAIN`; none deeper than relu4_1).

    Attributes:
      encoder: Keras VGG returning ``{layer: features}`` for the objective's style
        layers, :data:`BOTTLENECK` and :data:`DETAIL_LAYER`.
      decoder: Keras model from :func:`build_decoder`.
      detail: Keras model from :func:`build_detail_branch`.
    """

    def __init__(self, arch="vgg16", decoder=None, seed=0, dtype_policy=None,
                 objective=objective.ADAIN, detail=None, name="adain"):
        super().__init__(name=name)
        self.arch = arch
        self.objective = objective
        layer_names = tuple(sorted(set(objective.style_layers) | {BOTTLENECK, DETAIL_LAYER},
                                   key=conv_layer_names(arch).index))
        self.encoder = shared_extractor(layer_names, arch, dtype_policy)
        self.decoder = decoder or build_decoder(arch, seed, dtype_policy)
        self.detail = detail or build_detail_branch(seed=seed, dtype_policy=dtype_policy)

    def with_upsampling(self, interpolation):
        """An AdaIN sharing this one's weights whose decoder upsamples with
        ``interpolation`` (:func:`arbitrary_nst.networks.layers.with_upsampling`)."""
        return AdaIN(self.arch, layers.with_upsampling(self.decoder, interpolation),
                     detail=self.detail)

    def encode(self, images):
        """``{layer: float32 features}`` of the style layers and :data:`BOTTLENECK` for
        ``(N, H, W, 3)``."""
        return {name: tf.cast(value, tf.float32)
                for name, value in self.encoder(images).items()}

    def style_statistics(self, style_images):
        """Channel mean and std at relu4_1, each ``(N, 512)``, of ``(N, H, W, 3)`` images."""
        return losses.mean_std(self.encode(style_images)[BOTTLENECK])

    def content_statistics(self, content):
        """:meth:`style_statistics` of ``content`` ``(N, H, W, 3)`` padded as
        :meth:`transfer` pads it (to a multiple of 8)."""
        return self.style_statistics(layers.pad_to_multiple(content, 8, MARGIN)[0])

    def transfer(self, content, style_mean, style_std, alpha=1.0, masks=None,
                 content_statistics=None):
        """Stylizes ``content`` ``(N, H, W, 3)`` with target channel statistics at relu4_1.

        Args:
          style_mean, style_std: ``(N or 1, 512)``; with ``masks``, ``(R, 512)``: one row
            per region.
          alpha: 1 = the targets' statistics, 0 = the content's own features (and the
            detail branch's full residual); with ``masks``, a number or one per region.
          masks: optional ``(R, H, W)`` region weights summing to 1 at each pixel; each
            region's AdaIN target is blended in feature space with its mask (AdaIN's
            spatial control), then decoded once; the detail branch's weight at a pixel is
            the masks' blend of ``1 - alpha``. Needs N = 1.

        Returns ``(N, H, W, 3)`` in [0, 1].
        """
        padded, crop = layers.pad_to_multiple(content, 8, MARGIN)
        encoded = self.encode(padded)
        features = encoded[BOTTLENECK]
        # relu1_1 is the largest feature map: kept only when the branch will read it.
        skip = None if masks is None and _is_number(alpha, 1.0) else encoded[DETAIL_LAYER]
        del encoded
        if masks is None:
            target = layers.adain(features, style_mean, style_std, alpha,
                                  content_statistics=content_statistics)
            detail_weight = 1.0 - alpha
        else:
            masks, _ = layers.pad_to_multiple(
                tf.expand_dims(tf.convert_to_tensor(masks, tf.float32), -1), 8, MARGIN)
            # Area averages on relu4_1's grid (the padded sides are multiples of 8).
            small = tf.nn.avg_pool2d(masks, 8, 8, "VALID")
            alphas = tf.broadcast_to(tf.cast(alpha, tf.float32), tf.shape(masks)[:1])
            targets = layers.adain(features, style_mean, style_std,
                                   tf.reshape(alphas, [-1, 1, 1, 1]),
                                   content_statistics=content_statistics)  # (R, h, w, C)
            target = tf.reduce_sum(small * targets, axis=0, keepdims=True)
            detail_weight = tf.reduce_sum(masks * (1.0 - alphas)[:, None, None, None],
                                          axis=0, keepdims=True)
        return tf.clip_by_value(crop(self._decode(target, skip, detail_weight)), 0.0, 1.0)

    def reconstruct(self, content):
        """``content`` ``(N, H, W, 3)`` rendered at ``alpha=0`` (its own relu4_1 features
        decoded, plus the detail branch's residual): what ``--alpha 0`` gives, in [0, 1].
        No statistics are computed: at alpha 0 AdaIN returns the features unchanged."""
        unused = tf.ones((1, 512))
        return self.transfer(content, unused, unused, alpha=0.0)

    def _decode(self, target, skip, detail_weight):
        """The decoded ``target`` plus ``detail_weight`` (a number or ``(N, H, W, 1)``)
        times the detail branch's residual of ``skip`` (the content's relu1_1); not cropped
        or clipped. Without ``skip`` the branch is left out."""
        decoded = self.decoder(target)
        if skip is None:
            return decoded
        return decoded + detail_weight * self.detail(skip)

    def detail_loss(self, content):
        """The detail branch's training loss on ``(N, H, W, 3)`` photos: the mean squared
        error, on the 0..255 pixel scale, of their ``alpha=0`` renders (padded as
        :meth:`transfer` pads them, not clipped) against them. Only the branch should
        train on it; the decoder's output at ``alpha=1`` does not depend on the branch.

        Returns ``{"total", "identity"}`` scalars (the same loss twice).
        """
        padded, crop = layers.pad_to_multiple(content, 8, MARGIN)
        encoded = self.encode(padded)
        rendered = crop(self._decode(encoded[BOTTLENECK], encoded[DETAIL_LAYER], 1.0))
        loss = tf.reduce_mean(tf.square(255.0 * (rendered - content)))
        return {"total": loss, "identity": loss}

    def loss(self, content, style, style_weight=10.0, content_weight=1.0, identity_weight=0.0,
             identity_count=0):
        """The training loss on a batch of content and style images ``(N, H, W, 3)``.

        H and W must be multiples of 8. The first ``identity_count`` samples are
        reconstructions: their style is their own content (AdaIN's target is then the
        content's features, what ``alpha=0`` decodes), and they add the identity loss
        ``identity_weight * mean((g(f(c)) - c)^2)`` on the 0..255 pixel scale of VGG's
        input (the pixel term of SANet's identity loss, Park & Lee 2019), so the decoder
        learns to give the photo back. The other samples use ``style``.

        Returns ``{"total", "content", "style", "identity"}`` scalars: the three terms
        unweighted (``identity`` is 0 without reconstructions) and their weighted sum.
        """
        content_features = self.encode(content)
        others = style[identity_count:]
        if others.shape[0] == 0:
            style_features = content_features  # the whole batch reconstructs
        else:
            style_features = {layer: tf.concat([content_features[layer][:identity_count],
                                                features], axis=0)
                              for layer, features in self.encode(others).items()}
        target = layers.adain(content_features[BOTTLENECK],
                              *losses.mean_std(style_features[BOTTLENECK]))
        decoded = self.decoder(target)
        output_features = self.encode(decoded)
        content_loss = losses.content_loss(output_features[BOTTLENECK], target)
        style_loss = self.objective.style(lambda layer: losses.mean_std_loss(
            output_features[layer], *losses.mean_std(style_features[layer])))
        identity_loss = (tf.reduce_mean(tf.square(255.0 * (decoded[:identity_count]
                                                           - content[:identity_count])))
                         if identity_count else tf.constant(0.0))
        return {"total": content_weight * content_loss + style_weight * style_loss
                + identity_weight * identity_loss,
                "content": content_loss, "style": style_loss, "identity": identity_loss}
