"""Runs a build: read every note, normalize, hand off through notes.yaml, then write outputs."""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from studypack import identity, intermediate, plan_cache, printing, sources
from studypack.config import Config
from studypack.errors import (
    ConfigError,
    Diagnostic,
    IntermediateError,
    NoteFileError,
    SourceError,
)
from studypack.model import CardSyntax, Document, Pack
from studypack.progress import QUIET, READING, Progress, counted
from studypack.report import Report, Step, render
from studypack.writers import write_atomic
from studypack.writers.staging import staged
from studypack.writing import CACHE, Ready, Writing, display

if TYPE_CHECKING:
    from studypack.normalize import Work

NOTES_YAML = intermediate.NOTES_YAML
REPORT_TXT = "report.txt"


@dataclass(frozen=True)
class Plan:
    """Everything decided before anything is written."""

    pack: Pack
    notes_text: str  # output/notes.yaml as it will be written
    report: Report
    lock: dict[str, identity.LockEntry]
    lock_text: str  # the lock file as it will be written
    key: str  # of everything it was made from
    # Seconds spent reading, normalizing and on the YAML round trip; empty when nothing was redone.
    seconds: dict[str, float] = field(default_factory=dict)
    # What normalizing made before it read the lock; not kept in the plan cache.
    prepared: Work | None = field(default=None, compare=False)


def plan(config: Config, reuse: bool = False, progress: Progress = QUIET,
         reading: Callable[[], None] = lambda: None) -> Plan:
    """Read and normalize every note and check the intermediate.

    With `reuse`, the plan a build kept in the cache is returned while its inputs are
    unchanged. Otherwise `reading` is called before the notes are read. Nothing is written.
    """
    _check_lock_location(config)
    found = discover(config)
    key = plan_cache.inputs_key(config, found)
    if reuse and (cached := plan_cache.load(config.output / CACHE, key)) is not None:
        return replace(cached, seconds={})
    reading()
    return _plan(config, found, key, progress, reuse)


def _plan(config: Config, found: list[tuple[Path, Path, str]], key: str,
          progress: Progress, reuse: bool) -> Plan:
    started = time.perf_counter()
    documents = read_documents(config, found, progress, reuse)
    read = time.perf_counter() - started
    planned = _decide(documents, config, key)
    return replace(planned, seconds={"read": read, **planned.seconds})


def _decide(documents: list[Document], config: Config, key: str,
            earlier: Plan | None = None) -> Plan:
    """Normalize what the readers found, against the lock as it is now.

    An `earlier` plan of the same documents has just written the lock: its entries are the
    lock, its lock-free steps are not redone, and while the pack comes out the same, its
    checked notes.yaml is reused.
    """
    from studypack.normalize import normalize  # loaded only when the notes must be read

    started = time.perf_counter()
    lock = earlier.lock if earlier is not None else identity.read_lock(config.lock)
    result = normalize(documents, config, lock, now(),
                       earlier.prepared if earlier is not None else None)
    normalized = time.perf_counter()
    if earlier is not None and result.pack == earlier.pack:
        notes_text, pack = earlier.notes_text, earlier.pack
    else:
        # Writers see only what the intermediate says: round-trip through the YAML text.
        notes_text, pack = intermediate.dump_checked(result.pack)
    same_lock = earlier is not None and result.lock == earlier.lock
    lock_text = earlier.lock_text if same_lock else identity.dump_lock(result.lock)
    seconds = {"normalize": normalized - started, "yaml": time.perf_counter() - normalized}
    diagnostics = tuple(d for doc in documents for d in doc.diagnostics) + result.diagnostics
    absent = sum(1 for entry in result.lock.values() if entry.absent_since is not None)
    report = Report(pack, tuple(documents), diagnostics, result.reworded, result.added,
                    result.updated, result.removed, absent)
    return Plan(pack, notes_text, report, result.lock, lock_text, key, seconds, result.prepared)


def build(config: Config, only: tuple[str, ...] | None = None, from_yaml: Path | None = None,
          progress: Progress = QUIET, ready: Callable[[Ready], None] = lambda ready: None,
          stop: Callable[[], bool] | None = None) -> Report:
    """Read everything first, then write: notes.yaml, the lock, the deck and the preview page
    as soon as they are made, then each PDF as it finishes, then the report. Returns the
    report of what happened.

    `ready` is told once the quick outputs are in place, when PDFs remain to render.
    `progress` is told how far the long stages are; by default nothing is shown. `stop` is
    asked while the PDFs render; once it says so they are killed and errors.Stopped is raised,
    leaving what was already in place.
    """
    started = time.perf_counter()
    outputs = only or config.outputs
    if from_yaml is not None:
        return _build_from_yaml(config, from_yaml, outputs, progress, started, ready, stop)
    early: list[printing.Printer] = []  # started when the notes changed: PDFs will render

    def reading() -> None:
        if printing.can_start(outputs):
            early.append(printing.Printer())

    try:
        return _build(config, outputs, progress, ready, stop, started,
                      plan(config, reuse=True, progress=progress, reading=reading),
                      early[0] if early else None)
    finally:
        for printer in early:
            printer.close()


def _build(config: Config, outputs: tuple[str, ...], progress: Progress,
           ready: Callable[[Ready], None], stop: Callable[[], bool] | None, started: float,
           planned: Plan, printer: printing.Printer | None) -> Report:
    report = planned.report
    modified = {card_id: entry.modified for card_id, entry in planned.lock.items()}
    with staged(config.output) as stage, \
            Writing(planned.pack, config, outputs, modified, stage, progress, printer) as writing:
        quick = writing.quick({NOTES_YAML: planned.notes_text})
        new_lock = not config.lock.exists() \
            or config.lock.read_text(encoding="utf-8") != planned.lock_text
        if new_lock:
            write_atomic(config.lock, planned.lock_text.encode())
        _announce(writing, quick, started, ready)
        following = planned
        if new_lock:
            # The new lock is an input of the next build: plan that one now (the notes are
            # read already, and the PDFs render in other processes meanwhile), so running the
            # build again with nothing changed reads nothing.
            following = _decide(list(planned.report.documents), config,
                                plan_cache.inputs_key(config, discover(config)), planned)
        writing.pdfs(stop)
        problems, written, made_steps = writing.result()
        steps = [Step(name, planned.seconds.get(name)) for name in ("read", "normalize")]
        steps.append(Step("yaml", planned.seconds.get("yaml"), display(config.output / NOTES_YAML),
                          1, int(NOTES_YAML in stage.kept)))
        report = replace(report, diagnostics=report.diagnostics + tuple(problems),
                         written=(display(config.output / NOTES_YAML), *written,
                                  display(config.output / REPORT_TXT)))
        writing.text(REPORT_TXT, render(report))
    writing.forget_removed()
    plan_cache.save(config.output / CACHE, following.key, replace(following, prepared=None))
    return replace(report, steps=(*steps, *made_steps), seconds=time.perf_counter() - started)


def _announce(writing: Writing, quick: tuple[str, ...], started: float,
              ready: Callable[[Ready], None]) -> None:
    """Tell `ready` the quick outputs are in place, when PDFs remain to render."""
    pdfs = len(writing.pdfs_to_render)
    if pdfs:
        ready(Ready(quick, time.perf_counter() - started, pdfs))


def discover(config: Config) -> list[tuple[Path, Path, str]]:
    """Every note file under the configured sources; at least one."""
    found = sources.discover(list(config.sources), skip=config.output)
    if not found:
        raise SourceError(f"no note files ({', '.join(sources.NOTE_SUFFIXES)}) in "
                          + ", ".join(str(s) for s in config.sources)
                          + "; add notes there, or point `sources:` in config.yaml (or --source) "
                          "at your notes; `build.py init DIR` makes an example project")
    return found


# Below this many files per process, starting processes costs more than it saves.
FILES_PER_WORKER = 24


def read_documents(config: Config, found: list[tuple[Path, Path, str]],
                   progress: Progress = QUIET, reuse: bool = False) -> list[Document]:
    """Every note file, read by its dialect's reader; many files are read in several processes.

    Each file is read on its own (a bad one costs only itself), so the work splits cleanly;
    with `reuse`, a file a build read before with the same bytes and settings is not read
    again (and what this one read is kept for the next).
    """
    if not reuse:
        return _read_all(config, found, progress)
    cache = config.output / CACHE
    kept = plan_cache.load_documents(cache)
    files = plan_cache.listing(config)
    keys = [plan_cache.document_key(config, files, path, rel) for path, _, rel in found]
    todo = [entry for entry, key in zip(found, keys, strict=True)
            if kept.get(entry[2], ("",))[0] != key]
    read = dict(zip((rel for _, _, rel in todo), _read_all(config, todo, progress),
                    strict=True))
    documents = [read[rel] if rel in read else kept[rel][1] for _, _, rel in found]
    now_kept = {rel: (key, document)
                for (_, _, rel), key, document in zip(found, keys, documents, strict=True)}
    if now_kept.keys() != kept.keys() or read:
        plan_cache.save_documents(cache, now_kept)
    return documents


def _read_all(config: Config, found: list[tuple[Path, Path, str]],
              progress: Progress) -> list[Document]:
    read = functools.partial(_read_one, config.dialects, config.card_syntax)
    workers = min(config.processes(), len(found) // FILES_PER_WORKER)
    if workers < 2:
        return [read(entry) for entry in counted(found, progress, READING, "files")]
    from studypack import forked  # multiprocessing takes a while to load; a no-op reads nothing

    progress.start(READING, len(found), "files")
    documents = forked.in_chunks(read, found, workers, done=lambda: progress.advance(READING))
    progress.finish(READING)
    return documents


def _read_one(dialects: dict[str, str], syntax: CardSyntax | None,
              entry: tuple[Path, Path, str]) -> Document:
    from studypack import readers  # loaded only when the notes must be read

    path, root, rel = entry
    try:
        source = sources.load(path, root, rel)
    except NoteFileError as error:
        return Document(rel, "unreadable", 0.0, diagnostics=(error.diagnostic,))
    if not source.text.strip():
        empty = Diagnostic(rel, None, "warning", "empty file; nothing to read")
        return Document(rel, "empty", 0.0, (), source.front_matter, (*source.diagnostics, empty))
    return readers.read(source, dialects, syntax)


def _build_from_yaml(config: Config, path: Path, outputs: tuple[str, ...], progress: Progress,
                     started: float, ready: Callable[[Ready], None],
                     stop: Callable[[], bool] | None) -> Report:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise IntermediateError(f"{path}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise IntermediateError(f"{path}: not UTF-8 text") from None
    loading = time.perf_counter()
    pack = intermediate.load(text, str(path))
    step = Step("yaml", time.perf_counter() - loading, display(path), 1, 1)
    lock = identity.read_lock(config.lock)
    modified = {card.id: lock[card.id].modified if card.id in lock else 0 for card in pack.cards}
    with staged(config.output) as stage, \
            Writing(pack, config, outputs, modified, stage, progress) as writing:
        texts: dict[str, str] = {}
        if (config.output / NOTES_YAML).resolve() != path.resolve():
            texts[NOTES_YAML] = intermediate.dump(pack)
        _announce(writing, writing.quick(texts), started, ready)
        if texts:
            step = replace(step, path=display(config.output / NOTES_YAML),
                           kept=int(NOTES_YAML in stage.kept))
        writing.pdfs(stop)
        problems, written, steps = writing.result()
    writing.forget_removed()
    notes = [display(config.output / NOTES_YAML)] if texts else []
    return Report(pack, diagnostics=tuple(problems), written=(*notes, *written),
                  steps=(step, *steps), seconds=time.perf_counter() - started)


def _check_lock_location(config: Config) -> None:
    for folder in config.sources:
        if folder.is_dir() and config.lock.resolve().is_relative_to(folder):
            raise ConfigError(f"{config.lock}: the lock file must not be inside the notes "
                              f"folder {folder}; set `lock:` in config.yaml (or --lock) to a "
                              "file beside config.yaml, such as studypack.lock")


def now() -> int:
    """Seconds since the epoch; SOURCE_DATE_EPOCH pins the clock for reproducible builds."""
    return int(os.environ.get("SOURCE_DATE_EPOCH") or time.time())
