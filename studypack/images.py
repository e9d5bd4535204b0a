"""Image references in notes: finding them, and resolving them only to files under the notes."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

MD_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src><[^>]*>|[^)\s]+)(?:\s+\"[^\"]*\")?\)")
HTML_IMAGE_SRC = re.compile(r"(<img\b[^>]*?\bsrc=)([\"'])(?P<src>.*?)\2", re.I)

ImageResolver = Callable[[str], Path | None]


def image_sources(text: str) -> list[str]:
    """Every image reference in a Markdown field, as written."""
    found = [m.group("src").strip("<>") for m in MD_IMAGE.finditer(text)]
    return found + [html.unescape(m.group("src")) for m in HTML_IMAGE_SRC.finditer(text)]


def image_resolver(note: Path, roots: tuple[Path, ...]) -> ImageResolver:
    """Resolve image references relative to their note, refusing anything outside the roots."""

    def resolve(src: str) -> Path | None:
        if re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I) or src.startswith(("/", "\\")):
            return None  # remote, data:, file: or absolute: never read
        path = (note.parent / src.split("#")[0].split("?")[0]).resolve()
        inside = any(path.is_relative_to(root) for root in roots)
        return path if inside and path.is_file() else None

    return resolve


def note_file(path: str, roots: tuple[Path, ...]) -> Path:
    """The note a card came from, given its reported path (relative to one of the roots).

    A path may carry its folder's name when two folders hold the same file name.
    """
    for root in roots:
        for candidate in (root / path, root.parent / path):
            if candidate.is_file():
                return candidate
    return (roots[0] if roots else Path.cwd()) / path
