"""Reads mkdocs-material question admonitions: `!!! Question` with Question/Answer tabs."""

from __future__ import annotations

import re

from studypack.errors import Diagnostic
from studypack.model import RawItem
from studypack.readers.common import (
    ANSWER_WORDS,
    HEADING,
    QUESTION_KINDS,
    Line,
    block_text,
    heading,
)

_OPEN = re.compile(r'^(\s*)(?:!!!|\?\?\?\+?)\s*(\w[\w-]*)(?:\s+"([^"]*)")?\s*$')
_TAB = re.compile(r'^(\s*)===\+?\s*"([^"]*)"\s*$')
FRONT_TABS = frozenset({"question", "q", "front", "prompt", "problem"})


def detect(lines: list[Line]) -> int:
    """Evidence: question-type admonitions (each is a strong signal)."""
    return 3 * sum(1 for line in lines if _opens_question(line))


def read(lines: list[Line], path: str) -> tuple[list[RawItem], list[Diagnostic]]:
    """A card per question admonition; text outside the admonitions is not a card."""
    items: list[RawItem] = []
    diagnostics: list[Diagnostic] = []
    section: list[tuple[int, str]] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        title = heading(line)
        if title and line.indent == 0:
            section[:] = [entry for entry in section if entry[0] < title[0]] + [title]
        if not _opens_question(line):
            index += 1
            continue
        match = _OPEN.match(line.text)
        body, index = _indented_block(lines, index + 1, line.indent)
        item = _item(match.group(3) or "", body, line.number, tuple(t for _, t in section))
        if item is None:
            diagnostics.append(Diagnostic(path, line.number, "warning",
                                          "question admonition with no question text"))
            continue
        items.append(item)
        if all(b.blank for b in body) and index < len(lines) and not lines[index].blank:
            diagnostics.append(Diagnostic(path, line.number, "warning",
                                          "nothing is indented under this admonition, so it "
                                          "has no answer; indent its content by 4 spaces"))
    return items, diagnostics


def _opens_question(line: Line) -> bool:
    match = None if line.in_code else _OPEN.match(line.text)
    return bool(match) and match.group(2).lower() in QUESTION_KINDS


def _indented_block(lines: list[Line], start: int, indent: int) -> tuple[list[Line], int]:
    end = start
    while end < len(lines) and (lines[end].blank or lines[end].indent > indent):
        end += 1
    return lines[start:end], end


def _item(title: str, body: list[Line], number: int, section: tuple[str, ...]) -> RawItem | None:
    tabs = _tabs(body)
    front = next((text for name, text in tabs if name in FRONT_TABS), None)
    back = "\n\n".join(text for name, text in tabs if name in ANSWER_WORDS)
    if front is None:
        # `!!! question "Title"` with a plain body: the title asks, the body answers.
        front, back = title, block_text(body)
        if not front.strip():
            front, _, back = back.partition("\n\n")
    front = "\n".join(_unheading(part) for part in front.strip().split("\n"))
    if not front.strip():
        return None
    return RawItem(front.strip(), back.strip(), number, section)


def _tabs(body: list[Line]) -> list[tuple[str, str]]:
    tabs: list[tuple[str, str]] = []
    current: tuple[str, int] | None = None
    content: list[Line] = []
    for line in body:
        match = None if line.in_code else _TAB.match(line.text)
        if match and (current is None or line.indent <= current[1]):
            if current:
                tabs.append((current[0], block_text(content)))
            current, content = (match.group(2).strip().lower(), line.indent), []
        elif current:
            content.append(line)
    if current:
        tabs.append((current[0], block_text(content)))
    return tabs


def _unheading(text: str) -> str:
    match = HEADING.match(text)
    return match.group(2) if match else text
