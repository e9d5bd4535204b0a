"""Reads nested-bullet notes: a top-level bullet asks (or names a term), its sub-bullets answer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from studypack.errors import Diagnostic
from studypack.model import RawItem
from studypack.readers.common import (
    BULLET,
    Line,
    block_text,
    follow_ups,
    heading,
    is_non_question_title,
    is_question_like,
    looks_like_link,
)

_MIN_BANK = 3  # bullets a section needs before it can be a question bank


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
    """Every top-level bullet that asks something or explains a term, with its sub-bullets.

    A section whose bullets mostly ask and mostly go unanswered is a question bank: there
    every bullet asks (imperatives too), asking sub-bullets are follow-up questions, and a
    list after a prompt's colon belongs to the prompt.
    """
    entries: list[_Entry] = []
    section: list[tuple[int, str]] = []
    current: tuple[Line, str] | None = None  # the open bullet and its text
    body: list[Line] = []

    def close() -> None:
        nonlocal current, body
        if current is not None:
            entries.append(_Entry(current[0], current[1], body,
                                  tuple(title for _, title in section)))
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
    banks = _question_banks(entries)
    return [item for entry in entries for item in _item(entry, entry.section in banks)], []


@dataclass(frozen=True)
class _Entry:
    line: Line
    text: str
    body: list[Line]
    section: tuple[str, ...]

    @cached_property
    def answer(self) -> str:
        return block_text(self.body)


def _question_banks(entries: list[_Entry]) -> set[tuple[str, ...]]:
    """The sections whose bullets are at least two-thirds questions and two-thirds unanswered."""
    by_section: dict[tuple[str, ...], list[_Entry]] = {}
    for entry in entries:
        by_section.setdefault(entry.section, []).append(entry)
    return {section for section, group in by_section.items()
            if len(group) >= _MIN_BANK
            and 3 * sum(is_question_like(entry.text) for entry in group) >= 2 * len(group)
            and 3 * sum(_bare(entry) for entry in group) >= 2 * len(group)}


def _bare(entry: _Entry) -> bool:
    """True when a bullet has no answer: nothing below it, or only follow-up questions."""
    return not entry.answer or bool(follow_ups(entry.body, lax=False))


def _item(entry: _Entry, bank: bool) -> list[RawItem]:
    line, text, body, titles = entry.line, entry.text, entry.body, entry.section
    answer = entry.answer
    if looks_like_link(text) or is_non_question_title(text):
        return []
    if not answer and not (bank or is_question_like(text)):
        return []  # a one-line remark, not a question
    asked = follow_ups(body, lax=bank)
    if asked and (bank or is_question_like(text)):
        # Sub-bullets that all ask are further questions, not the answer: each its own card.
        return [RawItem(text, "", line.number, titles),
                *(RawItem(ask, "", number, titles) for number, ask in asked)]
    if bank and text.rstrip(" *_").endswith(":") and _only_bullets(body):
        return [RawItem(f"{text}\n\n{answer}", "", line.number, titles)]
    return [RawItem(text, answer, line.number, titles)]


def _only_bullets(body: list[Line]) -> bool:
    return any(not line.blank for line in body) and all(
        line.blank or (not line.in_code and BULLET.match(line.text)) for line in body)
