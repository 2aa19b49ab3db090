"""AdaIN as a method (Huang & Belongie 2017): blends, regions and alpha in feature space.

Styles are images. A blend mixes the styles' relu4_1 means and standard deviations with
the weights (the same as the weighted sum of the AdaIN outputs); regions are blended in
feature space with their masks and decoded once (the paper's spatial control); ``alpha``
trades style for content. A flat painting keeps the photo's own feature contrast
(:mod:`arbitrary_nst.rendering.flatness`). Content past the tile size is rendered in
tiles with the thumbnail's relu4_1 statistics. The network may be the TensorFlow one or
its LiteRT form (:mod:`arbitrary_nst.methods.adain.lite`): the same calls.

Images are float32 ``(H, W, 3)`` RGB in [0, 1].
"""

import numpy as np

from arbitrary_nst.errors import UsageError
from arbitrary_nst.methods.adain import lite, weights
from arbitrary_nst.methods.base import FeedForward, encoded, imported
from arbitrary_nst.rendering import flatness


class AdaINMethod(FeedForward):
    """The AdaIN encoder-decoder (:class:`~arbitrary_nst.methods.adain.network.AdaIN`);
    a checkpoint may also be a decoder ``.npz``."""
    task = imported("arbitrary_nst.methods.adain.task:AdaINTask")
    shipped = staticmethod(weights.shipped)
    lite_network = lite.LiteAdaIN
    lite_models = staticmethod(lite.lite_models)

    @staticmethod
    def weights_files():
        from arbitrary_nst.networks.weights import vgg_weights_file
        vgg = vgg_weights_file("vgg16")
        return [weights.DECODER_PATH] + ([vgg[0]] if vgg else [])

    @classmethod
    def from_run(cls, config, run_dir):
        from arbitrary_nst.methods.adain.network import AdaIN
        network = AdaIN(config.model.arch)
        items = {"decoder": network.decoder}
        if config.model.trains == "detail":  # only such runs checkpoint the branch
            items["detail"] = network.detail
        return network, items

    @classmethod
    def from_file(cls, spec, path):
        if not path.endswith(".npz"):
            raise UsageError(f"{path}: a file is accepted only as an AdaIN decoder .npz; "
                             "otherwise give a training run folder")
        from arbitrary_nst.methods.adain.network import AdaIN
        network = AdaIN()
        weights.load_decoder(network, path)
        return network

    @classmethod
    def with_upsampling(cls, network, interpolation):
        return network.with_upsampling(interpolation)

    @staticmethod
    def serve(network, content, style):
        return network.transfer(content, *network.style_statistics(style))

    def stylize_batch(self, contents, styles, alpha=1.0):
        """One transfer of the whole batch, each image with its style's relu4_1
        statistics (TensorFlow; the LiteRT files, the tiles and flat paintings take
        :meth:`stylize` per image)."""
        if (self.runtime != "tf" or self.tiles(contents[0]) is not None
                or any(flatness.is_flat(style) for style in styles)):
            return super().stylize_batch(contents, styles, alpha)
        model = self.network
        statistics = [encoded(model.encoder, model.style_statistics, style) for style in styles]
        means, stds = (np.concatenate(parts, 0) for parts in zip(*statistics))
        return np.array(model.transfer(np.asarray(contents, np.float32), means, stds, alpha))

    def stylize(self, content, styles, regions, alpha=1.0):
        tiles = self.tiles(content)
        model = self.network
        # The content's relu4_1 statistics: of the thumbnail when tiled (a full-size VGG
        # pass is what tiling avoids), else computed inside the transfer (None).
        own = None
        if tiles is not None:
            from arbitrary_nst.rendering import tiling
            own = model.content_statistics(tiling.thumbnail(content)[None])
        style_statistics = [encoded(model.encoder, model.style_statistics, style)
                            for style in styles]
        flat = [flatness.is_flat(style) for style in styles]
        if any(flat):
            # A flat painting has no feature contrast to give: keep the photo's own.
            content_std = (own if own is not None else model.content_statistics(content[None]))[1]
            style_statistics = [(mean, content_std) if is_flat else (mean, std)
                                for is_flat, (mean, std) in zip(flat, style_statistics)]
        means, stds = [], []
        for region in regions:
            if region.style_weights is None:  # keeps the content's own statistics
                mean, std = own if own is not None else model.style_statistics(content[None])
            else:
                mean = sum(w * s[0] for w, s in zip(region.style_weights, style_statistics))
                std = sum(w * s[1] for w, s in zip(region.style_weights, style_statistics))
            means.append(mean)
            stds.append(std)
        means, stds = np.concatenate(means, 0), np.concatenate(stds, 0)
        arrays = (content,)
        if regions[0].mask is not None:
            arrays += (np.stack([region.mask for region in regions], axis=-1),)
            # A region without style is the photo itself: alpha 0 there.
            alpha = [0.0 if region.style_weights is None else alpha for region in regions]

        def render(image, masks=None):  # masks (H, W, R)
            masks = None if masks is None else np.moveaxis(masks, -1, 0)
            return np.array(model.transfer(image[None], means, stds, alpha, masks, own))[0]

        return render(*arrays) if tiles is None else tiling.render_tiled(arrays, render, *tiles)
