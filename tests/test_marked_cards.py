"""Cards the author marked (spaced-repetition syntax, clozes, Logseq, Obsidian_to_Anki) in
real Anki: the right note types and cards, no markup on any card, the notes' reviews carried."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from studypack.model import CardSyntax

CARDS = Path(__file__).resolve().parent / "shapes" / "cards"
MARKUP = ("::", "==", "{{c1::", "{{cloze", "<!--SR", "card-last", "card-ease", "card-next",
          "card-repeats", "collapsed", "START", "Tags:", "#card", "#flashcards", ";;")


def _import(collection: Collection, package: Path, scheduling: bool = True) -> None:
    collection.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(package),
        options=ImportAnkiPackageOptions(with_scheduling=scheduling, merge_notetypes=True)))


def _due_date(collection: Collection, due: int) -> datetime.date:
    """The calendar day of an Anki day number: Anki's day starts at its rollover hour."""
    rollover = datetime.timedelta(hours=collection.get_config("rollover", 4))
    today = (datetime.datetime.now() - rollover).date()
    return today + datetime.timedelta(days=due - collection.sched.today)


@pytest.fixture
def cards(tmp_path: Path) -> Path:
    folder = tmp_path / "cards"
    shutil.copytree(CARDS, folder)
    return folder


@pytest.fixture
def collection(tmp_path: Path):
    opened = Collection(str(tmp_path / "collection.anki2"))
    yield opened
    opened.close()


def _notes(collection: Collection) -> dict[str, object]:
    """Each imported note by the plain words of its first field."""
    notes = {}
    for note_id in collection.find_notes(""):
        note = collection.get_note(note_id)
        notes[note.fields[0]] = note
    return notes


def _note(notes: dict[str, object], words: str):
    return next(note for field, note in notes.items() if words in field)


def test_every_syntax_gives_the_right_notes_and_cards(cards: Path, run, project_config,
                                                      collection: Collection) -> None:
    report = run(cards, outputs=("yaml", "anki"))
    assert not report.diagnostics
    _import(collection, project_config.output / "deck.apkg")
    notes = _notes(collection)
    assert collection.note_count() == len(report.pack.cards) == 13
    kinds = {note.note_type()["name"]: 0 for note in notes.values()}
    for note in notes.values():
        kinds[note.note_type()["name"]] += 1
    assert kinds == {"studypack Q&A": 5, "studypack Q&A (and reversed)": 4, "studypack Cloze": 4}
    # One card per deletion number, two per reversed note.
    counts = {"Water boils": 2, "anion": 2, "anode": 1, "sodium chloride": 1, "Acid</p>": 2,
              "Cation": 2, "Which bonds": 2, "Where does acid go": 2, "What is a mole": 1}
    for words, count in counts.items():
        assert len(_note(notes, words).cards()) == count, words
    assert collection.card_count() == 19
    # A reversed card's second card asks the answer.
    acid = _note(notes, "Acid</p>").cards()
    assert "A proton donor" in acid[1].question() and "A proton donor" not in acid[0].question()
    # No card shows the notes' markup, front or back.
    for note in notes.values():
        for card in note.cards():
            for text in (card.question(), card.answer()):
                shown = text.split("</style>")[-1]
                assert [mark for mark in MARKUP if mark in shown] == [], shown
    water = _note(notes, "Water boils")
    assert "{{c1::100 °C}}" in water["Text"] and "{{c2::0 °C}}" in water["Text"]
    assert "[...]" in water.cards()[0].question() and "0 °C" in water.cards()[0].question()


def test_the_notes_reviews_schedule_the_cards(cards: Path, run, project_config,
                                              collection: Collection) -> None:
    run(cards, outputs=("yaml", "anki"))
    _import(collection, project_config.output / "deck.apkg")
    notes = _notes(collection)
    avogadro = _note(notes, "Avogadro").cards()[0]
    assert (avogadro.ivl, avogadro.factor) == (30, 2700)
    assert _due_date(collection, avogadro.due) == datetime.date(2026, 12, 30)
    # Each card of a reversed note and each deletion of a cloze has its own schedule.
    acid = _note(notes, "Acid</p>").cards()
    assert [(c.ivl, c.factor) for c in acid] == [(10, 2500), (11, 2600)]
    water = _note(notes, "Water boils").cards()
    assert [_due_date(collection, c.due) for c in water] == [datetime.date(2026, 12, 31),
                                                             datetime.date(2027, 1, 2)]
    mole = _note(notes, "What is a mole").cards()[0]  # Logseq's card-* properties
    assert (mole.ivl, mole.factor) == (4, 2500)
    assert _due_date(collection, mole.due) == datetime.date(2027, 1, 5)
    assert _note(notes, "catalyst").cards()[0].type == 0  # never reviewed: new


def test_without_scheduling_every_card_is_new(cards: Path, run, project_config,
                                              collection: Collection) -> None:
    run(cards, outputs=("yaml", "anki"))
    _import(collection, project_config.output / "deck.apkg", scheduling=False)
    assert collection.db.scalar("select count() from cards where type != 0") == 0


def test_a_reimport_keeps_the_review_made_in_anki(cards: Path, run, project_config,
                                                  collection: Collection,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    run(cards, outputs=("yaml", "anki"))
    _import(collection, project_config.output / "deck.apkg")
    card = _note(_notes(collection), "Avogadro").cards()[0]
    card.start_timer()
    collection.sched.answerCard(card, 4)  # Easy: Anki moves the card far beyond the notes
    reviewed = collection.get_card(card.id)
    assert reviewed.ivl > 30
    # The notes change (an edited answer, a new review comment) and the deck is rebuilt.
    note = cards / "spaced-repetition.md"
    note.write_text(note.read_text(encoding="utf-8")
                    .replace("particles per mole", "entities per mole")
                    .replace("!2026-12-30,30,270", "!2027-02-01,40,290"), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    run(cards, outputs=("yaml", "anki"))
    _import(collection, project_config.output / "deck.apkg")
    again = collection.get_card(card.id)
    assert "entities per mole" in again.note()["Answer"]
    assert (again.ivl, again.due, again.reps) == (reviewed.ivl, reviewed.due, reviewed.reps)
    assert collection.db.scalar("select count() from revlog where cid=?", card.id) == 1
    assert collection.note_count() == 13


def test_config_sets_the_card_separators_for_every_note(tmp_path: Path, run) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("# Units\n\nForce||The newton\nEnergy|||The joule\n\n"
                                "Power is measured in **watts**.\n", encoding="utf-8")
    syntax = CardSyntax(inline="||", inline_reversed="|||", bold_clozes=True)
    report = run(notes, card_syntax=syntax)
    kinds = {card.question: card.kind for card in report.pack.cards}
    assert kinds == {"Force": "basic", "Energy": "reversed",
                     "Power is measured in {{c1::watts}}.": "cloze"}
