"""Reads plain numbered question lists: `1. What is X?` with the answer indented below, written
as paragraphs between the items, or missing (a self-test list: every question unanswered).

The items are read as an outline without difficulty markers; what this reader adds is the
answer written unindented between two items, which Markdown would otherwise end the list at.
"""

from __future__ import annotations

from studypack.errors import Diagnostic
from studypack.model import RawItem
from studypack.readers import outline
from studypack.readers.common import (
    DIFFICULTY_MARKER,
    NUMBERED,
    Line,
    heading,
    is_question_like,
)


def detect(lines: list[Line]) -> int:
    """Evidence: numbered items that ask, without difficulty markers."""
    evidence = 0
    for line in lines:
        match = None if line.in_code else NUMBERED.match(line.text)
        if match and not DIFFICULTY_MARKER.match(match.group(3)) \
                and is_question_like(match.group(3)):
            evidence += 1
    return evidence


def read(lines: list[Line], path: str) -> tuple[list[RawItem], list[Diagnostic]]:
    """A card per question item, its answer indented or written between the items.

    In a list made mostly of questions every item asks, so a self-test list loses none.
    """
    return outline.read(_indent_answers(lines), path, lists_ask=True)


def _indent_answers(lines: list[Line]) -> list[Line]:
    """Indent unindented prose between two top-level items under the first of them.

    Prose after the last item joins it only when the same list answers that way elsewhere and
    the item has no indented answer, so a closing remark does not become an answer.
    """
    out: list[Line] = []
    owner: int | None = None  # content indent of the open top-level item
    pending: list[Line] = []  # prose after it, not yet known to be an answer
    answered_between = False
    owner_answered = False  # the open item has an indented answer of its own

    def settle(attach: bool) -> None:
        nonlocal pending
        out.extend(_indented(line, owner or 0) if attach else line for line in pending)
        pending = []

    for line in lines:
        item = None if line.in_code else NUMBERED.match(line.text)
        if heading(line):
            settle(answered_between and not owner_answered)
            owner, answered_between = None, False
            out.append(line)
        elif item and line.indent <= 3:
            has_prose = any(not entry.blank for entry in pending)
            settle(owner is not None)
            answered_between = answered_between or has_prose
            owner = len(item.group(1)) + len(item.group(2)) + 2
            owner_answered = False
            out.append(line)
        elif pending or (owner is not None and line.indent == 0 and not line.blank
                         and out and out[-1].blank):
            pending.append(line)  # unindented prose after a blank line: maybe an answer
        else:
            owner_answered = owner_answered or not line.blank
            out.append(line)
    settle(answered_between and not owner_answered)
    return out


def _indented(line: Line, indent: int) -> Line:
    return line if line.blank else Line(line.number, " " * indent + line.text, line.in_code)
