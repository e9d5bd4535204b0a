"""The deck in real Anki: imports cleanly, updates in place, keeps review history."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from tests.conftest import ROOT

NOTE = """\
### What does a pooling layer do?
It downsamples each channel; see ![steps](img/steps.svg) and $y = \\max_i x_i$.

### What is a stride?
The step of the window.

### What is padding?
Extra border values: `$not math$`, <script>alert(1)</script> ![x](http://127.0.0.1:9/x.png)
"""
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4"/></svg>'


def _import(collection: Collection, package: Path):
    request = ImportAnkiPackageRequest(
        package_path=str(package),
        options=ImportAnkiPackageOptions(with_scheduling=True, merge_notetypes=True),
    )
    return collection.import_anki_package(request)


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    (folder / "img").mkdir(parents=True)
    (folder / "img" / "steps.svg").write_bytes(SVG)
    (folder / "cnn.md").write_text(NOTE, encoding="utf-8")
    return folder


def test_deck_imports_and_updates_in_place(tmp_path: Path, notes: Path, run, project_config,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    report = run(notes, outputs=("yaml", "anki"))
    package = project_config.output / "deck.apkg"
    collection = Collection(str(tmp_path / "collection.anki2"))
    try:
        _import(collection, package)
        assert collection.note_count() == len(report.pack.cards) == 3
        assert collection.card_count() == 3
        decks = {d.name for d in collection.decks.all_names_and_ids()}
        assert "Deep learning::CNNs & vision" in decks
        by_question = {}
        for note_id in collection.find_notes(""):
            note = collection.get_note(note_id)
            by_question[note["Id"]] = note
            for name in ("Question", "Answer"):
                for src in _image_sources(note[name]):
                    assert (Path(collection.media.dir()) / src).is_file(), src
        pooling = next(n for n in by_question.values() if "pooling" in n["Question"])
        assert "formula inline" in pooling["Answer"] and "img-" in pooling["Answer"]
        assert "cnn-vision" in pooling.tags and "source::cnn" in pooling.tags
        padding = next(n for n in by_question.values() if "padding" in n["Question"])
        assert "script" not in padding["Answer"] and "127.0.0.1" not in padding["Answer"]
        assert "$not math$" in padding["Answer"]

        # Review the pooling card, then edit its answer and reword the stride question.
        card = collection.get_card(pooling.card_ids()[0])
        card.start_timer()
        collection.sched.answerCard(card, 3)
        reviews_before = collection.db.scalar("select count() from revlog where cid=?", card.id)
        assert reviews_before == 1
        stride_id = next(n.id for n in by_question.values() if "stride" in n["Question"])
        (notes / "cnn.md").write_text(
            NOTE.replace("It downsamples each channel", "It shrinks each channel")
                .replace("What is a stride?", "What is the stride?"), encoding="utf-8")
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
        run(notes, outputs=("yaml", "anki"))
        _import(collection, package)

        assert collection.note_count() == 3
        edited = collection.get_note(pooling.id)
        assert "It shrinks each channel" in edited["Answer"]
        assert collection.db.scalar("select count() from revlog where cid=?", card.id) == 1
        assert collection.get_card(card.id).reps == 1
        assert collection.get_note(stride_id)["Question"].startswith("<p>What is the stride?")

        # Importing the same package again changes nothing.
        snapshot = collection.db.all("select id, guid, mod, flds from notes order by id")
        _import(collection, package)
        assert collection.db.all("select id, guid, mod, flds from notes order by id") == snapshot
    finally:
        collection.close()


def test_deck_is_byte_identical_for_identical_input(notes: Path, run, project_config) -> None:
    run(notes, outputs=("yaml", "anki"))
    first = (project_config.output / "deck.apkg").read_bytes()
    run(notes, outputs=("yaml", "anki"))
    assert (project_config.output / "deck.apkg").read_bytes() == first


def test_source_notes_deck_imports_one_note_per_card(tmp_path: Path, run, project_config) -> None:
    report = run(ROOT / "source_notes", outputs=("yaml", "anki"))
    collection = Collection(str(tmp_path / "collection.anki2"))
    try:
        _import(collection, project_config.output / "deck.apkg")
        assert collection.note_count() == len(report.pack.cards)
        assert len(collection.media.check().missing) == 0
    finally:
        collection.close()


def _image_sources(html: str) -> list[str]:
    return re.findall(r'<img[^>]*\bsrc="([^"]+)"', html)


def test_seed_notes_deck_imports_one_note_per_card(tmp_path: Path, seed_notes: Path, run,
                                                   project_config) -> None:
    report = run(seed_notes, outputs=("yaml", "anki"))
    missing = [d for d in report.diagnostics if "not found" in d.message]
    assert missing and all(d.line for d in missing)  # the notes point at images that are absent
    collection = Collection(str(tmp_path / "collection.anki2"))
    try:
        log = _import(collection, project_config.output / "deck.apkg").log
        assert len(log.new) == collection.note_count() == len(report.pack.cards)
        assert not log.conflicting and not log.first_field_match
        assert len(collection.media.check().missing) == 0
    finally:
        collection.close()
