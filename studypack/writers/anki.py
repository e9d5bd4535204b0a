"""Writes the pack as an Anki package: one subdeck per topic, stable ids, formulas as SVG."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import genanki
from pygments.formatters import HtmlFormatter

from studypack import cloze, forked, formulas, images, markup
from studypack.errors import Diagnostic
from studypack.model import Card, Pack, Review
from studypack.writers import TEMPLATES, template_env, write_atomic
from studypack.writers.rendered import Fields, RenderedCards

GUID_NAMESPACE = "studypack"
FIELDS = ("Question", "Answer", "Topic", "Difficulty", "Source", "Id")
CLOZE_FIELDS = ("Text", "Extra", "Topic", "Difficulty", "Source", "Id")
# The day genanki's collection was created (its `crt`): review cards fall due days after it.
_COLLECTION_DAY = date(2014, 9, 19)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def stable_id(name: str) -> int:
    """A fixed Anki id (deck or note type) derived from a name, inside Anki's id range."""
    return int(hashlib.sha1(name.encode()).hexdigest()[:12], 16) % (1 << 40) + (1 << 30)


@dataclass(frozen=True)
class DeckContext:
    """What the deck writer needs besides the pack."""

    roots: tuple[Path, ...]  # the notes folders; images are read only from under them
    media_dir: Path  # where rendered formulas are cached
    modified: dict[str, int]  # card id -> when its content last changed
    rendered: RenderedCards | None = None  # fields rendered by earlier builds, if kept


class _Note(genanki.Note):
    """A note whose modified time is its own, so Anki updates only what changed, and whose
    cards carry the review state the notes hold."""

    def __init__(self, modified: int, reviews: tuple[Review, ...] = (),
                 **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.modified = modified
        self.reviews = reviews

    def write_to_db(self, cursor, timestamp, deck_id, id_gen):  # genanki's signature
        made = self.cards  # genanki caches this list: scheduled cards replace its entries
        for index, review in enumerate(self.reviews[: len(made)]):
            made[index] = _ScheduledCard(made[index].ord, review)
        super().write_to_db(cursor, self.modified, deck_id, id_gen)


class _ScheduledCard(genanki.Card):
    """A card in review, due where the notes' own reviews left it.

    Anki reads the schedule only when the package is imported with "Import any learning
    progress"; otherwise, and for cards the collection already has, it is ignored.
    """

    def __init__(self, ord: int, review: Review) -> None:
        super().__init__(ord)
        self.review = review

    def write_to_db(self, cursor, timestamp, deck_id, note_id, id_gen, due=0):
        day = (date.fromisoformat(self.review.due) - _COLLECTION_DAY).days
        cursor.execute("INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?);", (
            next(id_gen), note_id, deck_id, self.ord, int(timestamp), -1,
            2, 2,  # type and queue: review
            day, self.review.interval, self.review.ease * 10,
            1, 0, 0, 0, 0, 0, "",  # reps, lapses, left, odue, odid, flags, data
        ))


def note_types() -> dict[str, genanki.Model]:
    """studypack's own note types by card kind, with templates and CSS from templates/anki/.

    A reversed card is one note with two cards; a cloze card one note with a card per
    deletion number.
    """
    env = template_env()
    css = env.get_template("anki/card.css.j2").render(
        code_light=HtmlFormatter(style="default").get_style_defs(".highlight"),
        code_dark=HtmlFormatter(style="monokai").get_style_defs(
            [".nightMode .highlight", ".night_mode .highlight"]),
    )

    def template(name: str, front: str, back: str) -> dict[str, str]:
        return {"name": name, "qfmt": (TEMPLATES / "anki" / front).read_text(encoding="utf-8"),
                "afmt": (TEMPLATES / "anki" / back).read_text(encoding="utf-8")}

    forward = template("Card 1", "front.html", "back.html")
    return {
        "basic": genanki.Model(
            stable_id("studypack note type v1"), "studypack Q&A",
            fields=[{"name": name} for name in FIELDS], templates=[forward], css=css,
            sort_field_index=0),
        "reversed": genanki.Model(
            stable_id("studypack reversed note type v1"), "studypack Q&A (and reversed)",
            fields=[{"name": name} for name in FIELDS],
            templates=[forward, template("Card 2", "reverse-front.html", "reverse-back.html")],
            css=css, sort_field_index=0),
        "cloze": genanki.Model(
            stable_id("studypack cloze note type v1"), "studypack Cloze",
            fields=[{"name": name} for name in CLOZE_FIELDS],
            templates=[template("Cloze", "cloze-front.html", "cloze-back.html")], css=css,
            model_type=genanki.Model.CLOZE, sort_field_index=0),
    }


def note_type() -> genanki.Model:
    """The note type of question-and-answer cards."""
    return note_types()["basic"]


def write(pack: Pack, target: Path, context: DeckContext,
          on_card: Callable[[], None] = lambda: None, workers: int = 1) -> list[Diagnostic]:
    """Write target.apkg atomically; returns problems found in card contents.

    `on_card` is called as each card's fields (and their formulas) are rendered. With more
    than one worker, cards no earlier build rendered are rendered in that many processes.
    """
    models = note_types()
    problems: list[Diagnostic] = []
    media: dict[str, Path] = {}
    decks = []
    counted = prerender(pack, context, workers, on_card)
    for topic in pack.topics:
        deck_name = f"{pack.title}::{topic.title}"
        deck = genanki.Deck(stable_id(f"deck {deck_name}"), deck_name)
        for card in topic.cards:
            fields = card_fields(card, topic.title, context, media, problems)
            deck.add_note(_Note(
                context.modified.get(card.id, 0), card.reviews,
                model=models[card.kind], fields=fields,
                guid=genanki.guid_for(GUID_NAMESPACE, card.id), tags=_tags(card),
                sort_field=cloze.plain(card.question),
            ))
            if card.id not in counted:
                on_card()
        decks.append(deck)
    write_atomic(target, _package(decks, media, max(context.modified.values(), default=0)))
    return problems


def card_fields(card: Card, topic: str, context: DeckContext, media: dict[str, Path],
                problems: list[Diagnostic]) -> list[str]:
    """The note's field values as HTML; collects the media they use and any problems."""
    note = images.note_file(card.source.path, context.roots)
    resolve = images.image_resolver(note, context.roots)
    kept = context.rendered
    if kept is None:
        fields = _render(card, resolve, context.media_dir)
    else:
        fields = kept.get(kept.key(card.question, card.answer, note, resolve),
                          lambda: _render(card, resolve, context.media_dir))
    media.update(fields.media)
    problems += [Diagnostic(card.source.path, card.source.line, "warning", p)
                 for p in fields.problems]
    source = f"{card.source.path}:{card.source.line}"
    return [fields.question, fields.answer, topic, card.difficulty or "", source, card.id]


# Below this many cards to render, starting processes costs more than it saves.
PARALLEL_FROM = 300

def prerender(pack: Pack, context: DeckContext, workers: int,
              on_card: Callable[[], None] = lambda: None) -> set[str]:
    """Render in `workers` forked processes the cards that no earlier build kept.

    Markdown is most of a deck's time and each card renders on its own, so the work splits
    cleanly. Returns the ids of the cards rendered (`on_card` was called for each).
    """
    kept = context.rendered
    if kept is None or workers < 2:
        return set()
    keys, todo = [], []
    for card in pack.cards:
        note = images.note_file(card.source.path, context.roots)
        key = kept.key(card.question, card.answer, note, images.image_resolver(note, context.roots))
        if not kept.has(key):
            keys.append(key)
            todo.append(card)
    if len(todo) < PARALLEL_FROM:
        return set()

    def render(card: Card) -> Fields:
        note = images.note_file(card.source.path, context.roots)
        return _render(card, images.image_resolver(note, context.roots), context.media_dir)

    texts = [text for card in todo for text in (card.question, card.answer)]
    formulas.render_all(texts, context.media_dir, workers)
    markup.warm_up(texts)
    for key, fields in zip(keys, forked.in_chunks(render, todo, workers, done=on_card),
                           strict=True):
        kept.put(key, fields)
    return {card.id for card in todo}


def _render(card: Card, resolve: images.ImageResolver, media_dir: Path) -> Fields:
    question = markup.to_html(card.question, resolve, media_dir)
    answer = markup.to_html(card.answer, resolve, media_dir)
    return Fields(question.html, answer.html,
                  tuple(sorted({**question.media, **answer.media}.items())),
                  (*question.problems, *answer.problems))


def _tags(card: Card) -> list[str]:
    tags = list(card.tags)
    if card.difficulty:
        tags.append(f"difficulty::{card.difficulty}")
    tags.append("source::" + Path(card.source.path).stem.replace(" ", "_"))
    return sorted(dict.fromkeys(tag.replace(" ", "_") for tag in tags))


def _package(decks: list[genanki.Deck], media: dict[str, Path], timestamp: int) -> bytes:
    """The .apkg bytes: the same input always gives the same bytes."""
    package = genanki.Package(decks)
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(database)
        package.write_to_db(connection.cursor(), timestamp, iter(range(timestamp * 1000, 1 << 62)))
        connection.commit()
        connection.close()
        names = sorted(media)
        archive = Path(folder) / "deck.apkg"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
            _add(out, "collection.anki2", database.read_bytes())
            _add(out, "media", json.dumps({str(i): n for i, n in enumerate(names)}).encode())
            for index, name in enumerate(names):
                _add(out, str(index), media[name].read_bytes())
        return archive.read_bytes()


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)
