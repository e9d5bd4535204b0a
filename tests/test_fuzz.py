"""Random and mutated notes: nothing raises, and every question found is a card or skipped."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studypack import markup, readers, sources
from studypack.config import load_config
from studypack.identity import LockEntry
from studypack.normalize import normalize
from tests.conftest import GOLDEN, ROOT

CONFIG = replace(load_config(ROOT / "config.yaml"), sources=(GOLDEN,))
FUZZ = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])

# Pieces of every shape the readers know, to be glued together at random.
PIECES = [
    "# Title", "## Section", "### What is {w}?", "### 3. Why {w}?", "#### {w}", "- What is {w}?",
    "  - {w} is a thing.", "    - nested {w}", "* {w}", "1. [E] What is {w}?", "2. [M] {w}:",
    "   a) first {w}?", "   Answer about {w}.", '!!! question "What is {w}?"',
    '    === "Question"', '    === "Answer"', "        {w} answers.", "!!! Question", "```python",
    "```", "~~~", "    code {w}", "$$", "$x^2 + {w}$", "\\(a\\)", "<!--", "-->",
    "<details><summary>What is {w}?</summary>", "</details>", "> [!question] What is {w}?",
    "> answer {w}", "{w}::{w}", "?", "**Q: What is {w}?**", "A: {w}.", "---", "title: {w}",
    "![img](images/{w}.png)", "![[{w}.png]]", "[link]({w})", "<script>{w}</script>", "", "",
    "| a | b |", "|---|---|", "\t{w}", "schema_version: 1",
]
WORDS = st.sampled_from(["tensor", "dropout", "ReLU", "α", "‚Äô", "", "x" * 50, "[", "<", "$"])
LINES = st.lists(st.tuples(st.sampled_from(PIECES), WORDS, st.sampled_from(["", "  ", "    "]))
                 .map(lambda t: t[2] + t[0].replace("{w}", t[1])), max_size=40)
NOISE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)


def _build(text: str) -> tuple[int, int]:
    """Read one note like a build does; return (questions found, cards + skipped)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "note.md"
        path.write_text(text, encoding="utf-8")
        try:
            source = sources.load(path, Path(folder), "note.md")
        except sources.NoteFileError:
            return 0, 0
        document = readers.read(source, {})
        lock: dict[str, LockEntry] = {}
        pack = normalize([document], CONFIG, lock, 0).pack
        return len(document.items), len(pack.cards) + len(pack.skipped)


@FUZZ
@given(LINES)
def test_random_notes_never_raise_and_lose_nothing(lines: list[str]) -> None:
    found, accounted = _build("\n".join(lines))
    assert found == accounted


@FUZZ
@given(st.sampled_from(sorted(GOLDEN.glob("*.md")) + sorted((ROOT / "source_notes").glob("*.md"))),
       st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(["drop", "dup", "cut", "noise"]),
                          NOISE), max_size=8))
def test_mutated_notes_never_raise_and_lose_nothing(note: Path, edits) -> None:
    lines = note.read_text(encoding="utf-8").split("\n")
    for where, how, noise in edits:
        index = where % len(lines)
        if how == "drop":
            del lines[index]
        elif how == "dup":
            lines.insert(index, lines[index])
        elif how == "cut":
            lines[index] = lines[index][: where % (len(lines[index]) + 1)]
        else:
            lines.insert(index, noise)
        lines = lines or [""]
    found, accounted = _build("\n".join(lines))
    assert found == accounted


@FUZZ
@given(st.one_of(NOISE, LINES.map("\n".join)))
def test_any_field_renders_without_raising(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        rendered = markup.to_html(text, lambda src: None, Path(folder))
    assert "<script" not in rendered.html
