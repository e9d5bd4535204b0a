"""Reads heading notes: each `###`-style heading (numbered or not) asks, the text below answers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from studypack.errors import Diagnostic
from studypack.model import RawItem
from studypack.readers.common import (
    Line,
    block_text,
    follow_ups,
    heading,
    is_non_question_title,
    is_question_like,
    is_reference_title,
    looks_like_link,
    plain,
)

_MIN_BANK = 3  # question headings a file needs before it can be a question bank


@dataclass
class _Heading:
    level: int
    title: str
    line: int
    linked: bool
    body: list[Line] = field(default_factory=list)
    leaf: bool = True


def detect(lines: list[Line]) -> int:
    """Evidence: headings that read as questions or that the file's contents list points at."""
    return sum(1 for line in lines if (title := heading(line)) and title[0] > 1
               and (line.linked or is_question_like(title[1])))


def read(lines: list[Line], path: str) -> tuple[list[RawItem], list[Diagnostic]]:
    """A card per question-level heading; group headings and reference lists are context only.

    A heading that does not ask, under one that does ("History", "Example"), is a part of
    that question's answer, not a card of its own. In a file of questions mostly left
    unanswered, a list under a question that only asks more is its follow-up questions.
    """
    headings = _absorb(_headings(lines))
    _mark_leaves(headings)
    asking = [h for h in headings if _asking(h)]
    bank = len(asking) >= _MIN_BANK and 3 * sum(
        not block_text(h.body) or bool(follow_ups(h.body, lax=False)) for h in asking
    ) >= 2 * len(asking)
    leaf_levels = Counter(h.level for h in headings if h.leaf and h.level > 1)
    # The level most leaves sit at is where this file asks its questions.
    question_level = min(leaf_levels.most_common(), key=lambda kv: (-kv[1], kv[0]))[0] \
        if leaf_levels else 2
    items: list[RawItem] = []
    trail: list[_Heading] = []
    for h in headings:
        trail = [outer for outer in trail if outer.level < h.level]
        answer = block_text(h.body)
        if _asks(h, answer, question_level):
            section = tuple(outer.title for outer in trail)
            asked = follow_ups(h.body, lax=bank) if _asking(h) else []
            items.append(RawItem(h.title, "" if asked else answer, h.line, section))
            items += [RawItem(text, "", number, section) for number, text in asked]
        trail.append(h)
    return items, []


def _absorb(headings: list[_Heading]) -> list[_Heading]:
    """The headings that stay headings; each non-asking one under an asking one joins its body."""
    kept: list[_Heading] = []
    trail: list[_Heading] = []
    for h in headings:
        trail = [outer for outer in trail if outer.level < h.level]
        owner = next((outer for outer in reversed(trail) if _asking(outer)), None)
        if owner is not None and not _asking(h) and not is_reference_title(h.title):
            owner.body += [Line(h.line, "", False), Line(h.line, f"**{h.title}**", False),
                           *h.body]
            continue
        kept.append(h)
        trail.append(h)
    return kept


def _asking(h: _Heading) -> bool:
    return (h.linked or is_question_like(h.title)) and not is_non_question_title(h.title)


def _asks(h: _Heading, answer: str, question_level: int) -> bool:
    if is_non_question_title(h.title) or looks_like_link(h.title) or not plain(h.title):
        return False
    if h.linked or is_question_like(h.title):
        return h.leaf or bool(answer)
    return h.leaf and h.level >= question_level and h.level > 1


def _headings(lines: list[Line]) -> list[_Heading]:
    found: list[_Heading] = []
    for line in lines:
        title = heading(line)
        if title:
            found.append(_Heading(title[0], title[1], line.number, line.linked))
        elif found:
            found[-1].body.append(line)
    return found


def _mark_leaves(headings: list[_Heading]) -> None:
    """A heading followed by deeper ones (before a sibling) groups them; the others are leaves."""
    for index, h in enumerate(headings):
        following = headings[index + 1] if index + 1 < len(headings) else None
        h.leaf = following is None or following.level <= h.level
