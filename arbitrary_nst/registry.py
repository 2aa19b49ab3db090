"""Every stylization method in one table, without TensorFlow.

Each :class:`MethodSpec` says what a method is called, what it can do (its controls),
which typed settings it takes and where its implementation lives. The command's help
and checks, :func:`arbitrary_nst.stylize`, config validation, export, the training tasks,
the notebooks' panel and the experiment scripts read it; no other module of the package
spells a method's name. Adding a method is its own module(s) plus one entry in
:data:`METHODS` (see the README's "How to add a method").

The implementation is imported only when a method runs (:func:`implementation`), so
``arbitrary-nst --help``, argument errors and config checks need no TensorFlow.
"""

import dataclasses
import importlib

from arbitrary_nst.errors import UsageError
from arbitrary_nst.methods.gatys.settings import GatysSettings
from arbitrary_nst.methods.hub.settings import HubSettings
from arbitrary_nst.methods.photowct.settings import PhotoWCTSettings
from arbitrary_nst.methods.settings import FeedForwardSettings
from arbitrary_nst.methods.wct.settings import WCTSettings
from arbitrary_nst.networks import objective


@dataclasses.dataclass(frozen=True)
class TrainingSpec:
    """How a trainable method is trained (``arbitrary-nst train``).

    Attributes:
      objective: the paper's loss layers and weights
        (:class:`~arbitrary_nst.networks.objective.Objective`), which a config's
        ``model.content_layers`` / ``style_layers`` / ``style_layer_weights`` replace;
        None for a loss of another kind (reconstruction).
      config_keys: ``section.key`` names of the config that only some methods use, this
        one among them (every other such key must keep its default in its configs).
      deepest_layer: loss layers may not be deeper than this VGG layer (None: any).
      unused_when: ``(key, value, keys, reason)``: with ``key`` at ``value``, ``keys``
        are unused (``reason`` says why) and must keep their defaults.
      required_keys: keys a config of this method must set.
      fine_tunes: every run starts from the shipped weights (not from random ones).
    """
    objective: objective.Objective
    config_keys: tuple = ()
    deepest_layer: str = None
    unused_when: tuple = ()
    required_keys: tuple = ()
    fine_tunes: bool = False


@dataclasses.dataclass(frozen=True)
class MethodSpec:
    """One stylization method.

    Attributes:
      name: its ``--method`` value.
      summary: one line for the command's help.
      implementation: ``"module:Class"`` of its :class:`arbitrary_nst.methods.base.Method`.
      settings: the dataclass of its options (:mod:`arbitrary_nst.methods.settings`).
      alpha: has a content/style trade-off (``--alpha``).
      default_alpha: the trade-off when none is given (1 = full style).
      alpha_instead: what to use instead when it has none (for its error message).
      style_images: styles are images; False: indices of the network's built-in styles.
      builtin_styles: how many built-in styles the shipped network has.
      feedforward: renders in network passes, so the look is fixed at a working size
        (:mod:`arbitrary_nst.rendering.multiscale`: ``--working_size``, ``--detail``);
        False: an optimisation, whose ``style_scale`` resizes the style images.
      tile_size: default tile side (px) past which it renders in tiles with whole-image
        statistics; 0: not tiled.
      default_detail: where outputs larger than the working size take their fine detail
        from by default (:mod:`arbitrary_nst.rendering.multiscale`: "network", "photo").
      exportable: ``arbitrary-nst export`` writes it as a (content, style) SavedModel.
      litert: its shipped networks also run in LiteRT, without TensorFlow
        (:mod:`arbitrary_nst.lite`; ``--runtime``, ``export --format tflite``).
      photo_references: its styles are photos (photorealistic transfer), not paintings.
      training: how ``arbitrary-nst train`` trains it; None: not trainable.
    """
    name: str
    summary: str
    implementation: str
    settings: type
    alpha: bool = False
    default_alpha: float = 1.0
    alpha_instead: str = ""
    style_images: bool = True
    builtin_styles: int = 0
    feedforward: bool = True
    tile_size: int = 0
    default_detail: str = "network"
    exportable: bool = False
    litert: bool = False
    photo_references: bool = False
    training: TrainingSpec = None

    @property
    def tiled(self):
        """Renders past :attr:`tile_size` in tiles."""
        return self.tile_size > 0

    @property
    def trainable(self):
        """``arbitrary-nst train`` can train it."""
        return self.training is not None


_PAIR_EVAL_KEYS = ("eval.content", "eval.style")
_STYLE_LOSS_KEYS = ("model.content_weight", "model.style_weight", "model.style_layers",
                    "model.style_layer_weights", "data.style", "data.style_exclude")
"""The keys of a loss against paintings (every method but a reconstruction's)."""
_DECODER_KEYS = ("model.arch", "model.level", "model.feature_weight", "model.init_weights",
                 "train.mixed_precision")
"""The keys of the reconstruction decoders' training (WCT, PhotoWCT)."""

METHODS = {spec.name: spec for spec in (
    MethodSpec(
        "arbitrary", "style prediction + conditional instance norm, any painting "
        "(Ghiasi et al. 2017)", "arbitrary_nst.methods.arbitrary.method:Arbitrary",
        FeedForwardSettings, alpha=True, tile_size=1024, exportable=True, litert=True,
        training=TrainingSpec(objective.PERCEPTUAL, (
            "model.content_layers", "data.style_augment", *_PAIR_EVAL_KEYS,
            *_STYLE_LOSS_KEYS), fine_tunes=True)),
    MethodSpec(
        "adain", "VGG encoder, adaptive instance norm, decoder, any painting (Huang & "
        "Belongie 2017)", "arbitrary_nst.methods.adain.method:AdaINMethod",
        FeedForwardSettings, alpha=True, tile_size=512, exportable=True, litert=True,
        training=TrainingSpec(
            objective.ADAIN, ("model.arch", "model.identity_share", "model.identity_weight",
                              "model.init_weights", "model.trains", "data.style_augment",
                              "train.mixed_precision", *_PAIR_EVAL_KEYS, *_STYLE_LOSS_KEYS),
            deepest_layer="block4_conv1",
            unused_when=(("model.trains", "detail", (
                "model.content_weight", "model.style_weight", "model.identity_share",
                "model.identity_weight", "model.style_layers", "model.style_layer_weights",
                "data.style", "data.style_exclude", "data.style_augment"),
                "the branch trains on reconstructions of data.content alone"),))),
    MethodSpec(
        "multistyle", "one network, conditional instance norm, built-in styles "
        "(Dumoulin et al. 2017)", "arbitrary_nst.methods.multistyle.method:MultiStyleMethod",
        FeedForwardSettings, style_images=False, builtin_styles=26, tile_size=1024,
        litert=True, training=TrainingSpec(objective.PERCEPTUAL, (
            "model.num_styles", "model.transformer", "model.content_layers",
            "data.style_size", "train.mixed_precision", *_STYLE_LOSS_KEYS))),
    MethodSpec(
        "wct", "whitening and colouring transforms of VGG features, coarse to fine, any "
        "painting, no style training (Li et al. 2017)", "arbitrary_nst.methods.wct.method:WCT",
        # alpha 0.6 at depth 4: the most style for the least content lost on the held-out
        # pairs (experiments/results/wct_settings.md; the reference code's default too)
        WCTSettings, alpha=True, default_alpha=0.6, tile_size=512, litert=True,
        training=TrainingSpec(None, _DECODER_KEYS, required_keys=("model.level",))),
    MethodSpec(
        "photowct", "photorealistic: another photo's colours and tones, edges kept (WCT with "
        "unpooling decoders + smoothing, Li et al. 2018)",
        "arbitrary_nst.methods.photowct.method:PhotoWCT", PhotoWCTSettings, alpha=True,
        tile_size=512, default_detail="photo", photo_references=True, litert=True,
        training=TrainingSpec(None, _DECODER_KEYS, required_keys=("model.level",))),
    MethodSpec(
        "gatys", "optimisation of the pixels (Gatys et al. 2016)",
        "arbitrary_nst.methods.gatys.method:Gatys", GatysSettings,
        alpha_instead="set content_weight and style_weight instead", feedforward=False),
    MethodSpec(
        "hub", "a TF Hub module in the arbitrary-stylization format",
        "arbitrary_nst.methods.hub.method:Hub", HubSettings),
)}
"""The methods by name, in the order the command's help lists them."""

DEFAULT_METHOD = "arbitrary"
"""The fastest shipped model that takes any style image (experiments/README.md compares
them)."""
DATASET_METHOD = "adain"
"""What ``stylize-dataset`` renders with by default: Stylized-ImageNet's method (Geirhos et
al. 2019)."""
DEFAULT_TRAINING = "adain"
"""``model.type`` of a config that names none."""


def get(name):
    """The :class:`MethodSpec` of ``name``.

    Raises:
      UsageError: no such method (the message lists them).
    """
    if name not in METHODS:
        raise UsageError(f"unknown method {name!r}, expected one of {', '.join(METHODS)}")
    return METHODS[name]


def names(**capabilities):
    """Names of the methods whose attributes equal ``capabilities`` (e.g.
    ``names(trainable=True)``), in :data:`METHODS` order."""
    return tuple(name for name, spec in METHODS.items()
                 if all(getattr(spec, key) == value for key, value in capabilities.items()))


def implementation(name):
    """The implementation class of ``name`` (imported now: may load TensorFlow)."""
    module, _, attribute = get(name).implementation.partition(":")
    return getattr(importlib.import_module(module), attribute)


def load(name, **options):
    """The method ``name`` ready to render (its :class:`~arbitrary_nst.methods.base.Method`,
    networks loaded), its settings built from ``options`` and validated.

    Raises:
      UsageError: an unknown method, or an option its settings lack or refuse.
    """
    from arbitrary_nst.methods import settings
    spec = get(name)
    return implementation(name).load(spec, settings.build(spec.settings, name, options))


def runs_with_defaults(name):
    """Whether method ``name`` needs no option to run (its settings' defaults validate)."""
    try:
        get(name).settings().validate()
    except UsageError:
        return False
    return True


def check_alpha(alpha, name="alpha"):
    """Raises UsageError (naming ``name``, e.g. the flag) for an ``alpha`` outside [0, 1]
    (None: the method's default, accepted)."""
    if alpha is not None and not 0.0 <= alpha <= 1.0:
        raise UsageError(f"{name} {alpha}: expected 0 to 1")


def check_controls(spec, alpha=None, styles=None, working_size=None, detail=None):
    """Raises UsageError when a control does not apply to the method of ``spec``: an
    ``alpha`` other than 1 (None: the method's default) without a trade-off, style
    images for built-in styles (or the reverse; ``styles``: the values given, images having a ``shape``), a working size or
    detail source for an optimisation, an ``alpha`` outside [0, 1] (1 = the style, 0 =
    the photo: the trade-off is no extrapolation)."""
    check_alpha(alpha)
    if alpha is not None and alpha != 1.0 and not spec.alpha:
        raise UsageError(f"method {spec.name!r} has no alpha trade-off"
                         + (f": {spec.alpha_instead}" if spec.alpha_instead else ""))
    if styles is not None and spec.style_images != all(hasattr(s, "shape") for s in styles):
        raise UsageError(f"method {spec.name!r} takes "
                         + ("style images" if spec.style_images else
                            "style indices (its built-in styles), not images"))
    if not spec.feedforward and (working_size is not None or detail is not None):
        raise UsageError(f"method {spec.name!r} has no working size or detail source (they "
                         "apply to the feed-forward methods); style_scale sets its stroke size")
