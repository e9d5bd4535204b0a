"""What the cheat sheet prints of each card, as Markdown: its question and key line, and the
formulas of the panel.

Kept apart from the PDF writer so that a build can tell, without loading WeasyPrint, whether
an edit changed anything the sheet shows: a new detail deep in an answer does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studypack import cloze, formulas
from studypack.model import Card, Pack

_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


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
    """The card's key point: its summary, else the answer's first sentence, cut at a word."""
    if card.summary:
        return card.summary
    if not card.answer.strip():
        return ""  # a cloze with no extra text: its question says it all
    paragraphs = card.answer.strip().split("\n\n")
    # A merged card's answer opens with its first source's label.
    text = paragraphs[1] if card.merged and len(paragraphs) > 1 else paragraphs[0]
    text = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", text.split("\n- ")[0])
    text = re.sub(r"```.*", "", text, flags=re.S).replace("\n", " ").strip()
    spans = [(a, b) for a, b, _, _ in formulas.find(text)]
    end = next((m.start() for m in _SENTENCE_END.finditer(text)
                if not any(a < m.start() < b for a, b in spans)), len(text))
    text = text[:end]
    if len(text) <= limit:
        return text
    def inside(index: int) -> bool:
        return any(a < index < b for a, b in spans)

    # The last space outside a formula, or the end of a formula, within the limit.
    cuts = [i for i in range(limit) if text[i] == " " and not inside(i)]
    cuts += [b for _, b in spans if b <= limit]
    cut = max(cuts, default=next((a for a, b in spans if a < limit < b), limit))
    return text[:cut].rstrip(" ,;:") + " …"


def _is_equation(tex: str) -> bool:
    # Inline symbols such as $W$ or $3 \times 3$ would only crowd the panel.
    return bool(re.search(r"=|\\(frac|sum|prod|int|log|exp)\b", tex))


def _plain(markdown_text: str, limit: int = 60) -> str:
    text = " ".join(re.sub(r"[*_`#]|\$[^$]*\$", "", markdown_text.split("\n\n")[-1]).split())
    return text if len(text) <= limit else text[: text.rfind(" ", 0, limit)] + " …"
