"""Reads question tables: a two-column table whose header names questions and answers, or whose
first column asks, gives one card per row; the cells keep their Markdown.
"""

from __future__ import annotations

import re

from studypack.errors import Diagnostic
from studypack.model import RawItem
from studypack.readers import blocks
from studypack.readers.common import Line, is_question_like, plain, section_trails

# Header words that label a column of questions or of answers, in the languages read elsewhere.
_QUESTION_HEADERS = frozenset(
    "question questions q prompt front вопрос вопросы питання pregunta preguntas pergunta "
    "perguntas frage fragen domanda domande 问题 問題 题目 質問 질문 문제 ερώτηση سؤال".split()
)
_ANSWER_HEADERS = frozenset(
    "answer answers a response back ответ ответы відповідь respuesta respuestas resposta "
    "respostas réponse réponses antwort antworten risposta risposte 答案 回答 解答 답 답변 "
    "απάντηση إجابة".split()
)
_BREAKS = re.compile(r"(?:\s*<br\s*/?>\s*){2,}", re.I)
_BREAK = re.compile(r"\s*<br\s*/?>\s*", re.I)


def detect(lines: list[Line]) -> int:
    """Evidence: rows of question tables (strong: a table is the author's own structure)."""
    return 2 * sum(len(table.rows) for table in blocks.tables(lines) if _asks(table))


def read(lines: list[Line], path: str) -> tuple[list[RawItem], list[Diagnostic]]:
    """A card per row of every question table, under the headings above the table."""
    items: list[RawItem] = []
    for table in blocks.tables(lines):
        if not _asks(table):
            continue
        section = next((trail for line, trail in zip(lines, section_trails(lines), strict=True)
                        if line.number == table.line), ())
        rows = table.rows if _labelled(table) else ((table.line, table.header), *table.rows)
        for number, cells in rows:
            question, answer = (*cells, "", "")[:2]
            if plain(question):
                items.append(RawItem(_markdown(question), _markdown(answer), number, section))
    return items, []


def _asks(table: blocks.Table) -> bool:
    """Two columns, headed as questions and answers or with a first column that asks."""
    if len(table.header) != 2 or not table.rows:
        return False
    if _labelled(table):
        return True
    firsts = [cells[0] for _, cells in table.rows if cells]
    return 3 * sum(is_question_like(cell) for cell in firsts) >= 2 * len(firsts)


def _labelled(table: blocks.Table) -> bool:
    first, second = (plain(cell).strip(" :.") for cell in table.header)
    return first in _QUESTION_HEADERS or second in _ANSWER_HEADERS


def _markdown(cell: str) -> str:
    """A cell's inline Markdown as block Markdown: `<br><br>` separates paragraphs."""
    return _BREAK.sub("\n", _BREAKS.sub("\n\n", cell)).strip()
