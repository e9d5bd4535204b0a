"""Print floors: what WeasyPrint alone costs for the same notes, to measure a build against.

Two floors, both measured by bench/run.py in the same run as the builds they are compared to:

* `print_notes` (this file run as a script, in a child process like a build): each note file
  as plain Markdown (Python-Markdown, default extensions) in a bare A4 HTML document, printed
  by WeasyPrint. Interpreter start and imports are counted, as they are for a build.
* `plain_text`: card texts as plain paragraphs in a handout's text block and type size, for a
  per-page cost that studypack's layout can be compared to.

Neither imports studypack, so a change to the build never moves its own yardstick.

    python bench/floor.py --processes 2 --out /tmp/floor notes/*.md
"""

from __future__ import annotations

import argparse
import html
import json
import multiprocessing
import re
import sys
import time
from functools import partial
from pathlib import Path

PAGE = "<style>@page { size: A4 }</style>"
# The plain-text floor sets its paragraphs in a handout's text block and type size, so that a
# page of it holds about as many words as a handout page: per page, the two compare like for like.
TEXT_PAGE = ("<style>@page { size: A4; margin: 18mm 17mm 16mm 17mm }"
             " body { font: 10pt/1.4 'DejaVu Serif', serif }</style>")
TAG = re.compile(r"<[^>]*>")


def document(body: str, page: str = PAGE) -> str:
    """A bare HTML document: no stylesheet beyond the page (by default A4 and nothing else)."""
    return (f'<!doctype html><html><head><meta charset="utf-8">{page}</head>'
            f"<body>{body}</body></html>")


def print_html(text: str, target: Path) -> int:
    """Lay out and write one PDF; its number of pages."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    # No protocol allowed: the floor prints text and never reaches the network or the disk.
    nothing = URLFetcher(allowed_protocols=())
    rendered = weasyprint.HTML(string=text, url_fetcher=nothing).render()
    rendered.write_pdf(target)
    return len(rendered.pages)


def print_note(source: Path, out: Path) -> dict:
    """One note file as plain Markdown to PDF."""
    import markdown

    start = time.perf_counter()
    body = markdown.markdown(source.read_text(encoding="utf-8", errors="replace"))
    pages = print_html(document(body), out / f"{source.name}.pdf")
    return {"file": source.name, "pages": pages, "seconds": time.perf_counter() - start}


def print_notes(files: list[Path], out: Path, processes: int) -> list[dict]:
    """Every file, largest first, each in a fresh forked process, `processes` at a time: how
    the build runs its PDFs (the imports happen once, before the fork, as in the build)."""
    import markdown  # noqa: F401  (loaded before the fork, as the build loads its libraries)
    import weasyprint  # noqa: F401

    out.mkdir(parents=True, exist_ok=True)
    ordered = sorted(files, key=lambda p: -p.stat().st_size)
    context = multiprocessing.get_context("fork")
    with context.Pool(max(1, processes), maxtasksperchild=1) as pool:
        return pool.map(partial(print_note, out=out), ordered, chunksize=1)


def plain_paragraphs(texts: list[str]) -> str:
    """Texts as plain `<p>` paragraphs: tags stripped, one paragraph per blank-line block."""
    blocks = (block for text in texts for block in re.split(r"\n\s*\n", TAG.sub(" ", text)))
    return "\n".join(f"<p>{html.escape(' '.join(block.split()))}</p>"
                     for block in blocks if block.strip())


def plain_text(texts: list[str], target: Path) -> dict:
    """The plain-text floor in this process: pages, wall and CPU seconds."""
    source = document(plain_paragraphs(texts), TEXT_PAGE)
    wall, cpu = time.perf_counter(), time.process_time()
    pages = print_html(source, target)
    return {"pages": pages, "seconds": time.perf_counter() - wall,
            "cpu_seconds": time.process_time() - cpu, "characters": len(source)}


def main(argv: list[str] | None = None) -> int:
    """Print note files as plain Markdown; one JSON line of pages and seconds on stdout."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, required=True, help="folder for the PDFs")
    parser.add_argument("--processes", type=int, default=1,
                        help="PDFs rendered at a time, each in its own forked process")
    args = parser.parse_args(argv)
    notes = print_notes(args.files, args.out, args.processes)
    print(json.dumps({"processes": args.processes, "files": notes,
                      "pages": sum(n["pages"] for n in notes)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
