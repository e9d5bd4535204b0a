"""Reads Logseq flashcards: a block tagged `#card` asks, its child blocks answer.

`{{cloze …}}` in a card makes it a cloze card. The block's properties (`card-*::`,
`collapsed::`, `id::`) are never card text; the review state they hold (`card-next-schedule`,
`card-last-interval`, `card-ease-factor`) is the card's review.
"""

from __future__ import annotations

import re
import textwrap

from studypack import cloze
from studypack.errors import Diagnostic
from studypack.model import RawItem, Review
from studypack.readers.common import BULLET, Line, block_text, section_trails

_CARD_TAG = re.compile(r"(?:^|\s)#(?:card|\[\[card\]\])(?=\s|$)", re.I)
_PROPERTY = re.compile(r"^\s*(?:[-*+]\s+)?(?P<key>[\w-]+)::\s?(?P<value>.*)$")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def detect(lines: list[Line]) -> int:
    """Evidence: blocks tagged #card (each a strong signal)."""
    text = "\n".join(line.text for line in lines)
    if "#card" not in text and "#[[card" not in text:
        return 0  # most files: spared the line-by-line look
    return 3 * sum(1 for line in lines if _card(line) is not None)


def read(lines: list[Line], path: str) -> tuple[list[RawItem], list[Diagnostic]]:
    """A card per #card block, its children (without properties) as the answer."""
    items: list[RawItem] = []
    trails = section_trails(lines)
    for index, line in enumerate(lines):
        front = _card(line)
        if front is None:
            continue
        body = _children(lines, index)
        properties = {match.group("key").lower(): match.group("value").strip()
                      for entry in body if (match := _PROPERTY.match(entry.text))}
        answer = _answer([entry for entry in body if not _PROPERTY.match(entry.text)])
        question = cloze.from_marks(front, highlight=False)
        kind = "cloze" if cloze.numbers(question) else "basic"
        items.append(RawItem(question, answer, line.number, trails[index],
                             kind=kind, reviews=_review(properties)))
    return items, []


def _card(line: Line) -> str | None:
    """The front of a block tagged #card, without its bullet and tag."""
    if line.in_code or "#" not in line.text:
        return None
    item = BULLET.match(line.text)
    if item is None or not _CARD_TAG.search(item.group(3)):
        return None
    return _CARD_TAG.sub(" ", item.group(3)).strip()


def _children(lines: list[Line], index: int) -> list[Line]:
    """The lines indented under a block, up to the next block at its level or above."""
    indent = lines[index].indent
    end = index + 1
    while end < len(lines) and (lines[end].blank or lines[end].indent > indent):
        end += 1
    return lines[index + 1:end]


def _answer(children: list[Line]) -> str:
    """The child blocks as Markdown: one child as its own text, several as a list."""
    text = block_text(children)
    first, *rest = text.split("\n")
    bullet = BULLET.match(first)
    if bullet is None or any(BULLET.match(line) and not line.startswith(" ") for line in rest):
        return text
    # One child block: its text, continuation lines dedented by the bullet's width.
    return textwrap.dedent("\n".join(["  " + bullet.group(3), *rest])).strip()


def _review(properties: dict[str, str]) -> tuple[Review, ...]:
    """The review Logseq's scheduler left in a card's properties, if it has been reviewed."""
    due = _DATE.search(properties.get("card-next-schedule", ""))
    try:
        interval = round(float(properties["card-last-interval"]))
        ease = round(float(properties["card-ease-factor"]) * 100)
    except (KeyError, ValueError):
        return ()
    return (Review(due.group(), interval, ease),) if due else ()
