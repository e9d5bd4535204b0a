"""output/preview.html: the whole pack in one page, searchable, and unable to fetch anything."""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from studypack import intermediate
from studypack.config import Config, load_config
from studypack.pipeline import build
from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NOTES = r"""---
tags: [demo]
---
# Optimization

### [E] What does gradient descent do?
It steps against the gradient: $\theta \leftarrow \theta - \eta \nabla L$.

### [H] Why does the gradient vanish in deep sigmoid networks?
Each layer multiplies it by $\sigma'(z) \le 1/4$.

![Steps down a loss curve](steps.svg)

### How do you zero the gradients in PyTorch?
```python
optimizer.zero_grad()
```

### [M] What is momentum?
A running average of past updates.

![A noisy path](path.png)

### What is dropout?
Randomly zeroing units while training.

### What is a saddle point?
"""


def _png(width: int, height: int) -> bytes:
    """A small red PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data))
    rows = b"".join(b"\0" + b"\xd0\x30\x30" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def _build(config: Config, source: Path, out: Path) -> Path:
    build(replace(config, sources=(source.resolve(),), output=out, lock=out.parent / "lock"),
          only=("yaml", "preview"))
    return out


@pytest.fixture(scope="module")
def fixture_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The preview of a few cards with a formula, two images, code and every difficulty."""
    root = tmp_path_factory.mktemp("preview")
    notes = root / "notes"
    notes.mkdir()
    (notes / "notes.md").write_text(NOTES)
    (notes / "steps.svg").write_bytes((ROOT / "source_notes/images/gradient-descent.svg")
                                      .read_bytes())
    (notes / "path.png").write_bytes(_png(24, 12))
    return _build(load_config(ROOT / "config.yaml"), notes, root / "out")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        reason = (f"{CHROMIUM} is missing: `make test` installs Debian's chromium when run as "
                  "root; otherwise: sudo apt-get install chromium")
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield browser
        browser.close()


class Visit:
    """A page opened in a fresh browser context, with every request and error it caused."""

    def __init__(self, browser: Browser, html: Path, scheme: str = "light") -> None:
        self.context = browser.new_context(color_scheme=scheme)
        self.page: Page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.failed: dict[str, str] = {}
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.on("requestfailed", lambda request: self.failed.setdefault(
            request.url, request.failure or ""))
        self.page.on("console", lambda message: message.type == "error"
                     and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(html.as_uri())
        self.page.wait_for_load_state("load")

    def shown(self) -> str:
        return self.page.inner_text("#shown")

    def choose(self, level: str) -> None:
        """Click a difficulty button."""
        self.page.locator(".levels label",
                          has=self.page.locator(f"input[value={level}]")).click()

    def visible_ids(self) -> list[str]:
        return self.page.eval_on_selector_all(
            ".card", "cards => cards.filter(c => c.offsetParent !== null).map(c => c.dataset.id)")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Browser) -> Iterator:
    opened: list[Visit] = []

    def _visit(html: Path, scheme: str = "light") -> Visit:
        opened.append(Visit(browser, html, scheme))
        return opened[-1]

    yield _visit
    for page in opened:
        page.close()


def _images_shown(page: Page) -> list[tuple[str, int]]:
    return page.eval_on_selector_all(
        "img", "images => images.map(i => [i.className || i.alt, i.naturalWidth])")


def test_source_notes_preview_shows_every_card_once_and_requests_nothing(
        tmp_path: Path, visit) -> None:
    out = _build(load_config(ROOT / "config.yaml"), ROOT / "source_notes", tmp_path / "out")
    pack = intermediate.load((out / "notes.yaml").read_text(), "notes.yaml")
    html = out / "preview.html"
    seen = visit(html)
    ids = seen.page.eval_on_selector_all("[data-id]", "cards => cards.map(c => c.dataset.id)")
    assert sorted(ids) == sorted(card.id for card in pack.cards)
    assert seen.shown() == f"{len(pack.cards)} of {len(pack.cards)} cards"
    assert seen.page.locator("#skipped li").count() == len(pack.skipped)
    shown = _images_shown(seen.page)
    assert len(shown) > 20 and all(width > 0 for _, width in shown), shown
    assert seen.errors == []
    assert seen.requests == [html.as_uri()]


def test_search_filters_cards_by_question_answer_and_formula(fixture_page: Path, visit) -> None:
    seen = visit(fixture_page / "preview.html")
    assert seen.shown() == "5 of 5 cards"
    seen.page.fill("#search", "gradient")
    assert seen.shown() == "3 of 5 cards"
    assert len(seen.visible_ids()) == 3
    seen.page.fill("#search", "GRADIENT vanish")  # every word, any case
    assert seen.shown() == "1 of 5 cards"
    assert seen.page.locator(".card:visible .question").inner_text() == \
        "Why does the gradient vanish in deep sigmoid networks?"
    seen.page.fill("#search", "zero_grad")  # inside code
    assert seen.shown() == "1 of 5 cards"
    seen.page.fill("#search", "nabla")  # the TeX of a formula
    assert seen.shown() == "1 of 5 cards"
    seen.page.fill("#search", "momentum")
    assert seen.page.locator("#topic-regularization").is_hidden()  # no match left in it
    assert seen.page.locator('.contents a[href="#topic-regularization"]').is_hidden()
    assert seen.page.inner_text('.contents a[href="#topic-optimization"] span') == "1"
    seen.page.fill("#search", "no such words")
    assert seen.shown() == "0 of 5 cards" and seen.page.locator("#nothing").is_visible()
    seen.page.press("#search", "Escape")
    assert seen.shown() == "5 of 5 cards"
    assert seen.errors == []


def test_difficulty_filter_combines_with_search(fixture_page: Path, visit) -> None:
    seen = visit(fixture_page / "preview.html")
    for level, count in (("easy", 1), ("medium", 1), ("hard", 1), ("none", 2), ("all", 5)):
        seen.choose(level)
        assert seen.shown() == f"{count} of 5 cards", level
    seen.choose("none")
    seen.page.fill("#search", "gradient")
    assert seen.shown() == "1 of 5 cards"
    assert seen.page.locator(".card:visible .badge").inner_text().lower() == "unrated"


def test_follows_the_system_theme_and_the_toggle_switches_it(fixture_page: Path, visit) -> None:
    background = "getComputedStyle(document.body).backgroundColor"
    light = visit(fixture_page / "preview.html", "light")
    dark = visit(fixture_page / "preview.html", "dark")
    assert light.page.evaluate(background) != dark.page.evaluate(background)
    assert dark.page.get_attribute("html", "data-theme") == "dark"
    light.page.click("#theme")
    assert light.page.get_attribute("html", "data-theme") == "dark"
    assert light.page.evaluate(background) == dark.page.evaluate(background)
    light.page.click("#theme")
    assert light.page.get_attribute("html", "data-theme") == "light"


def test_formulas_and_note_images_are_displayed(fixture_page: Path, visit) -> None:
    seen = visit(fixture_page / "preview.html")
    shown = dict(_images_shown(seen.page))
    assert shown["Steps down a loss curve"] > 0 and shown["A noisy path"] == 24
    assert seen.page.locator("img.formula").count() == 2
    assert all(width > 0 for width in shown.values())
    assert seen.errors == []


def test_the_page_policy_refuses_anything_a_note_could_smuggle_in(fixture_page: Path,
                                                                  visit) -> None:
    seen = visit(fixture_page / "preview.html")
    refused = seen.page.evaluate("""() => new Promise(done => {
        const blocked = [];
        document.addEventListener("securitypolicyviolation", e => {
            blocked.push(e.violatedDirective);
            if (blocked.length === 2) done(blocked.sort());
        });
        const image = document.createElement("img");
        image.src = "http://127.0.0.1:9/tracker.png";
        document.body.append(image);
        fetch("http://127.0.0.1:9/data").catch(() => {});
    })""")
    assert refused == ["connect-src", "img-src"]
    page = (fixture_page / "preview.html").as_uri()
    assert seen.failed == {url: "csp" for url in seen.requests if url != page} != {}


def test_the_same_notes_give_the_same_page_and_only_preview_builds_only_it(
        fixture_page: Path, tmp_path: Path) -> None:
    notes = fixture_page.parent / "notes"
    config = load_config(ROOT / "config.yaml")
    again = _build(config, notes, tmp_path / "again")
    assert (again / "preview.html").read_bytes() == (fixture_page / "preview.html").read_bytes()
    report = build(replace(config, sources=(notes,), output=tmp_path / "only",
                           lock=tmp_path / "lock"), only=("preview",))
    assert sorted(p.name for p in (tmp_path / "only").iterdir() if p.is_file()) == \
        ["notes.yaml", "preview.html", "report.txt"]
    assert any(path.endswith("preview.html") for path in report.written)
