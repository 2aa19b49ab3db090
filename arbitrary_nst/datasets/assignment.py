"""Which styles an image of a dataset gets: a pure function of (seed, image key), so a
run is reproducible and its workers need no coordination (Stylized-ImageNet, Geirhos et
al. 2019: one random painting per image; bethgelab's stylize-datasets ``--num-styles``).
No TensorFlow, no Beam."""

import hashlib

import numpy as np

from arbitrary_nst.errors import UsageError


def style_indices(seed, key, styles_per_image, style_count):
    """``styles_per_image`` distinct indices in ``[0, style_count)`` for the image
    ``key`` (a string: its path relative to the dataset's root), drawn from a generator
    seeded with a hash of ``seed`` and ``key`` (the same on every machine and Python).

    Raises:
      UsageError: ``style_count`` < 1, or ``styles_per_image`` not in
        ``[1, style_count]``.
    """
    if style_count < 1 or not 1 <= styles_per_image <= style_count:
        raise UsageError(f"--styles_per_image {styles_per_image}: expected 1 to the number "
                         f"of styles ({style_count})")
    digest = hashlib.blake2b(f"{seed}\0{key}".encode("utf-8"), digest_size=8).digest()
    generator = np.random.default_rng(int.from_bytes(digest, "little"))
    return [int(i) for i in generator.choice(style_count, styles_per_image, replace=False)]
