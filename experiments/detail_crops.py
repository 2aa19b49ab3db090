"""100 % crops of a large render with each detail source: the photo (upscaled), the
default (``--detail network``), ``photo`` and ``none``.

  python experiments/detail_crops.py [--assets ../shared/assets]

The shared photo ``photo`` shrunk to ``photo_size`` px, then rendered at ``size`` px by
the default method with the bundled painting ``style`` (as ``arbitrary-nst stylize
--size SIZE`` renders a smaller photo), cropped at ``crop_at`` (row, column) to ``crop``
px. Writes ``experiments/results/detail_crops_eiffel.png``.
"""

import dataclasses
import os

from absl import app
from common import asset, load_settings, result_path

import arbitrary_nst as nst
from arbitrary_nst.io import image_io
from arbitrary_nst.schema import list_setting, setting


@dataclasses.dataclass
class Settings:
    """configs/experiments/detail_crops.yaml."""
    photo: str = "content/eiffelTower.jpg"
    photo_size: int = setting(1024, low=32)
    size: int = setting(2048, low=64)
    style: str = "starry_night.jpg"  # in arbitrary_nst/samples
    crop_at: list[int] = list_setting([500, 870])
    crop: int = setting(320, low=16)


def main(argv):
    del argv
    settings = load_settings(Settings, "detail_crops")
    photo = nst.load_image(asset(settings.photo), size=settings.photo_size)
    style = nst.load_image(os.path.join(nst.SAMPLES_DIR, settings.style))
    big = image_io.resize_longest(photo, settings.size)
    top, left = settings.crop_at
    cells = [big] + [nst.stylize(photo, [style], size=settings.size, detail=detail)
                     for detail in ("network", "photo", "none")]
    crops = [image[top:top + settings.crop, left:left + settings.crop] for image in cells]
    nst.save_image(result_path("detail_crops_eiffel.png"), nst.make_grid(
        [crops], column_labels=["photo, upscaled", "detail network (default)",
                                "detail photo", "detail none"]))
    print(f"wrote {result_path('detail_crops_eiffel.png')}")


if __name__ == "__main__":
    app.run(main)
