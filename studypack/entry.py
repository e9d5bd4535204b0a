"""Starts the command line, as `build.py`, `studypack` or `python -m studypack`."""

from __future__ import annotations

import os
import sys


def stable_hashing() -> None:
    """Restart this process with PYTHONHASHSEED=0 unless it has it.

    The PDF renderer's output depends on Python's string hashing; with a fixed seed it can run
    in this process and in forked workers instead of freshly started ones, a second faster.
    """
    if sys.flags.hash_randomization and os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]],
                  {**os.environ, "PYTHONHASHSEED": "0"})


def run() -> None:
    """Run the command line and exit with its code."""
    stable_hashing()
    from studypack.cli import main  # after the restart: importing it costs time

    sys.exit(main())
