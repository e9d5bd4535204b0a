"""Command line: build study material (notes.yaml, an Anki deck, PDFs) from Markdown notes."""

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


if __name__ == "__main__":
    stable_hashing()
    from studypack.cli import main

    sys.exit(main())
