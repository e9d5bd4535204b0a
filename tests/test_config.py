"""config.yaml: the shipped file is valid, and every problem is reported at once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from studypack.config import load_config
from studypack.errors import ConfigError
from tests.conftest import ROOT


def _refused(path: Path, text: str) -> list[str]:
    """The lines of the error a config.yaml of this text is refused with."""
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    return str(error.value).split("\n")


def test_shipped_config_is_valid() -> None:
    config = load_config(ROOT / "config.yaml")
    assert config.sources == ((ROOT / "source_notes").resolve(),)
    assert [t.slug for t in config.topics][:2] == ["fundamentals", "optimization"]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    lines = _refused(path, "titel: x\nsources: notes\noutputs: [yaml, epub]\n"
                     "duplicates: {policy: maybe, similarity: 10}\n"
                     "topics:\n  - {slug: CNN, title: C, colour: red}\n")
    assert [line.split(": ", 2)[:2] for line in lines] == [
        [f"{path}:1", "titel"], [f"{path}:2", "sources"], [f"{path}:3", "outputs"],
        [f"{path}:6", "topics[0].colour"], [f"{path}:6", "topics[0].slug"],
        [f"{path}:4", "duplicates.policy"], [f"{path}:4", "duplicates.similarity"]]


def test_unknown_settings_say_which_was_meant(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    lines = _refused(path, "title: x\nsoruces: [notes]\ncheatsheet:\n  paper: A4\n"
                     "  colums: 4\ncolumns: 3\nfavourite: blue\n")
    assert lines[0] == f"{path}:6: columns: unknown setting; it belongs under `cheatsheet:`"
    assert lines[1].startswith(f"{path}:7: favourite: unknown setting; known settings: ")
    assert lines[2] == f"{path}:2: soruces: unknown setting; did you mean `sources`?"
    assert lines[3] == f"{path}:5: cheatsheet.colums: unknown key; did you mean `columns`?"


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("title: x\ntopics: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config.yaml:3: not valid YAML"):
        load_config(path)


def test_card_syntax_settings_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    lines = _refused(path, "title: x\nlang: english!\nflashcards:\n  separator: '||'\n"
                     "  clozes: [underline]\n")
    assert [line.split(": ", 2)[:2] for line in lines] == [
        [f"{path}:2", "lang"], [f"{path}:5", "flashcards.clozes"]]


def test_jobs_is_a_positive_number_and_defaults_to_every_cpu(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    assert _refused(path, "title: x\njobs: 0\n")[0].startswith(
        f"{path}:2: jobs: must be a whole number of at least 1, not 0 (")
    path.write_text("title: x\njobs: 3\n", encoding="utf-8")
    assert load_config(path).processes() == 3
    path.write_text("title: x\n", encoding="utf-8")
    assert load_config(path).processes() == os.cpu_count()
