"""Reads note-app flashcards: `Front::Back` on one line (`:::` too) and multi-line cards whose
front and back are separated by a line holding only `?` (or `??`), ended by a blank line.

This is the syntax of Obsidian's spaced-repetition plugins. A reversible card (`:::`, `??`)
gives one card, front to back; cloze deletions are not questions and are left alone.
"""

from __future__ import annotations

import re

from studypack.errors import Diagnostic
from studypack.model import RawItem
from studypack.readers.common import BULLET, NUMBERED, Line, block_text, heading

_SEPARATOR = frozenset({"?", "??"})
_INLINE = re.compile(r"(?<!:):{2,3}(?!:)")
_CODE_SPAN = re.compile(r"`+[^`]*`+")
_TAGS_ONLY = re.compile(r"^\s*(?:#[\w/-]+\s*)+$")
_QUALIFIED = re.compile(r"^\s*[a-z_]\w*$")  # the `std` of a bare `std::vector`: not a card
# Dataview-style inline fields (`source:: ...`) use the same separator for metadata.
_FIELDS = frozenset(
    "tags tag aliases alias source sources author created updated modified date status type "
    "category related up links link url topic course".split()
)


def detect(lines: list[Line]) -> int:
    """Evidence: one-line cards and `?` separators (each a strong signal)."""
    evidence = 2 * sum(1 for line in lines if _inline(line) is not None)
    return evidence + 2 * sum(1 for index in range(1, len(lines)) if _separates(lines, index))


def read(lines: list[Line], path: str) -> tuple[list[RawItem], list[Diagnostic]]:
    """A card per one-line card and per `?`-separated card; other text is not a card."""
    items: list[RawItem] = []
    diagnostics: list[Diagnostic] = []
    section: list[tuple[int, str]] = []
    used = -1  # index of the last line that belongs to a card
    for index, line in enumerate(lines):
        title = heading(line)
        if title:
            section[:] = [entry for entry in section if entry[0] < title[0]] + [title]
            continue
        trail = tuple(t for _, t in section)
        if index <= used:
            continue
        card = _inline(line)
        if card is not None:
            items.append(RawItem(card[0], card[1], line.number, trail))
            used = index
        elif _separates(lines, index):
            front = _front(lines, index, used)
            end = _back_end(lines, index + 1)
            if front:
                items.append(RawItem(block_text(front), block_text(lines[index + 1:end]),
                                     front[0].number, trail))
            else:
                diagnostics.append(Diagnostic(path, line.number, "warning",
                                              "card separator '?' with no front above it"))
            used = end - 1
    return items, diagnostics


def _inline(line: Line) -> tuple[str, str] | None:
    """(front, back) of a one-line card."""
    if "::" not in line.text or line.in_code or heading(line):
        return None
    text = _CODE_SPAN.sub(lambda m: "\0" * len(m.group()), line.text)
    match = _INLINE.search(text)
    if match is None:
        return None
    before, after = line.text[: match.start()], line.text[match.end():]
    if _QUALIFIED.match(before) and after[:1].isidentifier():
        return None
    item = BULLET.match(before) or NUMBERED.match(before)
    front = (item.group(3) if item else before).strip()
    if not front or front.lower() in _FIELDS:
        return None
    return front, after.strip()


def _separates(lines: list[Line], index: int) -> bool:
    """True for a line holding only `?` or `??` right under some text."""
    line = lines[index]
    return (not line.in_code and line.text.strip() in _SEPARATOR and index > 0
            and not lines[index - 1].blank)


def _front(lines: list[Line], index: int, used: int) -> list[Line]:
    """The lines above a separator, up to a blank line, a heading or the previous card."""
    start = index
    while start - 1 > used and not lines[start - 1].blank and not heading(lines[start - 1]):
        start -= 1
    return [line for line in lines[start:index] if not _TAGS_ONLY.match(line.text)]


def _back_end(lines: list[Line], start: int) -> int:
    """The index after a card's back: the next blank line outside code, or a heading."""
    end = start
    while end < len(lines) and (lines[end].in_code or not lines[end].blank) \
            and not heading(lines[end]):
        end += 1
    return end
