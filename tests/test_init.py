"""`build.py init DIR`: a project that builds as it is, and the commands it prints work."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from studypack.check import check
from studypack.config import load_config
from studypack.init import init
from studypack.readers import READERS
from tests.conftest import ROOT

ENV = {"SOURCE_DATE_EPOCH": "1", "PATH": "/usr/bin:/bin"}


def _init(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "init", *args], cwd=cwd,
                          capture_output=True, text=True, env=ENV)


def test_every_example_is_read_by_its_own_reader_and_becomes_a_card(tmp_path: Path) -> None:
    init(tmp_path / "project")
    report = check(load_config(tmp_path / "project" / "config.yaml"))
    assert sorted(doc.dialect for doc in report.documents) == sorted(READERS)
    assert report.diagnostics == ()
    assert report.pack.skipped == ()
    assert len(report.pack.cards) == sum(len(doc.items) for doc in report.documents)
    assert {topic.slug for topic in report.pack.topics} >= {"biology", "chemistry", "physics"}


def test_the_printed_next_steps_build_the_project(tmp_path: Path) -> None:
    made = _init("my notes", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    steps = made.stdout.split("\nNext steps")[1]
    change_dir, build, watch, elsewhere = [line.strip() for line in steps.splitlines()
                                           if line.startswith("  ")]
    assert change_dir == "cd 'my notes'"
    assert watch == f"{build} --watch"
    built = subprocess.run(f"{change_dir} && {build}", shell=True, cwd=tmp_path,
                           capture_output=True, text=True, env=ENV)
    assert built.returncode == 0, built.stderr
    out = tmp_path / "my notes" / "output"
    summary = (out / "report.txt").read_text().splitlines()[-1]
    found, cards = map(int, re.search(r"(\d+) questions in 13 files -> (\d+) cards", summary)
                       .groups())
    assert found == cards and summary.endswith("none skipped; 0 errors, 0 warnings")
    assert "0 errors, 0 warnings" in built.stdout
    assert {p.name for p in out.iterdir()} >= {"notes.yaml", "deck.apkg", "cheatsheet.pdf",
                                               "preview.html"}
    assert len(list((out / "handouts").glob("*.pdf"))) == 4
    # The same project, built again from any other folder: nothing changed.
    (tmp_path / "elsewhere").mkdir()
    again = subprocess.run(elsewhere, shell=True, cwd=tmp_path / "elsewhere",
                           capture_output=True, text=True, env=ENV)
    assert again.returncode == 0, again.stderr
    assert f"{cards} unchanged, 0 removed" in again.stdout


def test_an_existing_project_is_left_alone_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("title: Mine\n")
    refused = _init(str(tmp_path), cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr == (f"error: {tmp_path / 'config.yaml'} already exists; build that "
                              "project, pick a new folder, or add --force to write the example "
                              "files over the ones there\n")
    assert (tmp_path / "config.yaml").read_text() == "title: Mine\n"
    assert not (tmp_path / "notes").exists()
    (tmp_path / "config.yaml").unlink()
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "mine.md").write_text("### Mine?\nYes.\n")
    (tmp_path / ".gitignore").write_text("*.tmp")
    refused = _init(str(tmp_path), cwd=tmp_path)
    assert refused.returncode == 2
    assert f"{tmp_path / 'notes'} already holds notes" in refused.stderr
    forced = _init(str(tmp_path), "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert (tmp_path / "notes" / "mine.md").read_text() == "### Mine?\nYes.\n"
    assert (tmp_path / "config.yaml").read_text().count("title: My notes") == 1
    assert (tmp_path / ".gitignore").read_text() == "*.tmp\noutput/\n"
    _init(str(tmp_path), "--force", cwd=tmp_path)
    assert (tmp_path / ".gitignore").read_text() == "*.tmp\noutput/\n"


def test_a_file_is_not_a_project_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("x")
    refused = _init("notes.md", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr == ("error: notes.md: is a file; give a folder for the new notes "
                              "project\n")
