"""Policy: cleaned questions, duplicates merged or kept apart, ids that survive rewording."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from studypack.config import Duplicates
from studypack.pipeline import build


def _notes(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_numbering_markers_and_tags_are_cleaned(tmp_path: Path, run) -> None:
    notes = _notes(tmp_path, **{"a.md": "1. [H] **What is a saddle point?** #calculus\n"
                                        "    Flat in one direction, curved in another.\n"
                                        "2. [M] Why?\n    Because.\n"})
    card = run(notes).pack.cards[0]
    assert (card.question, card.difficulty) == ("What is a saddle point?", "hard")
    assert "calculus" in card.tags


def test_near_duplicates_merge_and_keep_every_answer(tmp_path: Path, run) -> None:
    notes = _notes(tmp_path, **{
        "a.md": "- What Is Dropout?\n    - Randomly zeroes units.\n",
        "b.md": "### Please explain what dropout is in deep learning?\nA regulariser.\n",
        "c.md": "### What is dropout?\n",
    })
    report = run(notes)
    (card,) = report.pack.cards
    assert card.question == "What Is Dropout?"
    assert "*a.md:1*" in card.answer and "Randomly zeroes units." in card.answer
    assert "*b.md:1*" in card.answer and "A regulariser." in card.answer
    assert [(s.source.path, s.reason, s.merged_into) for s in report.pack.skipped] == [
        ("b.md", "duplicate", card.id), ("c.md", "unanswered", None)]


def test_keep_separate_vetoes_a_merge(tmp_path: Path, run, project_config) -> None:
    notes = _notes(tmp_path, **{"a.md": "### What is dropout?\nx\n",
                                "b.md": "### What is Dropout?\ny\n"})
    merged = run(notes).pack
    veto = merged.skipped[0].merged_into
    kept = run(notes, duplicates=Duplicates(keep_separate=(veto,))).pack
    assert len(merged.cards) == 1 and len(kept.cards) == 2


def test_reworded_question_keeps_its_id(tmp_path: Path, run) -> None:
    notes = _notes(tmp_path, **{"a.md": "### What does a pooling layer do?\nDownsamples.\n"
                                        "### What is a stride?\nThe step.\n"})
    before = {c.question: c.id for c in run(notes).pack.cards}
    _notes(tmp_path, **{"a.md": "### What does the pooling layer do?\nDownsamples.\n"
                                "### What is a stride?\nThe step of the window.\n"})
    report = run(notes)
    after = {c.question: c.id for c in report.pack.cards}
    assert after["What does the pooling layer do?"] == before["What does a pooling layer do?"]
    assert after["What is a stride?"] == before["What is a stride?"]
    assert [card_id for _, card_id, _, _ in report.reworded] == [
        before["What does a pooling layer do?"]]
    # Both changed what they show, so both count as updated (Anki will apply the edits).
    assert set(report.updated) == set(before.values())
    assert report.added == ()


def test_ids_do_not_depend_on_answer_position_or_topic(tmp_path: Path, run) -> None:
    notes = _notes(tmp_path, **{"a.md": "### What is a kernel?\nA small matrix.\n"})
    first = run(notes).pack.cards[0].id
    (tmp_path / "studypack.lock").unlink()
    notes = _notes(tmp_path, **{"a.md": "---\ntopic: generative\n---\n## Other\n### Intro\n"
                                        "text\n### What is a kernel?\nA filter.\n"})
    card = run(notes).pack.cards[-1]
    assert (card.id, card.tags[0]) == (first, "generative")


def test_explicit_id_collision_is_reported(tmp_path: Path, run) -> None:
    card = ("      - id: same\n        question: {q}\n        answer: a\n"
            "        source: {{path: x.yaml, line: 1}}\n")
    head = "schema_version: 1\ntitle: t\ntopics:\n  - slug: a\n    title: A\n    cards:\n"
    notes = _notes(tmp_path, **{"x.yaml": head + card.format(q="One?"),
                                "y.yaml": head + card.format(q="Two?")})
    report = run(notes)
    assert [c.id for c in report.pack.cards] == ["same"]
    assert report.pack.skipped[0].reason == "id-collision"
    assert report.count("error") == 1


def test_keep_all_policy_keeps_duplicates(tmp_path: Path, project_config) -> None:
    notes = _notes(tmp_path, **{"a.md": "### What is dropout?\nx\n",
                                "b.md": "### What is dropout?\ny\n"})
    config = replace(project_config, sources=(notes,),
                     duplicates=Duplicates(policy="keep-all"))
    cards = build(config).pack.cards
    assert len(cards) == 2 and cards[0].id != cards[1].id


def test_a_question_asked_twice_keeps_both_ids_without_a_rewording(tmp_path: Path,
                                                                   project_config) -> None:
    notes = _notes(tmp_path, **{"a.md": "### What is dropout?\nx\n### What is a stride?\ns\n"
                                        "### What is dropout?\ny\n"})
    config = replace(project_config, sources=(notes,),
                     duplicates=Duplicates(policy="keep-all"))
    first = build(config)
    again = build(config)
    assert [c.id for c in again.pack.cards] == [c.id for c in first.pack.cards]
    assert again.reworded == () and again.added == again.updated == ()


def test_a_repeat_made_of_common_words_still_merges(tmp_path: Path, run) -> None:
    # Each word is in so many questions that none of them alone can bring the two together.
    many = "".join(f"### How does attention scale with layer {n} width?\nx\n" for n in range(60))
    repeat = "### How does attention scale with layer width?\n"
    notes = _notes(tmp_path, **{"a.md": many + repeat + "first\n",
                                "b.md": repeat + "second\n"})
    report = run(notes)
    (merged,) = [c for c in report.pack.cards if "first" in c.answer]
    assert "first" in merged.answer and "second" in merged.answer
    assert [s.reason for s in report.pack.skipped] == ["duplicate"]
