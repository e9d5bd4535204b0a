"""Reads HTML disclosure notes: `<details><summary>Q</summary>answer</details>` blocks.

The question is the summary, or, under a summary that only labels the answer ("Answer",
"Show answer"), the heading, bold line or list item just above the block. Only the Markdown
inside the block is handed over, never its HTML wrapper; an empty block is an unanswered
question.
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass

from studypack.errors import Diagnostic
from studypack.model import RawItem
from studypack.readers.common import (
    Line,
    block_text,
    ends_with_question_mark,
    heading,
    is_answer_label,
    is_non_question_title,
    is_question_like,
    plain,
    split_lines,
)

_OPEN = re.compile(r"^(\s*(?:[-*+]\s+|\d{1,3}[.)]\s+)?)<details\b[^>]*>", re.I)
_OPEN_ANY = re.compile(r"<details\b[^>]*>", re.I)
_CLOSE = re.compile(r"</details\s*>", re.I)
_SUMMARY = re.compile(r"^\s*<summary\b[^>]*>(.*?)</summary\s*>", re.I | re.S)
_WRAPPER = re.compile(r"^\s*(?:</?(?:p|div|blockquote)\b[^>]*>|<br\s*/?>|<hr\s*/?>)\s*$", re.I)
_EDGE_P = re.compile(r"^\s*<p\b[^>]*>|</p>\s*$", re.I)
_CODE = re.compile(r"<code\b[^>]*>(.*?)</code>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_TAGS_ONLY = re.compile(r"^\s*(?:</?(?:details|summary|p|div|br|hr)\b[^>]*>\s*)+$", re.I)
_BULLET = re.compile(r"^\s*[-*+]\s+")
_ENTITY = re.compile(r"&(?!lt;|gt;)#?\w+;")
# A disclosure that hides a hint or an example is neither a question nor an answer; one that
# hides the code or the output below a question answers it.
_NOT_ANSWERS = frozenset({"hint", "hints", "example", "examples", "more"})
_ANSWER_KINDS = frozenset({"code", "output", "result", "proof"})


@dataclass
class _Heading:
    level: int
    title: str
    line: int
    blocks: int = 0  # disclosure blocks under it
    used: bool = False  # it is the question of one of them


def detect(lines: list[Line]) -> int:
    """Evidence: disclosure blocks (each a strong signal)."""
    return 3 * sum(1 for line in lines if not line.in_code and _OPEN.match(line.text))


def read(lines: list[Line], path: str) -> tuple[list[RawItem], list[Diagnostic]]:
    """A card per disclosure block; a question heading with no block keeps the text below."""
    items: list[RawItem] = []
    diagnostics: list[Diagnostic] = []
    trail: list[_Heading] = []
    since: list[Line] = []  # lines since the last heading or block: where a question may be
    body: list[Line] = []  # lines under the current heading

    def close_heading() -> None:
        # A level-1 heading titles the file: its intro text is no answer.
        if trail and not trail[-1].blocks and is_question_like(trail[-1].title) \
                and (trail[-1].level > 1 or ends_with_question_mark(trail[-1].title)):
            items.append(RawItem(trail[-1].title, block_text(body), trail[-1].line,
                                 tuple(h.title for h in trail[:-1])))

    index = 0
    while index < len(lines):
        line = lines[index]
        title = heading(line)
        if title:
            close_heading()
            trail[:] = [h for h in trail if h.level < title[0]] + [_Heading(*title, line.number)]
            since, body = [], []
            index += 1
            continue
        opening = None if line.in_code else _OPEN.match(line.text)
        if not opening:
            if line.in_code or not _TAGS_ONLY.match(line.text):
                since.append(line)
                body.append(line)
            index += 1
            continue
        end, text, closed = _block(lines, index, len(opening.group(1)))
        label, answer = _parts(text)
        if not is_question_like(label) and _holds_questions(answer):
            index = _after_summary(lines, index)  # a folded section: read what it holds
            continue
        if not closed:
            diagnostics.append(Diagnostic(path, line.number, "warning",
                                          "<details> is never closed; it runs to the end of "
                                          "the file"))
        index = end
        if plain(label).strip(" .:!") in _NOT_ANSWERS or is_non_question_title(label):
            continue  # a hint or a folded table of contents: neither question nor answer
        if trail:
            trail[-1].blocks += 1
        item = _item(label, answer, line.number, trail, since)
        if item is None:
            diagnostics.append(Diagnostic(path, line.number, "warning",
                                          "answer block with no question before it"))
        else:
            items.append(item)
        since = []
    close_heading()
    return items, diagnostics


def _block(lines: list[Line], start: int, prefix: int) -> tuple[int, str, bool]:
    """The index after a disclosure block, its text from `<details>` on, and if it closes."""
    depth = 0
    parts: list[str] = []
    for index in range(start, len(lines)):
        line = lines[index]
        parts.append(line.text[prefix:] if index == start else line.text)
        if not line.in_code:
            depth += len(_OPEN_ANY.findall(line.text)) - len(_CLOSE.findall(line.text))
        if depth <= 0:
            return index + 1, "\n".join(parts), True
    return len(lines), "\n".join(parts), False


def _holds_questions(markdown: str) -> bool:
    """True when a block's content has headings or blocks of its own: it folds a section."""
    return any(heading(line) or (not line.in_code and _OPEN.match(line.text))
               for line in split_lines(markdown))


def _after_summary(lines: list[Line], start: int) -> int:
    """The index after a folded section's opening tag and its summary."""
    for index in range(start, min(start + 3, len(lines))):
        if "</summary>" in lines[index].text.lower():
            return index + 1
    return start + 1


def _parts(text: str) -> tuple[str, str]:
    """(summary as one Markdown line, inner Markdown) of a block's text."""
    inner = _OPEN_ANY.sub("", text, count=1)
    closing = list(_CLOSE.finditer(inner))
    if closing:
        inner = inner[: closing[-1].start()]
    summary = _SUMMARY.match(inner)
    if summary is None:
        return "", _answer(inner)
    return _inline(summary.group(1)), _answer(inner[summary.end():])


def _item(label: str, answer: str, number: int, trail: list[_Heading],
          since: list[Line]) -> RawItem | None:
    """The block's card; None when its summary only labels an answer and nothing above asks."""
    section = tuple(h.title for h in trail if not h.used)  # a heading that asked is no group
    if label and not is_answer_label(label) and plain(label).strip(" .:!") not in _ANSWER_KINDS:
        return RawItem(label, answer, number, section)
    asked = _question_above(trail, since)
    if asked is None:
        return None
    question, line, used_heading = asked
    return RawItem(question, answer, line, section[:-1] if used_heading else section)


def _question_above(trail: list[_Heading], since: list[Line]) -> tuple[str, int, bool] | None:
    """(question, line, whether it is the heading) for a block labelled only "Answer"."""
    blocks = _paragraphs(since)
    last = blocks[-1] if blocks else None
    above = trail[-1] if trail and not trail[-1].used \
        and not is_non_question_title(trail[-1].title) else None
    if last and (is_question_like(_BULLET.sub("", last[0].text)) or above is None
                 or not is_question_like(above.title)):
        return block_text(last), last[0].number, False
    if above is None:
        return None
    above.used = True
    context = block_text(since)
    return "\n\n".join(part for part in (above.title, context) if part), above.line, True


def _paragraphs(lines: list[Line]) -> list[list[Line]]:
    """Runs of lines separated by blank lines (a code block stays whole)."""
    runs: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if line.blank and not line.in_code:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(line)
    if current:
        runs.append(current)
    return runs


def _answer(body: str) -> str:
    """The Markdown inside a block: no wrapper tags, dedented, no surrounding blank lines."""
    first, _, rest = body.partition("\n")
    text = "\n".join(part for part in (first.strip(), textwrap.dedent(rest)) if part)
    kept = [("" if not line.in_code and _WRAPPER.match(line.text) else line.text)
            for line in split_lines(text)]
    return _EDGE_P.sub("", "\n".join(kept).strip()).strip()


def _inline(summary: str) -> str:
    """A summary's HTML as one line of Markdown: code spans kept, other tags dropped."""
    text = _CODE.sub(lambda m: f"`{m.group(1)}`", summary)
    text = _ENTITY.sub(lambda m: html.unescape(m.group()), _TAG.sub(" ", text))
    return " ".join(text.split())
