"""Bad input: one clear message naming file and line, and every other card still built."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from studypack.sources import MAX_FILE_BYTES

GOOD = "### What is a tensor?\nA multi-dimensional array.\n\n### What is a scalar?\nOne number.\n"

# (file name, content, the message it must produce)
BAD_FILES = [
    ("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary.md: error: binary file, not text"),
    ("latin.md", b"### Caf\x81?\nok\n",
     "latin.md:1: error: not UTF-8 (byte 0x81); save it as UTF-8"),
    ("empty.md", b"\n\n", "empty.md: warning: empty file; nothing to read"),
    ("prose.md", b"Just a paragraph of prose.\n",
     "prose.md: warning: no reader recognizes this file; no questions read"),
    ("fence.md", b"### What is a loop?\n```python\nfor x in y:\n",
     "fence.md:2: warning: code fence is never closed; it runs to the end of the file"),
    ("admonition.md", b'!!! question "What is a GPU?"\nNot indented.\n',
     "admonition.md:1: warning: nothing is indented under this admonition, so it has no "
     "answer; indent its content by 4 spaces"),
    ("broken.yaml", b"schema_version: 1\ntitle: t\ntopics: [\n",
     "broken.yaml:4: error: not valid YAML: did not find expected node content"),
    ("future.yaml", b"schema_version: 7\ntitle: t\ntopics: []\n",
     "future.yaml:1: error: schema_version 7 is not supported (this studypack reads 1); "
     "rebuild it from the notes"),
    ("long.md", b"### What is long?\n" + b"a" * 20_001 + b"\n",
     "long.md:2: error: line of 20,001 characters is over the 20,000 limit; break it into "
     "shorter lines"),
    ("deep.md", b"### What is deep?\n" + b"".join(b" " * (2 * i) + b"- x\n" for i in range(70)),
     "deep.md:63: error: nested too deeply (indented 122 spaces, 0 quote levels; the limits "
     "are 120 and 30); flatten it"),
    ("huge.md", b"x" * (MAX_FILE_BYTES + 1),
     f"huge.md: error: {MAX_FILE_BYTES + 1:,} bytes is over the {MAX_FILE_BYTES:,}-byte limit; "
     "split it into several files"),
]


def _notes(tmp_path: Path, name: str, content: bytes) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "good.md").write_text(GOOD, encoding="utf-8")
    (notes / name).write_bytes(content)
    return notes


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES,
                         ids=[name for name, _, _ in BAD_FILES])
def test_a_bad_file_is_one_message_and_costs_only_itself(tmp_path: Path, run, name: str,
                                                         content: bytes, message: str) -> None:
    report = run(_notes(tmp_path, name, content))
    assert message in [str(d) for d in report.diagnostics]
    from_good = [c.question for c in report.pack.cards if c.source.path == "good.md"]
    assert from_good == ["What is a tensor?", "What is a scalar?"]


# (a card's answer, the warning it must produce on that card's line)
BAD_CARDS = [
    ("Broken $x^{$ formula.",
     "formula $x^{$ cannot be rendered: MissingSuperScriptOrSubscriptError"),
    ("See ![plot](missing.png).", "image 'missing.png' not found or outside the notes folder"),
    ("See ![plot](../../etc/passwd).",
     "image '../../etc/passwd' not found or outside the notes folder"),
    ("Click <a href='#' onclick='steal()'>here</a>.", "attribute 'onclick' of <a> is removed"),
    ("Run <script>alert(1)</script> now.", "raw HTML <script> is removed"),
]


@pytest.mark.parametrize(("answer", "warning"), BAD_CARDS, ids=[w for _, w in BAD_CARDS])
def test_a_bad_card_is_reported_at_its_line_and_still_built(tmp_path: Path, run, answer: str,
                                                            warning: str) -> None:
    notes = _notes(tmp_path, "bad.md", f"\n### What goes wrong?\n{answer}\n".encode())
    report = run(notes, outputs=("yaml", "anki"))
    assert [str(d) for d in report.diagnostics if d.path == "bad.md"] == \
        [f"bad.md:2: warning: {warning}"]
    assert len(report.pack.cards) == 3


def test_unknown_difficulty_marker_is_reported(tmp_path: Path, run) -> None:
    outline = "1. [E] What is a bias?\n   An offset.\n2. [VH] What is a tensor core?\n   A unit.\n"
    report = run(_notes(tmp_path, "outline.md", outline.encode()))
    assert ("outline.md:3: warning: unknown difficulty marker [VH] (known: [E], [M], [H], "
            "[easy], [medium], [hard]); it stays in the question") in \
        [str(d) for d in report.diagnostics]
    assert "[VH] What is a tensor core?" in [c.question for c in report.pack.cards]


def test_colliding_ids_keep_the_first_and_report_the_second(tmp_path: Path, run) -> None:
    notes = _notes(tmp_path, "a.yaml", b"")
    for name in ("a.yaml", "b.yaml"):
        (notes / name).write_text(
            "schema_version: 1\ntitle: t\ntopics:\n- slug: a\n  title: A\n  cards:\n"
            f"  - id: same\n    question: Asked in {name}?\n    answer: Yes.\n"
            "    source: {path: x.md, line: 1}\n")
    report = run(notes)
    assert "b.yaml:1: error: card id 'same' is used twice" in [str(d) for d in report.diagnostics]
    assert sorted(c.question for c in report.pack.cards) == [
        "Asked in a.yaml?", "What is a scalar?", "What is a tensor?"]


def _lines(unit: str, count: int) -> str:
    return "\n".join(unit * 100 for _ in range(count // 100))


@pytest.mark.parametrize("pathological", [
    _lines("[", 12000), _lines("![a](", 8000), _lines("<http://x ", 8000), _lines("[a][", 8000),
    "\n".join("> " * i + "x" for i in range(30)),
    "\n".join(" " * (4 * i) + "- x" for i in range(30)),
], ids=["brackets", "images", "autolinks", "references", "quotes", "lists"])
def test_pathological_notes_build_in_bounded_time(tmp_path: Path, run, pathological: str) -> None:
    notes = _notes(tmp_path, "bad.md", f"### What is this?\n{pathological}\n".encode())
    start = time.perf_counter()
    report = run(notes, outputs=("yaml", "anki"))
    assert time.perf_counter() - start < 10  # unguarded, each takes over 30 seconds
    assert len(report.pack.cards) == 3


def test_a_bad_card_in_a_yaml_note_costs_only_that_card(tmp_path: Path, run) -> None:
    notes = _notes(tmp_path, "cards.yaml", (
        b"schema_version: 1\ntitle: t\ntopics:\n- slug: a\n  title: A\n  cards:\n"
        b"  - id: good\n    question: What is kept?\n    answer: This card.\n"
        b"    source: {path: x.md, line: 1}\n"
        b"  - id: bad\n    question: What is lost?\n    difficulty: extreme\n"
        b"    answer: Only this.\n    source: {path: x.md, line: 2}\n"))
    report = run(notes)
    assert ("cards.yaml:13: error: difficulty 'extreme' must be one of easy, medium, hard"
            in [str(d) for d in report.diagnostics])
    assert "What is kept?" in [c.question for c in report.pack.cards]
    assert len(report.pack.cards) == 3
