"""Reads labelled and bold Q&A notes: `Q1: ...` or `**What is X?**`, answers in the paragraphs
below, optionally starting with `A:` or `**Answer:**`.

A question is a paragraph, heading or list item labelled `Q:`/`Q3.`/`Question 3:` (or a
numbered prompt label in any language: `Task 3:`, `Задача 5.`, a bold `**3)**`), a paragraph
that is one bold question, or a question-like heading; a heading that is only a label
("Question 3") takes the next paragraph as its question. An `A:`/`Answer:` label answers the
paragraph (or heading) just above it. An answer runs to the next question, heading or thematic
break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from studypack.errors import Diagnostic
from studypack.model import RawItem
from studypack.readers.common import Line, block_text, heading, is_question_like

_EMPHASIS = r"(?:\*\*|__)?"
_ITEM = r"(?:[-*+]\s+)?"  # labels are also written as list items
_Q_LABEL = re.compile(
    rf"^\s*{_ITEM}{_EMPHASIS}(?:Question|Q)(?![a-z])\s*#?\s*(?:(?P<n>\d{{1,3}})\s*)?{_EMPHASIS}"
    rf"(?:(?P<sep>[:.)]|-(?=\s)){_EMPHASIS})?\s*",
    re.I,
)
# Words that label a numbered prompt ("Task 3:", "Задача 5."); only with their number, since
# "Problem:" alone opens ordinary prose.
_PROMPT_WORDS = (
    "task|exercise|problem|question|задача|задание|вопрос|упражнение|завдання|питання|"
    "aufgabe|frage|übung|ejercicio|pregunta|problema|exercice|esercizio|domanda|exercício|"
    "pergunta|questão|问题|题目|练习|習題|問題|문제|질문|연습"
)
# ... or a bold number opening a paragraph: "**3)** The number of active users."
_PROMPT_LABEL = re.compile(
    rf"^\s*{_ITEM}{_EMPHASIS}(?:{_PROMPT_WORDS})\s*#?\s*\d{{1,3}}\s*{_EMPHASIS}"
    rf"(?:(?:[:.)]|-(?=\s)){_EMPHASIS})?\s*"
    r"|^\s{0,3}(\*\*|__)\d{1,3}[.):]?\1\s*",
    re.I,
)
_A_LABEL = re.compile(
    rf"^\s*{_ITEM}{_EMPHASIS}(?:A|Ans|Answer|Solution)\s*\d*\s*{_EMPHASIS}\s*:\s*{_EMPHASIS}\s*"
    rf"|^\s*{_ITEM}(?:\*\*|__)(?:A|Ans|Answer|Solution)(?:\*\*|__)\s*$"
)
_BOLD_LINE = re.compile(r"^\s{0,3}(\*\*|__)(?P<q>(?:(?!\1).)+)\1\s*$")
_BOLD_LEAD = re.compile(r"^\s{0,3}(\*\*|__)(?P<q>(?:(?!\1).)+\?)\1\s+(?P<rest>\S.*)$")
_BREAK = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")
_PLACEHOLDER = re.compile(
    r"^[\s*_([]*(?:to be (?:filled|added|written|done)|tbd|todo|coming soon|\.\.\.|…)[\s*_)\].]*$",
    re.I,
)


@dataclass
class _Question:
    text: str  # "" while a label-only heading waits for its question
    line: int
    section: tuple[str, ...]
    answer: list[Line] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return any(not line.blank for line in self.answer)


def detect(lines: list[Line]) -> int:
    """Evidence: Q labels and A labels (strong), bold one-line questions (weak)."""
    evidence = 0
    for line in lines:
        if line.in_code:
            continue
        title = heading(line)
        text = title[1] if title else line.text
        if _q_label(text) is not None or _A_LABEL.match(text):
            evidence += 2
        elif not title and _bold_question(text):
            evidence += 1
    return evidence


def read(lines: list[Line], path: str) -> tuple[list[RawItem], list[Diagnostic]]:
    """A card per labelled, bold or question heading; unlabelled prose between them is answer."""
    items: list[RawItem] = []
    diagnostics: list[Diagnostic] = []
    section: list[tuple[int, str]] = []
    current: _Question | None = None
    loose: list[Line] = []  # text after a group heading, before any question
    bare_heading: tuple[str, int] | None = None  # a group heading with nothing under it yet

    def close() -> None:
        nonlocal current
        if current is not None:
            answer = block_text(current.answer).lstrip(" ")
            if _PLACEHOLDER.match(answer):
                answer = ""
            items.append(RawItem(current.text, answer, current.line, current.section))
        current = None

    def trail() -> tuple[str, ...]:
        return tuple(title for _, title in section)

    index = 0
    while index < len(lines):
        line = lines[index]
        title = heading(line)
        if title:
            close()
            loose, bare_heading = [], None
            asked = _q_label(title[1])
            if asked is not None or is_question_like(title[1]):
                current = _Question(title[1] if asked is None else asked, line.number, trail())
            else:
                section[:] = [entry for entry in section if entry[0] < title[0]] + [title]
                bare_heading = (title[1], line.number)
            index += 1
            continue
        if line.in_code or line.blank:
            (current.answer if current else loose).append(line)
            index += 1
            continue
        if _BREAK.match(line.text):
            close()
            loose, bare_heading = [], None
            index += 1
            continue
        starts = index == 0 or lines[index - 1].blank or heading(lines[index - 1]) is not None
        answer_label = _A_LABEL.match(line.text)
        if answer_label:
            # The label's width stays as spaces so its continuation lines dedent with it.
            rest = Line(line.number, " " * answer_label.end() + line.text[answer_label.end():],
                        False)
            if current is not None and current.text and not current.answered:
                current.answer.append(rest)
            else:
                asked = _pop_paragraph(current.answer if current else loose)
                close()
                if asked:
                    current = _Question(block_text(asked), asked[0].number, trail(), [rest])
                elif bare_heading:
                    section.pop()  # the heading asks: it is no group
                    current = _Question(bare_heading[0], bare_heading[1], trail(), [rest])
                else:
                    diagnostics.append(Diagnostic(path, line.number, "warning",
                                                  "answer label with no question above it"))
            loose, bare_heading = [], None
            index += 1
            continue
        if current is not None and not current.text and not current.answered:
            run = _paragraph(lines, index)  # the question under a label that stands alone
            current.text, current.line = block_text(run), line.number
            index += len(run)
            continue
        question = _paragraph_question(lines, index, starts) if line.indent <= 3 else None
        if question is not None:
            close()
            text, end, answer = question
            current = _Question(text, line.number, trail(), answer)
            loose, bare_heading = [], None
            index = end
            continue
        (current.answer if current else loose).append(line)
        bare_heading = None
        index += 1
    close()
    return items, diagnostics


def _q_label(text: str) -> str | None:
    """The question after a `Q:`-style label ("" for a label alone); None when unlabelled."""
    match = _Q_LABEL.match(text)
    if not match or not (match.group("sep") or match.group("n")):
        # Numbered prompt labels hold a digit near the start: most lines hold none there.
        match = _PROMPT_LABEL.match(text) if any(map(str.isdigit, text[:40])) else None
        if not match:
            return None
    return re.sub(r"^(\*\*|__)(.+)\1$", r"\2", text[match.end():].strip()).strip()


def _bold_question(text: str) -> str | None:
    """The question of a line that is one bold question."""
    match = _BOLD_LINE.match(text)
    return match.group("q").strip() if match and is_question_like(match.group("q")) else None


def _paragraph(lines: list[Line], start: int) -> list[Line]:
    """The paragraph from `start`, up to a blank line, a heading or a question or answer label."""
    run: list[Line] = []
    for line in lines[start:]:
        if line.blank or line.in_code or heading(line) \
                or (run and (_A_LABEL.match(line.text) or _q_label(line.text) is not None)):
            break
        run.append(line)
    return run


def _paragraph_question(lines: list[Line], index: int,
                        starts: bool) -> tuple[str, int, list[Line]] | None:
    """(question, index after it, answer lines begun on its lines) for a line that asks.

    A `Q:` label asks wherever it is; bold asks only at the start of a paragraph.
    """
    line = lines[index]
    asked = _q_label(line.text)
    if asked is not None:
        rest = _paragraph(lines, index)[1:]
        text = "\n".join(part for part in (asked, block_text(rest)) if part)
        return text, index + 1 + len(rest), []
    if not starts:
        return None
    bold = _bold_question(line.text)
    if bold:
        return bold, index + 1, []
    lead = _BOLD_LEAD.match(line.text)
    if lead and is_question_like(lead.group("q")):
        return lead.group("q").strip(), index + 1, [Line(line.number, lead.group("rest"), False)]
    return None


def _pop_paragraph(lines: list[Line]) -> list[Line]:
    """Remove and return the last paragraph of `lines` (the one an answer label answers)."""
    while lines and lines[-1].blank:
        lines.pop()
    run: list[Line] = []
    while lines and not lines[-1].blank and not lines[-1].in_code:
        run.insert(0, lines.pop())
    return run
