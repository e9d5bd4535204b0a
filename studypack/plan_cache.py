"""Remembers the last plan, so a rebuild with unchanged notes, lock and settings reads nothing,
and what each note file read as, so that a rebuild after an edit reads only the edited file.

The plan's key is a hash of the code, the settings, the lock file and every note file's bytes;
the plan itself (cards, report, lock entries) is kept in `output/.cache/plan.pickle`. A file's
key is a hash of the code, the reading settings and its bytes; what it read as is kept in
`output/.cache/documents.pickle`. Only studypack writes either; deleting them only makes the
next build read the notes again.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from dataclasses import replace
from pathlib import Path
from typing import Any

from studypack.config import Config
from studypack.errors import OutputError
from studypack.outputs import code_version
from studypack.writers import write_atomic

PLAN = "plan.pickle"
DOCUMENTS = "documents.pickle"


def inputs_key(config: Config, found: list[tuple[Path, Path, str]]) -> str:
    """A hash of everything a plan is made from (not of which outputs are asked for, nor of
    how many processes make them)."""
    digest = hashlib.sha256()
    digest.update(code_version().encode())
    digest.update(repr(replace(config, outputs=(), jobs=None)).encode())
    for path in (config.lock, *(path for path, _, _ in found)):
        digest.update(f"\0{path}\0".encode())
        try:
            digest.update(path.read_bytes())
        except OSError as error:
            digest.update(f"unreadable {error.errno}".encode())
    digest.update(listing(config).encode())
    return digest.hexdigest()


def listing(config: Config) -> str:
    """Which files the notes folders hold: an `![[image]]` embed is looked up by name."""
    names = []
    for root in config.sources:
        if root.is_dir():
            names += sorted(str(p.relative_to(root)) for p in root.rglob("*")
                            if not p.is_relative_to(config.output))
    return "\0".join(names)


def document_key(config: Config, files: str, path: Path, rel: str) -> str:
    """A hash of everything reading one note file depends on; `files` is the listing."""
    digest = hashlib.sha256(f"{code_version()}\0{config.dialects!r}\0{config.card_syntax!r}"
                            f"\0{files}\0{path}\0{rel}\0".encode())
    try:
        digest.update(path.read_bytes())
    except OSError as error:
        digest.update(f"unreadable {error.errno}".encode())
    return digest.hexdigest()


def load_documents(cache_dir: Path) -> dict[str, tuple[str, Any]]:
    """What each note file read as last time, under its key: {rel: (key, document)}."""
    try:
        kept = pickle.loads((cache_dir / DOCUMENTS).read_bytes())
    except Exception:  # missing, truncated or from another version: read afresh
        return {}
    return kept if isinstance(kept, dict) else {}


def save_documents(cache_dir: Path, documents: dict[str, tuple[str, Any]]) -> None:
    """Keep what each note file read as, for the next build, if the output folder can be
    written (when it cannot, writing the outputs says so)."""
    with contextlib.suppress(OutputError):
        write_atomic(cache_dir / DOCUMENTS,
                     pickle.dumps(documents, protocol=pickle.HIGHEST_PROTOCOL))


def load(cache_dir: Path, key: str) -> Any | None:
    """The plan saved under this key, or None."""
    try:
        saved_key, plan = pickle.loads((cache_dir / PLAN).read_bytes())
    except Exception:  # missing, truncated or from another version: plan afresh
        return None
    return plan if saved_key == key else None


def save(cache_dir: Path, key: str, plan: object) -> None:
    """Keep this plan for the next build."""
    write_atomic(cache_dir / PLAN, pickle.dumps((key, plan), protocol=pickle.HIGHEST_PROTOCOL))
