"""Finds questions no reader took, so a shape the readers miss is reported, never lost silently.

A line counts when it ends with a question mark of any script, reads as a question and appears
in no item the readers returned (as a question or inside an answer).
"""

from __future__ import annotations

import re

from studypack.model import RawItem
from studypack.readers.common import (
    QUESTION_MARKS,
    Line,
    ends_with_question_mark,
    is_question_like,
    question_marks_in,
)

# What may open a line before its words: quotes, heading marks, list markers, callout types,
# question labels, difficulty markers; taken off one after another.
_PREFIX = re.compile(r"^\s*(?:>|#{1,6}\s|[-*+]\s|\d{1,3}[.)]\s|[a-z][.)]\s|\[![\w-]+\][-+]?"
                     r"|Q(?:uestion)?\s*\d*\s*[:.]|\[(?:E|M|H|easy|medium|hard)\])", re.I)
_INLINE = re.compile(r"<[^>]+>|\*\*|__|`")


def unread(lines: list[Line], items: list[RawItem] | tuple[RawItem, ...]) -> list[tuple[int, str]]:
    """(line number, text) of every question-looking line that no item holds."""
    # A line without a question mark cannot end with one once its markup is gone: skip it.
    # Most files use only `?`: a substring test is far cheaper than a search per line.
    marks = question_marks_in("\n".join(line.text for line in lines))
    if not marks:
        return []

    first, others = marks[0], marks[1:]

    def marked(text: str) -> bool:
        return first in text or (bool(others) and any(mark in text for mark in others))

    asking = [line for line in lines if not line.in_code and marked(line.text)]
    if not asking:
        return []
    held = {_core(part) for item in items for text in (item.stem, item.question, item.answer)
            for part in text.split("\n") if marked(part)}
    found = []
    for line in asking:
        core = _core(line.text)
        if core[-1:] in QUESTION_MARKS and ends_with_question_mark(core) and _long_enough(core) \
                and core not in held \
                and is_question_like(core):
            found.append((line.number, core))
    return found


def _core(text: str) -> str:
    """The words of a line without list, heading, quote, bold, label or HTML markup."""
    text = _INLINE.sub("", text).strip().strip("*_")  # an italic line: *Question: ...?*
    while (prefix := _PREFIX.match(text)) and prefix.end():
        text = text[prefix.end():]
    return " ".join(text.split())


def _long_enough(core: str) -> bool:
    """Three words, or six characters of a script written without spaces."""
    return len(core.split()) >= 3 or (len(core) >= 6 and not core.isascii())
