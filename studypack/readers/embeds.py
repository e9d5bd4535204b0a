"""Obsidian image embeds (`![[file.png]]`, `![[file.png|300]]`) as plain Markdown images, and
wiki links (`[[Some note|shown text]]`) as the text they show.

Obsidian finds an embedded file by name anywhere in the vault, so the image is looked up beside
the note, then at the notes folder's top, then by name anywhere under it; the Markdown image
then points at it relative to the note, as every other image in the notes does.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from studypack.readers.common import split_lines

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".avif")
_EMBED = re.compile(r"!\[\[(?P<name>[^\]|#]+)(?:#[^\]|]*)?(?:\|(?P<alias>[^\]]*))?\]\]")
# A wiki link; its pipe is escaped (`\|`) inside tables and clozes.
_WIKI_LINK = re.compile(r"(?<!!)\[\[(?P<name>[^\[\]|#\n]+)(?:#[^\[\]|\n]*)?"
                        r"(?:\\?\|(?P<alias>[^\[\]\n]*))?\]\]")
_SIZE = re.compile(r"^\d+(x\d+)?$")
_CODE_SPAN = re.compile(r"(`+[^`]*?`+)")


def to_markdown(text: str, note: Path, root: Path) -> str:
    """The text with image embeds outside code turned into `![alt](<path>)`, wiki links into
    the text they show."""
    if "[[" not in text:
        return text
    return "\n".join(line.text if line.in_code else _outside_code_spans(line.text, note, root)
                     for line in split_lines(text))


def _outside_code_spans(text: str, note: Path, root: Path) -> str:
    parts = _CODE_SPAN.split(text)  # even indexes: prose; odd: code spans, kept as they are
    return "".join(part if index % 2
                   else _WIKI_LINK.sub(_shown, _EMBED.sub(lambda m: _image(m, note, root), part))
                   for index, part in enumerate(parts))


def _shown(match: re.Match[str]) -> str:
    alias = (match.group("alias") or "").strip()
    return alias or Path(match.group("name").strip()).name


def _image(match: re.Match[str], note: Path, root: Path) -> str:
    name = match.group("name").strip()
    if not name.lower().endswith(IMAGE_SUFFIXES):
        return match.group()  # an embedded note, not an image
    alias = (match.group("alias") or "").strip()
    alt = alias if alias and not _SIZE.match(alias) else Path(name).stem
    found = _find(name, note, root)
    target = os.path.relpath(found, note.parent) if found else name
    return f"![{alt}](<{Path(target).as_posix()}>)"


def _find(name: str, note: Path, root: Path) -> Path | None:
    for candidate in (note.parent / name, root / name):
        if candidate.is_file():
            return candidate
    # Like Obsidian: the shortest path wins; hidden folders (.obsidian, .trash) are not notes.
    matches = sorted((path for path in root.rglob(Path(name).name) if path.is_file()
                      and not any(part.startswith(".") for part in path.relative_to(root).parts)),
                     key=lambda path: (len(path.parts), path.as_posix()))
    return matches[0] if matches else None
