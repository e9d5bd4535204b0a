"""Blanks what is never a card: tables of contents, back-links and reference sections.

A table of contents is a list whose every item is a link into the same file. It is strong
evidence of the file's unit: the headings it points at are the file's questions, so they are
marked `linked`. A back-link ("Back to top", "к оглавлению") is a line holding only links into
the file. A reference section ("References", "Источники", "参考资料") holds links and citations,
never questions. Blanked lines keep their numbers, so every report still names the right line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from urllib.parse import unquote

from studypack.readers.common import Line, ends_with_question_mark, is_reference_title, plain

_MARKDOWN_LINK = r"\[(?P<text>[^\]]*)\]\(#(?P<anchor>[^)\s]*)\)"
_HTML_LINK = r"<a\s[^>]*href=[\"']#(?P<anchor2>[^\"']*)[\"'][^>]*>(?P<text2>.*?)</a>"
_IN_FILE_LINK = re.compile(f"{_MARKDOWN_LINK}|{_HTML_LINK}", re.I)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
# What may sit around the links of a navigation line: emphasis, arrows, separators, wrappers.
_DECORATION = re.compile(
    r"[\s*_|·•,.:;/\\()\[\]⬆⬅➡↑↥←→^]+|</?(?:div|p|span|b|strong|sub|sup)\b[^>]*>", re.I)
_MIN_TOC_ITEMS = 2
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+)$", re.M)  # a quick look, code included


def strip(lines: list[Line], text: str) -> list[Line]:
    """The lines without navigation and reference sections; `text` is the whole file."""
    if any(is_reference_title(match.group(1)) for match in _HEADING.finditer(text)):
        lines = _without_references(lines)
    # Most files have no link into themselves: they are spared the line-by-line look.
    return _without_contents(lines) if "](#" in text or "href=" in text.lower() else lines


def _without_references(lines: list[Line]) -> list[Line]:
    """The lines with the body of every reference section blanked, subsections included.

    A section so titled that holds a question (Git's "References" are a topic) is kept.
    """
    out = list(lines)
    start: int | None = None  # index of the open reference heading
    for index, line in enumerate([*lines, None]):
        title = line.heading if line is not None else (0, "")
        if title and (start is None or title[0] <= lines[start].heading[0]):
            if start is not None and not _asks(lines[start + 1 : index]):
                out[start + 1 : index] = [_blank(inner) for inner in lines[start + 1 : index]]
            start = index if line is not None and is_reference_title(title[1]) else None
    return out


def _asks(lines: list[Line]) -> bool:
    return any(not line.in_code and ("<summary" in line.text
                                     or ends_with_question_mark(plain(line.text)))
               for line in lines)


def _without_contents(lines: list[Line]) -> list[Line]:
    """The lines with contents lists and back-links blanked and the headings they name linked."""
    out = list(lines)
    targets: set[str] = set()
    run: list[int] = []  # indexes of the current list's items, all in-file links so far

    def close_run() -> None:
        if len(run) >= _MIN_TOC_ITEMS:
            for index in run:
                targets.update(_targets(lines[index].text))
                out[index] = _blank(lines[index])
        run.clear()

    for index, line in enumerate(lines):
        if line.in_code:
            close_run()
            continue
        if line.blank:
            continue
        links_only = _links_only(line.text)
        if _LIST_ITEM.match(line.text) and links_only:
            run.append(index)
            continue
        close_run()
        if links_only and not line.heading:
            out[index] = _blank(line)  # a back-link
    close_run()
    if not targets:
        return out
    return [replace(line, linked=True) if line.heading and _names(line.heading[1], targets)
            else line for line in out]


def _links_only(text: str) -> bool:
    """True when the line holds at least one in-file link and nothing else but decoration."""
    body = _LIST_ITEM.sub("", text, count=1)
    rest, found = _IN_FILE_LINK.subn(" ", body)
    return bool(found) and not _DECORATION.sub("", rest)


def _targets(text: str) -> set[str]:
    """The anchors and the link texts of a contents line, normalized for matching."""
    found: set[str] = set()
    for match in _IN_FILE_LINK.finditer(text):
        anchor = match.group("anchor") if match.group("anchor") is not None \
            else match.group("anchor2")
        label = match.group("text") if match.group("text") is not None else match.group("text2")
        found.add(_slug(unquote(anchor)))
        found.add(_slug(label))
    found.discard("")
    return found


def _names(title: str, targets: set[str]) -> bool:
    return _slug(title) in targets or _slug(plain(title)) in targets


def _slug(text: str) -> str:
    """GitHub's heading anchor, loosely: lower case, letters, digits and hyphens."""
    text = unicodedata.normalize("NFKC", text).lower().strip()
    text = "".join(ch for ch in text if ch.isalnum() or ch in " -")
    return re.sub(r"[\s-]+", "-", text).strip("-")


def _blank(line: Line) -> Line:
    return Line(line.number, "", False)
