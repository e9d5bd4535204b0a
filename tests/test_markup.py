"""Fields as HTML: formulas become SVG images, code and prices stay text, nothing unsafe remains."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from studypack import formulas
from studypack.images import image_resolver
from studypack.markup import to_html


def _render(tmp_path: Path, text: str):
    notes = tmp_path / "notes"
    (notes / "img").mkdir(parents=True, exist_ok=True)
    (notes / "img" / "a.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "secret.png").write_bytes(b"secret")
    return to_html(text, image_resolver(notes / "n.md", (notes,)), tmp_path / "cache")


def test_formulas_are_found_outside_code_and_prices() -> None:
    text = ("costs $5 and $10; $x_i$, $$y$$ inline, \\(a\\), `$c$`\n\n$$\\sum_i p_i$$\n"
            "\\[b\\]\n```\n$d$\n```\n")
    assert [(tex, display) for _, _, tex, display in formulas.find(text)] == [
        ("x_i", False), ("y", False), ("a", False), ("\\sum_i p_i", True), ("b", True)]


def test_formula_renders_to_a_cached_svg_with_alt_text(tmp_path: Path) -> None:
    result = _render(tmp_path, "Loss $\\frac{1}{n}\\sum_i \\ell_i$ here.")
    (name,) = result.media
    assert (tmp_path / "cache" / name).read_text().startswith("<svg")
    assert 'alt="\\frac{1}{n}\\sum_i \\ell_i"' in result.html
    assert "vertical-align:-" in result.html
    again = _render(tmp_path, "Loss $\\frac{1}{n}\\sum_i \\ell_i$ here.")
    assert again.html == result.html


def test_bad_tex_stays_visible_and_is_reported(tmp_path: Path) -> None:
    result = _render(tmp_path, "Broken $x^{$ formula")
    assert '<code class="formula-error">x^{</code>' in result.html
    assert result.problems and result.problems[0].startswith("formula $x^{$ cannot be rendered")


def test_html_is_sanitized_and_nothing_remote_or_outside_is_kept(tmp_path: Path) -> None:
    result = _render(tmp_path, (
        "<script>alert(1)</script><iframe src='https://e.x'></iframe>"
        "<p onclick='x()' style='color:red'>hi</p> ![r](https://e.x/a.png) "
        "![o](../secret.png) <img src='file:///etc/passwd'> ![ok](img/a.svg)"))
    for unsafe in ("script", "iframe", "onclick", "style=", "e.x/a.png", "passwd", "secret"):
        assert unsafe not in result.html
    assert list(result.media) == [next(iter(result.media))]
    assert next(iter(result.media)).startswith("img-")
    assert result.problems == [
        "raw HTML <script> is removed", "raw HTML <iframe> is removed",
        "attribute 'onclick' of <p> is removed", "attribute 'style' of <p> is removed",
        "image 'https://e.x/a.png' not found or outside the notes folder",
        "image '../secret.png' not found or outside the notes folder",
        "image 'file:///etc/passwd' not found or outside the notes folder"]


def test_unclosed_brackets_by_the_thousand_render_in_linear_time(tmp_path: Path) -> None:
    start = time.perf_counter()
    result = _render(tmp_path, "[" * 5000 + " and " + "![a](" * 3000 + "<http://x " * 3000)
    assert time.perf_counter() - start < 15  # unguarded, this takes minutes
    assert result.html.startswith("<p>[[[[") and "&lt;http://x" in result.html
    assert result.problems == ["14000 unclosed '[', '(' or '<' are shown as typed"]
    few = _render(tmp_path, "Let [a, b) be an interval, x < y, and [see](#below).")
    assert few.problems == [] and '<a href="#below"' in few.html


def test_lists_written_under_a_paragraph_render_as_lists(tmp_path: Path) -> None:
    html = _render(tmp_path, "Pros:\n1. cheap\n2. fast\nCons:\n1. noisy").html
    assert html == ("<p>Pros:</p>\n<ol>\n<li>cheap</li>\n<li>fast</li>\n</ol>\n"
                    "<p>Cons:</p>\n<ol>\n<li>noisy</li>\n</ol>")
    nested = _render(tmp_path, "- a\n  more\n    - b").html
    assert "a\n  more" in nested and "<ul>\n<li>b</li>\n</ul>" in nested


# Words, plain punctuation and a sprinkle of Markdown syntax, so both paths get exercised.
_PIECES = [*"aZé9 ,.?!'\"()/%:;=+-–—’…*_[]<>&#`\\|\n\t", "SPFORMULA00000X", "What", "  ",
           "\n\n"]
_PLAINISH = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(_PLAINISH)
def test_plain_text_renders_as_markdown_would_render_it(tmp_path_factory, text: str) -> None:
    """Plain paragraphs skip Markdown and the sanitizer; the HTML must be the same."""
    import studypack.markup as markup

    folder = tmp_path_factory.mktemp("plain")
    quick = to_html(text, lambda src: None, folder).html
    fast_path = markup._PLAIN
    markup._PLAIN = re.compile(r"(?!)")  # never plain: always through Markdown and nh3
    try:
        slow = to_html(text, lambda src: None, folder).html
    finally:
        markup._PLAIN = fast_path
    assert quick == slow


def test_plain_paragraphs_are_written_without_markdown(tmp_path: Path, monkeypatch) -> None:
    import studypack.markup as markup

    def no_markdown() -> None:
        raise AssertionError("Markdown was used")

    monkeypatch.setattr(markup, "_converter", no_markdown)
    text = "Gradients vanish.\nDeep nets suffer most.\n  \n\t\nUse residual links."
    assert to_html(text, lambda src: None, tmp_path).html == (
        "<p>Gradients vanish.\nDeep nets suffer most.</p>\n<p>Use residual links.</p>")


def test_warm_up_compiles_only_the_lexers_the_fences_name() -> None:
    # A fresh interpreter: other tests may have compiled these lexers already.
    script = (
        "from pygments.lexers.python import PythonLexer\n"
        "from pygments.lexers.shell import BashLexer\n"
        "from pygments.lexers.sql import SqlLexer\n"
        "from studypack import markup\n"
        "markup.warm_up(['```python\\nx = 1\\n```', 'Text.\\n~~~ {.bash}\\nls\\n~~~',\n"
        "                '```nosuchlanguage\\n?\\n```'])\n"
        "print(sorted(c.__name__ for c in (PythonLexer, BashLexer, SqlLexer)\n"
        "             if '_tokens' in c.__dict__))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent, check=True)
    assert done.stdout.strip() == "['BashLexer', 'PythonLexer']"
