"""Printed pack: every card in the cheat sheet and its handout, bookmarks, budget, no fetching."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import zipfile
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pypdf
import pytest

from studypack import cloze
from studypack.config import load_config
from studypack.pipeline import build
from tests.conftest import ROOT


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _text(pdf: Path) -> str:
    return _words(" ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages))


def _outline(pdf: Path) -> list[str]:
    def walk(items: list) -> list[str]:
        return [t for item in items for t in (walk(item) if isinstance(item, list)
                                               else [item.title])]
    return walk(pypdf.PdfReader(pdf).outline)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("print")
    config = replace(load_config(ROOT / "config.yaml"), output=out / "out", lock=out / "lock",
                     outputs=("yaml", "cheatsheet", "handouts"), combined_handout=True)
    return build(config), out / "out"


def test_every_card_is_in_the_cheatsheet_and_its_handout(printed) -> None:
    report, out = printed
    cheatsheet = _text(out / "cheatsheet.pdf")
    for topic in report.pack.topics:
        handout = _text(out / "handouts" / f"{topic.slug}.pdf")
        for card in topic.cards:
            # Formulas are pictures, so compare the words before the first one; a cloze is
            # printed with its deletions filled in.
            question = _words(cloze.plain(card.question).split("$")[0])[:40]
            assert question in cheatsheet, card.question
            assert question in handout, card.question


def test_handouts_have_bookmarks_page_numbers_and_a_self_test(printed) -> None:
    report, out = printed
    titles = _outline(out / "handouts" / "all.pdf")
    for topic in report.pack.topics:
        assert topic.title in titles
        text = _text(out / "handouts" / f"{topic.slug}.pdf")
        assert "self test" in text and "answer key" in text
        labels = pypdf.PdfReader(out / "handouts" / f"{topic.slug}.pdf").page_labels
        assert f"page {labels[-1]}" in text
    open_questions = {s.topic for s in report.pack.skipped if s.reason == "unanswered"}
    for slug in open_questions:
        assert "open questions" in _text(out / "handouts" / f"{slug}.pdf")


def _destinations(reader: pypdf.PdfReader) -> list[tuple[int, str, int]]:
    """(level, title, page index) of every bookmark, in order."""
    def walk(items: list, level: int) -> list[tuple[int, str, int]]:
        found = []
        for item in items:
            if isinstance(item, list):
                found += walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item)))
        return found
    return walk(reader.outline, 1)


def test_contents_and_answer_key_print_the_page_each_card_is_on(printed) -> None:
    """The front matter is numbered i, ii, …, the body from 1 on, across several topics."""
    report, out = printed
    reader = pypdf.PdfReader(out / "handouts" / "all.pdf")
    labels = reader.page_labels
    front = labels.index("1")
    assert front >= 1 and labels[:front] == ["i", "ii", "iii", "iv", "v"][:front]
    assert labels[front:] == [str(n) for n in range(1, len(labels) - front + 1)]
    for index, page in enumerate(reader.pages):
        assert f"page {labels[index]}" in page.extract_text()
    # Bookmarks: each topic, then its cards and the self-test's own headings.
    marks = [(level, title, page) for level, title, page in _destinations(reader)
             if level == 1 or (level == 2 and not title.startswith(
                 ("Self-test:", "Answer key", "Open questions")))]
    cards = [(title, page) for level, title, page in marks if level == 2]
    assert [title for level, title, _ in marks if level == 1] == \
        [t.title for t in report.pack.topics]
    assert len(cards) == len(report.pack.cards)
    # The contents: one number per topic and card, flush right, in the bookmarks' order.
    contents = "\n".join(reader.pages[index].extract_text() for index in range(front))
    numbers = [line for line in contents.splitlines() if line.isdigit()]
    assert numbers == [labels[page] for _, _, page in marks]
    # The answer key: question n of each topic -> the page its answer starts on.
    body = "\n".join(page.extract_text() for page in reader.pages[front:])
    key = re.findall(r"(\d+) → p\. (\d+)", body)
    assert [page for _, page in key] == [labels[page] for _, page in cards]


def test_pdfs_are_byte_identical_when_nothing_changed(printed) -> None:
    _, out = printed
    before = {p: p.read_bytes() for p in [out / "cheatsheet.pdf", *(out / "handouts").iterdir()]}
    config = replace(load_config(ROOT / "config.yaml"), output=out, lock=out.parent / "lock",
                     outputs=("yaml", "cheatsheet", "handouts"), combined_handout=True)
    build(config)
    assert {p: p.read_bytes() for p in before} == before


def test_seed_cheatsheet_fits_its_page_budget(seed_notes: Path, run, project_config) -> None:
    report = run(seed_notes, outputs=("yaml", "cheatsheet"))
    pages = len(pypdf.PdfReader(project_config.output / "cheatsheet.pdf").pages)
    assert pages <= project_config.cheatsheet.page_budget
    assert not [d for d in report.diagnostics if "budget" in d.message]


class _Recorder(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args: object) -> None:
        pass


def test_nothing_is_fetched_from_the_network_or_outside_the_notes(tmp_path: Path, run,
                                                                  project_config) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    secret = tmp_path / "secret.svg"
    secret.write_text("<svg xmlns='http://www.w3.org/2000/svg'><text>TOPSECRET</text></svg>")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text(
        f"### What is leaking?\n![remote]({url}/a.png) ![outside](../secret.svg)\n"
        f"<img src='file://{secret}'> <link rel='stylesheet' href='{url}/s.css'>\n"
        f"<style>@import url('{url}/i.css');</style> [a link]({url}/page)\n"
        f"<svg><image href='{url}/svg.png'/></svg>\n", encoding="utf-8")
    try:
        report = run(notes, outputs=("yaml", "anki", "cheatsheet", "handouts"))
    finally:
        server.shutdown()
    assert _Recorder.hits == []
    out = project_config.output
    with zipfile.ZipFile(out / "deck.apkg") as deck:
        assert not any(b"TOPSECRET" in deck.read(name) for name in deck.namelist())
    for path in [out / "cheatsheet.pdf", *(out / "handouts").iterdir()]:
        assert "topsecret" not in _text(path)
    messages = [str(d) for d in report.diagnostics]
    assert any("a.md:1: warning: image '../secret.svg'" in m for m in messages)


@pytest.mark.parametrize("answer", [
    "Shrinking every weight towards zero at each step, $w \\leftarrow (1 - \\eta\\lambda) w - "
    "\\eta \\nabla L$.",
    "It is $a + b + c + d + e + f + g + h + i + j + k + l + m + n + o + p + q + r + s + t + u + "
    "v + w$ in full.",
    "Short words then one formula $x = y$ and a long tail of plain words to cut somewhere later.",
])
def test_a_key_line_is_never_cut_inside_a_formula(answer: str) -> None:
    from studypack.model import Card, SourceRef
    from studypack.sheet import key_line

    card = Card("c", "Q?", answer, None, (), SourceRef("a.md", 1))
    for limit in range(10, len(answer) + 1):
        line = key_line(card, limit)
        assert line.count("$") % 2 == 0, (limit, line)
        assert len(line.removesuffix(" …")) <= limit


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldconfig is Linux's")
def test_weasyprint_libraries_are_found_as_usual_without_a_compiler(monkeypatch) -> None:
    import ctypes.util

    from studypack.writers.libraries import found_by_ldconfig

    names = ("gobject-2.0", "pango-1.0", "harfbuzz", "fontconfig", "pangoft2-1.0")
    usual = {name: ctypes.util.find_library(name) for name in names}
    ran: list[str] = []
    spawn = subprocess.Popen.__init__

    def record(self, args, *rest, **options) -> None:
        ran.append(Path(args[0]).name)
        spawn(self, args, *rest, **options)

    monkeypatch.setattr(subprocess.Popen, "__init__", record)
    with found_by_ldconfig():
        found = {name: ctypes.util.find_library(name) for name in names}
        missing = ctypes.util.find_library("libgobject-2.0-0")
    assert found == usual and all(found.values())
    assert missing is None
    assert set(ran) == {"ldconfig"}
    assert ctypes.util.find_library.__name__ == "find_library"
