"""Reads notes.yaml-shaped files, so a checked intermediate can be an input like any note."""

from __future__ import annotations

from studypack import intermediate
from studypack.errors import Diagnostic, IntermediateError
from studypack.model import RawItem
from studypack.readers.common import Line


def detect(lines: list[Line]) -> int:
    """Evidence: a top-level `schema_version:` key."""
    return 100 if any(line.text.startswith("schema_version:") for line in lines) else 0


def read(lines: list[Line], path: str) -> tuple[list[RawItem], list[Diagnostic]]:
    """Each card as an item that keeps its id, topic, difficulty and tags; unanswered ones too."""
    try:
        pack, problems = intermediate.load_each("\n".join(line.text for line in lines), path)
    except IntermediateError as error:
        return [], [_diagnostic(error, path)]
    items = [
        RawItem(card.question, card.answer, card.source.line, (topic.title,),
                explicit_id=card.id, difficulty=card.difficulty, tags=card.tags,
                summary=card.summary, topic=topic.slug)
        for topic in pack.topics
        for card in topic.cards
    ]
    # Merged duplicates already live inside their card; only open questions stay questions.
    items += [RawItem(entry.question, "", entry.source.line)
              for entry in pack.skipped if entry.reason == "unanswered"]
    return items, [_diagnostic(problem, path) for problem in problems]


def _diagnostic(error: IntermediateError, path: str) -> Diagnostic:
    location, _, message = str(error).removeprefix(f"{path}:").partition(": ")
    line = int(location) if location.isdigit() else None
    return Diagnostic(path, line, "error", message if line else str(error))
