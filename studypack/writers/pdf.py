"""Writes the printable pack with WeasyPrint: a dense cheat sheet and one handout per topic."""

from __future__ import annotations

import functools
import gc
import mimetypes
import multiprocessing
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pydyf

from studypack import cloze, forked, images, keyline, markup, sheet
from studypack.config import Cheatsheet
from studypack.errors import Diagnostic, Stopped
from studypack.model import Card, Pack, Topic
from studypack.printing import PdfJob
from studypack.writers import TEMPLATES, template_env, write_atomic
from studypack.writers.libraries import found_by_ldconfig

with found_by_ldconfig():
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse

BASE = "studypack:/"  # the only base URL pages use; everything else is refused
CHEATSHEET = "print/cheatsheet.html.j2"
# A handout's documents, joined in this order: front matter, then cards and self-test per topic.
HANDOUT = {part: f"print/handout-{part}.html.j2" for part in ("front", "cards", "self-test")}
# A merged card's `*file:line*` label before each source's answer, as Markdown renders it.
_MERGED_LABEL = re.compile(r"<p><em>([^<>]+:\d+)</em></p>")


@dataclass(frozen=True)
class PrintContext:
    """What the PDF writers need besides the pack."""

    roots: tuple[Path, ...]
    media_dir: Path
    layout: Cheatsheet = field(default_factory=Cheatsheet)
    lang: str = "en"  # the notes' language: what the handouts hyphenate in


@dataclass
class _Page:
    """What rendering one PDF collects: the files its HTML may load, and problems found."""

    name: str  # the PDF's file name, for problems about the PDF as a whole
    media: dict[str, Path] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)


class _NotesOnly(URLFetcher):
    """Serves the page's own media and templates; refuses the network and every other file."""

    def __init__(self, media: dict[str, Path]) -> None:
        super().__init__(allowed_protocols=())
        self.media = media
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        # Relative references arrive as bare names (the base URL is not hierarchical).
        path = self.media.get(url.removeprefix(BASE))
        if path is None:
            self.refused.append(url)
            raise ValueError(f"refused: {url}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})


def _html(card: Card, text: str, context: PrintContext, page: _Page) -> str:
    note = images.note_file(card.source.path, context.roots)
    rendered = markup.to_html(text, images.image_resolver(note, context.roots), context.media_dir)
    page.media.update(rendered.media)
    page.problems += [Diagnostic(card.source.path, card.source.line, "warning", p)
                      for p in rendered.problems]
    return rendered.html


def _filled(card: Card) -> str:
    """The question as printed: a cloze's deletions filled in and marked."""
    return cloze.fill(card.question) if card.kind == "cloze" else card.question


def write_cheatsheet(pack: Pack, target: Path, context: PrintContext,
                     date: str) -> list[Diagnostic]:
    """One dense document: every card's key line by topic, plus a panel of every formula."""
    page = _Page(target.name)
    shown = sheet.sheet(pack, context.layout.summary_length)
    topics = [{"title": title,
               "cards": [{"question": _html(item.card, item.question, context, page),
                          "key": _html(item.card, item.key, context, page),
                          "difficulty": item.difficulty} for item in items]}
              for title, items in shown.topics]
    panel = [{"formula": _html(entry.card, f"$${entry.tex}$$", context, page),
              "label": entry.label} for entry in shown.panel]
    page.problems += [
        Diagnostic(item.card.source.path, item.card.source.line, "info",
                   f"cheat-sheet key line: {reason} ({item.key!r}); start a paragraph of the "
                   "answer with `TL;DR:` to say its point")
        for _, items in shown.topics for item in items
        if (reason := keyline.weakness(item.key)) is not None]
    html = template_env().get_template(CHEATSHEET).render(
        title=pack.title, date=date, topics=topics, formulas=panel, layout=context.layout)
    document = _layout(html, page, {})
    _write([document], target)
    pages = len(document.pages)
    if pages > context.layout.page_budget:
        page.problems.append(Diagnostic(target.name, None, "warning",
                                        f"cheat sheet takes {pages} pages, over the budget of "
                                        f"{context.layout.page_budget}"))
    return page.problems


def _topic_context(topic: Topic, pack: Pack, context: PrintContext, page: _Page) -> dict:
    cards = [{"id": c.id, "question": _html(c, _filled(c), context, page),
              "test_question": _html(c, cloze.blank(c.question), context, page)
              if c.kind == "cloze" else None,
              "answer": _MERGED_LABEL.sub(r'<p class="merged-source">\1</p>',
                                          _html(c, c.answer, context, page)),
              "difficulty": c.difficulty,
              "source": f"{c.source.path}:{c.source.line}"} for c in topic.cards]
    numbered = list(enumerate(cards, 1))
    levels = [(level, [(n, c) for n, c in numbered if c["difficulty"] == key])
              for level, key in (("easy", "easy"), ("medium", "medium"), ("hard", "hard"),
                                 ("unrated", None))]
    open_questions = [s for s in pack.skipped if s.reason == "unanswered"
                      and s.topic == topic.slug]
    return {"slug": topic.slug, "title": topic.title, "cards": cards,
            "self_test": [(level, group) for level, group in levels if group],
            "open": [{"question": s.question, "source": f"{s.source.path}:{s.source.line}"}
                     for s in open_questions]}


def write_handout(pack: Pack, topics: list[Topic], target: Path, context: PrintContext,
                  title: str, date: str) -> list[Diagnostic]:
    """Full answers of some topics, with contents, bookmarks, self-test and answer key.

    Each topic's cards, then its self-test, are laid out as documents of their own, numbered on
    from the pages before; the front matter (numbered i, ii, …) last, when every page number
    its contents print is known. WeasyPrint would otherwise lay pages out again to settle
    `target-counter()` numbers. The pages are joined into one PDF, links and bookmarks included.
    """
    page = _Page(target.name)
    env = template_env()
    shown = [_topic_context(t, pack, context, page) for t in topics]
    common = {"title": title, "pack_title": pack.title, "date": date, "lang": context.lang}
    images: dict = {}  # one image cache: a picture used in several documents is stored once
    numbers: dict[str, int] = {}  # anchor -> page number
    body = []
    first = 1  # the number the next document's first page prints
    for topic in shown:
        for part in ("cards", "self-test"):
            html = env.get_template(HANDOUT[part]).render(**common, topic=topic,
                                                          first_page=first, pages=numbers)
            document = _layout(html, page, images, styled=True)
            for number, laid in enumerate(document.pages, first):
                for anchor in laid.anchors:  # a section split over pages is on each of them
                    numbers.setdefault(anchor, number)
            body.append(document)
            first += len(document.pages)
    front = env.get_template(HANDOUT["front"]).render(**common, topics=shown, pages=numbers)
    # Handouts are read, on screen too: tagged. The dense, print-only cheat sheet is not; tags
    # cost it a tenth of its render time.
    front_matter = _layout(front, page, images, styled=True)
    _write([front_matter, *body], target, tagged=True, arabic_from=len(front_matter.pages))
    return page.problems


def _load_hyphenation(lang: str) -> None:
    """Load the language's hyphenation patterns once, before the handouts' processes fork.

    Each would otherwise parse them again: a twentieth of a second per handout.
    """
    import pyphen  # WeasyPrint's own hyphenation library

    found = pyphen.language_fallback(lang.replace("-", "_"))
    if found:
        pyphen.Pyphen(lang=found)


def _run(pack: Pack, job: PdfJob, context: PrintContext) -> tuple[list[Diagnostic], float]:
    """One PDF's problems, and the seconds it took to render."""
    started = time.perf_counter()
    if job.kind == "cheatsheet":
        problems = write_cheatsheet(pack, job.target, context, job.date)
    else:
        by_slug = {topic.slug: topic for topic in pack.topics}
        problems = write_handout(pack, [by_slug[slug] for slug in job.topics], job.target,
                                 context, job.title, job.date)
    return problems, time.perf_counter() - started


def prepare(pack: Pack, jobs: list[PdfJob], context: PrintContext) -> None:
    """Set up here, once, what every process that renders these PDFs would set up for itself:
    the Markdown converter and code lexers, the templates, hyphenation and style sheets."""
    markup.warm_up(text for card in _rendered_cards(pack, jobs)
                   for text in (card.question, card.answer))
    for kind in sorted({job.kind for job in jobs}):
        for name in [CHEATSHEET] if kind == "cheatsheet" else HANDOUT.values():
            template_env().get_template(name)
    if any(job.kind == "handout" for job in jobs):
        _load_hyphenation(context.lang)
        _handout_styles()


def write_all(pack: Pack, jobs: list[PdfJob], context: PrintContext, processes: int,
              done: Callable[[int, list[Diagnostic], float], None],
              stop: Callable[[], bool] | None = None) -> None:
    """Render the PDFs in at most `processes` parallel processes.

    `done` is called in this process with a job's index, its problems and its render time as
    each one finishes, in the order they finish: the caller moves that file into place. Once
    `stop` says so (it is asked every few hundredths of a second) Stopped is raised; then,
    as on an error or Ctrl-C, the processes still rendering are killed, not waited for.
    """
    if not jobs:
        return
    # WeasyPrint's output depends on Python's string hashing. A process started with
    # PYTHONHASHSEED=0 (build.py does that) can render itself and fork workers; otherwise
    # fresh workers are spawned with that seed, so the same notes always give the same bytes.
    if sys.flags.hash_randomization == 0:
        prepare(pack, jobs, context)
        write_prepared(pack, jobs, context, processes, done, stop)
        return
    with _spawned_pool(min(len(jobs), processes)) as pool:
        futures = {pool.submit(_run, pack, jobs[i], context): i for i in _longest_first(pack, jobs)}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, forked.POLL_SECONDS, FIRST_COMPLETED)
            if stop is not None and stop():
                raise Stopped
            for future in finished:
                problems, seconds = future.result()
                done(futures[future], problems, seconds)


def write_prepared(pack: Pack, jobs: list[PdfJob], context: PrintContext, processes: int,
                   done: Callable[[int, list[Diagnostic], float], None],
                   stop: Callable[[], bool] | None = None) -> None:
    """write_all in a process that hashes strings as build.py makes it and ran prepare()."""
    # A fresh forked process per PDF: it inherits the pack, and its memory goes with it.
    # Objects that exist now are never collected there, so their pages stay shared.
    gc.freeze()
    try:
        with closing(forked.each(lambda i: _run(pack, jobs[i], context),
                                 _longest_first(pack, jobs), min(len(jobs), processes),
                                 setup=_leave_interrupts_to_the_build, stop=stop)) as finished:
            for index, (problems, seconds) in finished:
                done(index, problems, seconds)
    finally:
        gc.unfreeze()


def _longest_first(pack: Pack, jobs: list[PdfJob]) -> list[int]:
    """The jobs' indexes, so that one big document does not start last."""
    return sorted(range(len(jobs)), key=lambda i: -_work(pack, jobs[i]))


@contextmanager
def _spawned_pool(processes: int) -> Iterator[ProcessPoolExecutor]:
    """Fresh processes that hash strings as build.py does.

    When the rendering ends early (an error, Ctrl-C, `stop`) its processes are killed: waiting
    for them would finish PDFs nobody wants.
    """
    previous = os.environ.get("PYTHONHASHSEED")
    os.environ["PYTHONHASHSEED"] = "0"
    before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(max_workers=processes,
                               mp_context=multiprocessing.get_context("spawn"),
                               initializer=_spawned_worker, initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        for process in set(multiprocessing.active_children()) - before:
            process.kill()
        raise
    finally:
        pool.shutdown(cancel_futures=True)
        if previous is None:
            del os.environ["PYTHONHASHSEED"]
        else:
            os.environ["PYTHONHASHSEED"] = previous


def _spawned_worker(parent: int) -> None:
    """Set up a spawned worker as forked.each sets up a forked one."""
    forked.die_with_parent(parent)
    _leave_interrupts_to_the_build()


def _leave_interrupts_to_the_build() -> None:
    """Ctrl-C reaches every process of the terminal: only the build itself should stop on it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _rendered_cards(pack: Pack, jobs: list[PdfJob]) -> list[Card]:
    """The cards whose Markdown these PDFs render: all of them once the cheat sheet is one."""
    if any(job.kind == "cheatsheet" for job in jobs):
        return list(pack.cards)
    chosen = {slug for job in jobs for slug in job.topics}
    return [card for topic in pack.topics if topic.slug in chosen for card in topic.cards]


def _work(pack: Pack, job: PdfJob) -> int:
    """A guess of how long a PDF takes to render: the text it lays out.

    The cheat sheet condenses every card to two lines but lays them out in narrow boxes; it
    takes about as long as a handout of a quarter of all the text, and is counted so.
    """
    if job.kind == "cheatsheet":
        return sum(len(c.question) + len(c.answer) for c in pack.cards) // 4
    chosen = set(job.topics)
    return sum(len(c.question) + len(c.answer) for t in pack.topics if t.slug in chosen
               for c in t.cards)


@functools.cache
def _handout_styles() -> tuple[list[weasyprint.CSS], FontConfiguration]:
    """The handouts' style sheets, parsed once, and one font set-up for every document.

    A handout is several documents: parsing its styles for each cost a tenth of its render.
    """
    fonts = FontConfiguration()
    sheets = [weasyprint.CSS(string=(TEMPLATES / "print" / name).read_text(encoding="utf-8"),
                             base_url=BASE, url_fetcher=_NotesOnly({}), font_config=fonts)
              for name in ("print.css", "handout.css")]
    return sheets, fonts


def _layout(html: str, page: _Page, images: dict, styled: bool = False) -> weasyprint.Document:
    """Lay one document out; images it loads are kept in (and reused from) `images`.

    `styled` adds the handouts' style sheets.
    """
    fetcher = _NotesOnly({**page.media, **{p.name: p for p in (TEMPLATES / "print").iterdir()}})
    sheets, fonts = _handout_styles() if styled else ([], None)
    document = weasyprint.HTML(string=html, base_url=BASE, url_fetcher=fetcher).render(
        stylesheets=sheets, font_config=fonts, cache=images)
    page.problems += [Diagnostic(page.name, None, "warning", f"not loaded: {url}")
                      for url in fetcher.refused]
    return document


def _write(documents: list[weasyprint.Document], target: Path, tagged: bool = False,
           arabic_from: int | None = None) -> None:
    """Write the documents' pages as one PDF.

    `tagged` adds the structure screen readers and reflow use. With `arabic_from`, a viewer
    numbers the pages as printed: i, ii, … before that page, 1, 2, … from it.
    """
    joined = documents[0].copy([laid for document in documents for laid in document.pages])
    # Fixed metadata and identifiers: the same input gives the same bytes.
    joined.metadata.created = joined.metadata.modified = None

    def page_labels(_: weasyprint.Document, pdf: pydyf.PDF) -> None:
        if arabic_from is not None:
            pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array([
                0, pydyf.Dictionary({"S": "/r"}), arabic_from, pydyf.Dictionary({"S": "/D"})])})

    data = joined.write_pdf(pdf_identifier=b"studypack", uncompressed_pdf=False, pdf_tags=tagged,
                            finisher=page_labels)
    write_atomic(target, data)
