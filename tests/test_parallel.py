"""Reading notes and rendering cards in several processes gives what one process gives."""

from __future__ import annotations

import multiprocessing
from dataclasses import replace
from pathlib import Path

import pytest

from studypack import pipeline
from studypack.writers import anki

ROOT = Path(__file__).resolve().parent.parent


def _build(project_config, out: Path) -> dict[str, bytes]:
    config = replace(project_config, sources=(ROOT / "source_notes",), outputs=("yaml", "anki"),
                     output=out, lock=out.parent / f"{out.name}.lock")
    assert pipeline.build(config).pack.cards
    return {name: (out / name).read_bytes() for name in ("notes.yaml", "deck.apkg")}


def test_notes_read_and_cards_rendered_in_processes_give_the_same_bytes(
        tmp_path: Path, project_config, monkeypatch: pytest.MonkeyPatch) -> None:
    pools: list[str] = []
    real_context = multiprocessing.get_context

    def spy(method: str | None = None):
        pools.append(method or "default")
        return real_context(method)

    monkeypatch.setattr(multiprocessing, "get_context", spy)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.setattr(pipeline, "FILES_PER_WORKER", 10**6)
    monkeypatch.setattr(anki, "PARALLEL_FROM", 10**6)
    alone = _build(project_config, tmp_path / "alone")
    assert pools == []

    # Every file and every card now goes through two worker processes.
    monkeypatch.setattr(pipeline, "FILES_PER_WORKER", 1)
    monkeypatch.setattr(anki, "PARALLEL_FROM", 1)
    together = _build(project_config, tmp_path / "together")
    assert pools == ["fork", "fork", "fork"]  # the notes, the deck's formulas, then its cards
    assert together == alone
