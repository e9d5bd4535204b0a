"""Writes and reads output/notes.yaml, the checked hand-off between readers and writers."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import yaml

from studypack import cloze
from studypack.errors import IntermediateError
from studypack.model import (
    DIFFICULTIES,
    KINDS,
    SCHEMA_VERSION,
    Card,
    Pack,
    Review,
    Skipped,
    SourceRef,
    Topic,
)

# LibYAML when PyYAML has it (its wheels do): several times faster than pure Python.
T = TypeVar("T")
FAST_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
NOTES_YAML = "notes.yaml"


class _Dumper(FAST_DUMPER):
    """Multi-line text as literal blocks, so answers read and diff like the notes themselves."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(pack: Pack) -> str:
    """The pack as YAML text with every key in a fixed order."""
    return dump_checked(pack)[0]


def dump_checked(pack: Pack) -> tuple[str, Pack]:
    """The pack as YAML text, and the pack that text describes, as `load` would check it.

    The check walks the very node tree the text is written from, so what a writer sees is
    what notes.yaml says without parsing it again (a third of the YAML stage's time).
    """
    data = {
        "schema_version": pack.schema_version,
        "title": pack.title,
        "topics": [
            {"slug": t.slug, "title": t.title, "cards": [_card(c) for c in t.cards]}
            for t in pack.topics
        ],
        "skipped": [_skipped(s) for s in pack.skipped],
    }
    stream = io.StringIO()
    dumper = _Dumper(stream, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=None)
    try:
        dumper.open()
        node = _node(data)
        dumper.serialize(node)
        dumper.close()
    finally:
        dumper.dispose()
    return stream.getvalue(), _Checker(NOTES_YAML).pack(node)


_STR, _INT, _NULL = ("tag:yaml.org,2002:" + name for name in ("str", "int", "null"))


def _node(value: object) -> yaml.Node:
    """The YAML node PyYAML's representer makes of plain data, built directly (half the time).

    Lists and mappings of scalars only are written inline, as `default_flow_style=None` does.
    """
    if isinstance(value, str):
        return yaml.ScalarNode(_STR, value, style="|" if "\n" in value else None)
    if isinstance(value, bool) or not isinstance(value, int | dict | list | type(None)):
        raise TypeError(f"notes.yaml cannot hold {type(value).__name__}")
    if isinstance(value, int):
        return yaml.ScalarNode(_INT, str(value))
    if value is None:
        return yaml.ScalarNode(_NULL, "null")
    if isinstance(value, dict):
        pairs = [(_node(k), _node(v)) for k, v in value.items()]
        inline = all(isinstance(v, yaml.ScalarNode) and v.style is None for _, v in pairs)
        return yaml.MappingNode("tag:yaml.org,2002:map", pairs, flow_style=inline)
    items = [_node(item) for item in value]
    inline = all(isinstance(item, yaml.ScalarNode) and item.style is None for item in items)
    return yaml.SequenceNode("tag:yaml.org,2002:seq", items, flow_style=inline)


def _source(ref: SourceRef) -> dict[str, Any]:
    return {"path": ref.path, "line": ref.line}


def _card(card: Card) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": card.id,
        "question": card.question,
        "answer": card.answer,
        "difficulty": card.difficulty,
        "tags": list(card.tags),
        "source": _source(card.source),
    }
    if card.summary:
        data["summary"] = card.summary
    if card.merged:
        data["merged"] = [_source(ref) for ref in card.merged]
    if card.kind != "basic":
        data["kind"] = card.kind
    if card.reviews:
        data["review"] = [{"due": r.due, "interval": r.interval, "ease": r.ease}
                          for r in card.reviews]
    return data


def _skipped(entry: Skipped) -> dict[str, Any]:
    data: dict[str, Any] = {"question": entry.question, "reason": entry.reason,
                            "source": _source(entry.source)}
    if entry.detail:
        data["detail"] = entry.detail
    if entry.merged_into:
        data["merged_into"] = entry.merged_into
    if entry.topic:
        data["topic"] = entry.topic
    return data


def load(text: str, path: str) -> Pack:
    """Parse and check notes.yaml; any problem is an IntermediateError naming path:line."""
    return _Checker(path).pack(_compose(text, path))


def load_each(text: str, path: str) -> tuple[Pack, list[IntermediateError]]:
    """Like load, but a card or skipped entry that breaks the schema costs only itself.

    The file as a whole (YAML syntax, schema_version, the top-level keys) must still be right.
    """
    checker = _Checker(path, lenient=True)
    pack = checker.pack(_compose(text, path))
    return pack, checker.problems


def _compose(text: str, path: str) -> yaml.Node:
    try:
        root = yaml.compose(text, Loader=FAST_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else path
        raise IntermediateError(f"{where}: not valid YAML: {getattr(error, 'problem', error)}") \
            from None
    return root


class _Checker:
    """Walks the YAML node tree so every error can name its line."""

    def __init__(self, path: str, lenient: bool = False) -> None:
        self.path = path
        self.lenient = lenient
        self.problems: list[IntermediateError] = []
        self.ids: set[str] = set()
        self.constructor = yaml.constructor.SafeConstructor()

    def fail(self, node: yaml.Node, message: str) -> IntermediateError:
        where = f":{node.start_mark.line + 1}" if node.start_mark else ""  # none before writing
        return IntermediateError(f"{self.path}{where}: {message}")

    def mapping(self, node: yaml.Node | None, what: str, required: set[str],
                optional: set[str] = frozenset()) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping") if node else \
                IntermediateError(f"{self.path}: empty file")
        keys = {k.value: v for k, v in node.value}
        unknown = sorted(keys.keys() - required - optional)
        if unknown:
            raise self.fail(node, f"{what}: unknown key '{unknown[0]}'")
        missing = sorted(required - keys.keys())
        if missing:
            raise self.fail(node, f"{what}: missing key '{missing[0]}'")
        return keys

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{what} must be a list")
        return node.value

    def scalar(self, node: yaml.Node, what: str, kind: type = str, nullable: bool = False) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, f"{what} must be a {kind.__name__}")
        value = self.constructor.construct_object(node) \
            if node.tag != "tag:yaml.org,2002:str" else node.value
        if value is None and nullable:
            return None
        if kind is str and not isinstance(value, str):
            value = str(value)  # a question like `1984?` is still text
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            raise self.fail(node, f"{what} must be a {kind.__name__}")
        return value

    def pack(self, node: yaml.Node) -> Pack:
        keys = self.mapping(node, "notes", {"schema_version", "title", "topics"}, {"skipped"})
        version = self.scalar(keys["schema_version"], "schema_version", int)
        if version != SCHEMA_VERSION:
            raise self.fail(keys["schema_version"],
                            f"schema_version {version} is not supported (this studypack reads "
                            f"{SCHEMA_VERSION}); rebuild it from the notes")
        topics = tuple(self.topic(t) for t in self.sequence(keys["topics"], "topics"))
        skipped = tuple(self.each(self.skipped, self.sequence(keys["skipped"], "skipped"))) \
            if "skipped" in keys else ()
        return Pack(self.scalar(keys["title"], "title"), topics, skipped, version)

    def topic(self, node: yaml.Node) -> Topic:
        keys = self.mapping(node, "topic", {"slug", "title", "cards"})
        return Topic(self.scalar(keys["slug"], "slug"), self.scalar(keys["title"], "title"),
                     tuple(self.each(self.card, self.sequence(keys["cards"], "cards"))))

    def each(self, check: Callable[[yaml.Node], T], nodes: list[yaml.Node]) -> Iterator[T]:
        """Every entry that passes; when lenient, the others are set aside as problems."""
        for node in nodes:
            if not self.lenient:
                yield check(node)
                continue
            try:
                yield check(node)
            except IntermediateError as error:
                self.problems.append(error)

    def source(self, node: yaml.Node) -> SourceRef:
        keys = self.mapping(node, "source", {"path", "line"})
        return SourceRef(self.scalar(keys["path"], "source.path"),
                         self.scalar(keys["line"], "source.line", int))

    def card(self, node: yaml.Node) -> Card:
        keys = self.mapping(node, "card", {"id", "question", "answer", "source"},
                            _CARD_KEYS - {"id", "question", "answer", "source"})
        answer = self.scalar(keys["answer"], "answer")
        kind = self.scalar(keys["kind"], "kind") if "kind" in keys else "basic"
        if kind not in KINDS:
            raise self.fail(keys["kind"], f"kind '{kind}' must be one of {', '.join(KINDS)}")
        question = self.scalar(keys["question"], "question")
        if kind == "cloze" and not cloze.numbers(question):
            raise self.fail(keys["question"], "a cloze card's question needs a {{c1::…}} deletion")
        if not answer.strip() and kind != "cloze":
            raise self.fail(keys["answer"], "answer must not be empty")
        difficulty = self.scalar(keys["difficulty"], "difficulty", nullable=True) \
            if "difficulty" in keys else None
        if difficulty is not None and difficulty not in DIFFICULTIES:
            raise self.fail(keys["difficulty"],
                            f"difficulty '{difficulty}' must be one of {', '.join(DIFFICULTIES)}")
        tags = tuple(self.scalar(t, "tag") for t in self.sequence(keys["tags"], "tags")) \
            if "tags" in keys else ()
        merged = tuple(self.source(s) for s in self.sequence(keys["merged"], "merged")) \
            if "merged" in keys else ()
        summary = self.scalar(keys["summary"], "summary", nullable=True) \
            if "summary" in keys else None
        card_id = self.scalar(keys["id"], "id")
        if card_id in self.ids:
            raise self.fail(keys["id"], f"card id '{card_id}' is used twice")
        self.ids.add(card_id)
        reviews = tuple(self.review(r) for r in self.sequence(keys["review"], "review")) \
            if "review" in keys else ()
        return Card(card_id, question, answer, difficulty, tags, self.source(keys["source"]),
                    summary, merged, kind, reviews)

    def review(self, node: yaml.Node) -> Review:
        keys = self.mapping(node, "review", {"due", "interval", "ease"})
        due = self.scalar(keys["due"], "review.due")
        if not _ISO_DATE.fullmatch(due):
            raise self.fail(keys["due"], f"review.due '{due}' must be a date, YYYY-MM-DD")
        return Review(due, self.scalar(keys["interval"], "review.interval", int),
                      self.scalar(keys["ease"], "review.ease", int))

    def skipped(self, node: yaml.Node) -> Skipped:
        keys = self.mapping(node, "skipped entry", {"question", "reason", "source"},
                            {"detail", "merged_into", "topic"})
        return Skipped(
            self.scalar(keys["question"], "question"), self.scalar(keys["reason"], "reason"),
            self.source(keys["source"]),
            self.scalar(keys["detail"], "detail", nullable=True) if "detail" in keys else None,
            self.scalar(keys["merged_into"], "merged_into", nullable=True)
            if "merged_into" in keys else None,
            self.scalar(keys["topic"], "topic", nullable=True) if "topic" in keys else None,
        )


_CARD_KEYS = {"id", "question", "answer", "difficulty", "tags", "source", "summary", "merged",
              "kind", "review"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
