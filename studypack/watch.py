"""`build.py --watch`: build, then rebuild after every save to the notes or the settings.

Each build prints one line once it is done, and before it a `ready:` line when its quick
outputs (notes.yaml, the deck, the preview page) are in place and PDFs remain to render; the
full report is still written to output/report.txt. A save while PDFs render stops them (the
PDFs already in place stay; the next build skips them) and rebuilds at once. Problems in a
note or in config.yaml print their line and the watch goes on, so the next save can fix them.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from studypack.config import Config
from studypack.errors import Stopped, StudypackError
from studypack.pipeline import REPORT_TXT, build
from studypack.report import Report
from studypack.summary import one_line, worst_first
from studypack.writing import Ready

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
Changes = set[tuple[object, str]]


def watch(settings: Settings, config_file: Path | None, only: tuple[str, ...] | None) -> int:
    """Build whenever an input changes, until Ctrl-C; returns the exit code (0).

    `settings` reads config.yaml and applies the command line's options, so every build sees
    the settings as they are on disk.
    """
    # A process started in the background may inherit an ignored SIGINT; Ctrl-C must stop it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    tried = done = False  # a build was started; one ran to its end (a failed one too)
    try:
        try:
            config: Config | None = settings()
        except StudypackError:
            config = None  # the first build says what is wrong
        seen = _stamp(config_file)
        while True:
            watched = _watched(config)
            with _Watcher(watched, config, config_file) as watcher:
                while True:
                    # The first build waits for the watcher's first tick, so no save after it
                    # is missed.
                    changes = watcher.next()
                    stamp = _stamp(config_file)
                    if tried and not changes and stamp == seen and _watched(config) == watched:
                        continue
                    seen, tried = stamp, True
                    config, finished = _build(settings, config, only, not done,
                                              _saved(watcher, config_file, seen))
                    done = done or finished
                    if _watched(config) != watched:
                        break  # the notes moved, or appeared: watch them where they are now
    except KeyboardInterrupt:
        print("Stopped watching.", flush=True)
    return 0


def _build(settings: Settings, config: Config | None, only: tuple[str, ...] | None,
           first: bool, saved: Callable[[], bool]) -> tuple[Config | None, bool]:
    """One build and its lines; returns the settings it used (the last good ones on failure)
    and whether it ran to its end, not stopped by a newer save."""
    try:
        with _finish_first() as asked:
            config = settings()
            report = build(config, only=only, ready=_say_ready,
                           stop=lambda: not asked and saved())
    except Stopped:
        print(f"{time.strftime('%H:%M:%S')} stopped: saved again while PDFs rendered; the "
              "finished ones stay", flush=True)
        return config, False
    except StudypackError as error:
        first_line, *more = str(error).split("\n")
        print(f"{time.strftime('%H:%M:%S')} error: {first_line}", *more, sep="\n  ",
              file=sys.stderr, flush=True)
        return config, True
    print(line(report, first, os.path.relpath(config.output / REPORT_TXT)), flush=True)
    return config, True


def _say_ready(ready: Ready) -> None:
    print(f"{time.strftime('%H:%M:%S')} ready: {ready}", flush=True)


def _saved(watcher: _Watcher, config_file: Path | None, seen: Stamp) -> Callable[[], bool]:
    """Whether a note or the settings changed since the build began: its PDFs are stale."""
    return lambda: watcher.waiting() or _stamp(config_file) != seen


@contextmanager
def _finish_first() -> Iterator[list[int]]:
    """Ctrl-C during a build stops the watch once the build is done; a second one stops it now.

    Yields the Ctrl-Cs pressed so far (none at first). Once one was, the build renders all
    its PDFs even if a note is saved meanwhile, as it is the last. The second Ctrl-C kills the
    PDF processes: the PDFs already in place stay, the others stay as they were, whole.
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
        yield asked
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


class _Watcher:
    """Watches the notes folders in a thread, so that a build can ask whether a save came.

    The thread queues what watchfiles reports at every tick (nothing, or the changes); the
    build's thread takes it between builds, and asks while PDFs render. Without folders to
    watch, each call to next() waits one tick.
    """

    def __init__(self, paths: tuple[Path, ...], config: Config | None,
                 config_file: Path | None) -> None:
        self.paths, self.relevant = paths, _Relevant(config, config_file)
        self.reports: queue.Queue[Changes | BaseException] = queue.Queue()
        self.held: Changes = set()  # changes seen while a build asked, not taken yet
        self.closing = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> _Watcher:
        if self.paths:
            self.thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.closing.set()
        if self.thread.is_alive():
            self.thread.join()

    def _watch(self) -> None:
        try:
            import watchfiles  # loaded only when watching

            for changes in watchfiles.watch(*self.paths, watch_filter=self.relevant,
                                            step=QUIET_MS, rust_timeout=TICK_MS,
                                            yield_on_timeout=True, stop_event=self.closing,
                                            raise_interrupt=False):
                self.reports.put(changes)
        except BaseException as error:  # the watch's own thread shows it
            self.reports.put(error)

    def next(self) -> Changes:
        """Every change not taken yet; when there is none, waits for the next tick's."""
        if not self.paths:
            time.sleep(TICK_MS / 1000)
            return set()
        self._take(wait=not self.held)
        changes, self.held = self.held, set()
        return changes

    def waiting(self) -> bool:
        """Whether a change came that next() has not returned yet."""
        if self.paths:
            self._take(wait=False)
        return bool(self.held)

    def _take(self, wait: bool) -> None:
        """Collect what the thread reported; with `wait`, at least its next report."""
        try:
            report = self.reports.get(block=wait)
            while True:
                if isinstance(report, BaseException):
                    raise report
                self.held |= report
                report = self.reports.get_nowait()
        except queue.Empty:
            pass


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
