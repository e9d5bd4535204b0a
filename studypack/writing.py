"""Writes a build's outputs: the quick ones into place first, then each PDF as it finishes.

notes.yaml, the deck and the preview page take a second or two; the PDFs take most of a build.
So the quick ones are made first, with every worker process, and moved into place at once;
then the PDFs render in processes of their own, and each one moves into place, its key
recorded in the output manifest, the moment it is done. A build stopped halfway (Ctrl-C, a
newer save in --watch, a crash) keeps every PDF that finished, and the next build skips them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from studypack import printing
from studypack.config import Config
from studypack.errors import Diagnostic
from studypack.model import Pack
from studypack.outputs import (
    CHEATSHEET,
    DECK,
    HANDOUTS,
    PREVIEW,
    Job,
    code_version,
    plan_jobs,
    read_previous,
    record,
)
from studypack.progress import RENDERING_DECK, RENDERING_PDFS, Progress
from studypack.report import Step
from studypack.writers.staging import Stage

CACHE = ".cache"  # the last plan, output keys and rendered formulas; safe to delete
QUICK = ("deck", "preview")  # kinds of output rendered in the build's own process
PDF = ("cheatsheet", "handout")


@dataclass(frozen=True)
class Ready:
    """The quick outputs are in place and PDFs remain to render: what a build announces."""

    outputs: tuple[str, ...]  # file names, e.g. notes.yaml, deck.apkg
    seconds: float  # since the build started
    pdfs: int  # PDFs still to render

    def __str__(self) -> str:
        plural = "" if self.pdfs == 1 else "s"
        return (f"{', '.join(self.outputs)} in {self.seconds:.2f} s; "
                f"rendering {self.pdfs} PDF{plural}")


class Writing:
    """One build's outputs: which are current, which to make, and what making them found."""

    def __init__(self, pack: Pack, config: Config, outputs: tuple[str, ...],
                 modified: dict[str, int], stage: Stage, progress: Progress,
                 printer: printing.Printer | None = None) -> None:
        """`printer`, when the build started one early, renders the PDFs (or is let go)."""
        self.pack, self.config, self.stage, self.progress = pack, config, stage, progress
        self.outputs = outputs
        self.modified = modified
        self.cache = config.output / CACHE
        self.jobs = plan_jobs(pack, config, outputs, modified)
        self.previous = read_previous(self.cache)
        self.problems: list[Diagnostic] = []  # repeated from the outputs kept as they are
        self.todo: list[Job] = []
        for job in self.jobs:
            if self.previous.current(job, config.output):
                stage.keep(job.path)
                self.problems += self.previous.problems(job, pack)
            elif self.previous.shows_the_same(job, config.output):
                stage.keep(job.path)  # its cards changed, not what it shows: a new key only
                kept = self.previous.problems(job, pack)
                self.problems += kept
                self.previous = record(self.cache, pack, self.previous, {job.path: (job, kept)})
            else:
                self.todo.append(job)
        self.made: dict[str, tuple[Job, list[Diagnostic]]] = {}
        self.seconds: dict[str, float] = {}  # per kind of output, summed over its files
        if "handouts" in outputs:
            stage.own(HANDOUTS)
        self.printer = printer
        if self.pdfs_to_render and self.printer is None and printing.can_start(outputs):
            self.printer = printing.Printer()  # it loads while the quick outputs are made
        if self.pdfs_to_render and self.printer is not None:
            self.printer.work(pack, self._pdf_jobs(), config, self.cache / "media")
        elif self.printer is not None:
            self.printer.close()
            self.printer = None

    def __enter__(self) -> Writing:
        return self

    def __exit__(self, *exception: object) -> None:
        if self.printer is not None:
            self.printer.close()

    @property
    def pdfs_to_render(self) -> list[Job]:
        """The PDFs whose inputs changed."""
        return [job for job in self.todo if job.kind in PDF]

    def quick(self, texts: dict[str, str]) -> tuple[str, ...]:
        """Write `texts` (name: content), the deck and the preview page, and move them into
        place together; returns the names of the quick outputs now in place."""
        for name, text in texts.items():
            self.stage.put(name, text.encode())
        here = [job for job in self.todo if job.kind in QUICK]
        if here:
            self._render_here(here)
        for name in [*texts, *(job.path for job in here)]:
            self.stage.land(name)
        self._record({job.path: self.made[job.path] for job in here})
        return (*texts, *(job.path for job in self.jobs if job.kind in QUICK))

    def _render_here(self, here: list[Job]) -> None:
        """The deck and the preview page, which render cards the same way, in this process."""
        from studypack.writers import anki, preview  # loaded only when needed, like the PDFs
        from studypack.writers.rendered import RenderedCards

        rendered = RenderedCards(self.cache, code_version())
        context = anki.DeckContext(self.config.sources, self.cache / "media", self.modified,
                                   rendered)
        for job in here:
            started = time.perf_counter()
            target = self.stage.path(job.path)
            if job.kind == "deck":
                self.progress.start(RENDERING_DECK, len(self.pack.cards), "cards")
                found = anki.write(self.pack, target, context,
                                   on_card=lambda: self.progress.advance(RENDERING_DECK),
                                   workers=self.config.processes())
                self.progress.finish(RENDERING_DECK)
            else:
                found = preview.write(self.pack, target, context)
            self.made[job.path] = (job, found)
            self.seconds[job.kind] = time.perf_counter() - started
        rendered.save()

    def pdfs(self, stop: Callable[[], bool] | None = None) -> None:
        """Render the PDFs whose inputs changed; each moves into place as it finishes.

        Once `stop` says so, those still rendering are killed and errors.Stopped is raised.
        """
        jobs = self.pdfs_to_render
        if not jobs:
            return

        def done(index: int, problems: list[Diagnostic], seconds: float) -> None:
            job = jobs[index]
            self.stage.land(job.path)
            self._record({job.path: (job, problems)})
            self.seconds[job.kind] = self.seconds.get(job.kind, 0.0) + seconds
            self.progress.advance(RENDERING_PDFS)

        self.progress.start(RENDERING_PDFS, len(jobs), "files")
        if self.printer is not None:
            for index, problems, seconds in self.printer.results(stop):
                done(index, problems, seconds)
        else:
            from studypack.writers import pdf  # WeasyPrint takes a second to load

            paper = pdf.PrintContext(self.config.sources, self.cache / "media",
                                     self.config.cheatsheet, self.config.lang)
            pdf.write_all(self.pack, self._pdf_jobs(), paper, self.config.processes(), done,
                          stop)
        self.progress.finish(RENDERING_PDFS)

    def _pdf_jobs(self) -> list[printing.PdfJob]:
        """The PDFs to render, each into its staging path."""
        return [printing.PdfJob(job.kind, self.stage.path(job.path), job.date, job.topics,
                                job.title) for job in self.pdfs_to_render]

    def text(self, name: str, text: str) -> None:
        """Write a text file, such as the report, straight into place."""
        self.stage.put(name, text.encode())
        self.stage.land(name)

    def _record(self, made: dict[str, tuple[Job, list[Diagnostic]]]) -> None:
        """Remember outputs now in place, so a later build skips them while they are current."""
        self.made.update(made)
        self.previous = record(self.cache, self.pack, self.previous, made)

    def forget_removed(self) -> None:
        """Drop from the manifest the files the finished build removed."""
        self.previous = record(self.cache, self.pack, self.previous, {})

    def result(self) -> tuple[list[Diagnostic], list[str], list[Step]]:
        """The outputs' problems, where they are, and a step per kind of output."""
        problems = self.problems + [d for _, found in self.made.values() for d in found]
        output = self.config.output
        written = [display(output / name) for name, wanted in (
            (DECK, "anki"), (CHEATSHEET, "cheatsheet"),
            (HANDOUTS, "handouts"), (PREVIEW, "preview")) if wanted in self.outputs]
        steps = []
        for kind in dict.fromkeys(job.kind for job in self.jobs):
            files = [job for job in self.jobs if job.kind == kind]
            kept = sum(1 for job in files if job.path not in self.made)
            steps.append(Step(kind, self.seconds.get(kind) if kept < len(files) else None,
                              _where(output, files), len(files), kept))
        return sorted(set(problems)), written, steps


def _where(output: Path, files: list[Job]) -> str:
    """Where a kind of output goes: its file, or the folder that holds its files."""
    folder = Path(files[0].path).parent
    if folder == Path("."):
        return display(output / files[0].path)
    return display(output / folder) + "/"


def display(path: Path) -> str:
    """A path as the user is shown it: relative to the current folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
