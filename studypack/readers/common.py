"""Line-level Markdown helpers shared by the readers: fences, headings, indentation, cues."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from functools import cached_property, lru_cache

from studypack.sources import FENCE

HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
BULLET = re.compile(r"^(\s*)([-*+])\s+(.*)$")
NUMBERED = re.compile(r"^(\s*)(\d{1,3})[.)]\s+(.*)$")
DIFFICULTY_MARKER = re.compile(r"^\s*\[(E|M|H|easy|medium|hard)\]", re.I)

# Interrogative and prompting first words, per language (weak cues: a question mark is strong).
_QUESTION_OPENERS = frozenset((
    # English
    "what how why when where which who whom whose is are was were do does did can could "
    "should would will shall may might must explain describe compare contrast define list "
    "name derive write implement give draw compute calculate estimate discuss outline "
    "state prove show suggest design fill sketch differentiate distinguish summarize "
    "summarise tell "
    # Russian, Ukrainian
    "что как почему зачем когда где какой какая какое какие каков чем кто сколько куда "
    "откуда можно объясните опишите перечислите назовите сравните "
    "що як чому навіщо коли де який яка яке які хто скільки чим куди поясніть опишіть "
    # Spanish, Portuguese
    "qué cómo como cuál cuáles cuándo dónde quién quiénes cuánto cuántos "
    "explique explica describa defina "
    "qual quais quando onde quem quanto quantos descreva "
    # French
    "qu'est-ce quel quelle quels quelles comment pourquoi quand où qui combien "
    "expliquez décrivez définissez citez "
    # German
    "was wie warum wieso weshalb wann wo wozu welche welcher welches wer wem wen "
    "erklären erkläre beschreibe beschreiben nenne nennen "
    # Italian
    "che cosa cos'è come perché quale quali quando dove chi quanto spiega descrivi "
    "definisci "
    # Greek
    "τι πώς γιατί πότε πού ποιος ποια ποιο ποιοι ποιες εξηγήστε περιγράψτε"
).split())
# Two-word openers whose first word alone asks nothing ("o", "por", "à").
_OPENER_PAIRS = frozenset({"o que", "por que", "por qué", "para qué", "para que", "à quoi",
                           "a quoi", "a cosa", "a che", "en qué", "em que"})
# Interrogative morphemes in scripts written without spaces between words.
_CJK_CUES = (
    "什么", "甚麼", "為什麼", "为什么", "为何", "如何", "怎么", "怎样", "哪些", "哪个", "是否",
    "有何", "何谓", "区别", "區別", "简述", "說明", "说明", "说说", "说一下", "谈谈", "介绍",
    "解释", "とは", "なぜ", "何", "どう", "どの", "どれ", "いつ", "違い", "ですか", "ますか",
    "무엇", "무슨", "뭔가", "왜", "어떻게", "어떤", "언제", "어디", "누가", "차이", "설명",
    "인가요", "나요", "까요", "ㅂ니까",
)
# Marks that end a question: Latin and Greek `?`, full-width, Arabic, Armenian, Ethiopic.
QUESTION_MARKS = "?？؟;՞፧⸮"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_GREEK = re.compile(r"[\u0370-\u03ff]")
_COMPARISON = re.compile(r"\b(vs\.?|versus)\s", re.I)
# Headings over references, never over questions: their sections are never read as cards.
REFERENCE_TITLES = frozenset(
    "reference|references|resources|links|useful links|further reading|see also|sources|"
    "bibliography|credits|acknowledgements|license|"
    "источники|литература|ссылки|полезные ссылки|список литературы|"
    "джерела|література|посилання|корисні посилання|"
    "referencias|fuentes|bibliografía|enlaces|véase también|"
    "referências|fontes|bibliografia|ligações|veja também|"
    "références|liens|voir aussi|"
    "quellen|literatur|siehe auch|weiterführende links|"
    "riferimenti|fonti|collegamenti|vedi anche|"
    "参考|参考资料|参考文献|参考链接|相关链接|延伸阅读|参考リンク|関連リンク|"
    "참고|참고 자료|참고자료|참고 문헌|출처|"
    "πηγές|βιβλιογραφία|αναφορές|"
    "المراجع|مراجع|المصادر|مصادر".split("|")
)
# Headings and terms that organise notes rather than ask anything.
NON_QUESTION_TITLES = REFERENCE_TITLES | frozenset(
    "table of contents|contents|toc|notes|tip|tips|introduction|overview|summary|index|"
    "interviews|questions|faq|answers|appendix|example|examples|history|background|"
    "conclusion|conclusions|takeaways|key takeaways|prerequisites|next steps|"
    "содержание|оглавление|зміст|índice|sumário|sommaire|table des matières|inhalt|"
    "inhaltsverzeichnis|indice|资料|目录|目錄|目次|목차|περιεχόμενα|المحتويات".split("|")
)
_TITLE_EDGES = re.compile(r"^[\W_\d]+|[\W_]+$")
# Kinds of admonition or callout that hold a question, and words that only label an answer.
QUESTION_KINDS = frozenset({"question", "faq", "help", "quiz", "flashcard", "qa"})
ANSWER_WORDS = frozenset({"answer", "answers", "a", "ans", "back", "solution", "solutions",
                          "explanation"})
_LABEL_FILLER = frozenset(
    "show hide click tap to see view reveal expand here for the me toggle open display".split()
)
_LINK_ONLY = re.compile(
    r"^\s*(?:[-*+]|\d+[.)])?\s*(?:<?https?://\S+>?|\[[^\]]*\]\([^)]*\)|see\s*:?)\s*$", re.I
)


@dataclass(frozen=True)
class Line:
    """One source line with what a reader needs to know about it."""

    number: int  # 1-based
    text: str
    in_code: bool  # inside a fenced code block (fence lines included)
    linked: bool = False  # a heading the file's own table of contents points at

    @property
    def blank(self) -> bool:
        """True for an empty or whitespace-only line."""
        return not self.text.strip()

    @property
    def indent(self) -> int:
        """Leading spaces (tabs were expanded when the file was read)."""
        return len(self.text) - len(self.text.lstrip(" "))

    @cached_property
    def heading(self) -> tuple[int, str] | None:
        """(level, title) when the line is an ATX heading outside code; every reader asks."""
        if self.in_code:
            return None
        match = HEADING.match(self.text)
        return (len(match.group(1)), match.group(2).strip()) if match else None


def split_lines(text: str) -> list[Line]:
    """Number the lines and mark those inside fenced code blocks."""
    lines: list[Line] = []
    fence: str | None = None
    for number, text_line in enumerate(text.split("\n"), 1):
        marker = FENCE.match(text_line)
        if fence is None and marker:
            fence = marker.group(2)
            lines.append(Line(number, text_line, True))
        elif fence is not None:
            lines.append(Line(number, text_line, True))
            if marker and _closes(marker, fence, text_line):
                fence = None
        else:
            lines.append(Line(number, text_line, False))
    return lines


def unclosed_fence(lines: list[Line]) -> int | None:
    """Line number of a code fence that is never closed, if any."""
    fence: tuple[int, str] | None = None
    for line in lines:
        marker = FENCE.match(line.text)
        if not marker:
            continue
        if fence is None:
            fence = (line.number, marker.group(2))
        elif _closes(marker, fence[1], line.text):
            fence = None
    return fence[0] if fence else None


def _closes(marker: re.Match[str], fence: str, text: str) -> bool:
    same_kind = marker.group(2)[0] == fence[0] and len(marker.group(2)) >= len(fence)
    return same_kind and not text[marker.end() :].strip()


def heading(line: Line) -> tuple[int, str] | None:
    """(level, title) when the line is an ATX heading outside code."""
    return line.heading


def section_trails(lines: list[Line]) -> list[tuple[str, ...]]:
    """The headings each line sits under, outermost first (a heading is under itself)."""
    section: list[tuple[int, str]] = []
    trails = []
    for line in lines:
        title = line.heading
        if title:
            section[:] = [entry for entry in section if entry[0] < title[0]] + [title]
        trails.append(tuple(text for _, text in section))
    return trails


def block_text(lines: list[Line]) -> str:
    """The lines as one dedented Markdown string without surrounding blank lines."""
    text = textwrap.dedent("\n".join(line.text for line in lines))
    return text.strip("\n")


@lru_cache(maxsize=65536)  # the readers ask about the same lines while detecting and reading
def plain(text: str) -> str:
    """The text without Markdown emphasis, links and numbering, lower-cased, for cue checks."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`#>]+", " ", text)
    text = re.sub(r"^\s*(\d+(\.\d+)*[.)]?|\[[EMH]\])\s*", "", text.strip(), flags=re.I)
    text = re.sub(r"^\s*\[(E|M|H)\]\s*", "", text, flags=re.I)
    return " ".join(text.split()).lower()


@lru_cache(maxsize=65536)
def is_question_like(text: str) -> bool:
    """True when a line reads as a question: a '?', an interrogative opener or an 'A vs B'."""
    words = plain(text)
    if not words or is_non_question_title(words):
        return False
    if ends_with_question_mark(words):
        return True
    opening = re.split(r"[\s,:;/(]", words.lstrip("¿¡"), maxsplit=2)
    first = re.sub(r"['’]s$", "", opening[0])
    if first in _QUESTION_OPENERS or " ".join(opening[:2]) in _OPENER_PAIRS \
            or _COMPARISON.search(words + " "):
        return True
    return bool(_CJK.search(words)) and any(cue in words for cue in _CJK_CUES)


def ends_with_question_mark(text: str) -> bool:
    """True when the text ends with a question mark of any script.

    An ASCII `;` asks only in Greek, where it is the question mark.
    """
    end = text.rstrip(" .:。")[-1:]
    if not end or end not in QUESTION_MARKS:
        return False
    return end != ";" or bool(_GREEK.search(text))


def question_marks_in(text: str) -> list[str]:
    """The question marks a text holds; `;` only in Greek, where it is the question mark (it
    ends every other line of code and prose elsewhere)."""
    return [mark for mark in QUESTION_MARKS
            if mark in text and (mark != ";" or bool(_GREEK.search(text)))]


def is_reference_title(text: str) -> bool:
    """True for titles such as 'References', 'Источники' or '参考资料'."""
    return _title_words(text) in REFERENCE_TITLES


def follow_ups(body: list[Line], lax: bool) -> list[tuple[int, str]]:
    """(line, question) of each list item when a question's body is nothing but items that ask:
    further questions, not its answer.

    Unless `lax` (a file of unanswered questions), each must end with a question mark: an
    answer's items may open with words that ask ("Can be used for ...").
    """
    asks: list[tuple[int, str]] = []
    for line in body:
        if line.blank:
            continue
        match = None if line.in_code else (BULLET.match(line.text) or NUMBERED.match(line.text))
        text = match.group(3) if match else ""
        if not match or not (is_question_like(text) if lax
                             else ends_with_question_mark(plain(text))):
            return []
        asks.append((line.number, text.strip()))
    return asks


def is_non_question_title(text: str) -> bool:
    """True for titles such as 'References' or 'Table of contents'."""
    return _title_words(text) in NON_QUESTION_TITLES


def _title_words(text: str) -> str:
    """The title's words without the emoji, numbering or punctuation around them."""
    return _TITLE_EDGES.sub("", plain(text))


def is_answer_label(text: str) -> bool:
    """True for 'Answer', 'Show answer' or 'Click to expand': it labels an answer, asks nothing."""
    words = re.findall(r"[a-z]+", plain(text))
    return all(word in ANSWER_WORDS or word in _LABEL_FILLER for word in words)


def is_link_only(markdown: str) -> bool:
    """True when an answer holds nothing but links or bare URLs."""
    lines = [line for line in markdown.split("\n") if line.strip()]
    return bool(lines) and all(_LINK_ONLY.match(line) for line in lines)


def looks_like_link(text: str) -> bool:
    """True when a bullet or heading is just a link or a URL."""
    return bool(_LINK_ONLY.match(text))
