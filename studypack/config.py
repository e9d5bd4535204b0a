"""Loads config.yaml into typed settings, reporting every problem at once."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from studypack.errors import ConfigError
from studypack.intermediate import FAST_LOADER
from studypack.model import CardSyntax, card_syntax

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
    lang: str = "en"  # the notes' language (BCP 47): the printed outputs hyphenate in it
    # How notes mark their own flashcards, when not as the spaced-repetition plugin does by
    # default; a note's own front matter `flashcards:` wins.
    card_syntax: CardSyntax | None = None
    strict: bool = False
    jobs: int | None = None  # worker processes a build runs at once; None: one per CPU
    base: Path = Path(".")  # the folder config.yaml is in; relative paths start here

    def topic_title(self, slug: str) -> str:
        """The configured title of a topic, or the slug made readable."""
        for rule in self.topics:
            if rule.slug == slug:
                return rule.title
        return slug.replace("-", " ").capitalize()

    def processes(self) -> int:
        """How many worker processes a build may run at once: `jobs`, or one per CPU."""
        return self.jobs or os.cpu_count() or 1


def load_config(path: Path | None) -> Config:
    """Read and check a config file; with no file, the defaults relative to the current folder."""
    if path is None:
        return Config(sources=(Path("source_notes").resolve(),), output=Path("output").resolve(),
                      lock=Path("studypack.lock").resolve(), base=Path.cwd())
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder; give the settings file in it, e.g. "
                          f"--config {path / 'config.yaml'}")
    try:
        text = path.read_text(encoding="utf-8")
        raw = yaml.load(text, Loader=FAST_LOADER)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file; check the path, or create a project with "
                          "`build.py init DIR`") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: not valid YAML: {getattr(error, 'problem', error)}; check "
                          "the indentation, colons and brackets on that line and the one above"
                          ) from None
    return parse_config(raw or {}, path, key_lines(yaml.compose(text, Loader=FAST_LOADER)))


def key_lines(node: yaml.Node | None, prefix: str = "") -> dict[str, int]:
    """The line of every setting, named as problems name them: `cheatsheet.columns`, `topics[0]`."""
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = f"{prefix}.{key.value}" if prefix else str(key.value)
            lines[name] = key.start_mark.line + 1
            lines.update(key_lines(value, name))
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            lines[f"{prefix}[{index}]"] = value.start_mark.line + 1
            lines.update(key_lines(value, f"{prefix}[{index}]"))
    return lines


def parse_config(raw: Any, path: Path, lines: dict[str, int] | None = None) -> Config:
    """Turn parsed YAML into a Config, collecting every problem before failing.

    `lines` (from key_lines) lets each problem name the line of its setting.
    """
    problems: list[str] = []
    base = path.resolve().parent
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: must be a mapping of settings, one `name: value` a line")
    known = {f.name for f in fields(Config)} - {"base", "card_syntax"} | {"flashcards"}
    problems += [f"{key}: unknown setting; {_suggest(str(key), known)}"
                 for key in sorted(set(raw) - known, key=str)]

    def get(key: str, kind: type | tuple[type, ...], default: Any) -> Any:
        value = raw.get(key, default)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
            example = " (`[a, b]`, or one `- item` a line below it)" if kind is list else ""
            problems.append(f"{key}: must be {names}, not {type(value).__name__}{example}")
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
        lang=_lang(get("lang", str, "en"), problems),
        card_syntax=_flashcards(raw.get("flashcards"), problems),
        strict=bool(get("strict", bool, False)),
        jobs=_jobs(raw.get("jobs"), problems),
        base=base,
    )
    if problems:
        raise ConfigError("\n".join(f"{_where(path, problem, lines or {})}: {problem}"
                                    for problem in problems))
    return config


def _flashcards(raw: object, problems: list[str]) -> CardSyntax | None:
    syntax, found = card_syntax(raw)
    problems += [f"flashcards: {problem}" if problem.startswith("must") else
                 f"flashcards.{problem}" for problem in found]
    return syntax


def _jobs(value: object, problems: list[str]) -> int | None:
    """A limit on the worker processes, to leave CPUs to other work; none means every CPU."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        problems.append(f"jobs: must be a whole number of at least 1, not {value!r} (the worker "
                        "processes a build runs at once; leave it out to use every CPU)")
        return None
    return value


def _lang(value: str, problems: list[str]) -> str:
    """A language tag such as en, de or pt-BR; hyphenation follows it."""
    if not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", value):
        problems.append(f"lang: '{value}' is not a language tag such as en, de or pt-BR")
        return "en"
    return value


def _unknown(where: str, raw: dict, known: tuple[str, ...]) -> list[str]:
    """A problem for each key of a nested setting that is not one of `known`."""
    problems = []
    for key in sorted(set(raw) - set(known), key=str):
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f"did you mean `{close[0]}`?" if close else f"known: {', '.join(known)}"
        problems.append(f"{where}.{key}: unknown key; {hint}")
    return problems


def _suggest(key: str, known: set[str]) -> str:
    """The fix for an unknown setting: the one meant, where it belongs, or the list."""
    for section, kind in (("cheatsheet", Cheatsheet), ("duplicates", Duplicates)):
        if key in {f.name for f in fields(kind)}:
            return f"it belongs under `{section}:`"
    close = difflib.get_close_matches(key, sorted(known), n=1)
    if close:
        return f"did you mean `{close[0]}`?"
    return f"known settings: {', '.join(sorted(known))}"


def _where(path: Path, problem: str, lines: dict[str, int]) -> str:
    """path:line of the setting a problem names, or of the nearest setting around it."""
    name = problem.partition(": ")[0]
    while name not in lines:
        shorter = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", name)
        if shorter == name:
            return str(path)
        name = shorter
    return f"{path}:{lines[name]}"


def _topic(entry: Any, index: int, problems: list[str]) -> TopicRule:
    where = f"topics[{index}]"
    if not isinstance(entry, dict):
        problems.append(f"{where}: must be a mapping with slug, title, sections, words")
        return TopicRule(f"topic-{index}", f"Topic {index}")
    problems += _unknown(where, entry, ("slug", "title", "sections", "words"))
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
    problems += _unknown("cheatsheet", raw, tuple(f.name for f in fields(Cheatsheet)))
    return Cheatsheet(**values)


def _duplicates(raw: dict, problems: list[str]) -> Duplicates:
    problems += _unknown("duplicates", raw, ("policy", "similarity", "keep_separate"))
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
