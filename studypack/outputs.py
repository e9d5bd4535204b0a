"""The outputs a build makes, what each one depends on, and skipping those that are current.

Each output file has a key: a hash of the code and templates, the settings it uses and the
content of exactly the cards (and image files) it shows. The keys of the last build are kept in
`output/.cache/outputs.json` with each file's hash and warnings; an output whose key and file
are unchanged is not rendered again, and its warnings are repeated from the cache. Deleting the
cache only makes the next build render everything.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from studypack import images, sheet
from studypack.config import Config
from studypack.errors import Diagnostic
from studypack.model import Card, Pack, Topic
from studypack.writers import TEMPLATES, write_atomic

DECK = "deck.apkg"
CHEATSHEET = "cheatsheet.pdf"
HANDOUTS = "handouts"
ALL_TOPICS = "all"  # handouts/all.pdf: every topic in one document
PREVIEW = "preview.html"
MANIFEST = "outputs.json"
PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Job:
    """One output file to make, and the key of everything it depends on."""

    path: str  # relative to the output folder
    kind: str  # deck | cheatsheet | handout | preview
    key: str
    topics: tuple[str, ...] = ()  # handouts: the topic slugs it holds
    title: str = ""
    date: str = ""  # printed on the page: when its newest card last changed
    # A finer key, asked only when `key` changed: a hash of exactly what the file shows. The
    # cheat sheet's key is its cards' content, which is quick to check; what it shows (key
    # lines, read from every answer) takes longer, and often stays the same after an edit.
    shown: Callable[[], str] | None = field(default=None, compare=False)


def plan_jobs(pack: Pack, config: Config, outputs: tuple[str, ...],
              modified: dict[str, int]) -> list[Job]:
    """Every output file the asked-for outputs consist of, with its key."""
    if not set(outputs) & {"anki", "cheatsheet", "handouts", "preview"}:
        return []  # notes.yaml only: no card needs a digest
    notes = {path: images.note_file(path, config.sources)
             for path in {card.source.path for card in pack.cards}}
    digests = {card.id: _card_digest(card, notes[card.source.path], config.sources)
               for card in pack.cards}
    everything = [(t.slug, t.title, [digests[c.id] for c in t.cards]) for t in pack.topics]
    newest = _date(max(modified.values(), default=0))
    jobs = []
    if "anki" in outputs:
        cards = [(t.title, [(digests[c.id], modified.get(c.id, 0)) for c in t.cards])
                 for t in pack.topics]
        jobs.append(Job(DECK, "deck", _key("deck", pack.title, cards)))
    if "cheatsheet" in outputs:
        @cache
        def printed() -> str:
            """Only what the sheet prints: an edit past an answer's key line leaves it as is."""
            shown = sheet.sheet(pack, config.cheatsheet.summary_length)
            boxes = [(title, [(item.question, item.key, item.difficulty, item.card.source.path,
                               _images(item.question + "\n" + item.key,
                                       notes[item.card.source.path], config.sources))
                              for item in items]) for title, items in shown.topics]
            panel = [(entry.tex, entry.label, entry.card.source.path) for entry in shown.panel]
            return _key("cheatsheet", pack.title, asdict(config.cheatsheet), newest, boxes,
                        panel)

        jobs.append(Job(CHEATSHEET, "cheatsheet",
                        _key("cheatsheet cards", pack.title, asdict(config.cheatsheet), newest,
                             everything), date=newest, shown=printed))
    if "handouts" in outputs:
        for topic in pack.topics:
            date = _date(max((modified.get(c.id, 0) for c in topic.cards), default=0))
            content = [(topic.slug, topic.title, [digests[c.id] for c in topic.cards])]
            jobs.append(Job(f"{HANDOUTS}/{topic.slug}.pdf", "handout",
                            _key("handout", pack.title, content, _open(pack, [topic]), date,
                                 config.lang),
                            (topic.slug,), topic.title, date))
        if config.combined_handout:
            jobs.append(Job(f"{HANDOUTS}/{ALL_TOPICS}.pdf", "handout",
                            _key("handout", pack.title, everything, _open(pack, pack.topics),
                                 newest, config.lang),
                            tuple(t.slug for t in pack.topics), pack.title, newest))
    if "preview" in outputs:
        skipped = [(s.question, s.reason, str(s.source), s.detail, s.merged_into)
                   for s in pack.skipped]
        jobs.append(Job(PREVIEW, "preview", _key("preview", pack.title, everything, skipped)))
    return jobs


@dataclass(frozen=True)
class Previous:
    """What the last build made: per output file, its key, file hash and warnings."""

    entries: dict[str, dict]

    def current(self, job: Job, output: Path) -> bool:
        """True when the file on disk is exactly what this job would make."""
        entry = self.entries.get(job.path)
        return bool(entry) and entry["key"] == job.key and self._in_place(job, output)

    def shows_the_same(self, job: Job, output: Path) -> bool:
        """True when the job's finer key says the file in place already shows what it would."""
        entry = self.entries.get(job.path)
        return bool(entry) and job.shown is not None and entry.get("shown") == job.shown() \
            and self._in_place(job, output)

    def _in_place(self, job: Job, output: Path) -> bool:
        target = output / job.path
        return target.is_file() and _file_hash(target) == self.entries[job.path]["file"]

    def problems(self, job: Job, pack: Pack) -> list[Diagnostic]:
        """The warnings the file had when it was made, at the lines their cards are on now."""
        where = {card.id: card.source for card in pack.cards}
        found = []
        for path, line, level, message, *card_id in self.entries[job.path]["problems"]:
            source = where.get(card_id[0]) if card_id else None
            found.append(Diagnostic(source.path, source.line, level, message) if source
                         else Diagnostic(path, line, level, message))
        return found


def read_previous(cache_dir: Path) -> Previous:
    """The manifest of the last build; empty when missing or unreadable (everything renders)."""
    try:
        entries = json.loads((cache_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Previous({})
    return Previous(entries if isinstance(entries, dict) else {})


def record(cache_dir: Path, pack: Pack, previous: Previous,
           made: dict[str, tuple[Job, list[Diagnostic]]]) -> Previous:
    """Remember the key, file hash and warnings of every output this build made; returns the
    manifest as it now is. Called as each output moves into place, so that one a stopped
    build finished is kept by the next.

    A warning about a card keeps the card's id, so that it can name the card's line even
    after lines above it moved (the cheat sheet does not depend on where its cards are).
    """
    output = cache_dir.parent
    entries = dict(previous.entries)
    card_at = {(card.source.path, card.source.line): card.id for card in pack.cards}
    for path, (job, problems) in made.items():
        entries[path] = {"key": job.key, "file": _file_hash(output / path),
                         "problems": [[d.path, d.line, d.level, d.message,
                                       *filter(None, [card_at.get((d.path, d.line))])]
                                      for d in problems]}
        if job.shown is not None:
            entries[path]["shown"] = job.shown()
    entries = {path: entry for path, entry in sorted(entries.items())
               if (output / path).is_file()}
    if entries != previous.entries:
        write_atomic(cache_dir / MANIFEST, (json.dumps(entries, indent=1) + "\n").encode())
    return Previous(entries)


@cache
def code_version() -> str:
    """A hash of studypack's code and templates: any change to either renders everything."""
    digest = hashlib.sha256()
    files = sorted([*PACKAGE.rglob("*.py"), *(p for p in TEMPLATES.rglob("*") if p.is_file())])
    for path in files:
        digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _key(*parts: object) -> str:
    text = json.dumps([code_version(), *parts], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _card_digest(card: Card, note: Path, roots: tuple[Path, ...]) -> str:
    """The card's content and the bytes of every image it shows."""
    return _key(card.id, card.question, card.answer, card.difficulty, list(card.tags),
                card.summary, str(card.source), [str(m) for m in card.merged],
                _images(card.question + "\n" + card.answer, note, roots))


def _images(markdown_text: str, note: Path, roots: tuple[Path, ...]) -> list[str]:
    """The bytes' hash of every image the text shows (its name when it is missing)."""
    resolve = images.image_resolver(note, roots)
    shown = []
    for src in images.image_sources(markdown_text):
        path = resolve(src)
        shown.append(_file_hash(path) if path else src)
    return shown


def _open(pack: Pack, topics: Iterable[Topic]) -> list[tuple[str, str]]:
    slugs = {t.slug for t in topics}
    return [(s.question, str(s.source)) for s in pack.skipped
            if s.reason == "unanswered" and s.topic in slugs]


def _date(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
