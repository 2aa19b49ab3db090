"""Stylize a whole dataset as an Apache Beam pipeline (``arbitrary-nst stylize-dataset``).

After Geirhos et al., "ImageNet-trained CNNs are biased towards texture" (ICLR 2019):
Stylized-ImageNet restyles every training image with AdaIN at alpha 1 and a random
painting. Here any feed-forward method of the registry renders, on any Beam runner:

* the images (:func:`arbitrary_nst.datasets.layout.find_images`, listed by the workers,
  one element per source, so the pipeline holds no list of them; or the records of
  TFRecord shards: :mod:`arbitrary_nst.datasets.records`) are distributed over the
  workers (a shuffle); each worker loads the method once (the package's
  per-process caches: the networks, and the encodings of the last 64 styles seen) and
  each style image once;
* an image's styles are :func:`arbitrary_nst.datasets.assignment.style_indices` of the
  seed and its key: reproducible, no coordination;
* the output is the same tree of images, or TFRecord shards (``stylized-RUN-SSSSS-of-
  NNNNN.tfrecord`` in the output folder, one record per image and style);
* outputs that exist are skipped (a rerun resumes): files by their names, records by the
  (key, painting) pairs of the shards already in the output folder, which a finished run
  leaves (Beam writes shards under a temporary name); each image file is written to a
  temporary name, then renamed; an input that cannot be read, decoded or rendered goes
  to the dead-letter report (JSON lines ``{"input", "output", "reason"}``) and the run
  goes on;
* Beam metrics counters ``arbitrary_nst:written``, ``skipped`` and ``failed``.

Images are float32 RGB in [0, 1] inside; files on any filesystem Beam reads.
"""

import dataclasses
import io
import json
import posixpath
import time
import uuid

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics
from apache_beam.metrics.metric import MetricsFilter

from arbitrary_nst import registry
from arbitrary_nst.datasets import assignment, layout, records, tally
from arbitrary_nst.errors import NSTError, UsageError
from arbitrary_nst.io.files import IMAGE_EXTENSIONS

NAMESPACE = "arbitrary_nst"
COUNTERS = ("written", "skipped", "failed")
RECORD_EXTENSION = ".jpg"
"""The format of a record's stylized image whose key has no image extension."""


@dataclasses.dataclass(frozen=True)
class Job:
    """What to stylize and how (the command's flags).

    Attributes:
      content: the content images' sources (folders, globs, files:
        :func:`~arbitrary_nst.datasets.layout.find_images`), or with ``records`` the
        paths of TFRecord shards.
      styles: ``((key, path), ...)`` of the style images, in a fixed order (indices of
        :func:`~arbitrary_nst.datasets.assignment.style_indices`).
      output: the output folder (any Beam path).
      method: a feed-forward method of the registry (Stylized-ImageNet: adain).
      alpha: content/style trade-off (None: the method's default).
      size: long side of the outputs, px (None: each image's own).
      style_size: long side the paintings are read at, px (None: their own).
      styles_per_image: styles per image; with more than one, each output file's name
        says its style.
      seed: seeds the style assignment.
      extension: the outputs' image format (".png", ...; None: each input's own).
      quality: JPEG / WebP quality.
      runtime: "auto", "litert" or "tf".
      records: whether ``content`` are TFRecord shards of ``tf.train.Example`` records.
      output_format: one of :data:`~arbitrary_nst.datasets.recipe.OUTPUT_FORMATS`.
      shards: the number of output shards (0: the runner decides).
      shard_prefix: the output shards' names start with it (None: ``stylized-`` and
        the run's UTC time and a random tag, one name per run; a prefix that shards in
        ``output`` already have is refused by :func:`run`).
      batch_size: at most this many images go through the network together (those of
        one shape: :func:`~arbitrary_nst.rendering.control.stylize_batch`); 1 by default,
        as on a 2-core CPU batches of 8 were no faster (1.30 against 1.31 s per image)
        and held 1 GB more.
      classes: the class folders of the content images, sorted: a file's record is
        labelled with its folder's index, as torchvision's ImageFolder (None: listed
        from ``content`` here; :func:`class_folders`).
      tally: a file on this machine the workers mark per image and style done (the
        launcher's progress bar, :mod:`arbitrary_nst.datasets.tally`), or None.
    """
    content: tuple
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
    records: bool = False
    output_format: str = "folder"
    shards: int = 0
    shard_prefix: str = None
    batch_size: int = 1
    classes: tuple = None
    tally: str = None

    def __post_init__(self):
        if self.shard_prefix is None:
            object.__setattr__(self, "shard_prefix", time.strftime(
                "stylized-%Y%m%d-%H%M%S-", time.gmtime()) + uuid.uuid4().hex[:6])
        if self.classes is None:
            object.__setattr__(self, "classes", () if self.records else class_folders(
                layout.find_images(self.content)))

    def image_extension(self, key):
        """The format the stylized image ``key`` is written in (".jpg", ...)."""
        own = posixpath.splitext(key)[1]
        return self.extension or (own if own.lower() in IMAGE_EXTENSIONS else RECORD_EXTENSION)

    def targets(self, key):
        """``[(style index, output path)]`` of the image ``key`` (the path None for
        TFRecord output).

        Raises:
          UsageError: an output format :func:`~arbitrary_nst.io.image_io.save_image`
            cannot write, or ``styles_per_image`` out of range.
        """
        indices = assignment.style_indices(self.seed, key, self.styles_per_image,
                                           len(self.styles))
        extension = self.image_extension(key)
        if self.output_format == "tfrecord":
            layout.output_path(self.output, key, None, extension)  # the format's check
            return [(index, None) for index in indices]
        named = self.styles_per_image > 1
        return [(index, layout.output_path(
            self.output, key, posixpath.splitext(posixpath.basename(self.styles[index][0]))[0]
            if named else None, extension)) for index in indices]


def class_folders(images):
    """The sorted first folders of the keys of ``images`` ``[(key, path)]``."""
    return tuple(sorted({key.split("/")[0] for key, _ in images if "/" in key}))


def write_file(path, data):
    """Writes ``data`` to ``path`` through a temporary name and a rename."""
    temporary = f"{path}.tmp-{uuid.uuid4().hex}"
    with FileSystems.create(temporary) as f:
        f.write(data)
    FileSystems.rename([temporary], [path])


class KeyRecords(beam.DoFn):
    """``(shard, record)`` -> ``(key, (shard, record))``; a record that does not parse
    goes to the ``failed`` output as a dead-letter record."""

    def __init__(self, output, marker):
        self.output = output
        self.marker = marker
        self.failed = Metrics.counter(NAMESPACE, "failed")

    def process(self, element):
        shard, record = element
        try:
            key, _, _ = records.parse(record, shard)
        except NSTError as exc:
            self.failed.inc()
            self.marker.mark()
            yield beam.pvalue.TaggedOutput("failed", {"input": shard, "output": self.output,
                                                      "reason": str(exc)})
            return
        yield key, (shard, record)


@dataclasses.dataclass
class _Target:
    """One output of an image to render: the image (float32 ``(H, W, 3)``), its
    painting, and where the result goes."""
    key: str
    source: str
    content: object
    data: bytes
    example: object
    style_key: str
    style: object
    output: str


class StylizeImages(beam.DoFn):
    """A batch of ``(key, (path or shard, record or None), painting keys done)`` -> the
    images' outputs: files written, or serialized records yielded (TFRecord output),
    rendered together (:func:`arbitrary_nst.rendering.control.stylize_batch`); a
    dead-letter record per failure goes to the ``failed`` output."""

    def __init__(self, job):
        self.job = job
        self.counters = {name: Metrics.counter(NAMESPACE, name) for name in COUNTERS}
        self.marker = tally.Marker(job.tally)
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

    def _count(self, name):
        self.counters[name].inc()
        self.marker.mark()

    def _failure(self, source, output, key, style_key, exc):
        self._count("failed")
        return beam.pvalue.TaggedOutput("failed", {
            "input": source, "output": output or f"{self.job.output} ({key}, {style_key})",
            "reason": str(exc)})

    def _targets(self, element):
        """The element's outputs still to render (:class:`_Target`), and dead-letter
        records of those that cannot be (an unreadable image or painting)."""
        from arbitrary_nst.io import image_io
        key, (source, record), done = element
        content = data = example = None
        for index, output in self.job.targets(key):
            style_key = self.job.styles[index][0]
            if (style_key in done) if output is None else FileSystems.exists(output):
                self._count("skipped")
                continue
            try:
                if content is None:
                    if record is None:
                        data = layout.read(source)
                    else:
                        _, data, example = records.parse(record, source)
                    content = image_io.decode_image(io.BytesIO(data), f"{source} ({key})"
                                                    if record else source, size=self.job.size)
                yield _Target(key, source, content, data, example, style_key,
                              self._style(index), output)
            except (NSTError, OSError, ValueError) as exc:
                yield self._failure(source, output, key, style_key, exc)

    def _rendered(self, targets):
        """``[(target, stylized image or the exception)]``: the batch in one call, each
        target alone when the batch fails (so the failure names its input)."""
        from arbitrary_nst.rendering import control
        job = self.job

        def render(group):
            return control.stylize_batch([t.content for t in group], [t.style for t in group],
                                         alpha=job.alpha, method=job.method,
                                         runtime=job.runtime)
        try:
            return list(zip(targets, render(targets)))
        except (NSTError, ValueError):
            results = []
            for target in targets:
                try:
                    results.append((target, render([target])[0]))
                except (NSTError, ValueError) as exc:
                    results.append((target, exc))
            return results

    def process(self, batch):
        from arbitrary_nst.io import image_io
        job = self.job
        targets = []
        for element in batch:
            for target in self._targets(element):
                if isinstance(target, beam.pvalue.TaggedOutput):
                    yield target
                else:
                    targets.append(target)
        for target, stylized in self._rendered(targets) if targets else ():
            try:
                if isinstance(stylized, Exception):
                    raise stylized
                extension = job.image_extension(target.key)
                encoded = image_io.encode_image(stylized, extension, job.quality)
                if target.output is None:
                    example = target.example or records.file_example(target.key, target.data,
                                                                     job.classes)
                    yield records.stylized(example, target.key, encoded, stylized.shape,
                                           extension, target.style_key)
                else:
                    write_file(target.output, encoded)
            except (NSTError, OSError, ValueError) as exc:
                yield self._failure(target.source, target.output, target.key,
                                    target.style_key, exc)
                continue
            self._count("written")


def _finished_shards(job):
    """The output shards a finished run left in ``job.output``."""
    pattern = FileSystems.join(job.output, "*" + records.SHARD_SUFFIX + "*")
    return sorted(m.path for m in FileSystems.match([pattern])[0].metadata_list
                  if records.is_shard(m.path))


def build(pipeline, job, dead_letter):
    """Adds the job's stages to ``pipeline``; the dead-letter report goes to
    ``dead_letter`` (one file, JSON lines, empty when nothing failed)."""
    failures = []
    if job.records:
        keyed = (pipeline
                 | "shards" >> beam.Create(list(job.content))
                 | "read records" >> beam.io.ReadAllFromTFRecord(with_filename=True)
                 | "keys" >> beam.ParDo(KeyRecords(job.output, tally.Marker(job.tally)))
                 .with_outputs("failed", main="items"))
        items = keyed.items
        failures.append(keyed.failed)
    else:
        items = (pipeline
                 | "sources" >> beam.Create(list(job.content))
                 | "images" >> beam.FlatMap(lambda source: [
                     (key, (path, None)) for key, path in layout.find_images([source])])
                 # A file named twice (a folder and a file in it) is rendered once.
                 | "once" >> beam.Distinct())
    if job.output_format == "tfrecord":
        done = (pipeline
                | "finished shards" >> beam.Create(_finished_shards(job))
                | "read finished" >> beam.io.ReadAllFromTFRecord()
                | "painted" >> beam.Map(records.style_of))
        work = ({"items": items, "done": done}
                | "join" >> beam.CoGroupByKey()
                | "to do" >> beam.FlatMap(lambda grouped: [
                    (grouped[0], item, frozenset(grouped[1]["done"]))
                    for item in grouped[1]["items"]]))
    else:
        work = (items
                | "spread" >> beam.Reshuffle()
                | "to do" >> beam.Map(lambda keyed_item: (*keyed_item, frozenset())))
    results = (work
               | "batches" >> beam.BatchElements(min_batch_size=1,
                                                 max_batch_size=job.batch_size)
               | "stylize" >> beam.ParDo(StylizeImages(job)).with_outputs("failed",
                                                                          main="records"))
    failures.append(results.failed)
    if job.output_format == "tfrecord":
        results.records | "write records" >> beam.io.WriteToTFRecord(
            FileSystems.join(job.output, job.shard_prefix), file_name_suffix=records.SHARD_SUFFIX,
            num_shards=job.shards)
    (failures
     | "all failures" >> beam.Flatten()
     | "as json" >> beam.Map(json.dumps, sort_keys=True)
     | "dead letters" >> beam.io.WriteToText(dead_letter, shard_name_template=""))


SETTINGS_FILE = ".stylize-dataset.json"
"""The file in the output folder that records the settings its images were made with
(hidden: not an image of the tree)."""
SETTINGS = ("method", "alpha", "size", "style_size", "styles_per_image", "seed",
            "extension", "quality", "output_format")
"""The :class:`Job` fields that decide what an output is (with the paintings' keys)."""


def check_settings(job):
    """Records ``job``'s :data:`SETTINGS` (and the paintings' keys) in
    :data:`SETTINGS_FILE` of its output, or checks them against those recorded there: a
    rerun skips what exists, so outputs made otherwise would stay mixed in silently.

    Raises:
      UsageError: the output was made with other settings (naming the first one).
    """
    current = {name: getattr(job, name) for name in SETTINGS}
    current["styles"] = [key for key, _ in job.styles]
    path = FileSystems.join(job.output, SETTINGS_FILE)
    if not FileSystems.exists(path):
        write_file(path, json.dumps(current, indent=1, sort_keys=True).encode())
        return
    recorded = json.loads(layout.read(path))
    for name, value in current.items():
        if name in recorded and recorded[name] != value:
            raise UsageError(f"{job.output} was stylized with {name} {recorded[name]!r} "
                             f"({path}); this run has {value!r}: use another output folder, "
                             "or the same settings to resume")


def check_output(job):
    """What :func:`run` checks of ``job``'s output before anything runs (a launcher may
    call it sooner): :func:`check_settings`, and that no shards have ``job.shard_prefix``
    already (their names would be written again).

    Raises:
      UsageError: the output holds images made with other settings, or such shards.
    """
    shards = FileSystems.join(job.output, job.shard_prefix + "-*")
    if job.output_format == "tfrecord" and FileSystems.match([shards])[0].metadata_list:
        raise UsageError(f"{shards}: shards of an earlier run have this prefix; give this "
                         "run another shard_prefix")
    check_settings(job)


def run(job, dead_letter, options):
    """Runs the job with Beam ``options`` (``PipelineOptions``) and returns
    ``{"written", "skipped", "failed"}`` counts from its metrics. A TFRecord run that
    wrote nothing leaves no (empty) shard.

    Raises:
      UsageError: from :func:`check_output`.
    """
    check_output(job)
    pipeline = beam.Pipeline(options=options)
    build(pipeline, job, dead_letter)
    result = pipeline.run()
    result.wait_until_finish()
    counts = dict.fromkeys(COUNTERS, 0)
    for counter in result.metrics().query(MetricsFilter().with_namespace(NAMESPACE))["counters"]:
        counts[counter.key.metric.name] += counter.committed
    if job.output_format == "tfrecord" and not counts["written"]:
        empty = [m.path for m in FileSystems.match(
            [FileSystems.join(job.output, job.shard_prefix + "-*")])[0].metadata_list]
        if empty:
            FileSystems.delete(empty)
    return counts
