"""`build.py init DIR`: a new notes project with commented settings and one example per shape."""

from __future__ import annotations

import shlex
import sys
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from studypack.errors import OutputError, StudypackError
from studypack.sources import NOTE_SUFFIXES

# The project's files live in the package as real files, so they read as what they are.
SCAFFOLD = files("studypack") / "scaffold"
BUILD_PY = Path(__file__).resolve().parent.parent / "build.py"
# A dot file does not travel well as package data: it is shipped under another name.
RENAMED = {"gitignore": ".gitignore"}


def init(folder: Path, force: bool = False, command: str | None = None) -> str:
    """Write the project into folder (made if missing) and return the next steps to print.

    A folder that already holds settings or notes is left alone unless `force`; even then only
    the scaffold's own files are written, nothing is deleted. `command` is how the steps run
    studypack (by default this checkout's build.py).
    """
    if folder.exists() and not folder.is_dir():
        raise StudypackError(f"{folder}: is a file; give a folder for the new notes project")
    if not force:
        _refuse_existing(folder)
    try:
        written = _copy(SCAFFOLD, folder)
    except OSError as error:
        raise OutputError(f"{error.filename or folder}: cannot write: {error.strerror}") from None
    notes = sum(1 for path in written if path.parent.name == "notes")
    return next_steps(folder, notes, command)


def _refuse_existing(folder: Path) -> None:
    if (folder / "config.yaml").exists():
        raise StudypackError(f"{folder / 'config.yaml'} already exists; build that project, "
                             "pick a new folder, or add --force to write the example files over "
                             "the ones there")
    notes = folder / "notes"
    if notes.is_dir() and any(p.suffix.lower() in NOTE_SUFFIXES for p in notes.rglob("*")):
        raise StudypackError(f"{notes} already holds notes; pick a new folder, or add --force "
                             "to add the examples beside them (same names are overwritten)")


def _copy(source: Traversable, target: Path) -> list[Path]:
    """Copy the scaffold folder; an existing .gitignore only gains the lines it lacks."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for entry in sorted(source.iterdir(), key=lambda e: e.name):
        path = target / RENAMED.get(entry.name, entry.name)
        if entry.is_dir():
            written += _copy(entry, path)
        elif path.name == ".gitignore" and path.is_file():
            have = path.read_text(encoding="utf-8")
            lacking = [line for line in entry.read_text(encoding="utf-8").splitlines()
                       if line not in have.splitlines()]
            if lacking:
                start = "" if have.endswith("\n") or not have else "\n"
                path.write_text(have + start + "\n".join(lacking) + "\n", encoding="utf-8")
            written.append(path)
        else:
            path.write_bytes(entry.read_bytes())
            written.append(path)
    return written


def next_steps(folder: Path, notes: int, command: str | None = None) -> str:
    """What was made and the exact commands that build it, ready to paste into a shell."""
    build = command or f"{shlex.quote(sys.executable)} {shlex.quote(str(BUILD_PY))}"
    made = [(f"{folder / 'config.yaml'}", "the settings, each one explained"),
            (f"{folder / 'notes'}/", f"{notes} example notes, one for each shape studypack reads"),
            (f"{folder / '.gitignore'}", "keeps output/ out of version control")]
    width = max(len(path) for path, _ in made)
    return "\n".join([
        f"Created a notes project in {folder}:",
        *(f"  {path.ljust(width)}  {what}" for path, what in made),
        "",
        "Next steps: build the examples, look at output/, then replace the notes with yours.",
        f"  cd {shlex.quote(str(folder))}",
        f"  {build}",
        f"  {build} --watch",
        "The first command writes output/ (notes.yaml, deck.apkg to import in Anki, "
        "cheatsheet.pdf, handouts/, preview.html);",
        "the second rebuilds on every save until you press Ctrl-C. From any other folder:",
        f"  {build} --config {shlex.quote(str(folder.resolve() / 'config.yaml'))}",
    ]) + "\n"
