"""The acceptance corpus: the user's own notes, read in place, lose and invent nothing."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from studypack.readers.common import looks_like_link

# Measured by reading the five files by hand: questions per file that have an answer, and
# those that do not. Duplicates count once per place they are asked.
EXPECTED = {  # file prefix: (answered, unanswered)
    "000": (19, 2),
    "001": (36, 0),
    "002": (11, 14),
    "003": (21, 0),
    "004": (67, 19),
}


def test_every_question_is_a_card_or_skipped_with_a_reason(seed_notes: Path, run) -> None:
    report = run(seed_notes)
    pack = report.pack
    found = sum(len(doc.items) for doc in report.documents)
    assert len(pack.cards) + len(pack.skipped) == found
    assert not [d for d in report.diagnostics if "no reader took it" in d.message]
    answered = Counter(c.source.path[:3] for c in pack.cards)
    answered.update(ref.path[:3] for c in pack.cards for ref in c.merged)
    unanswered = Counter(s.source.path[:3] for s in pack.skipped if s.reason == "unanswered")
    assert {name: (answered[name], unanswered[name]) for name in EXPECTED} == EXPECTED
    assert {doc.path[:3]: doc.dialect for doc in report.documents} == {
        "000": "bullets", "001": "headings", "002": "headings", "003": "admonition",
        "004": "outline"}
    for skip in pack.skipped:
        assert skip.reason in {"unanswered", "duplicate"}
        if skip.reason == "duplicate":
            assert skip.merged_into in {c.id for c in pack.cards}


def test_nothing_else_becomes_a_card(seed_notes: Path, run) -> None:
    cards = run(seed_notes).pack.cards
    for card in cards:
        first_line = card.question.split("\n")[-1]
        assert not looks_like_link(first_line), card.question
        assert not re.match(r"^(\d+[.)]|\[[EMH]\])", first_line), card.question
        assert card.answer.strip(), card.id
        assert "Tip" not in card.question and "Table of contents" not in card.question


def test_commented_out_question_is_not_read(seed_notes: Path, run) -> None:
    report = run(seed_notes)
    for path in sorted(seed_notes.iterdir()):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<!--.*?-->", text, re.S):
            first = text.count("\n", 0, match.start()) + 1
            last = text.count("\n", 0, match.end()) + 1
            inside = [c for c in report.pack.cards
                      if c.source.path == path.name and first <= c.source.line <= last]
            inside += [s for s in report.pack.skipped
                       if s.source.path == path.name and first <= s.source.line <= last]
            assert inside == [], f"{path.name}:{first}-{last}"


def test_no_mojibake_is_left(seed_notes: Path, run, project_config) -> None:
    run(seed_notes)
    text = (project_config.output / "notes.yaml").read_text(encoding="utf-8")
    for garbled in ("‚Äô", "‚Äú", "â€", "Ã", "\uf8ff", "Œ∏", "\ufffd"):
        assert garbled not in text
    assert "θ" in text and "’" in text


def test_seed_notes_build_twice_to_the_same_bytes(seed_notes: Path, run,
                                                  project_config) -> None:
    run(seed_notes)
    first = (project_config.output / "notes.yaml").read_bytes()
    report = run(seed_notes)
    assert (project_config.output / "notes.yaml").read_bytes() == first
    assert report.added == report.updated == report.removed == ()
