"""Remembers the last plan, so a rebuild with unchanged notes, lock and settings reads nothing.

The key is a hash of the code, the settings, the lock file and every note file's bytes; the
plan itself (cards, report, lock entries) is kept in `output/.cache/plan.pickle`, a file only
studypack writes. Deleting it only makes the next build read the notes again.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import replace
from pathlib import Path
from typing import Any

from studypack.config import Config
from studypack.outputs import code_version
from studypack.writers import write_atomic

PLAN = "plan.pickle"


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
    # Which other files exist matters too: an `![[image]]` embed is looked up by name.
    for root in config.sources:
        if root.is_dir():
            names = sorted(str(p.relative_to(root)) for p in root.rglob("*")
                           if not p.is_relative_to(config.output))
            digest.update("\0".join(names).encode())
    return digest.hexdigest()


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
