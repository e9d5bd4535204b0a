"""The lock never forgets by accident: another folder built with it, a card moved to another
file and reworded, or a card away for a while all keep their ids and their Anki history."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from studypack import identity
from tests.conftest import ROOT

A_NOTES = """\
### What does a pooling layer do?
It downsamples each channel.

### What is a stride?
The step of the window.

### What is padding?
Extra border values around the input.
"""
B_NOTES = """\
### What is a hash table?
An array of buckets addressed by a hash of the key.

### What is a heap?
A tree where each parent orders before its children.
"""


def _import(collection: Collection, package: Path) -> None:
    collection.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(package),
        options=ImportAnkiPackageOptions(with_scheduling=True, merge_notetypes=True)))


def _folder(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for file, text in files.items():
        (folder / file).write_text(text, encoding="utf-8")
    return folder


def _ids(report) -> dict[str, str]:
    return {card.question: card.id for card in report.pack.cards}


def test_another_folder_built_with_the_same_lock_costs_no_id(tmp_path: Path, run,
                                                             project_config,
                                                             monkeypatch) -> None:
    a = _folder(tmp_path, "a", {"cnn.md": A_NOTES})
    b = _folder(tmp_path, "b", {"structures.md": B_NOTES})
    first = run(a, outputs=("yaml", "anki"))
    collection = Collection(str(tmp_path / "collection.anki2"))
    try:
        _import(collection, project_config.output / "deck.apkg")
        stride = next(n for n in map(collection.get_note, collection.find_notes(""))
                      if "stride" in n["Question"])
        card = stride.cards()[0]
        card.start_timer()
        collection.sched.answerCard(card, 3)
        # The stride question is reworded; then another folder is built with the same lock.
        (a / "cnn.md").write_text(A_NOTES.replace("What is a stride?",
                                                  "What is the stride?"))
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710000000")
        other = run(b)
        assert any("share no card with the lock" in d.message for d in other.diagnostics)
        assert other.absent == 3  # A's cards, kept
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1720000000")
        again = run(a, outputs=("yaml", "anki"))
        ids = _ids(again)
        assert ids["What is the stride?"] == _ids(first)["What is a stride?"]
        assert {k: v for k, v in ids.items() if "stride" not in k} == \
            {k: v for k, v in _ids(first).items() if "stride" not in k}
        assert again.absent == 2  # B's cards, kept in turn
        _import(collection, project_config.output / "deck.apkg")
        assert collection.note_count() == 3
        reviewed = collection.get_card(card.id)
        assert "the stride" in reviewed.note()["Question"] and reviewed.reps == 1
    finally:
        collection.close()


def test_a_card_moved_to_another_file_and_reworded_keeps_its_note(tmp_path: Path, run,
                                                                 project_config,
                                                                 monkeypatch) -> None:
    notes = _folder(tmp_path, "notes", {"cnn.md": A_NOTES, "extra.md": B_NOTES})
    first = run(notes, outputs=("yaml", "anki"))
    collection = Collection(str(tmp_path / "collection.anki2"))
    try:
        _import(collection, project_config.output / "deck.apkg")
        (notes / "cnn.md").write_text(A_NOTES.split("### What is padding?")[0])
        (notes / "extra.md").write_text(B_NOTES + "\n### What is input padding?\n"
                                        "Extra border values around the input.\n")
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710000000")
        moved = run(notes, outputs=("yaml", "anki"))
        assert _ids(moved)["What is input padding?"] == _ids(first)["What is padding?"]
        assert [(ref.path, old_path) for ref, _, _, old_path in moved.reworded] == [
            ("extra.md", "cnn.md")]
        _import(collection, project_config.output / "deck.apkg")
        assert collection.note_count() == 5
    finally:
        collection.close()


def test_two_equally_good_old_questions_give_no_id(tmp_path: Path, run) -> None:
    notes = _folder(tmp_path, "notes", {
        "a.md": "### What is the stride of layer one?\nIts step.\n",
        "b.md": "### What is the stride of layer two?\nIts step.\n"})
    run(notes)
    (notes / "a.md").unlink()
    (notes / "b.md").unlink()
    (notes / "c.md").write_text("### What is the stride of layer six?\nIts step.\n")
    report = run(notes)
    assert report.reworded == ()


def test_prune_forgets_only_cards_gone_longer(tmp_path: Path, run, project_config,
                                              monkeypatch) -> None:
    notes = _folder(tmp_path, "notes", {"cnn.md": A_NOTES})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    run(notes)
    (notes / "cnn.md").write_text(A_NOTES.split("### What is padding?")[0])
    run(notes)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1700000000 + 30 * 86400))
    (notes / "cnn.md").write_text(A_NOTES.split("### What is a stride?")[0])
    run(notes)
    lock = project_config.lock
    assert len(identity.read_lock(lock)) == 3
    env = {"SOURCE_DATE_EPOCH": str(1700000000 + 40 * 86400), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "prune", "--older-than",
                           "20d", "--lock", str(lock)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    kept = json.loads(lock.read_text())["cards"]
    assert len(kept) == 2  # padding, gone 40 days, is forgotten; stride, gone 10, is kept
    assert "1 of 2 absent cards" in done.stdout


@pytest.mark.parametrize("where", ["source in output", "output in source"])
def test_wrong_folders_are_one_line_and_write_nothing(tmp_path: Path, where: str) -> None:
    project = tmp_path / "project"
    (project / "notes").mkdir(parents=True)
    (project / "notes" / "cnn.md").write_text(A_NOTES)
    if where == "source in output":
        source, out = project / "out" / "notes", project / "out"
        source.mkdir(parents=True)
        (source / "cnn.md").write_text(A_NOTES)
    else:
        source, out = project / "notes", project / "notes" / "output"
    before = sorted(p for p in tmp_path.rglob("*"))
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--source", str(source),
                           "--out", str(out), "--lock", str(tmp_path / "x.lock")],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and str(source) in done.stderr
    assert sorted(p for p in tmp_path.rglob("*")) == before
