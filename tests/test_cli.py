"""The command line: help, exit codes, one-line errors and byte-identical rebuilds."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from studypack.config import load_config
from studypack.errors import ExitCode
from studypack.pipeline import build
from tests.conftest import GOLDEN, ROOT


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    assert "--lock" in args or "--help" in args or cwd != ROOT, \
        "tests never touch the project's lock file"
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd,
                          capture_output=True, text=True, env={"SOURCE_DATE_EPOCH": "1",
                                                               "PATH": "/usr/bin:/bin"})


def test_help_explains_every_option_command_and_exit_code() -> None:
    out = _cli("--help").stdout
    for option in ("--config", "--source", "--out", "--only", "--from", "--lock", "--strict",
                   "--watch", "--check", "--format"):
        assert option in out
    for command in ("build", "check", "init"):
        assert re.search(rf"^    {command} +\S", out, re.M), command
    assert "examples:" in out
    codes = out.split("exit codes:\n")[1]
    assert [int(code) for code in re.findall(r"^ +(\d+)  ", codes, re.M)] == list(ExitCode)
    assert "--force" in _cli("init", "--help").stdout
    assert "--format" in _cli("check", "--help").stdout


def test_options_work_after_the_command(tmp_path: Path) -> None:
    result = _cli("--out", str(tmp_path / "ignored"), "build", "--source", str(GOLDEN), "--out",
                  str(tmp_path / "out"), "--lock", str(tmp_path / "lock"), "--only", "yaml")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "notes.yaml").is_file()
    assert not (tmp_path / "ignored").exists()
    checked = _cli("check", "--source", str(GOLDEN), "--lock", str(tmp_path / "lock"),
                   "--format", "json")
    assert json.loads(checked.stdout)["cards"] > 0


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
    assert result.stderr == ("build.py: --only: unknown output 'epub' (choose from "
                             "yaml,anki,cheatsheet,handouts,preview, comma-separated)\n")
    result = _cli("--source", str(GOLDEN), "--out", str(tmp_path), "--only", "handout",
                  "--lock", str(tmp_path / "lock"))
    assert result.returncode == 2
    assert "unknown output 'handout' (did you mean 'handouts'? choose from" in result.stderr


def test_missing_source_is_one_line(tmp_path: Path) -> None:
    result = _cli("--source", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o"),
                  "--lock", str(tmp_path / "lock"))
    assert result.returncode == 4
    assert result.stderr == (f"error: {tmp_path / 'nowhere'}: no such file or folder; create "
                             "it, or point `sources:` in config.yaml (or --source) at your "
                             "notes\n")


def test_no_config_says_where_to_run(tmp_path: Path) -> None:
    result = _cli(cwd=tmp_path)
    assert result.returncode == 3
    assert result.stderr == (f"error: no config.yaml in {tmp_path}; run build.py in your notes "
                             "project's folder, or give --config FILE or --source DIR; "
                             "`build.py init DIR` creates a new project\n")
    result = _cli("--config", str(tmp_path / "config.yml"), cwd=tmp_path)
    assert result.returncode == 3
    assert result.stderr == (f"error: {tmp_path / 'config.yml'}: no such file; check the path, "
                             "or create a project with `build.py init DIR`\n")
    result = _cli("--config", str(tmp_path), cwd=tmp_path)
    assert result.stderr == (f"error: {tmp_path}: is a folder; give the settings file in it, "
                             f"e.g. --config {tmp_path / 'config.yaml'}\n")


def test_empty_notes_folder_says_what_to_add(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.docx").write_bytes(b"PK")
    result = _cli("--source", str(tmp_path / "notes"), "--lock", str(tmp_path / "lock"),
                  "--out", str(tmp_path / "o"))
    assert result.returncode == 4
    assert result.stderr == (f"error: no note files (.md, .markdown, .txt, .yaml, .yml) in "
                             f"{tmp_path / 'notes'}; add notes there, or point `sources:` in "
                             "config.yaml (or --source) at your notes; `build.py init DIR` makes "
                             "an example project\n")


def test_notes_without_questions_say_how_to_write_them(tmp_path: Path) -> None:
    (tmp_path / "n").mkdir()
    (tmp_path / "n" / "diary.md").write_text("Today I read chapter two.\n")
    result = _cli("--source", str(tmp_path / "n"), "--out", str(tmp_path / "o"), "--lock",
                  str(tmp_path / "lock"), "--only", "yaml")
    assert result.returncode == 0
    assert "diary.md: warning: no reader recognizes this file" in result.stdout
    assert result.stderr.splitlines()[-1].startswith(
        "note: no cards: none of the 1 note files holds questions")
    assert "`build.py init DIR` writes an example of each shape" in result.stderr


def test_watch_is_refused_with_check_or_from(tmp_path: Path) -> None:
    for extra in (("--check",), ("--from", str(tmp_path / "notes.yaml"))):
        result = _cli("--watch", *extra, "--lock", str(tmp_path / "lock"))
        assert result.returncode == 2
        assert result.stderr.startswith("build.py: --watch rebuilds from the notes; it cannot")


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
    assert result.stderr == (f"error: {GOLDEN / 'x.lock'}: the lock file must not be inside "
                             f"the notes folder {GOLDEN}; set `lock:` in config.yaml (or --lock) "
                             "to a file beside config.yaml, such as studypack.lock\n")
    assert not (GOLDEN / "x.lock").exists()


def test_output_inside_the_notes_folder_is_refused(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("### What is a tensor?\nAn array.\n")
    result = _cli("--source", str(notes), "--out", str(notes / "output"), "--lock",
                  str(tmp_path / "lock"), "--only", "yaml")
    assert result.returncode == 2 and "inside the notes" in result.stderr
    assert not (notes / "output").exists() and not (tmp_path / "lock").exists()


def test_config_problems_name_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("title: t\nsources: [notes\n")
    result = _cli("--config", str(config), "--lock", str(tmp_path / "lock"))
    assert result.returncode == 3
    assert result.stderr.startswith(f"error: {config}:3: not valid YAML:")
    assert result.stderr.endswith("; check the indentation, colons and brackets on that line "
                                  "and the one above\n")
    config.write_text("title: t\ncolumns: 3\n")
    result = _cli("--config", str(config), "--lock", str(tmp_path / "lock"))
    assert result.returncode == 3
    assert result.stderr == (f"error: {config}:2: columns: unknown setting; it belongs under "
                             "`cheatsheet:`\n")


def test_unwritable_output_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = _cli("--source", str(GOLDEN), "--out", str(blocker / "out"), "--lock",
                  str(tmp_path / "lock"), "--only", "yaml")
    assert result.returncode == 6
    # After the notes were read (one progress line), one line says why nothing was written.
    error = (f"error: {blocker / 'out'}: cannot write: Not a directory; make it writable or "
             "choose another output folder (`output:` in config.yaml, or --out)")
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
    # The command line renders in a process that loads WeasyPrint while the notes are read; a
    # caller without build.py's string hashing renders from its own process: the same bytes.
    config = replace(load_config(ROOT / "config.yaml"), sources=(notes,), output=tmp_path / "c",
                     lock=tmp_path / "a.lock", outputs=("cheatsheet", "handouts"))
    build(config)
    assert {p.relative_to(tmp_path / "c"): p.read_bytes()
            for p in (tmp_path / "c").rglob("*.pdf")} == outputs[0]


def test_jobs_must_be_a_number_of_processes(tmp_path: Path) -> None:
    for value in ("0", "-1", "two"):
        result = _cli("--jobs", value, cwd=tmp_path)
        assert result.returncode == 2
        assert result.stderr.endswith(f"error: argument --jobs/-j: '{value}' is not a number of "
                                      "processes; give a whole number of at least 1\n")
