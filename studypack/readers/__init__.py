"""The reader registry: detects each file's dialect and runs the matching reader."""

from __future__ import annotations

from dataclasses import replace
from fnmatch import fnmatch
from types import ModuleType

from studypack.errors import Diagnostic
from studypack.model import CardSyntax, Document, RawItem, SectionRead
from studypack.readers import (
    admonition,
    bullets,
    callout,
    details,
    embeds,
    flashcard,
    headings,
    intermediate_yaml,
    labelled,
    leftovers,
    logseq,
    navigation,
    numbered,
    obsidian_to_anki,
    outline,
    sections,
    table,
)
from studypack.readers.common import Line, split_lines, unclosed_fence
from studypack.sources import Source

# Readers of cards the author marked as cards: two such cards outweigh every weak cue.
EXPLICIT = ("flashcard", "logseq", "obsidian_to_anki")
EXPLICIT_MIN = 4
WEAK = frozenset({"headings", "bullets", "numbered", "labelled"})
UNSURE = 0.6  # below this share of the evidence, the chosen shape is reported as a close call

# One line per dialect: name -> module with detect(lines) -> int and read(lines, path).
READERS: dict[str, ModuleType] = {
    "admonition": admonition,
    "outline": outline,
    "headings": headings,
    "bullets": bullets,
    "callout": callout,
    "details": details,
    "flashcard": flashcard,
    "labelled": labelled,
    "logseq": logseq,
    "numbered": numbered,
    "obsidian_to_anki": obsidian_to_anki,
    "table": table,
    "yaml": intermediate_yaml,
}


def choose_dialect(source: Source, overrides: dict[str, str]) -> tuple[str | None, float]:
    """The dialect for a file and how sure we are: front matter, config globs, then detection."""
    return _choose(source, overrides, _lines(source), _evidence)


def _choose(source: Source, overrides: dict[str, str], lines: list[Line],
            detect: sections.Detect) -> tuple[str | None, float]:
    forced = _forced(source, overrides)
    if forced:
        return forced, 1.0
    evidence = detect(lines)
    if max(evidence[name] for name in EXPLICIT) >= EXPLICIT_MIN:
        # The author's own card markup outweighs any number of weak cues (question-like
        # headings, bullets, numbers, bold lines); other markup still competes with it.
        evidence = {name: count for name, count in evidence.items() if name not in WEAK}
    best = max(evidence, key=lambda name: evidence[name])
    total = sum(evidence.values())
    if evidence[best] == 0:
        return None, 0.0
    return best, round(evidence[best] / total, 2)


def read(source: Source, overrides: dict[str, str],
         syntax: CardSyntax | None = None) -> Document:
    """What the chosen readers find in one file; unknown shapes become a diagnostic.

    Detection works per section too: a file that mixes shapes is read a run of sections at a
    time, each by its own reader, and its Document lists which reader read which lines.
    `syntax` is how config.yaml says notes mark their flashcards; a note's front matter wins.
    """
    lines = _lines(source)
    syntax = source.front_matter.card_syntax or syntax
    evidence = _SectionEvidence(syntax=syntax)
    dialect, confidence = _choose(source, overrides, lines, evidence)
    diagnostics = list(source.diagnostics)
    if dialect is None:
        diagnostics.append(Diagnostic(source.rel, None, "warning",
                                      "no reader recognizes this file; no questions read"))
        return Document(source.rel, "unknown", 0.0, (), source.front_matter, tuple(diagnostics))
    if dialect not in READERS:
        diagnostics.append(Diagnostic(source.rel, None, "error",
                                      f"unknown dialect '{dialect}' (known: {', '.join(READERS)})"))
        return Document(source.rel, dialect, 0.0, (), source.front_matter, tuple(diagnostics))
    fence = unclosed_fence(lines)
    if fence:
        diagnostics.append(Diagnostic(source.rel, fence, "warning",
                                      "code fence is never closed; it runs to the end of the file"))
    if dialect in EXPLICIT:  # around the author's own cards, weak cues mark lecture text
        evidence = evidence.without(WEAK)
    runs = [] if _forced(source, overrides) else sections.plan(lines, dialect, evidence)
    diagnostics += [
        Diagnostic(source.rel, line, "warning",
                   f"this section also holds {other} questions, which the {reader} reader does not "
                   f"read; put a heading between the two shapes")
        for line, other, reader in sections.overlooked(lines, runs, evidence)
    ]
    if len(runs) <= 1:
        items, found = _read_with(dialect, lines, source, syntax)
        diagnostics += found
        document = Document(source.rel, dialect, confidence, _embedded(items, source),
                            source.front_matter)
    else:
        items = []
        for run in runs:
            part, found = _read_with(run.dialect, sections.with_context(lines, run), source,
                                     syntax)
            items += part
            diagnostics += found
        read_by = tuple(SectionRead(lines[run.start].number, run.dialect, run.confidence)
                        for run in runs)
        document = Document(source.rel, "mixed", min(run.confidence for run in runs),
                            _embedded(items, source), source.front_matter, sections=read_by)
    diagnostics += _unsure(source.rel, document, items)
    if dialect in EXPLICIT and len(runs) <= 1:
        document = replace(document, lecture=_lecture(lines, items))
    if dialect != "yaml":
        diagnostics += [Diagnostic(source.rel, number, "warning",
                                   f"looks like a question, but no reader took it: {text}")
                        for number, text in leftovers.unread(lines, items)]
    return replace(document, diagnostics=tuple(diagnostics))


def _read_with(dialect: str, lines: list[Line], source: Source,
               syntax: CardSyntax | None) -> tuple[list[RawItem], list[Diagnostic]]:
    """What one reader finds; the flashcard reader also takes the notes' card syntax."""
    if dialect == "flashcard":
        return flashcard.read(lines, source.rel, syntax)
    return READERS[dialect].read(lines, source.rel)


def _lecture(lines: list[Line], items: list[RawItem]) -> int:
    """How many paragraphs (code blocks included) hold no card: the notes around the cards."""
    starts = {item.line for item in items}
    count, current = 0, []
    for line in [*lines, None]:
        if line is None or line.blank or (line.heading and not line.in_code):
            if current and not starts.intersection(current):
                count += 1
            current = []
        else:
            current.append(line.number)
    return count


def _unsure(path: str, document: Document, items: list[RawItem]) -> list[Diagnostic]:
    """A warning for each file or run of sections whose shape was a close call."""
    reads = document.sections or (SectionRead(items[0].line if items else 1, document.dialect,
                                              document.confidence),)
    return [Diagnostic(path, read_by.line, "warning",
                       f"read as {read_by.dialect} questions, but only {read_by.confidence:.0%} "
                       "sure: other shapes fit too; check these cards, or name the shape with "
                       "`dialect:` in the note's front matter")
            for read_by in reads if 0 < read_by.confidence < UNSURE]


def _lines(source: Source) -> list[Line]:
    """The file's lines, its navigation and reference sections blanked."""
    return navigation.strip(split_lines(source.text), source.text)


def _forced(source: Source, overrides: dict[str, str]) -> str | None:
    """The dialect the note's front matter or a config glob names, if any.

    A .yaml file is notes.yaml-shaped whatever it holds: its `question:` and `answer:` keys
    must not read as labelled questions.
    """
    if source.rel.lower().endswith((".yaml", ".yml")):
        return "yaml"
    if source.front_matter.dialect:
        return source.front_matter.dialect
    if source.front_matter.card_syntax is not None:
        return "flashcard"  # the note sets how it marks its cards
    return next((name for pattern, name in overrides.items() if fnmatch(source.rel, pattern)),
                None)


def _evidence(lines: list[Line], syntax: CardSyntax | None = None) -> dict[str, int]:
    found = {name: reader.detect(lines) for name, reader in READERS.items()}
    if syntax is not None:  # separators of the notes' own choosing
        found["flashcard"] = flashcard.detect(lines, syntax)
    return found


class _SectionEvidence:
    """Every reader's evidence per section of one file, worked out once per section.

    Planning the runs and looking for overlooked shapes ask about the same sections.
    """

    def __init__(self, syntax: CardSyntax | None = None,
                 exclude: frozenset[str] = frozenset()) -> None:
        self._seen: dict[tuple[int, int], dict[str, int]] = {}
        self._syntax = syntax
        self._exclude = exclude

    def __call__(self, lines: list[Line]) -> dict[str, int]:
        key = (lines[0].number, len(lines)) if lines else (0, 0)
        if key not in self._seen:
            self._seen[key] = _evidence(lines, self._syntax)
        return {name: 0 if name in self._exclude else count
                for name, count in self._seen[key].items()}

    def without(self, readers: frozenset[str]) -> _SectionEvidence:
        """The same evidence, worked out once, with these readers' counted as none."""
        view = _SectionEvidence(self._syntax, self._exclude | readers)
        view._seen = self._seen
        return view


def _embedded(items: list[RawItem], source: Source) -> tuple[RawItem, ...]:
    """The items with Obsidian image embeds turned into Markdown images."""
    return tuple(
        replace(item, question=embeds.to_markdown(item.question, source.path, source.root),
                answer=embeds.to_markdown(item.answer, source.path, source.root))
        for item in items
    )
