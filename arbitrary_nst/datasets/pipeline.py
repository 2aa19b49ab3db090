"""Stylize a whole dataset as an Apache Beam pipeline (``arbitrary-nst stylize-dataset``).

After Geirhos et al., "ImageNet-trained CNNs are biased towards texture" (ICLR 2019):
Stylized-ImageNet restyles every training image with AdaIN at alpha 1 and a random
painting. Here any feed-forward method of the registry renders, on any Beam runner:

* the images (:func:`arbitrary_nst.datasets.layout.find_images`) are distributed over the
  workers (``Create`` + ``Reshuffle``); each worker loads the method once (the package's
  per-process caches: the networks, and the encodings of the last 64 styles seen) and
  each style image once;
* an image's styles are :func:`arbitrary_nst.datasets.assignment.style_indices` of the
  seed and its key: reproducible, no coordination;
* outputs that exist are skipped (a rerun resumes); each output is written to a
  temporary name, then renamed; an input that cannot be read, decoded or rendered goes to
  the dead-letter report (JSON lines ``{"input", "output", "reason"}``) and the run goes
  on;
* Beam metrics counters ``arbitrary_nst:written``, ``skipped`` and ``failed``.

Images are float32 RGB in [0, 1] inside; files on any filesystem Beam reads.
"""

import dataclasses
import io
import json
import posixpath
import uuid

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics
from apache_beam.metrics.metric import MetricsFilter

from arbitrary_nst import registry
from arbitrary_nst.datasets import assignment, layout
from arbitrary_nst.errors import NSTError

NAMESPACE = "arbitrary_nst"
COUNTERS = ("written", "skipped", "failed")


@dataclasses.dataclass(frozen=True)
class Job:
    """What to stylize and how (the command's flags).

    Attributes:
      images: ``((key, path), ...)`` of the content images.
      styles: ``((key, path), ...)`` of the style images, in a fixed order (indices of
        :func:`~arbitrary_nst.datasets.assignment.style_indices`).
      output: the output folder (any Beam path).
      method: a feed-forward method of the registry (Stylized-ImageNet: adain).
      alpha: content/style trade-off (None: the method's default).
      size: long side of the outputs, px (None: each image's own).
      style_size: long side the paintings are read at, px (None: their own).
      styles_per_image: styles per image; with more than one, each output's name says
        its style.
      seed: seeds the style assignment.
      extension: the outputs' format (".png", ...; None: each input's own).
      quality: JPEG / WebP quality.
      runtime: "auto", "litert" or "tf".
    """
    images: tuple
    styles: tuple
    output: str
    method: str = registry.DATASET_METHOD
    alpha: float = None
    size: int = None
    style_size: int = 512
    styles_per_image: int = 1
    seed: int = 0
    extension: str = None
    quality: int = 95
    runtime: str = "auto"

    def outputs(self, key):
        """``[(style index, output path)]`` of the image ``key``."""
        indices = assignment.style_indices(self.seed, key, self.styles_per_image,
                                           len(self.styles))
        named = self.styles_per_image > 1
        return [(index, layout.output_path(
            self.output, key, posixpath.splitext(posixpath.basename(self.styles[index][0]))[0]
            if named else None, self.extension)) for index in indices]


def write_file(path, data):
    """Writes ``data`` to ``path`` through a temporary name and a rename."""
    temporary = f"{path}.tmp-{uuid.uuid4().hex}"
    with FileSystems.create(temporary) as f:
        f.write(data)
    FileSystems.rename([temporary], [path])


class StylizeImages(beam.DoFn):
    """``(key, path)`` -> its outputs written; yields a dead-letter record per failure."""

    def __init__(self, job):
        self.job = job
        self.counters = {name: Metrics.counter(NAMESPACE, name) for name in COUNTERS}
        self._styles = {}

    def setup(self):
        from arbitrary_nst.networks import tracing
        tracing.expect_many_calls()  # a worker renders many images: trace at once

    def _style(self, index):
        if index not in self._styles:
            from arbitrary_nst.io import image_io
            path = self.job.styles[index][1]
            self._styles[index] = image_io.decode_image(io.BytesIO(layout.read(path)), path,
                                                        size=self.job.style_size)
        return self._styles[index]

    def process(self, element):
        from arbitrary_nst.io import image_io
        from arbitrary_nst.rendering import control
        key, path = element
        content = None
        for index, output in self.job.outputs(key):
            if FileSystems.exists(output):
                self.counters["skipped"].inc()
                continue
            try:
                if content is None:
                    content = image_io.decode_image(io.BytesIO(layout.read(path)), path,
                                                    size=self.job.size)
                stylized = control.stylize(content, [self._style(index)],
                                           alpha=self.job.alpha, method=self.job.method,
                                           runtime=self.job.runtime)
                write_file(output, image_io.encode_image(
                    stylized, posixpath.splitext(output)[1], self.job.quality))
            except (NSTError, OSError, ValueError) as exc:
                self.counters["failed"].inc()
                yield {"input": path, "output": output, "reason": str(exc)}
                continue
            self.counters["written"].inc()


def build(pipeline, job, dead_letter):
    """Adds the job's stages to ``pipeline``; the dead-letter report goes to
    ``dead_letter`` (one file, JSON lines, empty when nothing failed)."""
    failures = (pipeline
                | "images" >> beam.Create(list(job.images))
                | "spread" >> beam.Reshuffle()
                | "stylize" >> beam.ParDo(StylizeImages(job)))
    (failures
     | "as json" >> beam.Map(json.dumps, sort_keys=True)
     | "dead letters" >> beam.io.WriteToText(dead_letter, shard_name_template=""))


def run(job, dead_letter, options):
    """Runs the job with Beam ``options`` (``PipelineOptions``) and returns
    ``{"written", "skipped", "failed"}`` counts from its metrics."""
    pipeline = beam.Pipeline(options=options)
    build(pipeline, job, dead_letter)
    result = pipeline.run()
    result.wait_until_finish()
    counts = dict.fromkeys(COUNTERS, 0)
    for counter in result.metrics().query(MetricsFilter().with_namespace(NAMESPACE))["counters"]:
        counts[counter.key.metric.name] += counter.committed
    return counts
