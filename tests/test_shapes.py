"""Note shapes and languages found in real notes: each fixture in tests/shapes/ reads right."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from studypack.report import Report

SHAPES = Path(__file__).resolve().parent / "shapes"
LANGUAGES = sorted((SHAPES / "languages").glob("*.md"))


def _questions(report: Report) -> list[str]:
    return [card.question for card in report.pack.cards]


def _skipped(report: Report, reason: str = "unanswered") -> list[str]:
    return [skip.question for skip in report.pack.skipped if skip.reason == reason]


@pytest.mark.parametrize("note", LANGUAGES, ids=lambda p: p.stem)
def test_question_headings_are_read_in_every_language(note: Path, run) -> None:
    """Every `###` heading but the last (a references heading) is a card, none merged."""
    headings = re.findall(r"^### (.+)$", note.read_text(encoding="utf-8"), re.M)
    report = run(note)
    assert sorted(_questions(report)) == sorted(headings[:-1])
    assert report.pack.skipped == () and not report.diagnostics


def test_a_table_of_contents_and_back_links_are_never_cards(run) -> None:
    report = run(SHAPES / "ru-toc-headings.md")
    questions = _questions(report)
    # The contents list points at a heading that does not ask: it is still a question.
    assert questions == ["Что такое транзакция?", "Зачем нужен индекс?",
                         "Чем отличается DELETE от TRUNCATE?", "Нормализация"]
    assert all("оглавлению" not in card.answer for card in report.pack.cards)
    assert report.pack.skipped == () and not report.diagnostics


def test_questions_without_spaces_between_words_are_not_merged(run) -> None:
    report = run(SHAPES / "zh-headings.md")
    assert len(set(_questions(report))) == 5 and report.pack.skipped == ()
    assert "参考资料" not in _questions(report)


def test_a_question_bank_gives_no_invented_cards(run) -> None:
    """Bare prompts, imperatives, follow-ups and a prompt's own list: all unanswered."""
    report = run(SHAPES / "question-bank.md")
    assert report.pack.cards == ()
    skipped = _skipped(report)
    assert len(skipped) == 10
    assert "Talk about a code review that changed your mind." in skipped
    assert "How do you find them in production?" in skipped  # a follow-up
    locking = next(question for question in skipped if question.startswith("Compare"))
    assert "Advisory locks" in locking


def test_a_list_of_questions_in_another_script_is_never_answered_by_itself(run) -> None:
    """Every question is unanswered or reported with its line: nothing invented, none lost."""
    note = SHAPES / "ko-question-list.md"
    report = run(note)
    assert report.pack.cards == ()
    reported = {diagnostic.line for diagnostic in report.diagnostics
                if "no reader took it" in diagnostic.message}
    read = {skip.source.line for skip in report.pack.skipped}
    asking = {number for number, text in enumerate(note.read_text().splitlines(), 1)
              if text.rstrip().endswith(("?", "요.")) and not text.startswith("#")}
    assert asking == read | reported and len(asking) == 11


def test_bold_numbered_prompts_take_the_code_below_as_answer(run) -> None:
    report = run(SHAPES / "bold-numbered-tasks.md")
    assert _questions(report) == [
        "The number of orders placed today.", "The five customers who spent the most.",
        "Customers who never placed an order.", "The average order total per country."]
    assert all(card.answer.startswith("```sql") for card in report.pack.cards)


def test_a_question_table_gives_a_card_per_row_with_its_formatting(run) -> None:
    report = run(SHAPES / "question-table.md")
    cards = {card.question: card.answer for card in report.pack.cards}
    assert list(cards) == ["How often are backups taken?", "Where are they kept?",
                           "How long are they kept?", "Can I restore a single file?"]
    assert "*before*" in cards["How often are backups taken?"]
    assert cards["Where are they kept?"].endswith(
        "bucket.\n\nSee [the runbook](https://example.org/runbook).")
    assert [card.source.line for card in report.pack.cards] == [12, 13, 14, 15]


def test_a_numbered_lecture_list_is_not_read_as_questions(run) -> None:
    report = run(SHAPES / "numbered-lecture.md")
    assert [q.split("?")[0] for q in _questions(report)] == [
        "What is a cache hit ratio", "Why can a cache make a system slower",
        "How does write-through differ from write-back"]


def test_a_file_title_over_folded_tasks_is_not_a_card(run) -> None:
    report = run(SHAPES / "details-tasks.md")
    assert _questions(report) == [
        "Make a directory tree two levels deep in one command",
        "Count the lines of every Python file below the current folder",
        "Show the ten largest files of your home folder"]


def test_a_close_call_between_shapes_is_a_warning_with_its_line(tmp_path: Path, run) -> None:
    note = tmp_path / "notes" / "unsure.md"
    note.parent.mkdir()
    note.write_text("# Mixed\n\n**What is a queue?**\n\nFirst in, first out.\n\n"
                    "- What is a stack?\n  - Last in, first out.\n", encoding="utf-8")
    report = run(note.parent)
    unsure = [d for d in report.diagnostics if "sure" in d.message]
    assert [(d.line, d.level) for d in unsure] == [(7, "warning")]
    assert "50% sure" in unsure[0].message
    # The shape it did not read is not lost either.
    assert any(d.line == 3 for d in report.diagnostics if "no reader took it" in d.message)


def test_sub_headings_of_a_question_are_part_of_its_answer(run) -> None:
    report = run(SHAPES / "question-subsections.md")
    cards = {card.question: card.answer for card in report.pack.cards}
    assert sorted(cards) == ["What is a container?", "Why are images built in layers?"]
    answer = cards["What is a container?"]
    assert "**History**" in answer and "podman run" in answer


def test_a_reference_section_is_never_read_as_cards(run) -> None:
    report = run(SHAPES / "bullets-references.md")
    assert sorted(_questions(report)) == ["Variance", "What is a random variable?",
                                          "What is the expected value?"]


def test_a_section_titled_references_that_asks_is_still_read(tmp_path: Path, run) -> None:
    note = tmp_path / "notes" / "git.md"
    note.parent.mkdir()
    note.write_text("# Git\n\n## Objects\n\n### What is a blob?\n\nA file's content.\n\n"
                    "## References\n\n### Where does Git keep branch references?\n\n"
                    "Under `.git/refs/heads/`.\n", encoding="utf-8")
    report = run(note.parent)
    assert len(report.pack.cards) == 2 and not report.diagnostics


def test_marked_cards_outweigh_lecture_bullets(run) -> None:
    """Two `?` cards decide the file: the bullets around them are notes, not cards."""
    report = run(SHAPES / "cards-in-lecture.md")
    assert sorted(_questions(report)) == [
        "What does the active site bind?",
        "What happens to an enzyme above its optimum temperature?"]
    (document,) = report.documents
    assert document.dialect == "flashcard" and document.lecture == 1


def test_question_headings_left_unanswered_keep_their_follow_ups_as_questions(run) -> None:
    """Under a bare question heading, a list that only asks more is no answer."""
    report = run(SHAPES / "ko-question-headings.md")
    assert report.pack.cards == ()
    skipped = _skipped(report)
    assert len(skipped) == 10 and "어떻게 예방하나요?" in skipped
