"""Finds note files and turns their bytes into clean text: UTF-8, repaired mojibake, no comments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from studypack.errors import Diagnostic, NoteFileError, SourceError
from studypack.model import CardSyntax, FrontMatter, card_syntax

if TYPE_CHECKING:
    import ftfy

NOTE_SUFFIXES = (".md", ".markdown", ".txt", ".yaml", ".yml")
# Limits that keep a pathological file from taking unbounded time; real notes are far below.
MAX_FILE_BYTES = 5_000_000
MAX_LINE_CHARS = 20_000
MAX_INDENT = 120  # spaces outside code: 30 levels of 4-space nesting
MAX_QUOTE_DEPTH = 30
_QUOTES = re.compile(r"^(?:\s*>)+")



@cache
def _fixer() -> ftfy.TextFixerConfig:
    """Conservative: repair encoding mix-ups only.

    The defaults would also straighten every curly quote and rewrite ligatures in files that
    are perfectly fine. ftfy is loaded on first use: it takes a tenth of a second.
    """
    import ftfy

    return ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )


# A run of characters that Mac-Roman can encode; ftfy leaves some such runs (e.g. an emoji whose
# first byte became U+F8FF, Apple's logo) that decode cleanly as UTF-8 once re-encoded.
_MAC_ROMAN_RUN = re.compile(r"[^\x00-\x7f\s]{2,}")
# A fence may open a list item's content: "- ```python".
FENCE = re.compile(r"^(\s*(?:[-*+]\s+|\d{1,3}[.)]\s+)?)(`{3,}|~{3,})")
REVIEW_COMMENT = re.compile(r"<!--SR:[^>]*?-->")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


@dataclass(frozen=True)
class Source:
    """A note file ready for a reader: clean text whose line numbers match the file."""

    path: Path
    root: Path  # the notes folder it came from; its images resolve under it
    rel: str  # how reports name it: relative to its notes folder
    text: str
    front_matter: FrontMatter
    diagnostics: tuple[Diagnostic, ...] = ()


def discover(paths: list[Path], skip: Path | None = None) -> list[tuple[Path, Path, str]]:
    """(file, root, display path) for every note under the given folders or files, sorted.

    `skip` is a folder never read (the output folder, so a build never reads its own results).
    """
    found: list[tuple[Path, Path, str]] = []
    for given in paths:
        if not given.exists():
            raise SourceError(f"{given}: no such file or folder; create it, or point "
                              "`sources:` in config.yaml (or --source) at your notes")
        if given.is_file():
            found.append((given.resolve(), given.resolve().parent, given.name))
            continue
        root = given.resolve()
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if any(part.startswith(".") for part in relative.parts):
                continue
            if skip is not None and path.is_relative_to(skip):
                continue
            if path.is_file() and path.suffix.lower() in NOTE_SUFFIXES:
                found.append((path, root, relative.as_posix()))
    names = [rel for _, _, rel in found]
    # Two folders may hold the same relative name: prefix those with their folder's name.
    return [
        (path, root, f"{root.name}/{rel}" if names.count(rel) > 1 else rel)
        for path, root, rel in found
    ]


def load(path: Path, root: Path, rel: str) -> Source:
    """Read, decode and clean one note; raises NoteFileError with a one-line reason."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise NoteFileError(rel, None, f"cannot read: {error.strerror}") from None
    if len(data) > MAX_FILE_BYTES:
        raise NoteFileError(rel, None, f"{len(data):,} bytes is over the {MAX_FILE_BYTES:,}-byte "
                            "limit; split it into several files")
    diagnostics: list[Diagnostic] = []
    text = _decode(data, rel, diagnostics)
    text = "\n".join(line.expandtabs(4).rstrip() for line in text.split("\n"))
    _check_limits(text, rel)
    repaired = repair_mojibake(text)
    if repaired != text:
        changed = sum(a != b for a, b in zip(text.split("\n"), repaired.split("\n"), strict=True))
        diagnostics.append(
            Diagnostic(rel, None, "info", f"repaired garbled characters on {changed} line(s)")
        )
    text = blank_html_comments(repaired, rel, diagnostics)
    text, front_matter = _split_front_matter(text, rel, diagnostics)
    return Source(path, root, rel, text, front_matter, tuple(diagnostics))


def _decode(data: bytes, rel: str, diagnostics: list[Diagnostic]) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16").replace("\r\n", "\n").replace("\r", "\n")
    if b"\x00" in data[:8192]:
        raise NoteFileError(rel, None, "binary file, not text")
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise NoteFileError(
                rel, line, f"not UTF-8 (byte 0x{data[error.start]:02x}); save it as UTF-8"
            ) from None
        diagnostics.append(
            Diagnostic(rel, line, "warning", "not UTF-8; read as Windows-1252, save it as UTF-8")
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_limits(text: str, rel: str) -> None:
    fence: str | None = None
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > MAX_LINE_CHARS:
            raise NoteFileError(rel, number, f"line of {len(line):,} characters is over the "
                              f"{MAX_LINE_CHARS:,} limit; break it into shorter lines")
        marker = FENCE.match(line)
        if marker:
            if fence is None:
                fence = marker.group(2)
            elif marker.group(2)[0] == fence[0] and len(marker.group(2)) >= len(fence):
                fence = None
            continue
        if fence is not None:
            continue
        indent = len(line) - len(line.lstrip(" "))
        quotes = _QUOTES.match(line)
        depth = quotes.group().count(">") if quotes else 0
        if indent > MAX_INDENT or depth > MAX_QUOTE_DEPTH:
            raise NoteFileError(rel, number, f"nested too deeply (indented {indent} spaces, "
                              f"{depth} quote levels; the limits are {MAX_INDENT} and "
                              f"{MAX_QUOTE_DEPTH}); flatten it")


def repair_mojibake(text: str) -> str:
    """Undo text that was UTF-8 decoded as Mac-Roman or Windows-1252; leave clean text alone.

    Only lines with a non-ASCII character can hold mojibake, and ftfy repairs line by line, so
    the (usually many) plain ASCII lines skip it.
    """
    if text.isascii():
        return text
    import ftfy

    config = _fixer()
    lines = text.split("\n")
    text = "\n".join(line if line.isascii() else ftfy.fix_text(line, config) for line in lines)
    return _MAC_ROMAN_RUN.sub(_redecode_mac_roman, text)


def _redecode_mac_roman(match: re.Match[str]) -> str:
    run = match.group()
    try:
        fixed = run.encode("mac_roman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return run
    return fixed if len(fixed) < len(run) else run


def blank_html_comments(text: str, rel: str, diagnostics: list[Diagnostic]) -> str:
    """Replace HTML comments outside code with blank lines, so line numbers stay true.

    Review comments of spaced-repetition plugins (`<!--SR:!2026-12-30,30,270-->`) stay.
    """
    lines = text.split("\n")
    out: list[str] = []
    fence: str | None = None
    comment_start: int | None = None
    for number, line in enumerate(lines, 1):
        if comment_start is None:
            marker = FENCE.match(line)
            if fence is not None:
                if marker and marker.group(2)[0] == fence[0] and len(marker.group(2)) >= len(fence):
                    fence = None
                out.append(line)
                continue
            if marker and "<!--" not in line:
                fence = marker.group(2)
                out.append(line)
                continue
        kept, comment_start = _strip_comments(line, comment_start, number)
        out.append(kept)
    if comment_start is not None:
        diagnostics.append(
            Diagnostic(rel, comment_start, "warning", "HTML comment '<!--' is never closed")
        )
    return "\n".join(out)


def _strip_comments(line: str, open_at: int | None, number: int) -> tuple[str, int | None]:
    kept = []
    rest = line
    while rest:
        if open_at is not None:
            end = rest.find("-->")
            if end < 0:
                return "".join(kept).rstrip(), open_at
            rest, open_at = rest[end + 3 :], None
            continue
        start = rest.find("<!--")
        if start < 0 or _inside_code_span(rest, start):
            kept.append(rest)
            break
        review = REVIEW_COMMENT.match(rest, start)
        if review:  # a card's review state: the flashcard reader reads it, no card shows it
            kept.append(rest[: review.end()])
            rest = rest[review.end():]
            continue
        kept.append(rest[:start])
        rest, open_at = rest[start + 4 :], number
    return "".join(kept).rstrip(), open_at


def _inside_code_span(text: str, index: int) -> bool:
    return text[:index].count("`") % 2 == 1


def _split_front_matter(
    text: str, rel: str, diagnostics: list[Diagnostic]
) -> tuple[str, FrontMatter]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return text, FrontMatter()
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        diagnostics.append(Diagnostic(rel, line, "error", "front matter is not valid YAML"))
        data = None
    blank = "\n" * match.group(0).count("\n")
    body = blank + text[match.end() :]
    if not isinstance(data, dict):
        if data is not None:
            diagnostics.append(Diagnostic(rel, 1, "error", "front matter must be a mapping"))
        return body, FrontMatter()
    known = {"title", "topic", "tags", "dialect", "flashcards"}
    for key in sorted(set(data) - known):
        diagnostics.append(
            Diagnostic(rel, 1, "warning", f"front matter key '{key}' is not used (known: "
                       f"{', '.join(sorted(known))})")
        )
    tags = data.get("tags") or ()
    if isinstance(tags, str):
        tags = tags.replace(",", " ").split()
    return body, FrontMatter(
        title=_str_or_none(data.get("title")),
        topic=_str_or_none(data.get("topic")),
        tags=tuple(str(tag) for tag in tags) if isinstance(tags, list | tuple) else (),
        dialect=_str_or_none(data.get("dialect")),
        card_syntax=_card_syntax(data.get("flashcards"), rel, diagnostics),
    )


def _card_syntax(data: object, rel: str, diagnostics: list[Diagnostic]) -> CardSyntax | None:
    """The `flashcards:` front-matter settings: separators and which marks make clozes."""
    syntax, problems = card_syntax(data)
    level = "error" if syntax is None and data is not None else "warning"
    diagnostics += [Diagnostic(rel, 1, level, f"front matter flashcards: {problem}")
                    for problem in problems]
    return syntax


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)
