"""Cloze deletions: Anki's `{{c1::text::hint}}` markup, made from the ways notes write them.

A cloze card's question holds Anki's markup, so the deck hands it to Anki as it is; the printed
outputs and the preview show it filled in and marked, or blanked for self-testing.
"""

from __future__ import annotations

import re

CLOZE = re.compile(r"\{\{c(?P<n>\d{1,3})::(?P<text>.*?)(?:::(?P<hint>[^{}]*?))?\}\}", re.S)
_HIGHLIGHT = re.compile(r"(?<![=\\])==(?=\S)(?P<text>[^=\n]+?)(?<=\S)==(?!=)")
_BOLD = re.compile(r"(?<![*\\])\*\*(?=\S)(?P<text>[^*\n]+?)(?<=\S)\*\*(?!\*)")
_LOGSEQ = re.compile(r"\{\{cloze\s+(?P<text>.*?)\}\}", re.S)


def numbers(text: str) -> tuple[int, ...]:
    """The deletion numbers a cloze text uses, ascending: one Anki card each."""
    return tuple(sorted({int(match.group("n")) for match in CLOZE.finditer(text)}))


def has_highlight(text: str) -> bool:
    """True when the text holds an `==highlight==` (the usual way to mark a deletion)."""
    return bool(_HIGHLIGHT.search(text))


def from_marks(text: str, *, highlight: bool = True, bold: bool = False) -> str:
    """The text with `==highlights==` (and, when asked, `**bold**`) as numbered deletions.

    Numbering continues after any `{{cN::…}}` the text already holds; Logseq's `{{cloze …}}`
    is numbered the same way.
    """
    counter = iter(range(max(numbers(text), default=0) + 1, 1000))

    def deletion(match: re.Match[str]) -> str:
        return f"{{{{c{next(counter)}::{match.group('text').strip()}}}}}"

    text = _LOGSEQ.sub(deletion, text)
    if highlight:
        text = _HIGHLIGHT.sub(deletion, text)
    if bold:
        text = _BOLD.sub(deletion, text)
    return text


def highlighted(text: str) -> str:
    """`==highlights==` as marked text, where they emphasise rather than delete."""
    return _HIGHLIGHT.sub(lambda m: f"<mark>{m.group('text')}</mark>", text)


def fill(text: str) -> str:
    """The deletions shown in place and marked, for reading and printing."""
    return CLOZE.sub(lambda m: f'<span class="cloze">{m.group("text")}</span>', text)


def blank(text: str) -> str:
    """The deletions hidden (their hint shown, if any), for a self-test."""
    return CLOZE.sub(lambda m: f'<span class="cloze-blank">[{m.group("hint") or "…"}]</span>',
                     text)


def plain(text: str) -> str:
    """The deletions as plain text, for titles, search and duplicate checks."""
    return CLOZE.sub(lambda m: m.group("text"), text)
