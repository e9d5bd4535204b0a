"""What a build prints when it ends: a summary to read at a glance, then what needs fixing.

The full report (every file, every skipped question) is in output/report.txt; the terminal
gets cards per topic, skipped questions by reason, changes since the last build, the time of
each stage and where each output is, then only the warnings and errors. On a terminal the
summary is drawn as rich tables; elsewhere (CI logs, pipes) as plain aligned text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from studypack.errors import Diagnostic
from studypack.pipeline import REPORT_TXT
from studypack.progress import is_terminal
from studypack.report import Report, Step

if TYPE_CHECKING:
    from rich.console import Console

SHOWN_PROBLEMS = 20  # more would push the summary off the screen; all are in the report
_LABELS = {"read": "read notes", "yaml": "notes.yaml", "deck": "Anki deck",
           "cheatsheet": "cheat sheet", "handout": "handouts", "preview": "preview page"}


@dataclass(frozen=True)
class Summary:
    """The summary as rows, drawn as plain text or as rich tables."""

    headline: str
    topics: list[tuple[str, int, int]]  # title, cards, unanswered questions
    stages: list[tuple[str, str, str]]  # stage, time, what it read or made
    total: str  # the whole build's time
    overlap: str  # why the stage times add up to more than the total, when they do
    facts: list[tuple[str, str]]  # skipped, since the last build, messages
    problems: list[Diagnostic]  # warnings and errors, errors first
    more: str  # where to find problems that are not shown


def summarize(report: Report) -> Summary:
    """The rows of the summary of one build."""
    pack = report.pack
    unanswered = Counter(s.topic for s in pack.skipped if s.reason == "unanswered")
    topics = [(t.title, len(t.cards), unanswered[t.slug]) for t in pack.topics]
    reasons = Counter(s.reason for s in pack.skipped).most_common()
    unchanged = len(pack.cards) - len(report.added) - len(report.updated)
    since = (f"{len(report.added)} added, {len(report.updated)} updated, {unchanged} unchanged, "
             f"{len(report.removed)} removed")
    if report.removed:
        since += " (Anki keeps removed cards: see the report to delete them)"
    full = next((w for w in report.written if Path(w).name == REPORT_TXT), None)
    details = f"{full}; every problem: build.py check" if full else "build.py check"
    counts = [_count(report.count("error"), "error"), _count(report.count("warning"), "warning")]
    if report.count("info"):
        counts.append(_count(report.count("info"), "note"))
    problems = worst_first(report)
    hidden = len(problems) - SHOWN_PROBLEMS
    return Summary(
        headline=f"{pack.title}: {_count(len(pack.cards), 'card')} in "
                 f"{_count(len(pack.topics), 'topic')}, "
                 f"{_count(len(pack.skipped), 'question')} skipped",
        topics=topics,
        stages=[(_LABELS.get(step.name, step.name), _time(step.seconds), _made(step, report))
                for step in report.steps],
        total=_time(report.seconds),
        overlap="stage times overlap: outputs render in parallel"
                if report.seconds is not None and report.seconds
                < sum(step.seconds or 0 for step in report.steps) else "",
        facts=[("Skipped", ", ".join(f"{n} {reason}" for reason, n in reasons) or "none"),
               ("Since the last build", since),
               ("Messages", ", ".join(counts)),
               ("Details", details)],
        problems=problems[:SHOWN_PROBLEMS],
        more=f"… and {hidden} more: see {full or 'build.py check'}" if hidden > 0 else "",
    )


def show(report: Report, stream: TextIO, quiet: bool = False) -> None:
    """Print the summary and the problems; with `quiet`, only the problems."""
    summary = summarize(report)
    if quiet:
        stream.write("".join(f"{line}\n" for line in _problem_lines(summary)))
    elif is_terminal(stream):
        from rich.console import Console

        draw(summary, Console(file=stream, force_terminal=True, highlight=False))
    else:
        stream.write(as_text(summary))
    stream.flush()


def as_text(summary: Summary) -> str:
    """The summary as plain aligned text, for logs and pipes."""
    total = ("Total", sum(n for _, n, _ in summary.topics), sum(n for _, _, n in summary.topics))
    topics = _align([("Topic", "Cards", "Unanswered"), *summary.topics, total], right={1, 2})
    stages = _align([("Stage", "Time", "Output"), *summary.stages, ("total", summary.total, "")],
                    right={1})
    if summary.overlap:
        stages += f"\n  ({summary.overlap})"
    facts = _align([(f"{name}:", value) for name, value in summary.facts])
    parts = [summary.headline, topics, stages, facts]
    if summary.problems:
        parts.append("\n".join(_problem_lines(summary)))
    return "\n\n".join(parts) + "\n"


def draw(summary: Summary, console: Console) -> None:
    """The summary as rich tables on a terminal."""
    from rich import box
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    # Titles, paths and messages come from the notes: Text, so "[...]" in them is not markup.
    topics = Table(box=box.SIMPLE, show_footer=True, show_edge=False)
    topics.add_column("Topic", footer="Total")
    topics.add_column("Cards", justify="right", style="bold",
                      footer=str(sum(n for _, n, _ in summary.topics)))
    topics.add_column("Unanswered", justify="right",
                      footer=str(sum(n for _, _, n in summary.topics)))
    for title, cards, unanswered in summary.topics:
        topics.add_row(Text(title), str(cards), str(unanswered) if unanswered else "[dim]–[/]")
    stages = Table(box=box.SIMPLE, show_footer=True, show_edge=False)
    stages.add_column("Stage", footer="total")
    stages.add_column("Time", justify="right", footer=summary.total)
    stages.add_column("Output")
    for stage, took, made in summary.stages:
        stages.add_row(stage, Text(took, style="dim" if took == "unchanged" else ""), Text(made))
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    for name, value in summary.facts:
        facts.add_row(name, Text(value))
    for part in (Text(summary.headline, style="bold"), topics):
        console.print(part)
        console.print()
    console.print(stages)
    if summary.overlap:
        console.print(Text(f" ({summary.overlap})", style="dim"))
    console.print()
    console.print(Padding(facts, (0, 0, 0, 1)))
    if summary.problems:
        console.print()
    for problem in summary.problems:
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        color = "red" if problem.level == "error" else "yellow"
        console.print(Text.assemble(f"{where}: ", (problem.level, color),
                                    f": {problem.message}"), soft_wrap=True)
    if summary.more:
        console.print(Text(summary.more, style="dim"))


def worst_first(report: Report) -> list[Diagnostic]:
    """The errors, then the warnings, each in file and line order."""
    return sorted((d for d in report.diagnostics if d.level in ("error", "warning")),
                  key=lambda d: (d.level != "error", d.path, d.line or 0, d.message))


def one_line(report: Report) -> str:
    """The build in one line, e.g. for a rebuild after each edit:

    `98 cards (2 updated); wrote Anki deck, cheat sheet, 1 of 8 handouts; 1 warning; 3.2 s`
    """
    changes = [f"{len(ids)} {what}" for ids, what in ((report.added, "added"),
               (report.updated, "updated"), (report.removed, "removed")) if ids]
    cards = _count(len(report.pack.cards), "card") + (f" ({', '.join(changes)})" if changes else "")
    wrote = []
    for step in report.steps:
        made, label = step.files - step.kept, _LABELS.get(step.name, step.name)
        if step.path and made:
            wrote.append(label if made == step.files else f"{made} of {step.files} {label}")
    outputs = f"wrote {', '.join(wrote)}" if wrote else "outputs unchanged"
    found = [_count(report.count(level), level) for level in ("error", "warning")
             if report.count(level)]
    return "; ".join([cards, outputs, ", ".join(found) or "no problems", _time(report.seconds)])


def _made(step: Step, report: Report) -> str:
    if step.name == "read":
        return _count(len(report.documents), "file")
    if step.name == "normalize":
        found = sum(len(doc.items) for doc in report.documents)
        return f"{_count(found, 'question')} -> {_count(len(report.pack.cards), 'card')}"
    if step.files <= 1:
        return step.path
    rendered = step.files - step.kept
    detail = f"{rendered} of {step.files} rendered" if 0 < rendered < step.files \
        else _count(step.files, "file")
    return f"{step.path} ({detail})"


def _problem_lines(summary: Summary) -> list[str]:
    return [str(d) for d in summary.problems] + ([summary.more] if summary.more else [])


def _align(rows: list[tuple[object, ...]], right: frozenset[int] | set[int] = frozenset()) -> str:
    """Rows as text columns, two spaces apart, numbers right-aligned."""
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    return "\n".join("  " + "  ".join(cell.rjust(width) if i in right else cell.ljust(width)
                                      for i, (cell, width) in enumerate(zip(row, widths,
                                                                            strict=True))).rstrip()
                     for row in cells)


def _time(seconds: float | None) -> str:
    if seconds is None:
        return "unchanged"
    return f"{seconds:.2f} s" if seconds < 1 else f"{seconds:.1f} s"


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"
