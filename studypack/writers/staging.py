"""Outputs are written to a staging folder and each moves into place only once it is whole.

A build that fails, is stopped or is killed midway never leaves a half-written output: every
file is first written under `output/.staging/`, and only a finished one is renamed into place,
one `os.replace` each (a rename never leaves a half-written file). The build moves its files as
they are done (the quick ones together, then each PDF as it finishes), so an output in place
is always either the last build's or this one's. Only when the build succeeds are the files of
owned folders it no longer makes removed; whatever a stopped build left staged is discarded.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from studypack.errors import OutputError
from studypack.writers import write_atomic

STAGING = ".staging"


class Stage:
    """Where this build's outputs are written before they replace the previous ones."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.root = output / STAGING
        self.owned: set[str] = set()  # folders whose old files go when the build succeeds
        self.kept: set[str] = set()  # outputs already in place and still current
        self.landed: set[str] = set()  # outputs this build moved into place

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

    def put(self, relative: str, data: bytes) -> None:
        """Stage a file this process made, unless the one in place already holds exactly that."""
        target = self.output / relative
        if target.is_file() and target.read_bytes() == data:
            self.keep(relative)
        else:
            write_atomic(self.path(relative), data)

    def land(self, relative: str) -> None:
        """Move one finished staged file into place (nothing when it was kept instead)."""
        if relative in self.kept:
            return
        target = self.output / relative
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.path(relative), target)
        except OSError as error:
            raise OutputError(f"{target}: cannot move the new file into place: "
                              f"{error.strerror}") from None
        self.landed.add(relative)

    def commit(self) -> None:
        """The build succeeded: drop what owned folders no longer hold, and the staging folder."""
        current = self.landed | self.kept
        for folder in self.owned:
            for old in (self.output / folder).glob("*"):
                if old.is_file() and old.relative_to(self.output).as_posix() not in current:
                    old.unlink()
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def staged(output: Path) -> Iterator[Stage]:
    """A fresh staging folder, tidied when the block succeeds and discarded when it fails."""
    stage = Stage(output)
    try:
        # Whatever a killed build left behind is never moved into place.
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
        raise OutputError(f"{output}: cannot remove outputs the notes no longer make: "
                          f"{error.strerror}") from None
