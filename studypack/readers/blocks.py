"""Parses note lines into CommonMark blocks that keep their source line numbers.

markdown-it-py (already installed with rich) knows what line regexes get wrong: fences, HTML
blocks, lazy continuation lines and table rows. Readers that need the block structure ask here;
one parser instance serves the whole build.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from studypack.readers.common import Line

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


# The row under a table's header: `|---|:--:|`, pipes at the ends optional.
_DELIMITER_ROW = re.compile(r"^[ \t]{0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$",
                            re.M)


@dataclass(frozen=True)
class Table:
    """A pipe table: its header cells and body rows as inline Markdown, with line numbers."""

    line: int  # the header row's line
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (line, cells)


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def tables(lines: list[Line]) -> Iterator[Table]:
    """Every pipe table among the lines, outside code."""
    text = "\n".join(line.text for line in lines)
    if "|" not in text or not _DELIMITER_ROW.search(text):
        return  # no table: spare the parse
    tokens = _parser().parse(text)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type != "table_open":
            index += 1
            continue
        rows: list[tuple[int, list[str]]] = []
        index += 1
        while tokens[index].type != "table_close":
            inner = tokens[index]
            if inner.type == "tr_open":
                rows.append((lines[inner.map[0]].number if inner.map else 0, []))
            elif inner.type == "inline" and rows:
                rows[-1][1].append(inner.content.strip())
            index += 1
        if rows:
            yield Table(rows[0][0], tuple(rows[0][1]),
                        tuple((number, tuple(cells)) for number, cells in rows[1:]))
        index += 1
