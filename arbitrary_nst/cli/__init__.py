"""The ``arbitrary-nst`` command: one subcommand per job, each with its own flags.

``arbitrary-nst --help`` lists the commands; ``arbitrary-nst COMMAND --help`` that
command's flags in groups, with defaults. Help and argument errors are answered before
TensorFlow is imported (well under a second). Argument errors are one line
``arbitrary-nst: error: ...`` and exit status 2; bad input found while running (a file, a
key, a value that does not fit) is one line ``arbitrary-nst: error: ...``, exit status 1
and no output file. TensorFlow's start-up lines are hidden unless ``--verbose``; the
progress bars and the closing ``wrote ...`` line remain.

Flags are parsed with ``absl.flags.argparse_flags`` (:mod:`arbitrary_nst.cli.parser`) and
the command runs under ``absl.app`` (:func:`run`); what each command does is in
:mod:`arbitrary_nst.cli.commands`.
"""

import logging as pylogging
import os
import sys

from absl import app, flags, logging

from arbitrary_nst import quiet
from arbitrary_nst.cli import preflight
from arbitrary_nst.cli.parser import ArgumentError, build_parser, check_dataset, check_rendering
from arbitrary_nst.errors import NSTError


class OneLineFormatter(pylogging.Formatter):
    """Log records as the errors read: ``arbitrary-nst: warning: ...``."""

    def format(self, record):
        return f"arbitrary-nst: {record.levelname.lower()}: {record.getMessage()}"


def configure_output(verbose):
    """TensorFlow's and LiteRT's own lines hidden unless ``verbose`` (TensorFlow is
    imported where a command first needs it: not at all when the network runs in
    LiteRT), absl's log lines as one-line warnings."""
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "0" if verbose else "3"
    logging.set_verbosity(logging.INFO if verbose else logging.WARNING)
    if verbose:
        quiet.show_native_output()
    else:
        logging.get_absl_handler().setFormatter(OneLineFormatter())


def parse(argv):
    """absl's ``flags_parser``: the parsed namespace; argument errors exit 2."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv[1:])
    if args.command == "stylize-dataset":
        args.beam_options = unknown  # Apache Beam's own pipeline options, passed through
        args.explicit = {token[2:].split("=")[0] for token in argv[1:] if token.startswith("--")}
    elif unknown:
        parser.error("unrecognized arguments: " + " ".join(unknown))
    flags.FLAGS.mark_as_parsed()  # absl's own flags are not offered; app.run wants them parsed
    try:
        if args.command in ("stylize", "video", "batch"):
            check_rendering(args)
        if args.command == "stylize-dataset":
            check_dataset(args, args.beam_options)
    except ArgumentError as exc:
        print(f"arbitrary-nst: error: {exc}", file=sys.stderr)
        sys.exit(2)
    return args


def main(args):
    """Runs the parsed command; NSTError becomes one line and exit status 1."""
    if args.vgg_weights:
        os.environ["ARBITRARY_NST_VGG_WEIGHTS"] = args.vgg_weights
    try:
        preflight.check(args)  # file errors in a fraction of a second, before TensorFlow
    except NSTError as exc:
        print(f"arbitrary-nst: error: {exc}", file=sys.stderr)
        return 1
    configure_output(args.verbose)
    from arbitrary_nst import progress
    progress.show_bars(getattr(args, "progress", True))
    if args.command in ("batch", "video"):
        from arbitrary_nst.networks import tracing
        tracing.expect_many_calls()
    try:
        from arbitrary_nst.cli.commands import RUNNERS
        RUNNERS[args.command](args)
    except NSTError as exc:
        print(f"arbitrary-nst: error: {exc}", file=sys.stderr)
        return 1
    return 0


def run():
    """Console-script entry point.

    Once the command has returned (outputs written and renamed, summaries flushed), the
    process ends with ``os._exit`` after flushing the output streams and the log: the
    interpreter's and TensorFlow's teardown adds ~0.8 s on a 2-core CPU (as long as a
    512 px render) and nothing a finished command needs. An uncaught exception still
    ends the normal way, with its traceback.
    """
    try:
        app.run(main, flags_parser=parse)
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    pylogging.shutdown()
    os._exit(code or 0)

