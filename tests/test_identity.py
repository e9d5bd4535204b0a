"""The lock file: read back exactly as written, and older locks still honoured."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from studypack import identity
from studypack.identity import LockEntry

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(_TEXT, st.builds(LockEntry, _TEXT, _TEXT, _TEXT,
                                        st.integers(0, 2**40)), max_size=5))
def test_the_lock_reads_back_as_written(tmp_path_factory, entries) -> None:
    path = tmp_path_factory.mktemp("lock") / "studypack.lock"
    path.write_text(identity.dump_lock(entries), encoding="utf-8")
    assert identity.read_lock(path) == entries


def test_a_lock_is_one_line_per_card(run, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("### What is a stride?\nThe step.\n### Why pool?\nTo shrink.\n")
    report = run(notes)
    lines = (tmp_path / "studypack.lock").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if '"hash"' in line] == [
        line for line in lines if any(f'"{c.id}": {{' in line for c in report.pack.cards)]
    assert len(report.pack.cards) == 2


def test_a_version_1_lock_keeps_its_ids(run, tmp_path: Path) -> None:
    # Locks were YAML before: a project that has one keeps its reworded questions' ids.
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("### What does the pooling layer do?\nDownsamples.\n")
    (tmp_path / "studypack.lock").write_text(
        "# studypack lock\nversion: 1\ncards:\n  0123456789:\n    path: a.md\n"
        "    question: what does a pooling layer do\n    hash: 00\n    modified: 5\n",
        encoding="utf-8")
    report = run(notes)
    assert [c.id for c in report.pack.cards] == ["0123456789"]
    assert identity.read_lock(tmp_path / "studypack.lock")["0123456789"].path == "a.md"
