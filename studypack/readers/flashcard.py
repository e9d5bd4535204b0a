"""Reads the cards note apps mark themselves, as Obsidian's spaced-repetition plugin does:
`Front::Back` on one line (`Front:::Back` reversed), a front and a back split by a line holding
only `?` (`??` reversed), and paragraphs with cloze deletions (`==highlight==`, `{{c1::…}}`).

Other separators (`;;` and `;;;`) are found when a file uses them consistently, or set in the
note's front matter (`flashcards:`). Cards may sit in list and task items. A review comment
(`<!--SR:!2026-12-30,30,270-->`) after a card is its review state, never card text. Everything
else in such a file is lecture text, not cards.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from studypack import cloze
from studypack.errors import Diagnostic
from studypack.model import CardSyntax, RawItem, Review
from studypack.readers.common import (
    BULLET,
    NUMBERED,
    Line,
    block_text,
    heading,
    section_trails,
)
from studypack.sources import REVIEW_COMMENT

_CODE_SPAN = re.compile(r"`+[^`]*`+")
_TAGS_ONLY = re.compile(r"^\s*(?:#[\w/-]+\s*)+$")
_TASK_BOX = re.compile(r"^\[[ xX]\]\s+")
_QUALIFIED = re.compile(r"^\s*[a-z_]\w*$")  # the `std` of a bare `std::vector`: not a card
_SCHEDULE = re.compile(r"!?(\d{4}-\d{2}-\d{2}),(\d+),(\d+)")
_DECK_TAG = re.compile(r"(?<![\w/])#flashcards(?:/(?P<deck>[\w/-]+))?")
_MIN_ALTERNATIVE = 2  # lines using `;;` before a file counts as using it as its separator
# Dataview-style inline fields (`source:: ...`) use the same separator for metadata.
_FIELDS = frozenset(
    "tags tag aliases alias source sources author created updated modified date status type "
    "category related up links link url topic course collapsed id".split()
)
_PROPERTY_KEY = re.compile(r"^[a-z]+(?:-[a-z]+)+$")  # Logseq's `card-last-interval::`
_DEFAULT = CardSyntax()
_ALTERNATIVE = CardSyntax(inline=";;", inline_reversed=";;;")


def detect(lines: list[Line], given: CardSyntax | None = None) -> int:
    """Evidence: marked cards (each a strong signal), in the `given` syntax if any.

    Highlights count as deletions only in a file that marks cards some other way too, or
    carries the plugin's `#flashcards` tag: elsewhere they are emphasis.
    """
    text = "\n".join(line.text for line in lines)  # one search spares most files every look
    syntax = syntax_of(lines, given)
    separators = {syntax.multiline, syntax.multiline_reversed}
    evidence = 0
    if syntax.inline in text:
        evidence += sum(1 for line in lines
                        if syntax.inline in line.text and _inline(line, syntax) is not None)
    if _separator_line(syntax).search(text):
        widest = max(map(len, separators))
        evidence += sum(1 for index in range(1, len(lines))
                        if len(lines[index].text) <= widest + 8
                        and _separates(lines, index, separators))
    if "{{c" in text:
        evidence += sum(1 for line in _outside_note_blocks(lines) if not line.in_code
                        and "{{c" in line.text and cloze.CLOZE.search(line.text))
    if "==" in text and (evidence or "#flashcards" in text):
        evidence += sum(1 for line in lines if "==" in line.text and not line.in_code
                        and cloze.has_highlight(line.text))
    return 2 * evidence


def _outside_note_blocks(lines: list[Line]) -> list[Line]:
    """The lines outside Obsidian_to_Anki's START … END blocks, whose clozes are their own."""
    kept: list[Line] = []
    inside = False
    for line in lines:
        text = line.text.strip()
        if not line.in_code and text in ("START", "END"):
            inside = text == "START"
        elif not inside:
            kept.append(line)
    return kept


def syntax_of(lines: list[Line], given: CardSyntax | None) -> CardSyntax:
    """The file's own settings, or `;;` when it uses that and never `::`, or the defaults."""
    if given is not None:
        return given
    default = _DEFAULT
    if any(_inline(line, default) for line in lines if "::" in line.text):
        return default
    uses = sum(1 for line in lines if ";;" in line.text and _inline(line, _ALTERNATIVE))
    return _ALTERNATIVE if uses >= _MIN_ALTERNATIVE else default


def read(lines: list[Line], path: str,
         syntax: CardSyntax | None = None) -> tuple[list[RawItem], list[Diagnostic]]:
    """A card per marked card and per cloze paragraph; other text is not a card."""
    syntax = syntax_of(lines, syntax)
    separators = {syntax.multiline, syntax.multiline_reversed}
    found: list[tuple[int, int, RawItem]] = []  # (first index, last index, item)
    diagnostics: list[Diagnostic] = []
    trails = section_trails(lines)
    used = -1  # index of the last line that belongs to a card
    for index, line in enumerate(lines):
        if index <= used or heading(line):
            continue
        card = _inline(line, syntax)
        if card is not None:
            front, back, reversed_ = card
            end = index + 1
            while end < len(lines) and REVIEW_COMMENT.fullmatch(lines[end].text.strip()):
                back += " " + lines[end].text.strip()  # its review state, read in _finish
                end += 1
            found.append((index, end - 1, RawItem(front, back, line.number, trails[index],
                                                  kind="reversed" if reversed_ else "basic")))
            used = end - 1
        elif _separates(lines, index, separators):
            start = _front_start(lines, index, used)
            end = _back_end(lines, index + 1)
            front = [entry for entry in lines[start:index] if not _TAGS_ONLY.match(entry.text)]
            if front:
                kind = "reversed" if line.text.strip() == syntax.multiline_reversed else "basic"
                found.append((start, end - 1, RawItem(
                    block_text(front), block_text(lines[index + 1:end]), front[0].number,
                    trails[index], kind=kind)))
            else:
                diagnostics.append(Diagnostic(path, line.number, "warning",
                                              f"card separator '{line.text.strip()}' with no "
                                              "front above it"))
            used = end - 1
    found += _cloze_paragraphs(lines, found, syntax, trails)
    found.sort(key=lambda entry: entry[0])
    tags = _deck_tags(lines)
    items = [_finish(item, tags) for _, _, item in found]
    return items, diagnostics


def _finish(item: RawItem, deck: tuple[str, ...]) -> RawItem:
    """The card without review comments (kept as its reviews) and with its deck tags."""
    text = f"{item.question}\n{item.answer}"
    reviews = tuple(Review(*match.groups()[:1], int(match.group(2)), int(match.group(3)))
                    for comment in REVIEW_COMMENT.findall(text)
                    for match in _SCHEDULE.finditer(comment))
    question, answer = (REVIEW_COMMENT.sub("", part).strip()
                        for part in (item.question, item.answer))
    if item.kind != "cloze":  # a highlight in a card that is not a cloze is emphasis
        question, answer = (cloze.highlighted(part) for part in (question, answer))
    wanted = len(cloze.numbers(question)) if item.kind == "cloze" \
        else 2 if item.kind == "reversed" else 1
    return replace(item, question=question, answer=answer, reviews=reviews[-wanted:],
                   tags=(*item.tags, *(f"flashcards/{name}" for name in deck)))


def _cloze_paragraphs(lines: list[Line], cards: list[tuple[int, int, RawItem]],
                      syntax: CardSyntax, trails: list[tuple[str, ...]]
                      ) -> list[tuple[int, int, RawItem]]:
    """Paragraphs outside the other cards that hold deletions: one cloze card each."""
    taken = {index for start, end, _ in cards for index in range(start, end + 1)}
    found = []
    for start, end in _paragraphs(lines):
        if any(index in taken for index in range(start, end)):
            continue
        text = block_text(lines[start:end])
        marked = cloze.from_marks(text, highlight=syntax.highlight_clozes,
                                  bold=syntax.bold_clozes)
        if not cloze.numbers(marked):
            continue
        if end - start == 1 or all(REVIEW_COMMENT.fullmatch(line.text.strip())
                                   for line in lines[start + 1:end]):
            marked = _unlisted(marked)
        found.append((start, end - 1, RawItem(marked, "", lines[start].number, trails[start],
                                              kind="cloze")))
    return found


def _paragraphs(lines: list[Line]) -> list[tuple[int, int]]:
    """[start, end) of each run of text lines outside code and headings."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for index, line in enumerate([*lines, None]):
        ends = line is None or line.blank or line.in_code or heading(line) is not None
        if ends and start is not None:
            runs.append((start, index))
            start = None
        elif not ends and start is None:
            start = index
    return runs


def _inline(line: Line, syntax: CardSyntax) -> tuple[str, str, bool] | None:
    """(front, back, reversed) of a one-line card."""
    separator = syntax.inline
    if separator not in line.text or line.in_code or heading(line):
        return None
    text = _CODE_SPAN.sub(lambda m: "\0" * len(m.group()), line.text)
    text = REVIEW_COMMENT.sub(lambda m: "\0" * len(m.group()), text)
    text = cloze.CLOZE.sub(lambda m: "\0" * len(m.group()), text)
    match = _separator(syntax).search(text)
    if match is None:
        return None
    before, after = line.text[: match.start()], line.text[match.end():]
    if _QUALIFIED.match(before) and after[:1].isidentifier():
        return None
    item = BULLET.match(before) or NUMBERED.match(before)
    front = _TASK_BOX.sub("", (item.group(3) if item else before).strip())
    if not front or front.lower() in _FIELDS or _PROPERTY_KEY.match(front):
        return None
    return front, after.strip(), match.group() == syntax.inline_reversed


@lru_cache(maxsize=16)
def _separator_line(syntax: CardSyntax) -> re.Pattern[str]:
    """A line holding only a multi-line card's separator."""
    marks = sorted({syntax.multiline, syntax.multiline_reversed}, key=len, reverse=True)
    return re.compile(f"^[ \\t]*(?:{'|'.join(map(re.escape, marks))})[ \\t]*$", re.M)


@lru_cache(maxsize=16)
def _separator(syntax: CardSyntax) -> re.Pattern[str]:
    """The inline separators, the longer first, not part of a longer run of the same mark."""
    marks = sorted({syntax.inline, syntax.inline_reversed}, key=len, reverse=True)
    edge = re.escape(syntax.inline[0])
    return re.compile(f"(?<!{edge})(?:{'|'.join(map(re.escape, marks))})(?!{edge})")


def _separates(lines: list[Line], index: int, separators: set[str]) -> bool:
    """True for a line holding only a separator (`?`, `??`) right under some text."""
    line = lines[index]
    return (not line.in_code and line.text.strip() in separators and index > 0
            and not lines[index - 1].blank)


def _front_start(lines: list[Line], index: int, used: int) -> int:
    """Where the front above a separator starts: after a blank line, a heading or a card."""
    start = index
    while start - 1 > used and not lines[start - 1].blank and not heading(lines[start - 1]):
        start -= 1
    return start


def _back_end(lines: list[Line], start: int) -> int:
    """The index after a card's back: the next blank line outside code, or a heading."""
    end = start
    while end < len(lines) and (lines[end].in_code or not lines[end].blank) \
            and not heading(lines[end]):
        end += 1
    return end


def _deck_tags(lines: list[Line]) -> tuple[str, ...]:
    """The decks a file's `#flashcards/deck` tags name (a bare `#flashcards` names none)."""
    decks = [match.group("deck") for line in lines
             if not line.in_code and "#flashcards" in line.text
             for match in _DECK_TAG.finditer(line.text) if match.group("deck")]
    return tuple(dict.fromkeys(decks))


def _unlisted(text: str) -> str:
    """A one-line cloze without its list marker or task box."""
    item = BULLET.match(text) or NUMBERED.match(text)
    return _TASK_BOX.sub("", item.group(3)) if item else text

