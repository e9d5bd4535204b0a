"""Shared fixtures: the project config, a build runner and the user's seed notes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from studypack.config import Config, load_config
from studypack.pipeline import build
from studypack.report import Report

ROOT = Path(__file__).resolve().parent.parent
SEED_NOTES = ROOT.parent / "shared" / "seed_notes"
GOLDEN = Path(__file__).resolve().parent / "golden" / "notes"
EXPECTED = GOLDEN.parent / "expected"


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture
def project_config(tmp_path: Path) -> Config:
    """The shipped config.yaml, writing into a temporary folder."""
    config = load_config(ROOT / "config.yaml")
    # Only the intermediate by default; tests of the deck and the PDFs ask for them.
    return replace(config, output=tmp_path / "out", lock=tmp_path / "studypack.lock",
                   outputs=("yaml",))


@pytest.fixture
def run(project_config: Config):
    """Build the given note files or folders with the shipped config."""

    def _run(*sources: Path, **changes: object) -> Report:
        config = replace(project_config, sources=tuple(p.resolve() for p in sources), **changes)
        return build(config)

    return _run


@pytest.fixture
def seed_notes() -> Path:
    """The user's own notes, read in place."""
    if not SEED_NOTES.is_dir():
        pytest.skip(f"the seed notes are not beside the project ({SEED_NOTES} is missing)")
    return SEED_NOTES
