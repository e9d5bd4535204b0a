"""Markdown to sanitized HTML for cards and pages: formulas as SVG, local images, Pygments code."""

from __future__ import annotations

import contextlib
import hashlib
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import markdown
import nh3
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from studypack import formulas, inline_guard
from studypack.images import HTML_IMAGE_SRC, MD_IMAGE, ImageResolver
from studypack.sources import FENCE

_ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre",
    "code", "span", "div", "table", "thead", "tbody", "tr", "th", "td", "em", "strong", "b", "i",
    "u", "s", "del", "sub", "sup", "a", "img", "dl", "dt", "dd", "center", "kbd", "mark",
}
_ALLOWED_ATTRIBUTES = {
    "span": {"class"}, "div": {"class"}, "pre": {"class"}, "code": {"class"},
    "img": {"src", "alt", "title"}, "a": {"href", "title"}, "th": {"align"}, "td": {"align"},
}
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+\S")
# A tag, but not a link target written as `](<path with spaces>)`.
_RAW_TAG = re.compile(
    r"(?<!\()<(?P<close>/?)(?P<tag>[A-Za-z][A-Za-z0-9-]*)(?=[\s/>])(?P<attrs>[^<>\n]*)>")
_ATTRIBUTE = re.compile(r"(?:^|\s)(?P<name>[A-Za-z_:][-\w:.]*)")
# One line of words and plain punctuation, none of which Markdown or HTML treat as syntax (no
# `*_[]<>&#|\\` or backticks, no list or heading start, no double space): most questions.
PLAIN = r"(?:[^\W\d_]|[\"'(‘“])(?:[^\W_]|[,.?!'\"()/%:;=+\-–—’‘“”…]| (?! ))*(?<! )"
# Lines between blank ones (which may hold spaces or tabs) make a paragraph.
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")
# Paragraphs of such lines, which Markdown wraps in <p> each, as typed: most fields.
_PLAIN = re.compile(rf"{PLAIN}(?:\n{PLAIN})*(?:{_BLANK_LINES.pattern}{PLAIN}(?:\n{PLAIN})*)*")
_PLACEHOLDER = "SPFORMULA"  # + five digits + X: a word Markdown leaves alone


@dataclass
class Rendered:
    """HTML plus the files it needs and the problems found on the way."""

    html: str
    media: dict[str, Path] = field(default_factory=dict)  # packaged name -> file
    problems: list[str] = field(default_factory=list)


def to_html(text: str, resolve_image: ImageResolver, formula_dir: Path) -> Rendered:
    """Render one Markdown field; never raises on bad input, records problems instead."""
    result = Rendered("")
    spans = formulas.find(text)
    marker = _PLACEHOLDER
    while marker in text:  # the note itself says it: pick a word it does not say
        marker += "Q"
    rendered: list[formulas.Formula] = []
    for start, end, tex, display in reversed(spans):
        rendered.append(formulas.render(tex, display, formula_dir))
        text = f"{text[:start]}{marker}{len(spans) - len(rendered):05d}X{text[end:]}"
    rendered.reverse()
    result.problems += removed_html(text)
    text = MD_IMAGE.sub(lambda m: _markdown_image(m, resolve_image, result), text)
    text = HTML_IMAGE_SRC.sub(lambda m: _html_image(m, resolve_image, result), text)
    text, unclosed = inline_guard.escape_unclosed(text)
    if unclosed:
        result.problems.append(f"{unclosed} unclosed '[', '(' or '<' are shown as typed")
    if _PLAIN.fullmatch(text):
        # What Markdown and the sanitizer make of it, in a tenth of the time.
        clean = "\n".join(f"<p>{paragraph}</p>" for paragraph in _BLANK_LINES.split(text))
    else:
        body = _converter().reset().convert(_separate_lists(text))
        allowed = set(result.media)
        clean = nh3.clean(
            body,
            tags=_ALLOWED_TAGS,
            attributes=_ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https"},
            attribute_filter=lambda tag, attr, value: _keep(tag, attr, value, allowed),
            link_rel="noopener noreferrer",
        )
    for formula in rendered:
        if formula.error:
            result.problems.append(f"formula ${formula.tex}$ cannot be rendered: {formula.error}")
        elif formula.file:
            result.media[formula.file] = formula_dir / formula.file
    result.html = re.sub(marker + r"(\d{5})X", lambda m: _formula_html(rendered[int(m.group(1))]),
                         clean) if rendered else clean
    return result


# The language a fenced code block names, as Python-Markdown reads it: ```python or ``` {.python}
_FENCE_LANGUAGE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})[ \t]*(?:\{[ \t]*)?\.?([\w#+-][\w#.+-]*)",
                             re.M)


def warm_up(texts: Iterable[str]) -> None:
    """Build the converter and compile the code lexers these texts use, once, here.

    Forked processes that render afterwards inherit both; each would otherwise compile its
    own lexers (about 0.15 s for a handful of languages), once per process.
    """
    _converter()
    for language in sorted({m.group(1).lower() for text in texts
                            for m in _FENCE_LANGUAGE.finditer(text)}):
        with contextlib.suppress(ClassNotFound):
            get_lexer_by_name(language)  # compiles the lexer's rules on first use


@cache
def _converter() -> markdown.Markdown:
    """One Markdown converter, reset between fields: building one costs as much as converting."""
    return markdown.Markdown(
        extensions=["fenced_code", "codehilite", "tables", "sane_lists"],
        extension_configs={"codehilite": {"css_class": "highlight", "guess_lang": False}},
    )


def removed_html(text: str) -> list[str]:
    """What the sanitizer will take out of raw HTML written in the note (code excluded)."""
    code = [m.span() for m in formulas.CODE.finditer(text)]
    problems: dict[str, None] = {}
    for match in _RAW_TAG.finditer(text):
        if any(a <= match.start() < b for a, b in code):
            continue
        tag = match.group("tag").lower()
        if tag not in _ALLOWED_TAGS:
            problems[f"raw HTML <{tag}> is removed"] = None
            continue
        attrs = re.sub(r"=\s*(\"[^\"]*\"|'[^']*'|[^\s>]*)", "", match.group("attrs"))
        for name in _ATTRIBUTE.findall(attrs):
            if name.lower() not in _ALLOWED_ATTRIBUTES.get(tag, set()):
                problems[f"attribute '{name}' of <{tag}> is removed"] = None
    return list(problems)


def _separate_lists(text: str) -> str:
    """Put a blank line where a list starts under a paragraph line, or a paragraph under a list.

    Notes are written as they look ("Pros:" then "1. ...", then "Cons:" at the items' indent);
    Python-Markdown would otherwise glue the items into the paragraph or "Cons:" into the item.
    """
    out: list[str] = []
    fence = False
    for line in text.split("\n"):
        if FENCE.match(line):
            fence = not fence
        elif not fence and out and out[-1].strip() and line.strip() \
                and not FENCE.match(out[-1]) and _starts_block(out[-1], line):
            out.append("")
        out.append(line)
    return "\n".join(out)


def _starts_block(previous: str, line: str) -> bool:
    item, after_item = bool(_LIST_ITEM.match(line)), bool(_LIST_ITEM.match(previous))
    if item and not after_item:
        return _indent(previous) <= _indent(line)
    if after_item and not item:
        return _indent(line) <= _indent(previous)
    return False


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _keep(tag: str, attr: str, value: str, media: set[str]) -> str | None:
    # Only images this build packaged itself; nothing remote or outside the notes.
    if tag == "img" and attr == "src":
        return value if value in media else None
    return value


def _packaged(path: Path, result: Rendered) -> str:
    name = f"img-{hashlib.sha1(path.read_bytes()).hexdigest()[:16]}{path.suffix.lower()}"
    result.media[name] = path
    return name


def _markdown_image(match: re.Match[str], resolve: ImageResolver, result: Rendered) -> str:
    src = match.group("src").strip("<>")
    path = resolve(src)
    if path is None:
        result.problems.append(f"image '{src}' not found or outside the notes folder")
        return f"*[image not available: {match.group('alt') or src}]*"
    return f"![{match.group('alt')}]({_packaged(path, result)})"


def _html_image(match: re.Match[str], resolve: ImageResolver, result: Rendered) -> str:
    src = html.unescape(match.group("src"))
    path = resolve(src)
    if path is None:
        result.problems.append(f"image '{src}' not found or outside the notes folder")
        return f"{match.group(1)}{match.group(2)}missing{match.group(2)}"
    return f"{match.group(1)}{match.group(2)}{_packaged(path, result)}{match.group(2)}"


def _formula_html(formula: formulas.Formula) -> str:
    tex = html.escape(" ".join(formula.tex.split()), quote=True)
    if formula.file is None:
        return f'<code class="formula-error">{tex}</code>'
    kind = "display" if formula.display else "inline"
    img = (f'<img class="formula {kind}" src="{formula.file}" alt="{tex}" '
           f'style="height:{formula.height_em:.3f}em;vertical-align:-{formula.depth_em:.3f}em">')
    return f'<span class="formula-block">{img}</span>' if formula.display else img
