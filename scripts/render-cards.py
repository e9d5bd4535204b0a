"""Renders a few cards of the deck as Anki shows them (light and night) to PNG with Chromium.

Usage: .venv/bin/python scripts/render-cards.py [OUTPUT_DIR] [CARD_ID ...]
Builds source_notes/ first, then writes <id>-light.png and <id>-night.png per card.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import chevron

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studypack.config import load_config  # noqa: E402
from studypack.pipeline import build  # noqa: E402
from studypack.writers import anki  # noqa: E402

PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>{css}
body {{ margin: 0; }}</style></head><body class="card {mode}">{body}</body></html>"""


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "docs" / "images"
    config = load_config(ROOT / "config.yaml")
    work = Path(tempfile.mkdtemp())
    config = config.__class__(**{**config.__dict__, "output": work / "out",
                                 "lock": ROOT / "studypack.lock"})
    pack = build(config, only=("yaml",)).pack
    wanted = argv[1:] or _showcase(pack)
    model = anki.note_type()
    context = anki.DeckContext(config.sources, work / "media", {})
    out.mkdir(parents=True, exist_ok=True)
    for topic in pack.topics:
        for card in topic.cards:
            if card.id not in wanted:
                continue
            media: dict[str, Path] = {}
            fields = anki.card_fields(card, topic.title, context, media, [])
            values = dict(zip(anki.FIELDS, fields, strict=True))
            front = _anki_render(model.templates[0]["qfmt"], values)
            back = _anki_render(model.templates[0]["afmt"], {**values, "FrontSide": front})
            for name, path in media.items():
                shutil.copy(path, work / name)
            for mode, label in (("", "light"), ("nightMode night_mode", "night")):
                page = work / f"{card.id}-{label}.html"
                page.write_text(PAGE.format(css=model.css, mode=mode, body=back), "utf-8")
                _screenshot(page, out / f"card-{card.id}-{label}.png")
    return 0


def _anki_render(template: str, values: dict[str, str]) -> str:
    # Anki inserts field HTML as it is; mustache would escape {{Field}}.
    return chevron.render(re.sub(r"\{\{(\w+)\}\}", r"{{{\1}}}", template), values)


def _showcase(pack) -> list[str]:
    cards = pack.cards
    with_formula = next(c for c in cards if "$$" in c.answer and "```" in c.answer)
    with_image = next(c for c in cards if "![" in c.answer)
    return [with_formula.id, with_image.id]


def _screenshot(page: Path, png: Path) -> None:
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--disable-background-networking", "--disable-component-update", "--no-first-run",
         f"--user-data-dir={tempfile.mkdtemp()}", "--window-size=560,900",
         f"--screenshot={png}", page.as_uri()],
        check=True, capture_output=True, timeout=60,
    )
    print(png)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
