"""Reads numbered outlines: `1. [E] Question?` items, indented answers, group headers and stems."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from studypack.errors import Diagnostic
from studypack.model import RawItem
from studypack.readers.common import (
    BULLET,
    DIFFICULTY_MARKER,
    NUMBERED,
    Line,
    block_text,
    heading,
    is_question_like,
    plain,
    split_lines,
)

_FIGURE = re.compile(
    r"^\s*(!\[[^\]]*\]\([^)]*\)|</?(center|img|figure|p|div)\b[^>]*>|<br\s*/?>)+\s*$", re.I
)
_SUB_QUESTION = re.compile(r"^\s*(?:\([a-h]\)|[a-h][.)])\s+\S")
_STEM_WORDS = 6  # a parent item this long is a shared stem rather than a group title


@dataclass
class _Node:
    indent: int
    text: str
    line: int
    section: tuple[str, ...]
    body: list[Line] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)

    @property
    def marked(self) -> bool:
        return bool(DIFFICULTY_MARKER.match(self.text))

    @property
    def asks(self) -> bool:
        return self.marked or is_question_like(self.text)


def detect(lines: list[Line]) -> int:
    """Evidence: numbered items with difficulty markers (strong) or question-like numbered items."""
    evidence = 0
    for line in lines:
        match = None if line.in_code else NUMBERED.match(line.text)
        if match:
            evidence += 2 if DIFFICULTY_MARKER.match(match.group(3)) else 0
    return evidence


def read(lines: list[Line], path: str, *,
         lists_ask: bool = False) -> tuple[list[RawItem], list[Diagnostic]]:
    """A card per question item; group headers only group, stems join each sub-question's front.

    With `lists_ask`, every item of a list made mostly of questions asks (a self-test list).
    """
    items: list[RawItem] = []
    _collect_all(_parse(lines), (), "", items, lists_ask)
    return items, []


def _parse(lines: list[Line]) -> list[_Node]:
    roots: list[_Node] = []
    stack: list[_Node] = []
    section: list[tuple[int, str]] = []
    previous_blank = False
    for line in lines:
        title = heading(line)
        if title:
            stack = []
            section[:] = [entry for entry in section if entry[0] < title[0]] + [title]
            previous_blank = False
            continue
        match = None if line.in_code else NUMBERED.match(line.text)
        if match:
            enclosing = next((node for node in reversed(stack) if node.indent < line.indent), None)
            is_answer_text = (
                enclosing is not None
                and enclosing.asks
                and not DIFFICULTY_MARKER.match(match.group(3))
            )
            stack = [node for node in stack if node.indent < line.indent]
            if is_answer_text:
                enclosing.body.append(line)
            else:
                node = _Node(line.indent, match.group(3).strip(), line.number,
                             tuple(t for _, t in section))
                (enclosing.children if enclosing else roots).append(node)
                stack.append(node)
        elif line.blank or line.in_code:
            if stack:
                stack[-1].body.append(line)
        elif line.indent == 0 and previous_blank:
            stack = []  # prose after a blank line ends the outline
        elif stack:
            owners = [node for node in stack if node.indent <= line.indent] or stack[:1]
            stack = stack[: stack.index(owners[-1]) + 1]
            owners[-1].body.append(line)
        previous_blank = line.blank
    return roots


def _collect_all(nodes: list[_Node], section: tuple[str, ...], stem: str,
                 items: list[RawItem], lists_ask: bool) -> None:
    for node in nodes:
        peers = [peer for peer in nodes if peer.section == node.section]
        asking = sum(peer.asks for peer in peers)
        in_question_list = lists_ask and 2 * asking >= len(peers)
        # A plain list none of whose items asks is lecture text (terms with their examples),
        # not questions, in a file whose questions are numbered items that ask.
        lecture = lists_ask and not asking
        _collect(node, section, stem, items, lists_ask, in_question_list, lecture)


def _collect(node: _Node, section: tuple[str, ...], stem: str, items: list[RawItem],
             lists_ask: bool, in_question_list: bool, lecture: bool = False) -> None:
    body = block_text(node.body)
    if node.children and not node.marked:
        words = len(plain(node.text).split())
        if body or node.text.rstrip().endswith(":") or words >= _STEM_WORDS:
            own = "\n\n".join(part for part in (node.text, body) if part)
            child_stem = "\n\n".join(part for part in (stem, own) if part)
            child_section = section
        else:
            child_stem, child_section = stem, (*section, node.text.rstrip(" ."))
        _collect_all(node.children, child_section, child_stem, items, lists_ask)
        return
    if node.asks or (body and not lecture) or (in_question_list and not node.children):
        question, answer = _split_front(node.text, node.body)
        items.append(RawItem(question, answer, node.line, (*node.section, *section), stem))
    _collect_all(node.children, section, stem, items, lists_ask)


def _split_front(text: str, body: list[Line]) -> tuple[str, str]:
    """Move what belongs to the question (its figure, the list after a colon, lettered
    sub-questions) out of the answer."""
    lines = list(body)
    while lines and lines[0].blank:
        lines.pop(0)
    front: list[Line] = []
    if text.rstrip().endswith(":"):
        while lines and not lines[0].blank and (NUMBERED.match(lines[0].text)
                                                or BULLET.match(lines[0].text)):
            front.append(lines.pop(0))
    else:
        while lines and (lines[0].blank or _FIGURE.match(lines[0].text)):
            front.append(lines.pop(0))
        if not any(not line.blank for line in front):
            lines, front = front + lines, []
    shared = _shared_sub_questions(lines)
    front, lines = front + lines[:shared], lines[shared:]
    question = "\n\n".join(part for part in (text, block_text(front)) if part)
    return question, _flatten_continuations(block_text(lines))


def _shared_sub_questions(lines: list[Line]) -> int:
    """How many leading lines are lettered sub-questions (`a)`, `(b)`) sharing the answer below.

    Sub-questions followed by their own deeper-indented answers share nothing: they stay put.
    """
    end = 0
    for index, line in enumerate(lines):
        if line.blank:
            continue
        if not line.in_code and _SUB_QUESTION.match(line.text):
            end = index + 1
            continue
        if end and line.indent > lines[end - 1].indent:
            return 0
        break
    return end


def _flatten_continuations(answer: str) -> str:
    """Outline answers indent to continue, not to quote code: pull such lines back in line.

    A line indented four or more spaces deeper than the prose line above it would otherwise
    become a Markdown code block; here it continues that prose (often as a list).
    """
    out: list[str] = []
    base: int | None = None  # indent of the prose line the deeper lines continue
    for line in split_lines(answer):
        text = line.text
        if line.in_code or line.blank:
            base = None if line.blank else base
        elif base is not None and line.indent >= base + 4:
            text = " " * base + text.lstrip(" ")
        elif not NUMBERED.match(text) and not BULLET.match(text):
            base = line.indent
        out.append(text)
    return "\n".join(out)
