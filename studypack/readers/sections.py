"""Per-section detection: a file that mixes shapes is read a run of sections at a time.

The file's best reader keeps every section where it has any evidence (a question heading whose
answer is a list stays a heading question), and every section where no reader has much; a
section goes to another reader only when the file's reader sees nothing there. Neighbouring
sections that go to the same reader are read together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from studypack.readers.common import BULLET, Line, heading, is_question_like

MIN_EVIDENCE = 2  # below this a section stays with the file's reader
_OWN_MARKUP = frozenset({"admonition", "callout", "details", "flashcard"})

Detect = Callable[[list[Line]], dict[str, int]]


@dataclass(frozen=True)
class Run:
    """Lines [start, end) of a file, the reader for them and how sure the choice is."""

    start: int
    end: int
    dialect: str
    confidence: float


def plan(lines: list[Line], main: str, evidence: Detect) -> list[Run]:
    """The runs of sections and their readers; one run when the file has one shape."""
    runs: list[tuple[int, int, str, dict[str, int]]] = []
    waiting: int | None = None  # start of leading sections with no evidence at all
    for start, end in _sections(lines):
        found = evidence(lines[start:end])
        best = max(found, key=lambda name: (found[name], name == main))
        if not found[best]:
            if not runs:
                waiting = start if waiting is None else waiting
                continue
            chosen = runs[-1][2]  # no evidence either way: it goes with what precedes it
        else:
            takes = found[best] >= MIN_EVIDENCE and _asks_as(best, lines[start:end])
            chosen = best if takes and not found[main] else main
        if waiting is not None:
            start, waiting = waiting, None
        if runs and runs[-1][2] == chosen:
            previous = runs.pop()
            start = previous[0]
            found = {name: found[name] + previous[3][name] for name in found}
        runs.append((start, end, chosen, found))
    if not runs:
        return [Run(0, len(lines), main, 0.0)]
    return [Run(start, end, name, _share(found, name)) for start, end, name, found in runs]


def overlooked(lines: list[Line], runs: list[Run], evidence: Detect) -> list[tuple[int, str, str]]:
    """(line, shape, reader) for sections whose reader leaves another shape's cards unread.

    Only shapes written in their own markup count (a callout, a `::` card): their questions
    are certainly questions, and no other reader reads them.
    """
    found: list[tuple[int, str, str]] = []
    for run in runs:
        for start, end in _sections(lines[run.start : run.end]):
            seen = evidence(lines[run.start + start : run.start + end])
            found += [(lines[run.start + start].number, name, run.dialect)
                      for name in sorted(_OWN_MARKUP - {run.dialect})
                      if seen.get(name, 0) >= MIN_EVIDENCE]
    return found


def with_context(lines: list[Line], run: Run) -> list[Line]:
    """The run's lines after the group headings that enclose it, so items keep their sections.

    Headings that ask are left out: the run that holds them reads them.
    """
    trail: list[tuple[int, Line]] = []
    for line in lines[: run.start]:
        title = heading(line)
        if title:
            trail = [(level, outer) for level, outer in trail if level < title[0]]
            trail.append((title[0], line))
    first = heading(lines[run.start]) if run.start < len(lines) else None
    limit = first[0] if first else 7
    context = [line for level, line in trail
               if level < limit and not is_question_like(heading(line)[1])]
    return context + lines[run.start : run.end]


def _asks_as(name: str, lines: list[Line]) -> bool:
    """False when a section's nested bullets read as an answer rather than as questions.

    Nested bullets are how answers are written too (a term heading over a list), so a section
    goes to the bullets reader only when its top-level bullets ask.
    """
    if name != "bullets":
        return True
    asking = sum(1 for line in lines if not line.in_code and line.indent <= 3
                 and (item := BULLET.match(line.text)) and is_question_like(item.group(3)))
    return asking >= MIN_EVIDENCE


def _sections(lines: list[Line]) -> list[tuple[int, int]]:
    starts = [0] + [index for index, line in enumerate(lines) if index and heading(line)]
    return list(zip(starts, [*starts[1:], len(lines)], strict=True))


def _share(found: dict[str, int], name: str) -> float:
    total = sum(found.values())
    return round(found[name] / total, 2) if total else 0.0
