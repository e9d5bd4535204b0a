"""Writes output/preview.html: one self-contained page to browse the pack before importing it.

Cards are rendered exactly as the deck renders them (anki.card_fields). Every image and formula
is inlined as a data: URI, and the page's Content-Security-Policy allows no request at all, so
even markup that slipped through the sanitizer cannot fetch anything.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from urllib.parse import quote

from pygments.formatters import HtmlFormatter

from studypack import cloze
from studypack.errors import Diagnostic
from studypack.model import Card, Pack, Skipped
from studypack.writers import template_env, write_atomic
from studypack.writers.anki import DeckContext, card_fields

# Sanitized card HTML: every image source is a media name the deck would package.
_IMAGE_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')
# A fixed table, not the system's mime.types: the page must be the same bytes on every machine.
_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp",
                ".avif": "image/avif", ".bmp": "image/bmp"}
# Left as they are in an SVG data: URI; quotes, '<', '>', '&', '#' and '%' are encoded.
_SVG_SAFE = " /=:;,.-_()!*'+?@$~"


def write(pack: Pack, target: Path, context: DeckContext) -> list[Diagnostic]:
    """Write target atomically; returns problems found in card contents (as the deck does)."""
    problems: list[Diagnostic] = []
    media: dict[str, Path] = {}
    topics = []
    for topic in pack.topics:
        cards = [_card(card, card_fields(card, topic.title, context, media, problems))
                 for card in topic.cards]
        topics.append({"slug": topic.slug, "title": topic.title, "cards": cards})
    inline = {name: _data_uri(path) for name, path in media.items()}
    for topic in topics:
        for card in topic["cards"]:
            for part in ("question", "answer"):
                card[part] = _IMAGE_SRC.sub(
                    lambda m: m.group(1) + inline.get(m.group(2), "") + m.group(3), card[part])
    env = template_env()
    script = env.get_template("preview/preview.js").render()
    css = env.get_template("preview/preview.css.j2").render(
        code_light=HtmlFormatter(style="default").get_style_defs(".highlight"),
        code_dark=HtmlFormatter(style="monokai").get_style_defs('[data-theme="dark"] .highlight'),
    )
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    html = env.get_template("preview/preview.html.j2").render(
        title=pack.title, topics=topics, total=len(pack.cards),
        skipped=[_skipped(s) for s in pack.skipped],
        css=css, script=script, script_hash=f"sha256-{digest}")
    write_atomic(target, html.encode())
    return problems


def _card(card: Card, fields: list[str]) -> dict:
    question, answer, _topic, difficulty, source, card_id = fields
    if card.kind == "cloze":  # the deck's own markup, shown filled in and marked
        question = cloze.fill(question)
    return {"id": card_id, "question": question, "answer": answer,
            "difficulty": difficulty or "none", "source": source, "tags": list(card.tags),
            "merged": [f"{ref.path}:{ref.line}" for ref in card.merged]}


def _skipped(entry: Skipped) -> dict:
    return {"question": " ".join(entry.question.split()), "reason": entry.reason,
            "source": f"{entry.source.path}:{entry.source.line}",
            "detail": entry.detail or "", "merged_into": entry.merged_into or ""}


def _data_uri(path: Path) -> str:
    mime = _IMAGE_TYPES.get(path.suffix.lower(), "application/octet-stream")
    if mime == "image/svg+xml":
        # Formulas are mostly numbers: percent-encoded they stay a quarter smaller than base64.
        return f"data:{mime},{quote(path.read_bytes(), safe=_SVG_SAFE)}"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"
