"""Outputs are written to a staging folder and moved into place together, only on success.

A build that fails (or is killed) midway leaves the previous outputs as they were: every file
is first written under `output/.staging/`, and only when every writer has finished are they
renamed into place, one `os.replace` each (a rename never leaves a half-written file).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from studypack.errors import OutputError

STAGING = ".staging"


class Stage:
    """Where this build's outputs are written before they replace the previous ones."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.root = output / STAGING
        self.owned: set[str] = set()  # folders whose old files go when new ones arrive
        self.kept: set[str] = set()  # outputs already in place and still current

    def path(self, relative: str) -> Path:
        """The staging path of an output file, e.g. `deck.apkg` or `handouts/cnn.pdf`."""
        return self.root / relative

    def keep(self, relative: str) -> None:
        """An output already in place that this build would make the same: leave it."""
        self.kept.add(relative)

    def own(self, folder: str) -> Path:
        """A folder this build writes in full: files the new build does not make are removed."""
        self.owned.add(folder)
        (self.root / folder).mkdir(parents=True, exist_ok=True)
        return self.root / folder

    def commit(self) -> None:
        """Move every staged file into place, then drop what owned folders no longer hold."""
        staged = sorted(p for p in self.root.rglob("*") if p.is_file())
        for path in staged:
            target = self.output / path.relative_to(self.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        kept = {self.output / p.relative_to(self.root) for p in staged}
        kept |= {self.output / relative for relative in self.kept}
        for folder in self.owned:
            for old in (self.output / folder).glob("*"):
                if old.is_file() and old not in kept:
                    old.unlink()
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def staged(output: Path) -> Iterator[Stage]:
    """A fresh staging folder, committed when the block succeeds and discarded when it fails."""
    stage = Stage(output)
    try:
        # Whatever a killed build left behind is never committed.
        shutil.rmtree(stage.root, ignore_errors=True)
        stage.root.mkdir(parents=True)
    except OSError as error:
        raise OutputError(f"{output}: cannot write: {error.strerror}; make it writable or "
                          "choose another output folder (`output:` in config.yaml, or --out)"
                          ) from None
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage.root, ignore_errors=True)
        raise
    try:
        stage.commit()
    except OSError as error:
        raise OutputError(f"{output}: cannot move the new outputs into place: "
                          f"{error.strerror}") from None
