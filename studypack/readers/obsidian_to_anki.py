"""Reads Obsidian_to_Anki notes: `START`, a note type, its fields, `END`.

The first field follows the note type line (`Front:` or `Text:` may name it); `Back:`,
`Back Extra:` or `Extra:` start the answer. A `Basic (and reversed card)` note is a reversed
card, a `Cloze` note a cloze card whose deletions are Anki's own. `Tags:` lines and the file's
`FILE TAGS:` give tags; the plugin's `<!--ID: …-->` comments are not card text.
"""

from __future__ import annotations

import re

from studypack import cloze
from studypack.errors import Diagnostic
from studypack.model import RawItem
from studypack.readers.common import Line, block_text, section_trails

_START, _END = "START", "END"
_FIELD = re.compile(r"^(?P<name>Front|Text|Back|Back Extra|Extra)\s*:\s?(?P<rest>.*)$", re.I)
_TAGS = re.compile(r"^(?P<before>.*?)\bTags:\s*(?P<tags>.*)$")
_TAG_WORDS = re.compile(r"^(?:[\w:/.-]+(?:\s+[\w:/.-]+)*)?$")
_FILE_TAGS = re.compile(r"^FILE TAGS:\s*(?P<tags>.*)$")
_MAX_TAGS = 8  # more words than this after `Tags:` is a sentence


def detect(lines: list[Line]) -> int:
    """Evidence: START … END blocks (each a strong signal)."""
    if "START" not in "\n".join(line.text for line in lines):
        return 0  # most files: spared the line-by-line look
    return 3 * len(_blocks(lines))


def read(lines: list[Line], path: str) -> tuple[list[RawItem], list[Diagnostic]]:
    """A card per START … END block, under the headings above it."""
    items: list[RawItem] = []
    diagnostics: list[Diagnostic] = []
    file_tags = _file_tags(lines)
    trails = section_trails(lines)
    for start, end in _blocks(lines):
        if end is None:
            diagnostics.append(Diagnostic(path, lines[start].number, "warning",
                                          "START with no END; the block is not read"))
            continue
        item = _item(lines[start + 1:end], lines[start].number, trails[start])
        if item is not None:
            items.append(RawItem(item.question, item.answer, item.line, item.section,
                                 tags=(*file_tags, *item.tags), kind=item.kind))
    return items, diagnostics


def _blocks(lines: list[Line]) -> list[tuple[int, int | None]]:
    """(index of START, index of its END or None) for every block outside code."""
    found: list[tuple[int, int | None]] = []
    open_at: int | None = None
    for index, line in enumerate(lines):
        if line.in_code:
            continue
        text = line.text.strip()
        if text == _START:
            if open_at is not None:
                found.append((open_at, None))
            open_at = index
        elif text == _END and open_at is not None:
            found.append((open_at, index))
            open_at = None
    if open_at is not None:
        found.append((open_at, None))
    return found


def _item(body: list[Line], number: int, section: tuple[str, ...]) -> RawItem | None:
    """The card of one block's lines: its note type, then its fields."""
    lines = [line for line in body if not line.blank or line.in_code]
    if not lines:
        return None
    note_type = lines[0].text.strip().lower()
    fields: dict[str, list[Line]] = {"front": []}
    current = "front"
    tags: list[str] = []
    for line in body[body.index(lines[0]) + 1:]:
        field = None if line.in_code else _FIELD.match(line.text)
        if field:
            name = field.group("name").lower()
            current = "front" if name in ("front", "text") else "back"
            fields.setdefault(current, [])
            line = Line(line.number, field.group("rest"), False)
        tagged = None if line.in_code else _TAGS.match(line.text)
        if tagged and len(tagged.group("tags").split()) <= _MAX_TAGS \
                and _TAG_WORDS.match(tagged.group("tags").strip()):
            tags += tagged.group("tags").split()
            line = Line(line.number, tagged.group("before"), False)
        fields[current].append(line)
    question, answer = block_text(fields["front"]), block_text(fields.get("back", []))
    kind = "cloze" if "cloze" in note_type else "reversed" if "reversed" in note_type \
        else "basic"
    if kind == "cloze" and not cloze.numbers(question):
        kind = "basic"  # no deletion: a question, unanswered unless it has extra text
    return RawItem(question, answer, number, section, tags=tuple(tags), kind=kind)


def _file_tags(lines: list[Line]) -> tuple[str, ...]:
    for line in lines:
        match = None if line.in_code else _FILE_TAGS.match(line.text.strip())
        if match:
            return tuple(match.group("tags").split())
    return ()
