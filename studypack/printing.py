"""Renders a build's PDFs from a process that loads WeasyPrint while the rest of the build runs.

Loading WeasyPrint and what every PDF shares (the Markdown converter, the templates, the
hyphenation patterns, the handouts' style sheets) takes half a second, which an edit's rebuild
used to wait for after its deck and preview page were in place. A process forked as soon as
the notes need reading does that on another core while they are read and the quick outputs
made; once those are in place (the formulas they rendered are then on disk for the PDFs too),
it forks a process per PDF, as pdf.write_all does, and reports each one as it finishes. Only a
build that hashes strings as build.py makes it (PYTHONHASHSEED=0) can fork its renderers;
otherwise pdf.write_all is called from the build's own process and spawns them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studypack.config import Config
from studypack.errors import Diagnostic, Stopped
from studypack.model import Pack

if TYPE_CHECKING:
    from multiprocessing.connection import Connection


@dataclass(frozen=True)
class PdfJob:
    """One PDF to render: the cheat sheet, or a handout of some topics. Stated here, where
    WeasyPrint is not loaded, so that a build can name its PDFs without loading it."""

    kind: str  # cheatsheet | handout
    target: Path
    date: str  # printed on the page
    topics: tuple[str, ...] = ()  # handouts: topic slugs, in order
    title: str = ""


Finished = tuple[int, list[Diagnostic], float]  # a job's index, its problems, its seconds


class Printer:
    """The process that renders this build's PDFs; close() kills it and its renderers.

    It starts loading WeasyPrint at once; work() tells it the PDFs, results() lets it begin.
    """

    def __init__(self) -> None:
        import multiprocessing  # a no-op build loads none of this

        context = multiprocessing.get_context("fork")
        orders, self._orders = context.Pipe(duplex=False)
        self._results, results = context.Pipe(duplex=False)
        self._process = context.Process(target=_print, args=(orders, results, os.getpid()))
        self._process.start()
        orders.close()
        results.close()

    def work(self, pack: Pack, jobs: list[PdfJob], config: Config, media: Path) -> None:
        """The PDFs to render, once the quick outputs are in place."""
        self._orders.send((pack, jobs, config, media))

    def results(self, stop: Callable[[], bool] | None = None) -> Iterator[Finished]:
        """Let the printing begin; each job as it finishes, until every one has.

        Once `stop` says so (asked every few hundredths of a second) Stopped is raised.
        """
        from studypack import forked

        self._orders.send(True)
        while True:
            if not self._results.poll(forked.POLL_SECONDS):
                if stop is not None and stop():
                    raise Stopped
                continue
            try:
                message = self._results.recv()
            except EOFError:
                self._process.join()
                raise forked.JobFailed(f"the PDFs' process ended with exit code "
                                       f"{self._process.exitcode} before it finished") from None
            if message[0] == "end":
                return
            if message[0] == "failed":
                raise forked.JobFailed(message[1])
            yield message[1], message[2], message[3]

    def close(self) -> None:
        """Stop the process if it still runs (its renderers die with it) and let it go."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._orders.close()
        self._results.close()


def can_start(outputs: tuple[str, ...]) -> bool:
    """Whether a printer can render these outputs' PDFs: only a build that hashes strings as
    build.py makes it can fork its renderers."""
    return not sys.flags.hash_randomization and bool({"cheatsheet", "handouts"} & set(outputs))


def _receive(orders: Connection, work: list) -> None:
    """The work, once the build sends it; nothing if the build ends first."""
    with contextlib.suppress(EOFError):
        work.append(orders.recv())


def _print(orders: Connection, results: Connection, parent: int) -> None:
    """The printer's process: load, learn the work, wait for the go, render, report."""
    from studypack import forked

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    forked.die_with_parent(parent)
    try:
        # The work arrives while WeasyPrint loads: a pack larger than the pipe's buffer would
        # otherwise hold the build until the loading is done.
        work: list[tuple[Pack, list[PdfJob], Config, Path]] = []
        receiving = threading.Thread(target=_receive, args=(orders, work))
        receiving.start()
        from studypack.writers import pdf

        receiving.join()
        if not work:
            return  # the build needs no PDFs after all
        pack, jobs, config, media = work[0]
        context = pdf.PrintContext(config.sources, media, config.cheatsheet, config.lang)
        pdf.prepare(pack, jobs, context)
        try:
            orders.recv()
        except EOFError:
            return  # the build ended before its quick outputs were in place

        def send(index: int, problems: list[Diagnostic], seconds: float) -> None:
            results.send(("done", index, problems, seconds))

        pdf.write_prepared(pack, jobs, context, config.processes(), send)
        results.send(("end",))
    except BaseException:  # the build shows it; this process only reports
        results.send(("failed", traceback.format_exc()))
    finally:
        results.close()
