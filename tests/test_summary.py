"""What a build prints: progress while it runs, then a short summary; timings stay off disk."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from io import StringIO
from pathlib import Path

import yaml
from rich.console import Console

from studypack import summary
from studypack.errors import Diagnostic
from studypack.model import Pack
from studypack.report import Report
from tests.conftest import GOLDEN, ROOT

PLAIN_PROGRESS = re.compile(r"(reading notes: \d+/\d+ files|rendering deck: \d+/\d+ cards) "
                            r"\(\d+\.\d s\)")


def _cli(tmp_path: Path, *args: str, env: dict[str, str] | None = None,
         notes: Path = GOLDEN) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--source", str(notes), "--out",
         str(tmp_path / "out"), "--lock", str(tmp_path / "lock"), *args],
        cwd=ROOT, capture_output=True, text=True,
        env={"SOURCE_DATE_EPOCH": "1", "PATH": "/usr/bin:/bin", **(env or {})})


def _rows(text: str, header: str, last: str) -> list[list[str]]:
    """The rows of a plain table, from its header line to the line starting with `last`."""
    lines = [line.strip() for line in text.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    end = next(i for i, line in enumerate(lines) if i > start and line.startswith(last))
    return [re.split(r"\s{2,}", line) for line in lines[start + 1:end + 1]]


def test_a_build_in_a_pipe_prints_plain_lines_and_the_numbers_of_notes_yaml(tmp_path) -> None:
    built = _cli(tmp_path, "--only", "yaml,anki")
    assert built.returncode == 0, built.stderr
    assert "\x1b" not in built.stdout + built.stderr
    progress = built.stderr.splitlines()
    assert len(progress) == 2 and all(PLAIN_PROGRESS.fullmatch(line) for line in progress)
    notes = yaml.safe_load((tmp_path / "out" / "notes.yaml").read_text(encoding="utf-8"))
    cards = {topic["title"]: len(topic["cards"]) for topic in notes["topics"]}
    shown = {title: int(n) for title, n, _ in _rows(built.stdout, "Topic", "Total")}
    assert shown == {**cards, "Total": sum(cards.values())}
    reasons = Counter(entry["reason"] for entry in notes["skipped"])
    skipped = re.search(r"^\s*Skipped:\s+(.*)$", built.stdout, re.M).group(1)
    assert dict((reason, int(n)) for n, reason in
                (part.split(" ", 1) for part in skipped.split(", "))) == reasons
    stages = {row[0]: row[1:] for row in _rows(built.stdout, "Stage", "total")}
    assert list(stages) == ["read notes", "normalize", "notes.yaml", "Anki deck", "total"]
    assert all(re.fullmatch(r"\d+\.\d+ s", times[0]) for times in stages.values())
    assert stages["Anki deck"][1] == str(tmp_path / "out" / "deck.apkg")
    # Each unanswered question is listed in the report file, not on the terminal.
    open_question = next(s["question"] for s in notes["skipped"] if s["reason"] == "unanswered")
    assert open_question in (tmp_path / "out" / "report.txt").read_text(encoding="utf-8")
    assert open_question not in built.stdout

    again = _cli(tmp_path, "--only", "yaml,anki")
    assert again.stderr == ""  # nothing to read or render: no progress
    stages = {row[0]: row[1:] for row in _rows(again.stdout, "Stage", "total")}
    assert [stages[name][0] for name in ("read notes", "normalize", "notes.yaml", "Anki deck")] \
        == ["unchanged"] * 4


def test_a_terminal_gets_a_progress_bar_and_tables(tmp_path) -> None:
    built = _cli(tmp_path, "--only", "yaml", env={"FORCE_COLOR": "1", "COLUMNS": "100"})
    assert built.returncode == 0, built.stderr
    assert "reading notes" in built.stderr and "\x1b[" in built.stderr
    assert "\x1b[" in built.stdout and "─" * 20 in built.stdout
    notes = yaml.safe_load((tmp_path / "out" / "notes.yaml").read_text(encoding="utf-8"))
    for topic in notes["topics"]:
        assert re.search(rf"{re.escape(topic['title'])}\s.*\b{len(topic['cards'])}\b",
                         built.stdout), topic["title"]


def test_rich_tables_show_names_as_written(run, tmp_path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("### What is a gradient?\nSee ![plot](plot[1].png).\n")
    console = Console(file=StringIO(), force_terminal=True, width=100)
    report = run(notes, title="[bold]Maths[/bold]", outputs=("yaml", "anki"))
    summary.draw(summary.summarize(report), console)
    shown = console.file.getvalue()
    assert "[bold]Maths[/bold]: 1 card in 1 topic" in shown
    assert "image 'plot[1].png' not found" in shown


def test_timings_reach_the_terminal_but_never_report_txt(run, project_config) -> None:
    texts, times = [], []
    for _ in range(2):
        report = run(GOLDEN, outputs=("yaml", "anki"))
        texts.append((project_config.output / "report.txt").read_bytes())
        times.append([step.seconds for step in report.steps])
        assert re.search(r"Anki deck\s+\d+\.\d+ s", summary.as_text(summary.summarize(report)))
        shutil.rmtree(project_config.output)
        project_config.lock.unlink()
    assert all(seconds is not None for seconds in times[0] + times[1])
    assert texts[0] == texts[1]


def test_one_line_says_what_a_rebuild_changed(run, tmp_path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("### What is a tensor?\nAn array.\n\n### What is dropout?\n")
    first = summary.one_line(run(notes, outputs=("yaml", "anki")))
    assert first.startswith("1 card (1 added); wrote notes.yaml, Anki deck; no problems; ")
    unchanged = summary.one_line(run(notes, outputs=("yaml", "anki")))
    assert unchanged.startswith("1 card; outputs unchanged; no problems; ")
    (notes / "a.md").write_text("### What is a tensor?\nAn n-dimensional array.\n\n"
                                "![x](missing.png)\n")
    edited = summary.one_line(run(notes, outputs=("yaml", "anki")))
    assert edited.startswith("1 card (1 updated); wrote notes.yaml, Anki deck; 1 warning; ")


def test_quiet_prints_only_what_needs_fixing(tmp_path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "prose.md").write_text("Nothing to ask.\n")
    (notes / "a.md").write_text("### What is a tensor?\nAn array.\n")
    result = _cli(tmp_path, "--only", "yaml", "--quiet", notes=notes)
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "prose.md: warning: no reader recognizes this file; no questions read"]


def test_many_problems_are_cut_short_on_the_terminal() -> None:
    problems = (*(Diagnostic("a.md", line, "warning", "image not found") for line in range(1, 31)),
                Diagnostic("b.md", 3, "error", "id used twice"))
    shown = summary.summarize(Report(Pack("t", (), ()), diagnostics=problems,
                                     written=("out/report.txt",)))
    assert len(shown.problems) == summary.SHOWN_PROBLEMS
    assert shown.problems[0].level == "error"  # errors first
    assert shown.more == "… and 11 more: see out/report.txt"
