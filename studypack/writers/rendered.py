"""Card fields rendered to HTML, kept between builds so an edit renders only the cards it touched.

Markdown, sanitizing and code highlighting cost about a millisecond per field: most of a deck's
time. A card's HTML depends only on the code, its question and answer, and the images they
show, so the result is kept under a hash of exactly those, in `output/.cache/cards.pickle`
(a file only studypack writes; deleting it only makes the next build render every card). The
deck and the preview page share one cache within a build, so each card renders once.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from studypack import images
from studypack.writers import write_atomic

CARDS = "cards.pickle"


@dataclass(frozen=True)
class Fields:
    """A card's question and answer as HTML, the files they show and the problems found."""

    question: str
    answer: str
    media: tuple[tuple[str, Path], ...]  # packaged name -> file
    problems: tuple[str, ...]


class RenderedCards:
    """Rendered fields by key; what this build used is what the next build finds."""

    def __init__(self, folder: Path | None, version: str) -> None:
        self._file = folder / CARDS if folder else None
        self._version = version
        self._earlier: dict[str, Fields] = _load(self._file) if self._file else {}
        self._used: dict[str, Fields] = {}
        self._hashes: dict[Path, str] = {}

    def key(self, question: str, answer: str, note: Path,
            resolve: images.ImageResolver) -> str:
        """A hash of everything the card's HTML depends on."""
        digest = hashlib.sha256(f"{self._version}\0{note}\0{question}\0{answer}".encode())
        for src in images.image_sources(question + "\n" + answer):
            path = resolve(src)
            digest.update(f"\0{src}\0{path}\0{self._hash(path) if path else ''}".encode())
        return digest.hexdigest()

    def get(self, key: str, render: Callable[[], Fields]) -> Fields:
        """The fields kept under key, or rendered now; files they need must still exist."""
        found = self._kept(key)
        if found is None:
            found = render()
        self._used[key] = found
        return found

    def has(self, key: str) -> bool:
        """Whether fields are kept under key, with every file they need."""
        return self._kept(key) is not None

    def put(self, key: str, fields: Fields) -> None:
        """Keep fields rendered elsewhere (in another process) under key."""
        self._used[key] = fields

    def _kept(self, key: str) -> Fields | None:
        found = self._used.get(key) or self._earlier.get(key)
        if found is None or not all(path.is_file() for _, path in found.media):
            return None
        return found

    def save(self) -> None:
        """Keep what this build used (and nothing else), unless that is what is kept already."""
        if self._file is not None and self._used and self._used != self._earlier:
            write_atomic(self._file, pickle.dumps(self._used, pickle.HIGHEST_PROTOCOL))

    def _hash(self, path: Path) -> str:
        if path not in self._hashes:
            self._hashes[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        return self._hashes[path]


def _load(file: Path) -> dict[str, Fields]:
    try:
        kept = pickle.loads(file.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        return {}
    return kept if isinstance(kept, dict) else {}
