"""A ``stylize-dataset`` recipe as YAML (``--config``, e.g.
``configs/datasets/stylized_imagenet.yaml``): the stylization flags' values, which flags on
the command line override. No TensorFlow, no Beam."""

import dataclasses

from arbitrary_nst import registry
from arbitrary_nst.lite.runtime import RUNTIMES
from arbitrary_nst.schema import load_yaml, setting

FORMATS = ("jpg", "png", "webp")
"""Image formats of the outputs (``--format``)."""
CONTENT_FORMATS = ("images", "tfrecord")
"""What ``--content`` holds (``--content_format``)."""
OUTPUT_FORMATS = ("folder", "tfrecord")
"""What ``--output`` gets (``--output_format``): the tree of images, or TFRecord shards."""


@dataclasses.dataclass
class DatasetRecipe:
    """The keys of a recipe: the ``stylize-dataset`` flags of the same names."""
    method: str = setting(registry.DATASET_METHOD, choices=tuple(registry.METHODS))
    alpha: float = setting(None, low=0.0, high=1.0)
    size: int = setting(None, low=16)
    style_size: int = setting(512, low=16)
    styles_per_image: int = setting(1, low=1)
    seed: int = setting(0, low=0)
    format: str = setting(None, choices=FORMATS)
    quality: int = setting(95, low=1, high=100)
    runtime: str = setting("auto", choices=RUNTIMES)


def apply_recipe(args, path, explicit):
    """Sets ``args``' stylization flags from the recipe at ``path``, except those in
    ``explicit`` (the flags given on the command line). Raises ConfigError naming the
    file and the key that does not fit."""
    recipe = load_yaml(path, DatasetRecipe)
    for field in dataclasses.fields(DatasetRecipe):
        if field.name not in explicit:
            setattr(args, field.name, getattr(recipe, field.name))
