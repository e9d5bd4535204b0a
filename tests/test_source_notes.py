"""The notes shipped in source_notes/ build a clean pack out of the box, in every dialect, one
of them in a file that mixes shapes."""

from __future__ import annotations

from studypack.readers import READERS
from tests.conftest import ROOT


def test_source_notes_cover_every_dialect_and_build_cleanly(run) -> None:
    report = run(ROOT / "source_notes")
    read_by = {doc.dialect for doc in report.documents}
    read_by |= {run.dialect for doc in report.documents for run in doc.sections}
    assert read_by == set(READERS) | {"mixed"}
    assert len(report.pack.cards) >= 60
    assert [d for d in report.diagnostics if d.level != "info"] == []
    assert {s.reason for s in report.pack.skipped} <= {"unanswered", "duplicate"}
    assert len(report.pack.topics) >= 6
