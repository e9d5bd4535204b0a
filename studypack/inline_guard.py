"""Escapes the few characters that make Python-Markdown's inline parsing quadratic.

Python-Markdown searches from every `[` for its `]` (and from `](` for the closing `)`), and
from every `<` for a `>`, to the end of the paragraph. An unclosed one renders as plain text
anyway, so escaping it changes nothing on the page but keeps a paragraph of thousands of them
linear. Brackets nested deeper than any real link are escaped for the same reason. A few per
paragraph cost nothing and are left alone (an indented code block would show the escapes).
"""

from __future__ import annotations

import re

from studypack.formulas import CODE

MAX_BRACKET_DEPTH = 4  # `[![image](src)](href)` needs 2
ALLOWED_PER_PARAGRAPH = 8
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n")


def escape_unclosed(text: str) -> tuple[str, int]:
    """The text with unclosed `[`, `(` of links and `<` escaped, and how many were escaped."""
    if text.count("[") + text.count("]") + text.count("<") <= ALLOWED_PER_PARAGRAPH:
        return text, 0  # too few to ever escape: most fields, at no cost
    escaped: set[int] = set()
    code = [m.span() for m in CODE.finditer(text)]
    start = 0
    for brk in [*_BLOCK_BREAK.finditer(text), None]:
        end = brk.start() if brk else len(text)
        unclosed = _unclosed_in(text, start, end, code)
        if len(unclosed) > ALLOWED_PER_PARAGRAPH:
            escaped |= unclosed
        start = brk.end() if brk else end
    if not escaped:
        return text, 0
    out = []
    for index, char in enumerate(text):
        if index in escaped:
            out.append("&lt;" if char == "<" else "\\" + char)
        else:
            out.append(char)
    return "".join(out), len(escaped)


def _unclosed_in(text: str, start: int, end: int, code: list[tuple[int, int]]) -> set[int]:
    found: set[int] = set()
    brackets: list[int] = []
    closes_paren = _matches(text, start, end, "(", ")")
    closes_angle = _angle_closed(text, start, end)
    spans = iter(code)
    span = next(spans, None)
    index = start
    while index < end:
        while span is not None and span[1] <= index:
            span = next(spans, None)
        if span is not None and span[0] <= index < span[1]:
            index = span[1]
            continue
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            brackets.append(index)
            if len(brackets) > MAX_BRACKET_DEPTH:
                found.add(index)
        elif char == "]" and brackets:
            opened = brackets.pop()
            if opened in found:
                found.add(index)
            elif index + 1 < end and text[index + 1] == "(":
                # A link target follows: jump over it, or give up the link if it never closes.
                close = closes_paren.get(index + 1)
                if close is None:
                    found.add(opened)
                else:
                    index = close
        elif char == "<" and not closes_angle[index - start]:
            found.add(index)
        index += 1
    found.update(brackets)
    return found


def _matches(text: str, start: int, end: int, opening: str, closing: str) -> dict[int, int]:
    """Where each opening character is closed, nesting counted."""
    stack: list[int] = []
    matched: dict[int, int] = {}
    for index in range(start, end):
        char = text[index]
        if char == opening:
            stack.append(index)
        elif char == closing and stack:
            matched[stack.pop()] = index
    return matched


def _angle_closed(text: str, start: int, end: int) -> list[bool]:
    """For each `<`: is there a `>` before the next `<`?"""
    closed = [False] * (end - start)
    seen_close = False
    for index in range(end - 1, start - 1, -1):
        char = text[index]
        if char == ">":
            seen_close = True
        elif char == "<":
            closed[index - start] = seen_close
            seen_close = False
    return closed
