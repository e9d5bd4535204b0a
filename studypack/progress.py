"""How far a build is: what the pipeline reports about its long stages, and how it is shown.

The pipeline sees only the `Progress` protocol and prints nothing itself; `QUIET`, its default,
shows nothing, so library callers and tests stay silent. On a terminal a transient rich bar
shows every stage as it runs; elsewhere (CI logs, pipes) each finished stage is one plain line.
rich is imported only to draw the bar.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, TextIO, TypeVar

if TYPE_CHECKING:
    from rich.progress import TaskID

READING = "reading notes"
RENDERING_DECK = "rendering deck"
RENDERING_PDFS = "rendering PDFs"
T = TypeVar("T")


class Progress(Protocol):
    """Told about the long stages of a build; every call comes from the building thread."""

    def start(self, stage: str, total: int, unit: str) -> None:
        """A stage begins that takes `total` steps of `unit` (files, cards, PDFs)."""

    def advance(self, stage: str) -> None:
        """One more step of the stage is done."""

    def finish(self, stage: str) -> None:
        """The stage is over."""


def counted(items: Sequence[T], progress: Progress, stage: str, unit: str) -> Iterator[T]:
    """The items, one by one, as a stage: each counts as done when the next one is asked for."""
    progress.start(stage, len(items), unit)
    for item in items:
        yield item
        progress.advance(stage)
    progress.finish(stage)


class _Display:
    """A progress display that is open for the length of one build."""

    def __enter__(self) -> _Display:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        pass

    def start(self, stage: str, total: int, unit: str) -> None:
        pass

    def advance(self, stage: str) -> None:
        pass

    def finish(self, stage: str) -> None:
        pass


QUIET = _Display()  # shows nothing


@dataclass
class _Count:
    total: int
    unit: str
    started: float = field(default_factory=time.perf_counter)
    done: int = 0


class Lines(_Display):
    """One line per finished stage, e.g. `rendering PDFs: 9/9 files (4.1 s)`; no control codes."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.stages: dict[str, _Count] = {}

    def start(self, stage: str, total: int, unit: str) -> None:
        self.stages[stage] = _Count(total, unit)

    def advance(self, stage: str) -> None:
        self.stages[stage].done += 1

    def finish(self, stage: str) -> None:
        count = self.stages.pop(stage)
        print(f"{stage}: {count.done}/{count.total} {count.unit} "
              f"({time.perf_counter() - count.started:.1f} s)", file=self.stream, flush=True)


class Bar(_Display):
    """A rich progress bar per stage, redrawn in place and erased when the build ends."""

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.bar = Progress(TextColumn("{task.description:<15}"), BarColumn(),
                            MofNCompleteColumn(), TextColumn("{task.fields[unit]}"),
                            TimeElapsedColumn(), console=Console(file=stream, force_terminal=True),
                            transient=True)
        self.tasks: dict[str, tuple[TaskID, int]] = {}  # stage -> its bar and its total

    def __enter__(self) -> Bar:
        self.bar.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.bar.stop()

    def start(self, stage: str, total: int, unit: str) -> None:
        self.tasks[stage] = (self.bar.add_task(stage, total=total, unit=unit), total)

    def advance(self, stage: str) -> None:
        self.bar.advance(self.tasks[stage][0])

    def finish(self, stage: str) -> None:
        # A finished stage stays on screen, its clock stopped, until the whole build is done.
        task, total = self.tasks.pop(stage)
        self.bar.update(task, completed=total)


def is_terminal(stream: TextIO) -> bool:
    """Whether a person watches this stream, decided as rich does (FORCE_COLOR, TERM=dumb)."""
    forced = os.environ.get("FORCE_COLOR")
    if forced is not None:
        return forced != ""
    if os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return False
    return stream.isatty()


def display(stream: TextIO, quiet: bool = False) -> _Display:
    """The progress display for a build whose progress goes to `stream`."""
    if quiet:
        return QUIET
    return Bar(stream) if is_terminal(stream) else Lines(stream)
