"""The command line: help, exit codes, one-line errors and byte-identical rebuilds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import GOLDEN, ROOT


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    assert "--lock" in args or "--help" in args, "tests never touch the project's lock file"
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd,
                          capture_output=True, text=True, env={"SOURCE_DATE_EPOCH": "1",
                                                               "PATH": "/usr/bin:/bin"})


def test_help_explains_every_option() -> None:
    out = _cli("--help").stdout
    for option in ("--config", "--source", "--out", "--only", "--from", "--lock", "--strict"):
        assert option in out


def test_build_writes_notes_and_report_and_is_repeatable(tmp_path: Path) -> None:
    args = ("--source", str(GOLDEN), "--out", str(tmp_path / "out"), "--lock",
            str(tmp_path / "lock"), "--only", "yaml")
    first = _cli(*args)
    assert first.returncode == 0, first.stderr
    assert "Deep learning:" in first.stdout
    notes = (tmp_path / "out" / "notes.yaml").read_bytes()
    lock = (tmp_path / "lock").read_bytes()
    # The terminal gets the summary and where the full report is.
    assert f"Details: {tmp_path / 'out' / 'report.txt'}" in " ".join(first.stdout.split())
    assert (tmp_path / "out" / "report.txt").read_text().startswith(first.stdout.split("\n")[0])
    again = _cli(*args)
    assert again.returncode == 0
    assert (tmp_path / "out" / "notes.yaml").read_bytes() == notes
    assert (tmp_path / "lock").read_bytes() == lock
    assert "0 added, 0 updated" in again.stdout


def test_unknown_output_is_refused(tmp_path: Path) -> None:
    result = _cli("--source", str(GOLDEN), "--out", str(tmp_path), "--only", "yaml,epub",
                  "--lock", str(tmp_path / "lock"))
    assert result.returncode == 2
    assert result.stderr == ("build.py: --only: unknown output 'epub' "
                             "(choose from yaml,anki,cheatsheet,handouts,preview)\n")


def test_missing_source_is_one_line(tmp_path: Path) -> None:
    result = _cli("--source", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o"),
                  "--lock", str(tmp_path / "lock"))
    assert result.returncode == 4
    assert result.stderr == f"error: {tmp_path / 'nowhere'}: no such file or folder\n"


def test_from_yaml_starts_at_the_intermediate(tmp_path: Path) -> None:
    built = _cli("--source", str(GOLDEN), "--out", str(tmp_path / "a"), "--lock",
                 str(tmp_path / "lock"), "--only", "yaml")
    assert built.returncode == 0
    again = _cli("--from", str(tmp_path / "a" / "notes.yaml"), "--out", str(tmp_path / "b"),
                 "--only", "yaml", "--lock", str(tmp_path / "lock"))
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "b" / "notes.yaml").read_bytes() == \
        (tmp_path / "a" / "notes.yaml").read_bytes()


def test_bad_notes_yaml_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "notes.yaml"
    bad.write_text("schema_version: 9\ntitle: t\ntopics: []\n")
    result = _cli("--from", str(bad), "--out", str(tmp_path / "o"), "--lock",
                  str(tmp_path / "lock"))
    assert result.returncode == 5
    assert result.stderr.startswith(f"error: {bad}:1: schema_version 9 is not supported")


def test_strict_fails_on_warnings(tmp_path: Path) -> None:
    (tmp_path / "n").mkdir()
    (tmp_path / "n" / "prose.md").write_text("Nothing to ask.\n")
    args = ("--source", str(tmp_path / "n"), "--out", str(tmp_path / "o"), "--lock",
            str(tmp_path / "lock"), "--only", "yaml")
    assert _cli(*args).returncode == 0
    assert _cli(*args, "--strict").returncode == 1


def test_lock_inside_notes_folder_is_refused(tmp_path: Path) -> None:
    result = _cli("--source", str(GOLDEN), "--out", str(tmp_path), "--lock",
                  str(GOLDEN / "x.lock"))
    assert result.returncode == 3
    assert "must not be inside the notes folder" in result.stderr
    assert not (GOLDEN / "x.lock").exists()


def test_output_inside_the_notes_folder_is_not_read_back(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("### What is a tensor?\nAn array.\n")
    args = ("--source", str(notes), "--out", str(notes / "output"), "--lock",
            str(tmp_path / "lock"), "--only", "yaml")
    assert _cli(*args).returncode == 0
    again = _cli(*args)
    assert "1 question -> 1 card" in again.stdout


def test_config_problems_name_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("title: t\nsources: [notes\n")
    result = _cli("--config", str(config), "--lock", str(tmp_path / "lock"))
    assert result.returncode == 3
    assert result.stderr.startswith(f"error: {config}:3: not valid YAML:")
    config.write_text("title: t\ncolumns: 3\n")
    result = _cli("--config", str(config), "--lock", str(tmp_path / "lock"))
    assert result.returncode == 3
    assert result.stderr.startswith(f"error: {config}: columns: unknown setting (known: ")


def test_unwritable_output_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = _cli("--source", str(GOLDEN), "--out", str(blocker / "out"), "--lock",
                  str(tmp_path / "lock"), "--only", "yaml")
    assert result.returncode == 6
    # After the notes were read (one progress line), one line says why nothing was written.
    error = f"error: {blocker / 'out'}: cannot write: Not a directory"
    assert result.stderr.splitlines()[-1] == error
    assert "Traceback" not in result.stderr


def test_pdfs_from_the_command_line_are_the_same_bytes_every_time(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("### What is a convolution?\nA sliding filter $y = w * x$.\n\n"
                                "### What is dropout?\nRandom zeroing of units.\n")
    outputs = []
    for run in ("a", "b"):
        result = _cli("--source", str(notes), "--out", str(tmp_path / run), "--lock",
                      str(tmp_path / f"{run}.lock"), "--only", "cheatsheet,handouts")
        assert result.returncode == 0, result.stderr
        outputs.append({p.relative_to(tmp_path / run): p.read_bytes()
                        for p in (tmp_path / run).rglob("*.pdf")})
    assert len(outputs[0]) == 3 and outputs[0] == outputs[1]
