"""`build.py check`: every problem as path:line: level: message, JSON for tools, no writes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import _cli

NOTES = {
    "good.md": "### What is a tensor?\nAn array.\n\n### What is a scalar?\n",
    "bad.md": "### What is a plot?\nSee ![plot](missing.png) and <script>x()</script>.\n\n"
              "### What is a tensor?\nA multi-dimensional array.\n",
}


def _notes(tmp_path: Path, files: dict[str, str]) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    for name, text in files.items():
        (notes / name).write_text(text, encoding="utf-8")
    return notes


def _check(tmp_path: Path, notes: Path, *more: str):
    return _cli("check", "--source", str(notes), "--out", str(tmp_path / "out"),
                "--lock", str(tmp_path / "lock"), *more)


def test_check_lists_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    result = _check(tmp_path, _notes(tmp_path, NOTES))
    assert result.returncode == 0, result.stderr  # warnings only
    assert result.stdout.splitlines() == [
        "bad.md:1: warning: image 'missing.png' not found or outside the notes folder",
        "bad.md:1: warning: raw HTML <script> is removed",
        "good.md:1: info: duplicate, merged into card fadac10b7c (same question as bad.md:4): "
        "What is a tensor?",
        "good.md:4: info: unanswered: What is a scalar?",
        "2 cards, 2 skipped; 0 errors, 2 warnings, 2 notes",
    ]
    assert not (tmp_path / "out").exists() and not (tmp_path / "lock").exists()


def test_check_exit_codes_errors_and_strict(tmp_path: Path) -> None:
    notes = _notes(tmp_path, {"good.md": "### What is a tensor?\nAn array.\n"})
    assert _check(tmp_path, notes).returncode == 0
    (notes / "warn.md").write_text("### What is it?\n![x](gone.png)\n")
    assert _check(tmp_path, notes).returncode == 0
    assert _check(tmp_path, notes, "--strict").returncode == 1
    (notes / "binary.md").write_bytes(b"\x00\x01")
    errors = _check(tmp_path, notes)
    assert errors.returncode == 1
    assert "binary.md: error: binary file, not text" in errors.stdout
    assert _cli("--check", "--source", str(notes), "--lock", str(tmp_path / "l")).returncode == 1


def test_check_speaks_json(tmp_path: Path) -> None:
    result = _check(tmp_path, _notes(tmp_path, NOTES), "--format", "json")
    data = json.loads(result.stdout)
    assert data["cards"] == 2 and data["counts"] == {"error": 0, "warning": 2, "info": 2}
    assert data["problems"][0] == {
        "path": "bad.md", "line": 1, "level": "warning",
        "message": "image 'missing.png' not found or outside the notes folder"}
