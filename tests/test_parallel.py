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


def test_jobs_one_reads_and_renders_in_this_process_and_keeps_the_plan(
        tmp_path: Path, project_config, monkeypatch: pytest.MonkeyPatch) -> None:
    pools: list[str] = []
    real_context = multiprocessing.get_context
    monkeypatch.setattr(multiprocessing, "get_context",
                        lambda method=None: pools.append(method) or real_context(method))
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.setattr(pipeline, "FILES_PER_WORKER", 1)
    monkeypatch.setattr(anki, "PARALLEL_FROM", 1)
    reads: list[int] = []
    fresh = pipeline._plan
    monkeypatch.setattr(pipeline, "_plan", lambda *args: reads.append(1) or fresh(*args))
    config = replace(project_config, sources=(ROOT / "source_notes",), outputs=("yaml", "anki"),
                     jobs=1)
    pipeline.build(config)
    assert pools == [] and reads == [1]
    pipeline.build(replace(config, jobs=2))  # the same cards, however many processes
    assert reads == [1]
