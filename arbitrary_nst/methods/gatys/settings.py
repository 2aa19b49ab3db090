"""Settings of Gatys transfer (no TensorFlow): :class:`GatysSettings`."""

import dataclasses

from arbitrary_nst.errors import UsageError
from arbitrary_nst.methods.settings import option
from arbitrary_nst.networks.objective import GATYS

OPTIMIZERS = ("lbfgs", "adam")
INITS = ("content", "style", "noise")


@dataclasses.dataclass
class GatysSettings:
    """Settings of one Gatys transfer.

    Attributes:
      steps: optimiser iterations at the full-size level.
      coarse_steps: iterations at each coarser level (None: same as ``steps``).
      content_weight: alpha.
      style_weight: beta.
      tv_weight: weight of the total variation loss.
      style_layer_weights: one weight per style layer; None means 1/len(style_layers) each.
      content_layers, style_layers: VGG layer names (default the paper's, see
        :data:`arbitrary_nst.networks.objective.GATYS`).
      optimizer: "lbfgs" or "adam".
      learning_rate: Adam's step size (pixels are in [0, 1]).
      init: start from the "content" image, the (resized) first "style" image, or "noise".
      levels: coarse-to-fine levels; 1 optimises at full size only; None chooses
        :func:`~arbitrary_nst.methods.gatys.transfer.automatic_levels` from the image size.
      style_scale: style images are resized so their longest side is this times the
        current level's longest side.
      stop_at_loss: stop the last level as soon as the total loss is at most this.
      arch: "vgg16" or "vgg19".
      seed: seed of the noise initialisation.
      progress: show a progress bar.
      init_image: if given, start from this ``(H, W, 3)`` image instead of ``init``
        (video: the previous stylized frame warped to this one).
      temporal_target, temporal_mask, temporal_weight: Ruder et al.'s temporal loss
        ``mean(mask * (x - target)^2)`` over pixels, with ``target`` ``(H, W, 3)`` the
        warped previous stylized frame and ``mask`` ``(H, W)`` in [0, 1] the pixels to
        trust. ``temporal_weight`` is relative, so it means the same at any size and for
        any style: a mean squared difference of
        :data:`~arbitrary_nst.methods.gatys.transfer.TEMPORAL_REFERENCE_MSE` costs
        ``temporal_weight`` times the rest of the objective at the initial image.
      snapshots: iterations of the full-size level after which a copy of the image is
        kept in :attr:`GatysResult.snapshots` (e.g. for loss-versus-iterations curves).
    """
    steps: int = option(300, "optimiser iterations per level", metavar="N")
    coarse_steps: int = option(None, "iterations at each coarser level (default: --steps)",
                               metavar="N", type=int)
    content_weight: float = option(1e4, "alpha", metavar="X")
    style_weight: float = option(1.0, "beta", metavar="X")
    tv_weight: float = option(0.0, "total variation weight", metavar="X")
    style_layer_weights: tuple = None
    content_layers: tuple = GATYS.content_layers
    style_layers: tuple = GATYS.style_layers
    optimizer: str = option("lbfgs", "optimiser", choices=OPTIMIZERS)
    learning_rate: float = option(0.02, "Adam's step", metavar="X")
    init: str = option("content", "initial image", choices=INITS)
    levels: int = option(None, "coarse-to-fine levels (default: 1 up to 512 px, one more "
                         "per doubling)", metavar="N", type=int)
    style_scale: float = 1.0
    stop_at_loss: float = None
    arch: str = "vgg16"
    seed: int = option(0, "seed of the noise initialisation", metavar="N")
    progress: bool = True
    init_image: "numpy.ndarray" = None  # noqa: F821 (not imported: help stays fast)
    temporal_target: "numpy.ndarray" = None  # noqa: F821
    temporal_mask: "numpy.ndarray" = None  # noqa: F821
    temporal_weight: float = 0.0
    snapshots: tuple = ()

    def validate(self):
        """Raises UsageError naming the first setting that is out of range."""
        if self.optimizer not in OPTIMIZERS:
            raise UsageError(f"optimizer {self.optimizer!r}: expected one of "
                             + ", ".join(OPTIMIZERS))
        if self.init not in INITS:
            raise UsageError(f"init {self.init!r}: expected one of {', '.join(INITS)}")
        if self.steps < 1 or (self.levels is not None and self.levels < 1) or (
                self.coarse_steps or 1) < 1:
            raise UsageError(f"steps={self.steps}, coarse_steps={self.coarse_steps}, "
                             f"levels={self.levels}: expected at least 1")
        for name in ("content_weight", "style_weight", "tv_weight", "learning_rate",
                     "style_scale", "temporal_weight"):
            if getattr(self, name) < 0:
                raise UsageError(f"{name}={getattr(self, name)}: expected a value >= 0")
        self.objective()

    def objective(self):
        """The :class:`~arbitrary_nst.networks.objective.Objective` of these layers and
        weights (raises ObjectiveError, a UsageError, when the weights do not fit)."""
        return dataclasses.replace(GATYS, content_layers=self.content_layers,
                                   style_layers=self.style_layers,
                                   style_layer_weights=self.style_layer_weights)
