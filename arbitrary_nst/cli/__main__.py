"""``python -m arbitrary_nst.cli``: the ``arbitrary-nst`` command."""

from arbitrary_nst.cli import run

run()
