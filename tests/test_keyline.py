"""Cheat-sheet key lines state the point: from the answer's structure, never a dangling lead-in,
a bare URL or Markdown syntax; the author's `TL;DR:` wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from studypack.keyline import key_line, weakness
from studypack.model import Card, SourceRef
from studypack.sheet import key_line as card_key_line
from tests.conftest import ROOT


def _card(question: str, answer: str, summary: str | None = None) -> Card:
    return Card("c", question, answer, None, (), SourceRef("a.md", 1), summary)


@pytest.mark.parametrize(("answer", "expected"), [
    # A lead-in cut at its list becomes the lead-in and the list's items.
    ("Dropout can be applied in different ways:\n1. To the hidden state.\n2. To the inputs.",
     "Dropout can be applied in different ways: to the hidden state; to the inputs"),
    # Pros and cons keep their labels.
    ("Pros:\n1. Cheap to compute\n2. Language independent\nCons:\n1. Ignores meaning",
     "Pros: cheap to compute; language independent — cons: ignores meaning"),
    # A sentence that announces is skipped for the one that states.
    ("Let us understand it step by step. A stride is the step of the window.",
     "A stride is the step of the window."),
    # A quoted answer loses its quote bar.
    ("> Dropout zeroes random activations while training.",
     "Dropout zeroes random activations while training."),
    # A link-only answer says where it points.
    ("https://en.wikipedia.org/wiki/Backpropagation_through_time",
     "→ en.wikipedia.org: Backpropagation through time"),
    ("[The Adam paper](https://arxiv.org/abs/1412.6980)", "→ The Adam paper (arxiv.org)"),
    # A code-only answer shows its signature.
    ("```python\nimport numpy as np\n# the forward pass\ndef forward(x, w):\n    return x @ w\n```",
     "`def forward(x, w)`"),
    # A lead-in to a formula shows the formula.
    ("The update is:\n\n$$w \\leftarrow w - \\eta \\nabla L$$",
     "The update is: $$w \\leftarrow w - \\eta \\nabla L$$"),
    # Terms with definitions keep the start of each definition.
    ("- RNN : has memory of past inputs\n- FFN : signals go one way",
     "RNN: has memory of past inputs; FFN: signals go one way"),
])
def test_key_lines_come_from_the_answers_structure(answer: str, expected: str) -> None:
    line = key_line(answer, 100)
    assert line == expected
    assert weakness(line) is None


def test_a_short_key_line_follows_the_questions_subject() -> None:
    card = _card("What are the benefits of a convolutional layer?", "Captures spatial patterns.")
    assert card_key_line(card, 100) == \
        "Benefits of a convolutional layer: captures spatial patterns."


def test_the_authors_tldr_is_the_key_line(tmp_path: Path, run) -> None:
    note = tmp_path / "notes" / "a.md"
    note.parent.mkdir()
    note.write_text("### What does batch norm do?\n\nIt normalises each feature over the batch, "
                    "then rescales it.\n\n**TL;DR:** standardise, then learn scale and shift.\n",
                    encoding="utf-8")
    (card,) = run(note.parent).pack.cards
    assert card.summary == "standardise, then learn scale and shift."
    assert card_key_line(card, 100) == card.summary


@pytest.mark.parametrize(("line", "reason"), [
    ("There are a number of ways: 1.", "ends in a list number or a colon"),
    ("Typically, there are three types:", "ends in a list number or a colon"),
    ("https://ruder.io/optimizing-gradient-descent/", "a bare URL"),
    ("> Pooling reduces the spatial size.", "Markdown syntax shows"),
    ("Dropout", "fewer than four words"),
])
def test_weak_key_lines_are_flagged(line: str, reason: str) -> None:
    assert weakness(line) == reason


def _flagged(pack) -> float:
    lines = [card_key_line(card, 100) for card in pack.cards]
    return sum(weakness(line) is not None for line in lines) / len(lines)


def test_almost_every_seed_box_states_its_point(seed_notes: Path, run) -> None:
    assert _flagged(run(seed_notes).pack) <= 0.02


def test_every_source_notes_box_states_its_point(run) -> None:
    assert _flagged(run(ROOT / "source_notes").pack) == 0
