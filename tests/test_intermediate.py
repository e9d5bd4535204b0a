"""notes.yaml: a stable round trip and errors that name the line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studypack import intermediate
from studypack.errors import IntermediateError
from studypack.model import Card, Pack, Skipped, SourceRef, Topic
from tests.conftest import GOLDEN


def test_round_trip_gives_the_same_bytes(run, project_config) -> None:
    run(GOLDEN)
    text = (project_config.output / "notes.yaml").read_text(encoding="utf-8")
    assert intermediate.dump(intermediate.load(text, "notes.yaml")) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("schema_version: 2\ntitle: t\ntopics: []\n",
         "notes.yaml:1: schema_version 2 is not supported"),
        ("schema_version: 1\ntitle: t\ntopics: [\n", "notes.yaml:4: not valid YAML"),
        ("schema_version: 1\ntitle: t\ntopics:\n  - slug: a\n    title: A\n    cards:\n"
         "      - id: x\n        question: q\n        answer: ''\n"
         "        source: {path: n.md, line: 1}\n",
         "notes.yaml:9: answer must not be empty"),
        ("schema_version: 1\ntitle: t\ntopics:\n  - slug: a\n    title: A\n    cards:\n"
         "      - id: x\n        question: q\n        answer: a\n        colour: red\n"
         "        source: {path: n.md, line: 1}\n",
         "notes.yaml:7: card: unknown key 'colour'"),
        ("schema_version: 1\ntitle: t\ntopics:\n  - slug: a\n    title: A\n    cards:\n"
         "      - id: x\n        question: q\n        answer: a\n        difficulty: tricky\n"
         "        source: {path: n.md, line: 1}\n",
         "notes.yaml:10: difficulty 'tricky' must be one of easy, medium, hard"),
    ],
)
def test_schema_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(IntermediateError) as error:
        intermediate.load(text, "notes.yaml")
    assert str(error.value).startswith(message)


def test_duplicate_ids_are_refused() -> None:
    card = ("      - id: x\n        question: q\n        answer: a\n"
            "        source: {path: n.md, line: 1}\n")
    text = "schema_version: 1\ntitle: t\ntopics:\n  - slug: a\n    title: A\n    cards:\n" \
        + card + card
    with pytest.raises(IntermediateError, match=r"notes.yaml:11: card id 'x' is used twice"):
        intermediate.load(text, "notes.yaml")


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=150, deadline=None)
@given(questions=st.lists(_TEXT, min_size=1, max_size=4),
       answer=_TEXT.filter(str.strip), tag=_TEXT, path=_TEXT)
def test_the_checked_pack_is_what_the_written_text_says(questions: list[str], answer: str,
                                                        tag: str, path: str) -> None:
    # A build checks the node tree it writes rather than parsing its own text again.
    cards = tuple(Card(f"id{n}", q, answer + q, "hard" if n % 2 else None, (tag,),
                       SourceRef(path, n + 1), summary=q or None)
                  for n, q in enumerate(questions))
    skipped = tuple(Skipped(q, "unanswered", SourceRef(path, 9), detail=q or None)
                    for q in questions)
    text, checked = intermediate.dump_checked(Pack(answer, (Topic("t", tag, cards),), skipped))
    assert intermediate.load(text, "notes.yaml") == checked
    assert checked.cards == cards and checked.skipped == skipped
