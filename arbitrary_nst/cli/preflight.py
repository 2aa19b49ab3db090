"""The checks of a command's files that run before TensorFlow loads (a fraction of a
second instead of the three of TensorFlow's import): the inputs exist, are readable and
have an image's header; the outputs have a known extension and a writable folder; style
indices are integers where the method has built-in styles. Each failure is one line
(:class:`~arbitrary_nst.errors.NSTError`, exit status 1), as the same failure found later
would be. No TensorFlow."""

import os

from arbitrary_nst import registry
from arbitrary_nst.cli.parser import method_flags
from arbitrary_nst.errors import UsageError
from arbitrary_nst.io import files


def check(args):
    """Runs the checks of ``args.command`` (commands without files: nothing)."""
    checks = {"stylize": _stylize, "batch": _batch, "video": _video}
    if args.command in checks:
        checks[args.command](args)


def _styles_and_images(args, style_paths):
    """The style paths (or indices), the mask and the image-valued settings flags."""
    if registry.get(args.method).style_images:
        for path in style_paths:
            files.check_image_file(path)
    else:
        for value in style_paths:
            try:
                int(value)
            except ValueError:
                raise UsageError(f"--style {value}: method {args.method} takes style indices "
                                 "(integers), not image paths") from None
    if args.mask:
        files.check_image_file(args.mask)
    for name, (_, flag, methods) in method_flags().items():
        if flag["image"] and args.method in methods and getattr(args, name):
            files.check_image_file(getattr(args, name))


def _stylize(args):
    files.check_image_file(args.content)
    _styles_and_images(args, args.style)
    files.check_save_path(args.output)


def _batch(args):
    files.expand_inputs(args.content, "--content")
    styles = (files.expand_inputs(args.style, "--style")
              if registry.get(args.method).style_images else args.style)
    _styles_and_images(args, styles if not registry.get(args.method).style_images else [])
    files.check_writable_folder(os.path.join(os.path.abspath(args.output), "."))
    if args.grid:
        files.check_save_path(args.grid)


def _video(args):
    if not os.path.exists(args.content):
        raise files.VideoError(f"{args.content}: no such file")
    _styles_and_images(args, args.style)
    files.output_kind(args.output)
    files.check_writable_folder(os.path.abspath(args.output).rstrip(os.sep),
                                error=files.VideoError)
