"""Golden cases: each dialect's fixture note gives exactly the expected notes.yaml."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from studypack import images, readers, sources
from studypack.report import render
from tests.conftest import EXPECTED, GOLDEN

CASES = sorted(GOLDEN.iterdir())


@pytest.mark.parametrize("note", CASES, ids=lambda p: p.stem)
def test_golden(note: Path, run, project_config) -> None:
    run(note)
    produced = (project_config.output / "notes.yaml").read_text(encoding="utf-8")
    expected_path = EXPECTED / f"{note.stem}.yaml"
    if os.environ.get("UPDATE_GOLDEN"):
        expected_path.write_text(produced, encoding="utf-8")
    assert produced == expected_path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "dialect"),
    [("bullets.md", "bullets"), ("headings.md", "headings"), ("admonition.md", "admonition"),
     ("outline.md", "outline"), ("intermediate.yaml", "yaml"), ("front-matter.md", "headings"),
     ("details.md", "details"), ("labelled.md", "labelled"), ("numbered.md", "numbered"),
     ("callout.md", "callout"), ("flashcard.md", "flashcard")],
)
def test_detection_picks_the_dialect(name: str, dialect: str) -> None:
    path = GOLDEN / name
    source = sources.load(path, GOLDEN, name)
    assert readers.choose_dialect(source, {})[0] == dialect


def test_a_long_yaml_note_is_read_as_yaml_not_as_labelled_questions(tmp_path: Path,
                                                                     run) -> None:
    cards = "".join(f"  - id: c{i}\n    question: What is item {i}?\n    answer: Item {i}.\n"
                    f"    source: {{path: notes.yaml, line: {i}}}\n" for i in range(60))
    note = tmp_path / "notes" / "many.yaml"
    note.parent.mkdir()
    note.write_text("schema_version: 1\ntitle: T\ntopics:\n- slug: a\n  title: A\n  cards:\n"
                    + cards, encoding="utf-8")
    report = run(note.parent)
    assert [doc.dialect for doc in report.documents] == ["yaml"]
    assert len(report.pack.cards) == 60 and not report.diagnostics


def test_config_glob_overrides_detection() -> None:
    source = sources.load(GOLDEN / "headings.md", GOLDEN, "headings.md")
    assert readers.choose_dialect(source, {"head*.md": "bullets"}) == ("bullets", 1.0)


def test_unrecognized_file_is_reported(tmp_path: Path, run) -> None:
    note = tmp_path / "notes" / "prose.md"
    note.parent.mkdir()
    note.write_text("Just a paragraph of prose.\n\nAnd another one.\n", encoding="utf-8")
    report = run(note.parent)
    assert [str(d) for d in report.diagnostics] == [
        "prose.md: warning: no reader recognizes this file; no questions read"
    ]
    assert report.pack.cards == ()


def test_disclosure_html_never_reaches_a_card(run) -> None:
    pack = run(GOLDEN / "details.md").pack
    texts = [c.question + c.answer for c in pack.cards] + [s.question for s in pack.skipped]
    assert not [t for t in texts if "<details" in t or "summary>" in t or "<p>" in t]


def test_obsidian_embed_becomes_an_image_found_anywhere_in_the_vault(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    (vault / "attachments").mkdir(parents=True)
    (vault / "attachments" / "loss curve.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (vault / ".trash").mkdir()
    (vault / ".trash" / "loss curve.png").write_bytes(b"old")
    note = vault / "week 1" / "note.md"
    note.parent.mkdir()
    note.write_text("> [!question] What does this show? ![[loss curve.png|400]]\n"
                    "> Overfitting after epoch 10. `![[not an embed.png]]`\n", encoding="utf-8")
    doc = readers.read(sources.load(note, vault, "week 1/note.md"), {})
    item = doc.items[0]
    assert item.question == "What does this show? ![loss curve](<../attachments/loss curve.png>)"
    assert item.answer == "Overfitting after epoch 10. `![[not an embed.png]]`"
    resolve = images.image_resolver(note, (vault,))
    assert resolve("../attachments/loss curve.png") == vault / "attachments" / "loss curve.png"


def test_a_file_mixing_shapes_is_read_section_by_section(run) -> None:
    source = sources.load(GOLDEN / "mixed.md", GOLDEN, "mixed.md")
    doc = readers.read(source, {})
    assert doc.dialect == "mixed"
    assert [(s.line, s.dialect) for s in doc.sections] == [
        (1, "flashcard"), (10, "details"), (27, "numbered")]
    report = render(run(GOLDEN / "mixed.md"))
    assert "mixed.md: mixed: flashcard from line 1 (100% sure), details from line 10" in report


def test_a_question_heading_keeps_its_list_answer(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text("# Basics\n\n### What is X?\n\nAn answer.\n\n### Compare A and B.\n\n"
                    "- What A does\n    - detail\n- What B does\n    - detail\n",
                    encoding="utf-8")
    doc = readers.read(sources.load(note, tmp_path, "note.md"), {})
    assert (doc.dialect, doc.sections) == ("headings", ())
    assert [item.question for item in doc.items] == ["What is X?", "Compare A and B."]


def test_a_term_heading_over_nested_bullets_stays_one_card(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    asked = "".join(f"### What is {x}?\n\nAn answer.\n\n" for x in "XYZ")
    note.write_text(asked + "### Dropout\n\n- Zeroes activations\n    - at random\n"
                    "- Scales the rest\n    - by 1/(1-p)\n", encoding="utf-8")
    doc = readers.read(sources.load(note, tmp_path, "note.md"), {})
    assert (doc.dialect, doc.sections) == ("headings", ())
    assert [item.question for item in doc.items][-1] == "Dropout"


def test_two_marked_up_shapes_in_one_section_are_reported(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text("# Backprop\n\n> [!question] Why keep the activations?\n> For the weight "
                    "gradients.\n\nWhat is autograd?::PyTorch's differentiation engine.\n",
                    encoding="utf-8")
    doc = readers.read(sources.load(note, tmp_path, "note.md"), {})
    assert [item.question for item in doc.items] == ["Why keep the activations?"]
    assert [str(d) for d in doc.diagnostics] == [
        "note.md:1: warning: this section also holds flashcard questions, which the callout "
        "reader does not read; put a heading between the two shapes"]


def test_forced_dialect_reads_the_whole_file(tmp_path: Path) -> None:
    source = sources.load(GOLDEN / "mixed.md", GOLDEN, "mixed.md")
    doc = readers.read(source, {"mixed.md": "flashcard"})
    assert (doc.dialect, doc.sections) == ("flashcard", ())
    assert [item.question for item in doc.items] == ["Dropout", "Weight decay"]


def test_questions_no_reader_took_are_reported_not_lost(tmp_path: Path, run) -> None:
    note = tmp_path / "mixed.md"
    note.write_text("<details><summary>What is a perceptron?</summary>\n\nA linear unit.\n\n"
                    "</details>\n\n1. What is a vanishing gradient?\n2. Why use ReLU at all?\n")
    report = run(note)
    assert [str(d) for d in report.diagnostics] == [
        "mixed.md:7: warning: looks like a question, but no reader took it: "
        "What is a vanishing gradient?",
        "mixed.md:8: warning: looks like a question, but no reader took it: Why use ReLU at all?"]
    assert [c.question for c in report.pack.cards] == ["What is a perceptron?"]
