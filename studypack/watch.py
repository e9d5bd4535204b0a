"""`build.py --watch`: build, then rebuild after every save to the notes or the settings.

Each build prints one line; the full report is still written to output/report.txt. Problems in
a note or in config.yaml print their line and the watch goes on, so the next save can fix them.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from studypack.config import Config
from studypack.errors import StudypackError
from studypack.pipeline import REPORT_TXT, build
from studypack.report import Report
from studypack.summary import one_line, worst_first

# The watcher looks for changes this often (ms); the settings file is compared as often, as
# editors often save it by replacing the file, which a watch on the file itself would miss.
TICK_MS = 300
# A save is over once nothing changed for this long (ms): the files an editor writes while
# saving, or a `git checkout`, make one rebuild.
QUIET_MS = 100
# What editors write beside the file being saved (vim, emacs, JetBrains, downloads).
_TEMPORARY = re.compile(r"~$|\.sw.$|^#.*#$|^4913$|\.tmp$|___jb_\w+___$|\.part$|\.crdownload$")

Settings = Callable[[], Config]
Stamp = tuple[int, int, int] | None


def watch(settings: Settings, config_file: Path | None, only: tuple[str, ...] | None) -> int:
    """Build whenever an input changes, until Ctrl-C; returns the exit code (0).

    `settings` reads config.yaml and applies the command line's options, so every build sees
    the settings as they are on disk.
    """
    # A process started in the background may inherit an ignored SIGINT; Ctrl-C must stop it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    builds = 0
    try:
        try:
            config: Config | None = settings()
        except StudypackError:
            config = None  # the first build says what is wrong
        seen = _stamp(config_file)
        while True:
            watched = _watched(config)
            # The first build waits for the watcher's first tick, so no save after it is missed.
            for changes in _changes(watched, config, config_file):
                stamp = _stamp(config_file)
                if builds and not changes and stamp == seen and _watched(config) == watched:
                    continue
                seen = stamp
                config = _build(settings, config, only, first=not builds)
                builds += 1
                if _watched(config) != watched:
                    break  # the notes moved, or appeared: watch them where they are now
    except KeyboardInterrupt:
        print("Stopped watching.", flush=True)
    return 0


def _build(settings: Settings, config: Config | None, only: tuple[str, ...] | None,
           first: bool) -> Config | None:
    """One build and its line; returns the settings it used (the last good ones on failure)."""
    try:
        with _finish_first():
            config = settings()
            report = build(config, only=only)
    except StudypackError as error:
        first_line, *more = str(error).split("\n")
        print(f"{time.strftime('%H:%M:%S')} error: {first_line}", *more, sep="\n  ",
              file=sys.stderr, flush=True)
        return config
    print(line(report, first, os.path.relpath(config.output / REPORT_TXT)), flush=True)
    return config


@contextmanager
def _finish_first() -> Iterator[None]:
    """Ctrl-C during a build stops the watch once the build is done; a second one stops it now.

    A build stopped halfway leaves its PDF workers behind, and its staging folder.
    """
    asked: list[int] = []

    def later(signum: int, frame: object) -> None:
        if asked:
            raise KeyboardInterrupt
        asked.append(signum)
        print("Stopping once this build is done (Ctrl-C again to stop now).", file=sys.stderr,
              flush=True)

    previous = signal.signal(signal.SIGINT, later)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if asked:
            raise KeyboardInterrupt  # also when the build failed: the watch was asked to stop


def line(report: Report, first: bool, report_txt: str) -> str:
    """One line: when, the build in brief (summary.one_line) and the first problem, if any."""
    text = f"{time.strftime('%H:%M:%S')} {'built' if first else 'rebuilt'}: {one_line(report)}"
    problems = worst_first(report)
    if problems:
        text += f" (first: {problems[0]}; all in {report_txt})"
    return text


def _stamp(path: Path | None) -> Stamp:
    try:
        info = path.stat() if path else None
    except OSError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size) if info else None


def _watched(config: Config | None) -> tuple[Path, ...]:
    """The notes folders that exist; one inside another is watched with it.

    A single note file is watched through its folder: an editor that saves by replacing the
    file would end a watch on the file itself.
    """
    if config is None:
        return ()
    existing = sorted({path if path.is_dir() else path.parent
                       for path in config.sources if path.exists()})
    return tuple(path for path in existing
                 if not any(path != other and path.is_relative_to(other) for other in existing))


def _changes(paths: tuple[Path, ...], config: Config | None,
             config_file: Path | None) -> Iterator[set[tuple[object, str]]]:
    """Sets of relevant changes, and an empty set every tick."""
    if not paths:  # nothing to watch yet: look again every tick
        while True:
            time.sleep(TICK_MS / 1000)
            yield set()
    import watchfiles  # loaded only when watching

    relevant = _Relevant(config, config_file)
    yield from watchfiles.watch(*paths, watch_filter=relevant, step=QUIET_MS,
                                rust_timeout=TICK_MS, yield_on_timeout=True)


class _Relevant:
    """Whether a changed path is an input: not an output, the lock, a hidden or a temporary file."""

    def __init__(self, config: Config | None, config_file: Path | None) -> None:
        self.roots = config.sources if config else ()
        self.skip = (config.output, config.lock) if config else ()
        self.config_file = config_file.resolve() if config_file else None

    def __call__(self, change: object, raw: str) -> bool:
        path = Path(raw)
        if path == self.config_file:
            return True
        if any(path == skip or path.is_relative_to(skip) for skip in self.skip):
            return False
        for root in self.roots:
            if path == root:
                return True
            if path.is_relative_to(root):
                parts = path.relative_to(root).parts
                return not any(part.startswith(".") for part in parts) \
                    and not _TEMPORARY.search(path.name)
        return False
