"""The ``annotator`` command. ``annotator`` alone opens the window (the ``gui`` command).

Every command takes ``--db PATH`` (default ``$ANNOTATOR_DB`` or the user data folder)
and ``--annotator NAME``. Failures print one line on stderr and exit non-zero; a
traceback means a bug in Annotator, never bad input. Commands live in one module per
concern, imported only when one of its commands runs (``options.COMMANDS``); what they
share is in ``options``.
"""

from __future__ import annotations

import signal
import sys

from annotator.cli.options import cli, echo, terminal_safe

__all__ = ["cli", "echo", "main", "terminal_safe"]


def _stop(signum: int, _frame: object) -> None:
    """SIGTERM stops a command like Ctrl+C: what it was writing is undone, temporary files
    removed (the transaction and ``atomic_output`` clean up on the way out)."""
    raise SystemExit(128 + signum)


def main() -> None:
    signal.signal(signal.SIGTERM, _stop)
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 still prints
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    cli(prog_name="annotator")
