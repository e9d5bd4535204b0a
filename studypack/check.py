"""`build.py check`: every problem in the notes, as `path:line: level: message`; writes nothing."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from studypack import images, markup
from studypack.config import Config
from studypack.errors import Diagnostic
from studypack.model import Pack, Skipped
from studypack.pipeline import plan
from studypack.report import Report, short


def check(config: Config) -> Report:
    """Read and normalize everything, render every card's fields in memory, collect problems."""
    planned = plan(config)
    found = list(planned.report.diagnostics)
    found += [d for s in planned.pack.skipped if (d := _skipped(s)) is not None]
    with tempfile.TemporaryDirectory(prefix="studypack-check-") as scratch:
        found += card_problems(planned.pack, config.sources, Path(scratch))
    ordered = sorted(set(found), key=lambda d: (d.path, d.line or 0, d.level, d.message))
    return Report(planned.pack, planned.report.documents, tuple(ordered))


def card_problems(pack: Pack, roots: tuple[Path, ...], formula_dir: Path) -> list[Diagnostic]:
    """Images that cannot be used, formulas that do not render, HTML that will be removed."""
    problems = []
    for card in pack.cards:
        resolve = images.image_resolver(images.note_file(card.source.path, roots), roots)
        for text in (card.question, card.answer):
            problems += [Diagnostic(card.source.path, card.source.line, "warning", message)
                         for message in markup.to_html(text, resolve, formula_dir).problems]
    return problems


def _skipped(entry: Skipped) -> Diagnostic | None:
    where = (entry.source.path, entry.source.line)
    if entry.reason == "unanswered":
        return Diagnostic(*where, "info", f"unanswered: {short(entry.question)}")
    if entry.reason == "duplicate":
        return Diagnostic(*where, "info", f"duplicate, merged into card {entry.merged_into} "
                                          f"({entry.detail}): {short(entry.question)}")
    if entry.reason == "empty":
        return Diagnostic(*where, "warning", "a question with no text")
    return None  # id collisions already carry their own error


def as_text(report: Report) -> str:
    """One line per problem, then a count."""
    lines = [str(d) for d in report.diagnostics]
    lines.append(f"{len(report.pack.cards)} cards, {len(report.pack.skipped)} skipped; "
                 f"{report.count('error')} errors, {report.count('warning')} warnings, "
                 f"{report.count('info')} notes")
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> str:
    """The same, for editors and CI."""
    return json.dumps({
        "cards": len(report.pack.cards),
        "skipped": len(report.pack.skipped),
        "counts": {level: report.count(level) for level in ("error", "warning", "info")},
        "problems": [{"path": d.path, "line": d.line, "level": d.level, "message": d.message}
                     for d in report.diagnostics],
    }, indent=2, ensure_ascii=False) + "\n"
