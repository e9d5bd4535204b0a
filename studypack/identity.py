"""Stable card ids: from the question, remembered in a lock file across rewording and edits."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from studypack.errors import ConfigError
from studypack.intermediate import FAST_LOADER

LOCK_VERSION = 2  # 1 was YAML; it is still read
LOCK_ABOUT = ("studypack lock: remembers card ids across rewording and when each card last "
              "changed. Commit it beside config.yaml; deleting it only loses that memory.")
REWORDING_SIMILARITY = 75  # 0-100: how alike a reworded question must stay to keep its id
_RARE = 50  # a word in more lock entries than this says too little to compare them on
CLEAR_MARGIN = 5  # how much better the best old question must fit than the next, across files


def question_key(question: str) -> str:
    """The question reduced to lower-case words: what an id is derived from."""
    return " ".join(re.findall(r"\w+", question.lower()))


def derived_id(question: str, salt: str = "") -> str:
    """A 10-hex-digit id from the normalized question (and a salt when two would collide)."""
    return hashlib.sha1(f"{question_key(question)}\0{salt}".encode()).hexdigest()[:10]


def content_hash(*parts: object) -> str:
    """A short hash of what a card shows, so edits can be told from unchanged cards."""
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class LockEntry:
    """What the last build knew about one card id."""

    path: str
    question: str  # the question key
    hash: str
    modified: int  # seconds since the epoch when the content last changed
    # When a build first missed the card (its file moved out, another folder built with this
    # lock, the question deleted): the entry is kept, so the card gets its id back.
    absent_since: int | None = None


def read_lock(path: Path) -> dict[str, LockEntry]:
    """The lock file's entries; a missing file is an empty lock."""
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
        try:
            data = json.loads(text)
        except json.JSONDecodeError:  # a version 1 lock, written as YAML
            data = yaml.load(text, Loader=FAST_LOADER) or {}
        cards = data.get("cards") or {}
        return {
            str(card_id): LockEntry(str(e["path"]), str(e["question"]), str(e["hash"]),
                                    int(e["modified"]),
                                    int(e["absent_since"]) if "absent_since" in e else None)
            for card_id, e in cards.items()
        }
    except (OSError, UnicodeDecodeError, yaml.YAMLError, AttributeError, KeyError, TypeError,
            ValueError) as error:
        raise ConfigError(f"{path}: lock file is unreadable ({error.__class__.__name__}); "
                          "delete it to start afresh (card ids will be derived again)") from None


def dump_lock(entries: dict[str, LockEntry]) -> str:
    """The lock as JSON with one card per line, sorted by id, so it diffs a card at a time.

    JSON rather than YAML: with ten thousand cards it is written and read in a tenth of the time.
    """
    cards = ",\n".join(
        f"    {json.dumps(card_id)}: " + json.dumps(
            {"path": e.path, "question": e.question, "hash": e.hash, "modified": e.modified,
             **({"absent_since": e.absent_since} if e.absent_since is not None else {})},
            ensure_ascii=False)
        for card_id, e in sorted(entries.items()))
    return (f'{{\n  "about": {json.dumps(LOCK_ABOUT)},\n  "version": {LOCK_VERSION},\n'
            f'  "cards": {{\n{cards}\n  }}\n}}\n')


def find_reworded(question: str, path: str, lock: dict[str, LockEntry],
                  taken: set[str]) -> str | None:
    """The id of a lock entry from the same file whose question this one rewords, if any."""
    from rapidfuzz import fuzz  # loaded only when notes are read: a no-op rebuild reads none

    key = question_key(question)
    best: tuple[float, str] | None = None
    for card_id, entry in lock.items():
        if card_id in taken or entry.path != path:
            continue
        score = fuzz.ratio(key, entry.question)
        if score >= REWORDING_SIMILARITY and (best is None or score > best[0]):
            best = (score, card_id)
    return best[1] if best else None


class MovedQuestions:
    """Finds the lock entry from another file that a question rewords, when it is the clear
    best match: a card moved to another file and reworded in the same edit.

    Only entries sharing a rare word with the question are compared, so a build against a
    large lock of other notes stays linear. `taken` is the caller's set of ids already given.
    """

    def __init__(self, lock: dict[str, LockEntry], taken: set[str]) -> None:
        self._lock = lock
        self._taken = taken
        self._by_word: dict[str, list[str]] = defaultdict(list)
        for card_id, entry in lock.items():
            if card_id not in taken:
                for word in set(entry.question.split()):
                    self._by_word[word].append(card_id)

    def find(self, question: str, path: str) -> str | None:
        """The id this question takes over, or None."""
        from rapidfuzz import fuzz, process

        key = question_key(question)
        near = {card_id for word in set(key.split())
                if len(posting := self._by_word.get(word, ())) <= _RARE
                for card_id in posting}
        candidates = {card_id: self._lock[card_id].question for card_id in sorted(near)
                      if card_id not in self._taken and self._lock[card_id].path != path}
        best = process.extract(key, candidates, scorer=fuzz.ratio, limit=2,
                               score_cutoff=REWORDING_SIMILARITY - CLEAR_MARGIN)
        if not best or best[0][1] < REWORDING_SIMILARITY:
            return None
        if len(best) > 1 and best[0][1] - best[1][1] < CLEAR_MARGIN:
            return None  # two old questions fit about as well: keep neither id
        return best[0][2]


def prune(entries: dict[str, LockEntry], before: int) -> dict[str, LockEntry]:
    """The entries without those absent since before `before` (seconds since the epoch)."""
    return {card_id: entry for card_id, entry in entries.items()
            if entry.absent_since is None or entry.absent_since >= before}
