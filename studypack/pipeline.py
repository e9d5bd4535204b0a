"""Runs a build: read every note, normalize, hand off through notes.yaml, then write outputs."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from studypack import identity, intermediate, readers, sources
from studypack.config import Config
from studypack.errors import ConfigError, Diagnostic, IntermediateError, SourceError
from studypack.model import Document, Pack
from studypack.normalize import normalize
from studypack.report import Report, render
from studypack.writers import anki, pdf, write_atomic

NOTES_YAML = "notes.yaml"
REPORT_TXT = "report.txt"
DECK = "deck.apkg"
CHEATSHEET = "cheatsheet.pdf"
HANDOUTS = "handouts"
CACHE = ".cache"  # rendered formulas; safe to delete


def build(config: Config, only: tuple[str, ...] | None = None,
          from_yaml: Path | None = None) -> Report:
    """Read everything first, then write anything; returns the report of what happened."""
    outputs = only or config.outputs
    if from_yaml is not None:
        return _build_from_yaml(config, from_yaml, outputs)

    # Phase 1: read and decide. Nothing is written until all of it succeeded.
    _check_lock_location(config)
    lock = identity.read_lock(config.lock)
    documents = read_documents(config)
    result = normalize(documents, config, lock, _now())
    # Writers see only what the intermediate says: round-trip through the YAML text.
    notes_text = intermediate.dump(result.pack)
    pack = intermediate.load(notes_text, NOTES_YAML)
    diagnostics = tuple(d for doc in documents for d in doc.diagnostics) + result.diagnostics
    report = Report(pack, tuple(documents), diagnostics, result.reworded, result.added,
                    result.updated, result.removed)

    # Phase 2: write, each file atomically.
    written = [_write(config.output / NOTES_YAML, notes_text)]
    modified = {card_id: entry.modified for card_id, entry in result.lock.items()}
    problems, more = _write_outputs(pack, config, outputs, modified)
    written += more
    report = replace(report, diagnostics=report.diagnostics + tuple(problems))
    lock_text = identity.dump_lock(result.lock)
    if not config.lock.exists() or config.lock.read_text(encoding="utf-8") != lock_text:
        write_atomic(config.lock, lock_text.encode())
    report = replace(report, written=(*written, _display(config.output / REPORT_TXT)))
    write_atomic(config.output / REPORT_TXT, render(report).encode())
    return report


def _write_outputs(pack: Pack, config: Config, outputs: tuple[str, ...],
                   modified: dict[str, int]) -> tuple[list[Diagnostic], list[str]]:
    problems: list[Diagnostic] = []
    written: list[str] = []
    media = config.output / CACHE / "media"
    if "anki" in outputs:
        context = anki.DeckContext(config.sources, media, modified)
        problems += anki.write(pack, config.output / DECK, context)
        written.append(_display(config.output / DECK))
    # The date printed on the pages is that of the newest change, so unchanged notes give
    # unchanged PDFs.
    newest = max(modified.values(), default=0)
    paper = pdf.PrintContext(config.sources, media,
                             datetime.fromtimestamp(newest, UTC).strftime("%Y-%m-%d"),
                             config.cheatsheet)
    cheatsheet = config.output / CHEATSHEET if "cheatsheet" in outputs else None
    handouts = config.output / HANDOUTS if "handouts" in outputs else None
    if cheatsheet or handouts:
        problems += pdf.write_all(pack, cheatsheet, handouts, paper)
        written += [_display(p) for p in (cheatsheet, handouts) if p]
    return sorted(set(problems)), written


def read_documents(config: Config) -> list[Document]:
    """Every note under the configured sources, read by its dialect's reader."""
    found = sources.discover(list(config.sources), skip=config.output)
    documents = []
    for path, root, rel in found:
        try:
            source = sources.load(path, root, rel)
        except SourceError as error:
            message = str(error).split(": ", 1)[-1]
            documents.append(Document(rel, "unreadable", 0.0,
                                      diagnostics=(Diagnostic(rel, None, "error", message),)))
            continue
        documents.append(readers.read(source, config.dialects))
    if not found:
        raise SourceError("no note files (.md, .markdown, .txt, .yaml) in "
                          + ", ".join(str(s) for s in config.sources))
    return documents


def _build_from_yaml(config: Config, path: Path, outputs: tuple[str, ...]) -> Report:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise IntermediateError(f"{path}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise IntermediateError(f"{path}: not UTF-8 text") from None
    pack = intermediate.load(text, str(path))
    target = config.output / NOTES_YAML
    written = []
    if target.resolve() != path.resolve():
        written.append(_write(target, intermediate.dump(pack)))
    lock = identity.read_lock(config.lock)
    modified = {card.id: lock[card.id].modified if card.id in lock else 0 for card in pack.cards}
    problems, more = _write_outputs(pack, config, outputs, modified)
    return Report(pack, diagnostics=tuple(problems), written=(*written, *more))


def _check_lock_location(config: Config) -> None:
    for folder in config.sources:
        if folder.is_dir() and config.lock.resolve().is_relative_to(folder):
            raise ConfigError(f"lock file {config.lock} must not be inside the notes folder "
                              f"{folder}; put it beside config.yaml")


def _write(path: Path, text: str) -> str:
    write_atomic(path, text.encode())
    return _display(path)


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _now() -> int:
    # SOURCE_DATE_EPOCH pins the clock for reproducible builds.
    return int(os.environ.get("SOURCE_DATE_EPOCH") or time.time())
