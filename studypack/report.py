"""The build report: what was read from each file, what became cards, and every warning."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from studypack.errors import Diagnostic
from studypack.model import Document, Pack, SourceRef


@dataclass(frozen=True)
class Step:
    """One stage of a build as the terminal shows it: how long it took and what it made.

    Timings vary from run to run, so they are never written into an output file.
    """

    name: str  # read | normalize | yaml, or the kind of output job: deck | cheatsheet | handout
    seconds: float | None  # None: nothing was redone, the last build's result still holds
    path: str = ""  # the output file or folder, as shown to the user
    files: int = 0  # output files the stage is responsible for
    kept: int = 0  # of which the last build's were current and left in place


@dataclass(frozen=True)
class Report:
    """Everything a user needs to know about one build."""

    pack: Pack
    documents: tuple[Document, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    reworded: tuple[tuple[SourceRef, str, str, str], ...] = ()  # where, id, old key, old file
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    absent: int = 0  # lock entries of cards this build did not find, kept until pruned
    written: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()  # for the terminal only; render() leaves them out
    seconds: float | None = None  # the whole build

    def count(self, level: str) -> int:
        """How many diagnostics of one level."""
        return sum(1 for d in self.diagnostics if d.level == level)


def render(report: Report) -> str:
    """The report as plain text, the same on screen and in output/report.txt."""
    pack = report.pack
    lines = [f"{pack.title}: {len(pack.cards)} cards in {len(pack.topics)} topics, "
             f"{len(pack.skipped)} questions skipped", ""]
    if report.documents:
        lines.append("Files")
        cards_by_file = Counter(c.source.path for c in pack.cards)
        merged_by_file = Counter(ref.path for c in pack.cards for ref in c.merged)
        for doc in report.documents:
            skipped = Counter(s.reason for s in pack.skipped if s.source.path == doc.path)
            reasons = ", ".join(f"{n} {reason}" for reason, n in sorted(skipped.items()))
            lines.append(
                f"  {doc.path}: {_read_as(doc)}, "
                f"{len(doc.items)} questions, {cards_by_file[doc.path]} cards"
                + (f", {merged_by_file[doc.path]} merged" if merged_by_file[doc.path] else "")
                + (f"; skipped: {reasons}" if reasons else "")
                + (f"; {doc.lecture} paragraphs of lecture text, not read as cards"
                   if doc.lecture else "")
            )
        lines.append("")
    lines.append("Topics")
    lines += [f"  {t.title} ({t.slug}): {len(t.cards)}" for t in pack.topics]
    reasons = Counter(s.reason for s in pack.skipped)
    if reasons:
        lines += ["", "Skipped: " + ", ".join(f"{n} {r}" for r, n in sorted(reasons.items()))]
        for s in pack.skipped:
            target = f" -> {s.merged_into}" if s.merged_into else ""
            detail = f" ({s.detail})" if s.detail else ""
            lines.append(f"  {s.source.path}:{s.source.line}: {s.reason}{target}{detail}: "
                         f"{short(s.question)}")
    if report.reworded:
        lines += ["", "Reworded questions that keep their id"]
        lines += [f"  {ref.path}:{ref.line}: {card_id} ("
                  + (f"moved from {old_path} and reworded; " if old_path != ref.path else "")
                  + f"was: {short(old)})"
                  for ref, card_id, old, old_path in report.reworded]
    lines += ["", f"Since the last build: {len(report.added)} added, {len(report.updated)} "
              f"updated, {len(pack.cards) - len(report.added) - len(report.updated)} unchanged, "
              f"{len(report.removed)} removed"]
    if report.absent:
        lines.append(f"  the lock keeps {report.absent} cards absent from this build, so they "
                     "get their ids back if they return (`build.py prune --older-than 180d` "
                     "forgets those gone longer)")
    if report.removed:
        lines.append("  removed ids: " + ", ".join(report.removed))
        lines.append("  (importing cannot delete notes: in Anki's browser, search "
                     "Id:<id> for each and delete them by hand)")
    if report.diagnostics:
        lines += ["", f"Messages: {report.count('error')} errors, {report.count('warning')} "
                  f"warnings, {report.count('info')} notes"]
        lines += [f"  {d}" for d in sorted(report.diagnostics, key=lambda d: (d.path, d.line or 0))]
    if report.written:
        lines += ["", "Written: " + ", ".join(report.written)]
    lines += ["", _summary(report)]
    return "\n".join(lines) + "\n"


def _read_as(doc: Document) -> str:
    """The reader and how sure detection was; per run of sections for a file mixing shapes."""
    if not doc.sections:
        return f"{doc.dialect} ({doc.confidence:.0%} sure)"
    runs = ", ".join(f"{run.dialect} from line {run.line} ({run.confidence:.0%} sure)"
                     for run in doc.sections)
    return f"{doc.dialect}: {runs}"


def _summary(report: Report) -> str:
    pack = report.pack
    reasons = Counter(s.reason for s in pack.skipped)
    found = sum(len(doc.items) for doc in report.documents)
    read = f"{found} questions in {len(report.documents)} files -> " if report.documents else ""
    skipped = ", ".join(f"{n} {reason}" for reason, n in sorted(reasons.items())) or "none skipped"
    return (f"Summary: {read}{len(pack.cards)} cards, {skipped}; "
            f"{report.count('error')} errors, {report.count('warning')} warnings")


def short(text: str, limit: int = 70) -> str:
    """Text on one line, cut to the limit."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
