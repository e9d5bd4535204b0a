"""What the cheat sheet prints of each card, as Markdown: its question and key line, and the
formulas of the panel.

Kept apart from the PDF writer so that a build can tell, without loading WeasyPrint, whether
an edit changed anything the sheet shows: a new detail deep in an answer does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studypack import cloze, formulas, keyline
from studypack.model import Card, Pack


@dataclass(frozen=True)
class Item:
    """One card's box."""

    card: Card  # where its images are looked up and its problems are reported
    question: str
    key: str
    difficulty: str | None


@dataclass(frozen=True)
class Formula:
    """One entry of the formula panel: the first card to show it names it."""

    card: Card
    tex: str
    label: str


@dataclass(frozen=True)
class Sheet:
    """Every box by topic, and the panel."""

    topics: tuple[tuple[str, tuple[Item, ...]], ...]
    panel: tuple[Formula, ...]


def sheet(pack: Pack, summary_length: int) -> Sheet:
    """What the cheat sheet of this pack shows."""
    topics = []
    panel: dict[str, Formula] = {}
    for topic in pack.topics:
        items = []
        for card in topic.cards:
            question = cloze.fill(card.question) if card.kind == "cloze" else card.question
            items.append(Item(card, question, key_line(card, summary_length), card.difficulty))
            for _, _, tex, display in formulas.find(card.answer):
                if (display or _is_equation(tex)) and tex not in panel:
                    panel[tex] = Formula(card, tex, _plain(cloze.plain(card.question)))
        topics.append((topic.title, tuple(items)))
    return Sheet(tuple(topics), tuple(panel.values()))


def key_line(card: Card, limit: int) -> str:
    """The card's key point: its summary, else what the answer's structure says first."""
    if card.summary:
        return card.summary
    question = cloze.plain(card.question)
    return keyline.with_subject(keyline.key_line(card.answer, limit), question, limit)


def _is_equation(tex: str) -> bool:
    # Inline symbols such as $W$ or $3 \times 3$ would only crowd the panel.
    return bool(re.search(r"=|\\(frac|sum|prod|int|log|exp)\b", tex))


def _plain(markdown_text: str, limit: int = 60) -> str:
    text = " ".join(re.sub(r"[*_`#]|\$[^$]*\$", "", markdown_text.split("\n\n")[-1]).split())
    return text if len(text) <= limit else text[: text.rfind(" ", 0, limit)] + " …"
