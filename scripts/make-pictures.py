"""Makes every picture the README shows, from a fresh build of source_notes/.

Usage: python scripts/make-pictures.py [OUTPUT_DIR]   (default: docs/images)

Builds the notes into a temporary folder with a copy of studypack.lock (so card ids and the
dates printed on the PDFs are the ones the lock records; output/ and the lock are left alone),
then writes:
  card-views.png         the showcase card as Anki shows it: front and back, light and night
  card-image-night.png   a card with a picture, back side, night mode
  cheatsheet-page.png    page 1 of the cheat sheet
  handout-page.png       the handout page holding the showcase card (formula and code)
  handout-contents.png   the first page of the same handout: title and contents
  preview-light.png      the preview page with "convolution" typed in the search box
  preview-dark.png       the preview page in dark mode with the "Hard" filter on
Needs Chromium (/usr/bin/chromium), Python playwright (a dev dependency) and pdftoppm.
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import chevron
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studypack.config import Config, load_config  # noqa: E402
from studypack.entry import stable_hashing  # noqa: E402
from studypack.model import Card, Pack  # noqa: E402
from studypack.pipeline import build  # noqa: E402
from studypack.writers import anki  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--font-render-hinting=none",
         "--disable-partial-raster"]  # else a redrawn page can differ by a shade at card corners
MAX_BYTES = 150_000  # a picture above this is reduced to 256 colours
CARD_WIDTH = 540  # CSS pixels of one card view
PREVIEW_WIDTH = 880
PREVIEW_HEIGHT = 1000  # at most; the picture ends under the last card that fits whole
PDF_DPI = "70"

# The card as Anki's reviewer shows it: the note type's CSS, the card's HTML in a body whose
# classes are "card" and, in night mode, "nightMode night_mode".
CARD_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>{css}
html, body {{ margin: 0; }}</style></head><body class="card {mode}">{body}</body></html>"""

# Resolves once fonts are loaded and two frames have been drawn since the last change.
SETTLED = """() => document.fonts.ready.then(() => new Promise(done =>
    requestAnimationFrame(() => requestAnimationFrame(done))))"""

# Four card views in a grid, each under a small label.
GRID_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
body {{ margin: 0; background: #ffffff; font: 13px "DejaVu Sans", Arial, sans-serif; }}
.grid {{ display: inline-grid; grid-template-columns: repeat(2, {width}px); gap: 14px 16px;
         padding: 12px; background: #ffffff; }}
figure {{ margin: 0; }}
figcaption {{ color: #6b6b70; margin: 0 0 4px 2px; letter-spacing: 0.02em; }}
img {{ display: block; border: 1px solid #d0d0d5; border-radius: 6px; }}
</style></head><body><div class="grid">{cells}</div></body></html>"""
CELL = '<figure><figcaption>{label}</figcaption><img src="data:image/png;base64,{data}"></figure>'


@dataclass(frozen=True)
class CardView:
    """One side of a card in one colour mode."""

    label: str
    side: str  # "front" or "back"
    mode: str  # body classes Anki adds: "" (light) or "nightMode night_mode" (night)


VIEWS = (CardView("Front · light", "front", ""),
         CardView("Front · night", "front", "nightMode night_mode"),
         CardView("Back · light", "back", ""),
         CardView("Back · night", "back", "nightMode night_mode"))
NIGHT_BACK = VIEWS[3]


def main(argv: list[str]) -> int:
    """Build source_notes/ in a temporary folder and write every picture."""
    stable_hashing()  # the PDFs are the same bytes only with a fixed string hashing
    target = Path(argv[0]).resolve() if argv else ROOT / "docs" / "images"
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="studypack-pictures-") as folder:
        work = Path(folder)
        config = _config(work)
        print("building source_notes/ ...", flush=True)
        pack = build(config, only=("yaml", "cheatsheet", "handouts", "preview")).pack
        showcase, with_image = _showcase(pack)
        with _browser() as browser:
            page = browser.new_page(viewport={"width": CARD_WIDTH, "height": 600})
            _card_pictures(page, pack, config, work, showcase, with_image, target)
            page.close()
            _preview_pictures(browser, config.output / "preview.html", target)
        _pdf_pictures(config.output, showcase, target)
    return 0


def _config(work: Path) -> Config:
    """The repository's settings, writing to `work` and using a copy of the lock."""
    config = load_config(ROOT / "config.yaml")
    lock = work / "studypack.lock"
    if config.lock.exists():
        shutil.copyfile(config.lock, lock)
    return replace(config, output=work / "output", lock=lock)


def _showcase(pack: Pack) -> tuple[Card, Card]:
    """The first card whose answer has a display formula and code, and the first with a picture."""
    cards = pack.cards
    formula_and_code = next(c for c in cards if "$$" in c.answer and "```" in c.answer)
    with_image = next(c for c in cards if "![" in c.answer)
    return formula_and_code, with_image


@contextmanager
def _browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, with nothing that reaches the network."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


# Cards ------------------------------------------------------------------------------------


def _card_pictures(page: Page, pack: Pack, config: Config, work: Path, showcase: Card,
                   with_image: Card, target: Path) -> None:
    """card-views.png (four views of the showcase card) and card-image-night.png."""
    context = anki.DeckContext(config.sources, work / "media", {})
    sides = _card_sides(pack, showcase, context, work)
    shots = [_card_shot(page, sides[view.side], view.mode, work) for view in VIEWS]
    cells = "".join(CELL.format(label=view.label, data=base64.b64encode(shot).decode())
                    for view, shot in zip(VIEWS, shots, strict=True))
    grid = work / "grid.html"
    grid.write_text(GRID_PAGE.format(width=CARD_WIDTH + 2, cells=cells), "utf-8")
    page.set_viewport_size({"width": 2 * CARD_WIDTH + 60, "height": 600})
    page.goto(grid.as_uri())
    _save(page.locator(".grid").screenshot(), target / "card-views.png")
    page.set_viewport_size({"width": CARD_WIDTH, "height": 600})
    back = _card_sides(pack, with_image, context, work)["back"]
    _save(_card_shot(page, back, NIGHT_BACK.mode, work), target / "card-image-night.png")


def _card_sides(pack: Pack, card: Card, context: anki.DeckContext, work: Path) -> dict[str, str]:
    """The card's front and back HTML from the note type's templates; its media beside it."""
    topic = next(t.title for t in pack.topics if card in t.cards)
    media: dict[str, Path] = {}
    values = dict(zip(anki.FIELDS, anki.card_fields(card, topic, context, media, []),
                      strict=True))
    for name, path in media.items():
        shutil.copyfile(path, work / name)
    template = anki.note_type().templates[0]
    front = _anki_render(template["qfmt"], values)
    return {"front": front, "back": _anki_render(template["afmt"], {**values, "FrontSide": front})}


def _anki_render(template: str, values: dict[str, str]) -> str:
    """Fill a card template as Anki does: field HTML goes in as it is, unescaped."""
    return chevron.render(re.sub(r"\{\{(\w+)\}\}", r"{{{\1}}}", template), values)


def _card_shot(page: Page, body: str, mode: str, work: Path) -> bytes:
    """A PNG of one card view, as tall as its content."""
    html = work / "card.html"
    html.write_text(CARD_PAGE.format(css=anki.note_type().css, mode=mode, body=body), "utf-8")
    page.goto(html.as_uri())
    return page.locator("body").screenshot()


# Preview page -----------------------------------------------------------------------------


def _preview_pictures(browser: Browser, preview: Path, target: Path) -> None:
    """The preview page searched for "convolution" (light) and filtered to Hard (dark)."""
    for scheme, name in (("light", "preview-light.png"), ("dark", "preview-dark.png")):
        context = browser.new_context(color_scheme=scheme,
                                      viewport={"width": PREVIEW_WIDTH, "height": PREVIEW_HEIGHT})
        page = context.new_page()
        page.goto(preview.as_uri())
        if scheme == "light":
            page.fill("#search", "convolution")  # left focused, as while typing
        else:
            page.locator("label", has=page.locator("input[value=hard]")).click()
            page.evaluate("document.activeElement.blur()")
            page.mouse.move(0, PREVIEW_HEIGHT - 1)  # no hover on the button
        page.evaluate(SETTLED)
        _save(page.screenshot(clip=_preview_clip(page)), target / name)
        context.close()


def _preview_clip(page: Page) -> dict[str, float]:
    """The top of the page down to just under the last card that is wholly in view."""
    bottoms = page.evaluate("""() => [...document.querySelectorAll("article.card")]
        .filter(card => card.offsetParent !== null)
        .map(card => card.getBoundingClientRect().bottom)""")
    whole = [bottom for bottom in bottoms if bottom + 16 <= PREVIEW_HEIGHT]
    height = max(whole, default=PREVIEW_HEIGHT - 16) + 16
    return {"x": 0, "y": 0, "width": PREVIEW_WIDTH, "height": height}


# Printed pages ----------------------------------------------------------------------------


def _pdf_pictures(output: Path, showcase: Card, target: Path) -> None:
    """Page 1 of the cheat sheet; the handout page with the showcase card, and its first page."""
    _pdf_page(output / "cheatsheet.pdf", 1, target / "cheatsheet-page.png")
    handout = next(path for path in sorted((output / "handouts").glob("*.pdf"))
                   if _page_with(path, showcase.question))
    _pdf_page(handout, _page_with(handout, showcase.question), target / "handout-page.png")
    _pdf_page(handout, 1, target / "handout-contents.png", trim=True)


def _page_with(pdf: Path, question: str) -> int:
    """The first page with the question's first words on a line that is not a contents entry
    (those end in a page number, flush right); 0 if none has."""
    words = " ".join(question.split()[:5])
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout.split("\f")
    for number, text in enumerate(pages, start=1):
        lines = (line for line in text.splitlines() if not re.search(r"\s{3,}\d+\s*$", line))
        if any(words in " ".join(line.split()) for line in lines):
            return number
    return 0


def _pdf_page(pdf: Path, number: int, png: Path, trim: bool = False) -> None:
    """One page of a PDF as a PNG at 70 dpi; with `trim`, cut off its empty lower part."""
    data = subprocess.run(["pdftoppm", "-png", "-r", PDF_DPI, "-f", str(number), "-l",
                           str(number), "-singlefile", str(pdf)],
                          check=True, capture_output=True).stdout
    _save(_trim_bottom(data) if trim else data, png)


def _trim_bottom(data: bytes) -> bytes:
    """The page down to its last text above the footer, with a margin as wide as the top's."""
    image = Image.open(io.BytesIO(data))
    body = image.convert("L").crop((0, 0, image.width, int(image.height * 0.9)))  # not the footer
    box = body.point(lambda value: 255 if value < 200 else 0).getbbox()
    if box is None:
        return data
    height = min(image.height, box[3] + box[1])
    return _encode(image.crop((0, 0, image.width, height)))


# Files ------------------------------------------------------------------------------------


def _save(data: bytes, png: Path) -> None:
    """Write a PNG, reduced to 256 colours if it is too big; print what was written."""
    image = Image.open(io.BytesIO(data))
    image.load()
    out = _encode(image)
    if len(out) > MAX_BYTES:
        out = _encode(image.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT))
    png.write_bytes(out)
    print(f"{_display(png)}  {image.width}x{image.height}  {len(out) // 1024} KB")


def _encode(image: Image.Image) -> bytes:
    """PNG bytes with no metadata, so the same pixels always give the same file."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
