"""Reads nested-bullet notes: a top-level bullet asks (or names a term), its sub-bullets answer."""

from __future__ import annotations

from studypack.errors import Diagnostic
from studypack.model import RawItem
from studypack.readers.common import (
    BULLET,
    Line,
    block_text,
    heading,
    is_non_question_title,
    is_question_like,
    looks_like_link,
)


def detect(lines: list[Line]) -> int:
    """Evidence: top-level bullets that carry sub-bullets or read as questions."""
    evidence = 0
    below: Line | None = None  # the nearest non-blank line under this one
    for line in reversed(lines):
        match = None if line.in_code else BULLET.match(line.text)
        if match and line.indent <= 3 and not looks_like_link(match.group(3)):
            has_children = below is not None and below.indent > line.indent
            if has_children or is_question_like(match.group(3)):
                evidence += 1
        if not line.blank:
            below = line
    return evidence


def read(lines: list[Line], path: str) -> tuple[list[RawItem], list[Diagnostic]]:
    """Every top-level bullet that asks something or explains a term, with its sub-bullets."""
    items: list[RawItem] = []
    section: list[tuple[int, str]] = []
    current: tuple[Line, str] | None = None  # the open bullet and its text
    body: list[Line] = []

    def close() -> None:
        nonlocal current, body
        if current is not None:
            items.extend(_item(current, body, section))
        current, body = None, []

    for line in lines:
        title = heading(line)
        if title:
            close()
            level, text = title
            section[:] = [entry for entry in section if entry[0] < level] + [(level, text)]
            continue
        match = None if line.in_code else BULLET.match(line.text)
        if current is not None and (line.blank or line.indent > current[0].indent):
            body.append(line)
        elif match:
            close()
            current = (line, match.group(3).strip())
        elif not line.blank:
            close()  # prose between lists is not part of any card
    close()
    return items, []


def _item(current: tuple[Line, str], body: list[Line],
          section: list[tuple[int, str]]) -> list[RawItem]:
    line, text = current
    answer = block_text(body)
    if looks_like_link(text) or is_non_question_title(text):
        return []
    if not answer and not is_question_like(text):
        return []  # a one-line remark, not a question
    return [RawItem(text, answer, line.number, tuple(title for _, title in section))]
