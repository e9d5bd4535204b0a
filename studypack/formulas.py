"""Turns TeX spans in Markdown into content-hashed SVG files (ziamath), shared by deck and PDFs."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from studypack.writers import write_atomic

# Display first, then inline. `$...$` must hug its content and not be followed by a digit, so
# "costs $5 and $10" stays text.
_SPANS = re.compile(
    r"\$\$(?P<d1>.+?)\$\$"
    r"|\\\[(?P<d2>.+?)\\\]"
    r"|\\\((?P<i1>.+?)\\\)"
    r"|(?<![\\$\w])\$(?P<i2>[^\s$](?:[^$\n]*?[^\s\\$])?)\$(?!\d)",
    re.S,
)
CODE = re.compile(r"(?ms)^(\s*(?:[-*+]\s+|\d+[.)]\s+)?)(`{3,}|~{3,}).*?^\s*\2[ \t]*$|`[^`\n]+`")
FONT_SIZE = 16.0


@dataclass(frozen=True)
class Formula:
    """One rendered formula: its file name, TeX and box metrics in em."""

    tex: str
    display: bool
    file: str | None  # None when the TeX could not be rendered
    height_em: float = 0.0
    depth_em: float = 0.0  # how far it reaches below the text baseline
    error: str = ""


def find(markdown: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, tex, display) for every formula outside code."""
    code = [m.span() for m in CODE.finditer(markdown)]
    found = []
    for match in _SPANS.finditer(markdown):
        if any(a <= match.start() < b for a, b in code):
            continue
        # `$$x$$` in the middle of a sentence is written as display but meant inline.
        before = markdown[: match.start()].rsplit("\n", 1)[-1]
        after = markdown[match.end() :].split("\n", 1)[0]
        on_own_line = not before.strip() and not after.strip()
        display = (match.group("d1") is not None or match.group("d2") is not None) and on_own_line
        tex = next(g for g in match.group("d1", "d2", "i1", "i2") if g is not None)
        found.append((match.start(), match.end(), tex.strip(), display))
    return found


def render_all(texts: Iterable[str], folder: Path, workers: int) -> None:
    """Render every formula of these texts that folder does not hold yet, in `workers` processes.

    Fields rendered in several processes would otherwise each render the formulas they share:
    a formula takes a hundred times longer than the Markdown around it.
    """
    missing = sorted({(tex, display) for text in texts for _, _, tex, display in find(text)
                      if not all(p.exists() for p in _files(tex, display, folder))})
    if workers < 2 or len(missing) < 2:
        return  # the fields render them as they go
    from studypack import forked  # multiprocessing takes a while to load

    forked.in_chunks(lambda formula: render(*formula, folder).error, missing, workers)


def _files(tex: str, display: bool, folder: Path) -> tuple[Path, Path]:
    """Where a formula's SVG and its box metrics are kept."""
    digest = hashlib.sha1(f"{display}\0{tex}".encode()).hexdigest()[:16]
    path = folder / f"formula-{digest}.svg"
    return path, path.with_suffix(".box")


def render(tex: str, display: bool, folder: Path) -> Formula:
    """The formula as an SVG file in folder, reusing an earlier render of the same TeX."""
    path, meta = _files(tex, display, folder)
    name = path.name
    if path.exists() and meta.exists():
        height, depth = (float(v) for v in meta.read_text().split())
        return Formula(tex, display, name, height, depth)
    import ziamath  # loaded on first use: it takes a quarter of a second

    ziamath.config.svg2 = False  # SVG 1.1 without shared ids: many formulas can sit in one page
    try:
        math = ziamath.Latex(tex, size=FONT_SIZE, inline=not display, title=tex)
        svg = math.svg()
        _, height = math.getsize()
    except Exception as error:  # the renderer raises many kinds for bad TeX
        return Formula(tex, display, None, error=f"{type(error).__name__}: {error}".rstrip(": "))
    match = re.search(r'viewBox="[-\d.]+ (-?[\d.]+) [\d.]+ ([\d.]+)"', svg)
    top, box = (float(match.group(1)), float(match.group(2))) if match else (-height, height)
    # Round once, the same way a cached render is read back, so cold and warm builds agree.
    height, depth = round(box / FONT_SIZE, 4), round(max(0.0, box + top) / FONT_SIZE, 4)
    write_atomic(path, svg.encode())
    write_atomic(meta, f"{height:.4f} {depth:.4f}\n".encode())
    return Formula(tex, display, name, height, depth)
