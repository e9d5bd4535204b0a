"""config.yaml: the shipped file is valid, and every problem is reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from studypack.config import load_config
from studypack.errors import ConfigError
from tests.conftest import ROOT


def test_shipped_config_is_valid() -> None:
    config = load_config(ROOT / "config.yaml")
    assert config.sources == ((ROOT / "source_notes").resolve(),)
    assert [t.slug for t in config.topics][:2] == ["fundamentals", "optimization"]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("titel: x\nsources: notes\noutputs: [yaml, epub]\n"
                    "duplicates: {policy: maybe, similarity: 10}\n"
                    "topics:\n  - {slug: CNN, title: C, colour: red}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    lines = str(error.value).split("\n")
    assert all(line.startswith(f"{path}: ") for line in lines)
    assert [line.split(": ", 2)[1] for line in lines] == [
        "titel", "sources", "outputs", "topics[0]", "topics[0].slug", "duplicates.policy",
        "duplicates.similarity"]


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("title: x\ntopics: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config.yaml:3: not valid YAML"):
        load_config(path)
