"""Frozen data types: what readers find (RawItem, Document) and the intermediate (Card ... Pack)."""

from __future__ import annotations

from dataclasses import dataclass, field

from studypack.errors import Diagnostic

SCHEMA_VERSION = 1
DIFFICULTIES = ("easy", "medium", "hard")
# basic: question -> answer; reversed: also answer -> question; cloze: the question holds
# Anki cloze deletions ({{c1::text::hint}}), one card per deletion number, the answer is extra.
KINDS = ("basic", "reversed", "cloze")


@dataclass(frozen=True, order=True)
class Review:
    """Where a spaced-repetition review in the notes left one card (one per Anki card)."""

    due: str  # ISO date, YYYY-MM-DD
    interval: int  # days
    ease: int  # percent: 250 is Anki's factor 2.5


@dataclass(frozen=True, order=True)
class SourceRef:
    """Where something was written: a path relative to its notes folder and a 1-based line."""

    path: str
    line: int


@dataclass(frozen=True)
class RawItem:
    """A question exactly as a reader found it, before any policy is applied."""

    question: str  # as written: numbering, difficulty markers and #tags still in
    answer: str  # Markdown, dedented; "" when the note gives none
    line: int
    section: tuple[str, ...] = ()  # enclosing headings and group headers, outermost first
    stem: str = ""  # shared text that belongs to the front of every sub-question
    explicit_id: str | None = None
    difficulty: str | None = None
    tags: tuple[str, ...] = ()
    summary: str | None = None
    topic: str | None = None  # a topic slug stated by the note itself
    kind: str = "basic"
    reviews: tuple[Review, ...] = ()


@dataclass(frozen=True)
class CardSyntax:
    """How a file marks its own flashcards: the settings of Obsidian's spaced-repetition plugin."""

    inline: str = "::"
    inline_reversed: str = ":::"
    multiline: str = "?"
    multiline_reversed: str = "??"
    highlight_clozes: bool = True  # ==text== is a deletion
    bold_clozes: bool = False  # **text** is a deletion


_SYNTAX_KEYS = {"separator": "inline", "reversed_separator": "inline_reversed",
                "multiline_separator": "multiline",
                "multiline_reversed_separator": "multiline_reversed"}
_CLOZE_MARKS = {"highlight": "highlight_clozes", "bold": "bold_clozes"}


def card_syntax(data: object) -> tuple[CardSyntax | None, list[str]]:
    """The `flashcards:` settings (of config.yaml or a note's front matter), and what in them
    is not understood, one message per key."""
    if data is None:
        return None, []
    if not isinstance(data, dict):
        return None, [f"must be a mapping (keys: {', '.join([*_SYNTAX_KEYS, 'clozes'])})"]
    settings: dict[str, object] = {}
    problems = []
    for key, value in data.items():
        if key in _SYNTAX_KEYS and isinstance(value, str) and value.strip():
            settings[_SYNTAX_KEYS[key]] = value.strip()
        elif key == "clozes" and isinstance(value, list) \
                and all(mark in _CLOZE_MARKS for mark in value):
            settings.update({field: name in value for name, field in _CLOZE_MARKS.items()})
        else:
            problems.append(f"{key}: not understood (separators are text; clozes is a list of "
                            "highlight, bold)")
    return CardSyntax(**settings), problems  # type: ignore[arg-type]


@dataclass(frozen=True)
class FrontMatter:
    """File-level settings from a note's YAML front matter."""

    title: str | None = None
    topic: str | None = None
    tags: tuple[str, ...] = ()
    dialect: str | None = None
    card_syntax: CardSyntax | None = None  # `flashcards:` settings, when the note gives them


@dataclass(frozen=True)
class Card:
    """One flashcard of the intermediate."""

    id: str
    question: str
    answer: str
    difficulty: str | None
    tags: tuple[str, ...]
    source: SourceRef
    summary: str | None = None
    merged: tuple[SourceRef, ...] = ()  # other places that asked the same question
    kind: str = "basic"
    reviews: tuple[Review, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """A question that did not become a card, and why."""

    question: str
    reason: str  # unanswered | duplicate | empty | id-collision | unparsable
    source: SourceRef
    detail: str | None = None
    merged_into: str | None = None
    topic: str | None = None  # the topic it would belong to, for "open questions" lists


@dataclass(frozen=True)
class Topic:
    """A group of cards: one Anki subdeck, one handout."""

    slug: str
    title: str
    cards: tuple[Card, ...]


@dataclass(frozen=True)
class Pack:
    """The whole intermediate: what output/notes.yaml holds."""

    title: str
    topics: tuple[Topic, ...]
    skipped: tuple[Skipped, ...] = ()
    schema_version: int = SCHEMA_VERSION

    @property
    def cards(self) -> tuple[Card, ...]:
        """Every card, in topic order."""
        return tuple(card for topic in self.topics for card in topic.cards)


@dataclass(frozen=True)
class SectionRead:
    """Which reader read a run of sections in a file that mixes shapes, and how sure it was."""

    line: int  # where the run starts
    dialect: str
    confidence: float


@dataclass(frozen=True)
class Document:
    """What the readers made of one file.

    A file that mixes shapes has dialect "mixed" and one SectionRead per run of sections.
    """

    path: str
    dialect: str
    confidence: float
    items: tuple[RawItem, ...] = ()
    front_matter: FrontMatter = field(default_factory=FrontMatter)
    diagnostics: tuple[Diagnostic, ...] = ()
    sections: tuple[SectionRead, ...] = ()
    lecture: int = 0  # paragraphs around the author's own cards: notes, not cards
