"""Loads config.yaml into typed settings, reporting every problem at once."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from studypack.errors import ConfigError
from studypack.intermediate import FAST_LOADER

OUTPUTS = ("yaml", "anki", "cheatsheet", "handouts", "preview")
DUPLICATE_POLICIES = ("merge", "keep-first", "keep-all")


@dataclass(frozen=True)
class TopicRule:
    """A topic of the taxonomy and the words that put a card in it."""

    slug: str
    title: str
    sections: tuple[str, ...] = ()  # word stems matched in the headings a question sits under
    words: tuple[str, ...] = ()  # word stems matched in the question itself


@dataclass(frozen=True)
class Duplicates:
    """How near-identical questions from different places are handled."""

    policy: str = "merge"  # merge | keep-first | keep-all
    similarity: int = 90  # 0-100: how alike two questions must be to count as one
    keep_separate: tuple[str, ...] = ()  # card ids that must never be merged


@dataclass(frozen=True)
class Cheatsheet:
    """Layout of the printed cheat sheet."""

    paper: str = "A4 landscape"  # any CSS page size: "A4 landscape", "letter", "A3 landscape"
    columns: int = 5
    font_size: float = 6.3  # points
    summary_length: int = 100  # characters of each card's key line
    page_budget: int = 4  # more pages than this is reported as a warning


@dataclass(frozen=True)
class Config:
    """Every setting of a build; paths are absolute."""

    title: str = "Study notes"
    sources: tuple[Path, ...] = ()
    output: Path = Path("output")
    lock: Path = Path("studypack.lock")
    outputs: tuple[str, ...] = ("yaml",)
    dialects: dict[str, str] = field(default_factory=dict)
    default_topic: str = "other"
    topics: tuple[TopicRule, ...] = ()
    duplicates: Duplicates = field(default_factory=Duplicates)
    cheatsheet: Cheatsheet = field(default_factory=Cheatsheet)
    combined_handout: bool = False  # also handouts/all.pdf with every topic
    strict: bool = False
    base: Path = Path(".")  # the folder config.yaml is in; relative paths start here

    def topic_title(self, slug: str) -> str:
        """The configured title of a topic, or the slug made readable."""
        for rule in self.topics:
            if rule.slug == slug:
                return rule.title
        return slug.replace("-", " ").capitalize()


def load_config(path: Path | None) -> Config:
    """Read and check a config file; with no file, the defaults relative to the current folder."""
    if path is None:
        return Config(sources=(Path("source_notes").resolve(),), output=Path("output").resolve(),
                      lock=Path("studypack.lock").resolve(), base=Path.cwd())
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=FAST_LOADER)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: not valid YAML: {getattr(error, 'problem', error)}") from None
    return parse_config(raw or {}, path)


def parse_config(raw: Any, path: Path) -> Config:
    """Turn parsed YAML into a Config, collecting every problem before failing."""
    problems: list[str] = []
    base = path.resolve().parent
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: must be a mapping of settings")
    known = {f.name for f in fields(Config)} - {"base"}
    problems += [f"{key}: unknown setting (known: {', '.join(sorted(known))})"
                 for key in sorted(set(raw) - known, key=str)]

    def get(key: str, kind: type | tuple[type, ...], default: Any) -> Any:
        value = raw.get(key, default)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
            problems.append(f"{key}: must be {names}, not {type(value).__name__}")
            return default
        return value

    sources = get("sources", list, ["source_notes"])
    outputs = get("outputs", list, ["yaml"])
    problems += [f"outputs: unknown output '{name}' (known: {', '.join(OUTPUTS)})"
                 for name in outputs if name not in OUTPUTS]
    dialects = get("dialects", dict, {})
    topics = tuple(_topic(entry, index, problems)
                   for index, entry in enumerate(get("topics", list, [])))
    slugs = [t.slug for t in topics]
    problems += [f"topics: slug '{slug}' is used twice" for slug in sorted(set(slugs))
                 if slugs.count(slug) > 1]
    config = Config(
        title=str(get("title", str, "Study notes")),
        sources=tuple((base / str(s)).resolve() for s in sources),
        output=(base / str(get("output", str, "output"))).resolve(),
        lock=(base / str(get("lock", str, "studypack.lock"))).resolve(),
        outputs=tuple(str(o) for o in outputs if o in OUTPUTS),
        dialects={str(k): str(v) for k, v in dialects.items()},
        default_topic=str(get("default_topic", str, "other")),
        topics=topics,
        duplicates=_duplicates(get("duplicates", dict, {}), problems),
        cheatsheet=_cheatsheet(get("cheatsheet", dict, {}), problems),
        combined_handout=bool(get("combined_handout", bool, False)),
        strict=bool(get("strict", bool, False)),
        base=base,
    )
    if problems:
        raise ConfigError("\n".join(f"{path}: {problem}" for problem in problems))
    return config


def _topic(entry: Any, index: int, problems: list[str]) -> TopicRule:
    where = f"topics[{index}]"
    if not isinstance(entry, dict):
        problems.append(f"{where}: must be a mapping with slug, title, sections, words")
        return TopicRule(f"topic-{index}", f"Topic {index}")
    problems += [f"{where}: unknown key '{key}' (known: slug, title, sections, words)"
                 for key in sorted(set(entry) - {"slug", "title", "sections", "words"}, key=str)]
    slug = entry.get("slug")
    if not isinstance(slug, str) or not slug.replace("-", "").isalnum() or slug != slug.lower():
        problems.append(f"{where}.slug: must be lower-case letters, digits and '-', like 'cnn'")
        slug = f"topic-{index}"
    lists = {}
    for key in ("sections", "words"):
        value = entry.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"{where}.{key}: must be a list of words")
            value = []
        lists[key] = tuple(value)
    return TopicRule(slug, str(entry.get("title", slug)), lists["sections"], lists["words"])


def _cheatsheet(raw: dict, problems: list[str]) -> Cheatsheet:
    defaults = Cheatsheet()
    values = {}
    for f in fields(Cheatsheet):
        value = raw.get(f.name, getattr(defaults, f.name))
        kind = float if f.type == "float" else int if f.type == "int" else str
        ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0 \
            if kind is not str else isinstance(value, str)
        if kind is int and not isinstance(value, int):
            ok = False
        if not ok:
            problems.append(f"cheatsheet.{f.name}: must be a positive {kind.__name__}"
                            if kind is not str else f"cheatsheet.{f.name}: must be text")
            value = getattr(defaults, f.name)
        values[f.name] = kind(value)
    problems += [f"cheatsheet: unknown key '{key}' (known: "
                 f"{', '.join(f.name for f in fields(Cheatsheet))})"
                 for key in sorted(set(raw) - {f.name for f in fields(Cheatsheet)}, key=str)]
    return Cheatsheet(**values)


def _duplicates(raw: dict, problems: list[str]) -> Duplicates:
    problems += [f"duplicates: unknown key '{key}' (known: policy, similarity, keep_separate)"
                 for key in sorted(set(raw) - {"policy", "similarity", "keep_separate"}, key=str)]
    policy = raw.get("policy", "merge")
    if policy not in DUPLICATE_POLICIES:
        problems.append(f"duplicates.policy: '{policy}' is not one of "
                        f"{', '.join(DUPLICATE_POLICIES)}")
        policy = "merge"
    similarity = raw.get("similarity", 90)
    if not isinstance(similarity, int) or isinstance(similarity, bool) \
            or not 50 <= similarity <= 100:
        problems.append("duplicates.similarity: must be a whole number from 50 to 100")
        similarity = 90
    keep = raw.get("keep_separate", [])
    if not isinstance(keep, list):
        problems.append("duplicates.keep_separate: must be a list of card ids")
        keep = []
    return Duplicates(policy, similarity, tuple(str(k) for k in keep))
