"""Reads Obsidian callouts: `> [!question]- What is X?` with the answer inside the callout,
in a nested `> > [!answer]` callout, or in an answer callout right after it.

A question callout without a title asks with its first paragraph. Foldable markers (`-`, `+`)
are ignored; question callouts nested in other callouts (an "Exercises" example) are read too.
"""

from __future__ import annotations

import re

from studypack.errors import Diagnostic
from studypack.model import RawItem
from studypack.readers.common import (
    ANSWER_WORDS,
    QUESTION_KINDS,
    Line,
    block_text,
    heading,
    is_answer_label,
    split_lines,
)

_QUOTE = re.compile(r"^ {0,3}> ?")
_HEADER = re.compile(r"^ {0,3}>\s*\[!(?P<kind>[\w-]+)\][+-]?\s*(?P<title>.*)$")
_ANY_DEPTH = re.compile(r"^ {0,3}(?:>\s*)+\[!(?P<kind>[\w-]+)\]")
ANSWER_KINDS = ANSWER_WORDS | {"success", "check", "done"}


def detect(lines: list[Line]) -> int:
    """Evidence: question callouts at any depth (each a strong signal)."""
    return 3 * sum(1 for line in lines if _kind(line, _ANY_DEPTH) in QUESTION_KINDS)


def read(lines: list[Line], path: str) -> tuple[list[RawItem], list[Diagnostic]]:
    """A card per question callout; other callouts are read only for questions inside them."""
    items: list[RawItem] = []
    diagnostics: list[Diagnostic] = []
    _read_region(lines, [], items, diagnostics, path)
    return items, diagnostics


def _read_region(lines: list[Line], section: list[tuple[int, str]], items: list[RawItem],
                 diagnostics: list[Diagnostic], path: str) -> None:
    index = 0
    while index < len(lines):
        line = lines[index]
        title = heading(line)
        if title:
            section[:] = [entry for entry in section if entry[0] < title[0]] + [title]
        kind = _kind(line, _HEADER)
        if kind is None:
            index += 1
            continue
        end = _quote_end(lines, index)
        inner = _unquote(lines[index:end])
        if kind not in QUESTION_KINDS:
            group = _HEADER.match(line.text).group("title").strip()
            inner_section = [*section, (7, group)] if group else list(section)
            _read_region(inner[1:], inner_section, items, diagnostics, path)
            index = end
            continue
        question, answer = _split(_HEADER.match(line.text).group("title").strip(), inner[1:])
        if not answer:
            following = _next_callout(lines, end)
            if following is not None and _kind(lines[following], _HEADER) in ANSWER_KINDS:
                end = _quote_end(lines, following)
                answer = _answer(lines[following:end])
        if question:
            items.append(RawItem(question, answer, line.number, tuple(t for _, t in section)))
        else:
            diagnostics.append(Diagnostic(path, line.number, "warning",
                                          "question callout with no question text"))
        index = end


def _kind(line: Line, pattern: re.Pattern[str]) -> str | None:
    match = None if line.in_code else pattern.match(line.text)
    return match.group("kind").lower() if match else None


def _quote_end(lines: list[Line], start: int) -> int:
    """The index after the blockquote that starts at `start` (a new callout starts anew)."""
    end = start + 1
    while end < len(lines) and _QUOTE.match(lines[end].text) and not lines[end].in_code \
            and _kind(lines[end], _HEADER) is None:
        end += 1
    return end


def _next_callout(lines: list[Line], start: int) -> int | None:
    """The index of a callout right after `start`, at most one blank line away."""
    for index in range(start, min(start + 2, len(lines))):
        if not lines[index].blank:
            return index if _QUOTE.match(lines[index].text) else None
    return None


def _unquote(lines: list[Line]) -> list[Line]:
    """The lines with one level of `>` removed, code fences found anew."""
    text = "\n".join(_QUOTE.sub("", line.text, count=1) for line in lines)
    return [Line(line.number, inner.text, inner.in_code)
            for line, inner in zip(lines, split_lines(text), strict=True)]


def _split(title: str, body: list[Line]) -> tuple[str, str]:
    """(question, answer) of a question callout's title and body."""
    nested = next((i for i, line in enumerate(body) if _kind(line, _HEADER) in ANSWER_KINDS),
                  None)
    if nested is None:
        text = block_text(body)
        if title:
            return title, text
        question, _, answer = text.partition("\n\n")
        return question.strip(), answer.strip()
    end = _quote_end(body, nested)
    before = block_text(body[:nested])
    answer = "\n\n".join(part for part in (_answer(body[nested:end]),
                                           block_text(body[end:])) if part)
    question = "\n\n".join(part for part in (title, before) if part)
    return question, answer


def _answer(callout: list[Line]) -> str:
    """An answer callout's text: its title (unless it only says "Answer") and its body."""
    title = _HEADER.match(callout[0].text).group("title").strip()
    body = block_text(_unquote(callout)[1:])
    if is_answer_label(title):
        return body
    return "\n\n".join(part for part in (title, body) if part)
