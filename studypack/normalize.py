"""Turns what readers found into the intermediate Pack: the one place where policy lives."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

from studypack import duplicates, identity, keyline
from studypack.cloze import CLOZE
from studypack.config import Config
from studypack.errors import Diagnostic
from studypack.identity import LockEntry
from studypack.model import Card, Document, Pack, RawItem, Review, Skipped, SourceRef, Topic
from studypack.readers.common import is_link_only
from studypack.topics import Taxonomy

_NUMBERING = re.compile(r"^\s*(?:Q(?:uestion)?\s*\d*\s*[:.)]\s*|\(?\d{1,3}(?:\.\d{1,3})*[.)]\s+)",
                        re.I)
_MARKER = re.compile(r"^\s*[\[(](E|M|H|easy|medium|hard)[\])]\s*", re.I)
# A bracketed word opening a question, like a difficulty marker but not a known one.
_UNKNOWN_MARKER = re.compile(r"^\s*\[(?!x\])([A-Za-z][\w+-]{0,10})\]\s", re.I)
_TRAILING_TAGS = re.compile(r"(?:\s+#[A-Za-z][\w/-]*)+\s*$")
_BOLD = re.compile(r"^\*\*(.+)\*\*$|^__(.+)__$")
_DIFFICULTY = {"e": "easy", "easy": "easy", "m": "medium", "medium": "medium", "h": "hard",
               "hard": "hard"}


@dataclass(frozen=True)
class Draft:
    """A card in the making."""

    question: str
    answer: str
    source: SourceRef
    stem: str = ""  # shared text that goes on the front, above the question
    section: tuple[str, ...] = ()
    difficulty: str | None = None
    tags: tuple[str, ...] = ()
    topic: str | None = None
    summary: str | None = None
    explicit_id: str | None = None
    id: str = ""
    merged: tuple[SourceRef, ...] = ()
    kind: str = "basic"
    reviews: tuple[Review, ...] = ()


@dataclass(frozen=True)
class Work:
    """The state passed from step to step."""

    drafts: tuple[Draft, ...]
    skipped: tuple[Skipped, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    # (where, id kept, old question key, old file)
    reworded: tuple[tuple[SourceRef, str, str, str], ...] = ()


@dataclass(frozen=True)
class Result:
    """The pack, plus what the build report and the lock file need to know."""

    pack: Pack
    diagnostics: tuple[Diagnostic, ...]
    reworded: tuple[tuple[SourceRef, str, str, str], ...]
    lock: dict[str, LockEntry]
    added: tuple[str, ...]
    updated: tuple[str, ...]
    removed: tuple[str, ...]
    prepared: Work  # what came before the lock was consulted: see `normalize`


PreparingStep = Callable[[Work, Config], Work]
LockedStep = Callable[[Work, Config, dict[str, LockEntry]], Work]


def normalize(documents: list[Document], config: Config, lock: dict[str, LockEntry],
              now: int, prepared: Work | None = None) -> Result:
    """Apply every policy step in order and build the pack.

    `prepared` is what `prepare` made of the same documents and config, when that is known
    already: then only the steps that consult the lock run.
    """
    if prepared is None:
        prepared = prepare(documents, config)
    work = prepared
    for step in LOCKED_STEPS:
        work = step(work, config, lock)
    result = _with_lock(_pack(work, config), work, lock, now, prepared)
    if lock and result.pack.cards and not any(card.id in lock for card in result.pack.cards):
        return replace(result, diagnostics=(*result.diagnostics, Diagnostic(
            config.lock.name, None, "warning",
            f"these notes share no card with the lock {config.lock}, which holds "
            f"{len(lock)} cards of other notes; both keep their ids, but give these notes a "
            "lock of their own with --lock FILE (or `lock:` in their config.yaml)")))
    return result


def prepare(documents: list[Document], config: Config) -> Work:
    """The steps that do not depend on the lock (a build that writes a new lock runs the rest
    twice)."""
    work = Work(tuple(_draft(doc, item) for doc in documents for item in doc.items))
    for step in PREPARING_STEPS:
        work = step(work, config)
    return work


def _draft(doc: Document, item: RawItem) -> Draft:
    return Draft(
        question=item.question,
        answer=item.answer,
        source=SourceRef(doc.path, item.line),
        stem=item.stem,
        section=item.section,
        difficulty=item.difficulty,
        tags=(*doc.front_matter.tags, *item.tags),
        topic=item.topic or doc.front_matter.topic,
        summary=item.summary,
        explicit_id=item.explicit_id,
        kind=item.kind,
        reviews=item.reviews,
    )


def clean_questions(work: Work, config: Config) -> Work:
    """Strip numbering, difficulty markers and #tags from a question; put its stem above it."""
    drafts = []
    diagnostics = list(work.diagnostics)
    rated = {d.source.path for d in work.drafts
             if _MARKER.match(_NUMBERING.sub("", d.question, count=1))}
    for draft in work.drafts:
        first, _, rest = draft.question.partition("\n")
        first = _NUMBERING.sub("", first, count=1)
        difficulty = draft.difficulty
        marker = _MARKER.match(first)
        if marker:
            difficulty = _DIFFICULTY[marker.group(1).lower()]
            first = first[marker.end():]
        elif draft.source.path in rated and (unknown := _UNKNOWN_MARKER.match(first)):
            diagnostics.append(Diagnostic(
                draft.source.path, draft.source.line, "warning",
                f"unknown difficulty marker [{unknown.group(1)}] (known: [E], [M], [H], "
                "[easy], [medium], [hard]); it stays in the question"))
        tags = draft.tags
        trailing = _TRAILING_TAGS.search(first)
        if trailing:
            tags = (*tags, *(t.lstrip("#") for t in trailing.group().split()))
            first = first[: trailing.start()]
        bold = _BOLD.match(first.strip())
        first = (bold.group(1) or bold.group(2)) if bold else first.strip()
        question = "\n".join(part for part in (first, rest.strip("\n")) if part)
        front = "\n\n".join(part for part in (draft.stem.strip(), question.strip()) if part)
        drafts.append(replace(draft, question=front, stem="", difficulty=difficulty, tags=tags,
                              answer=draft.answer.strip()))
    return replace(work, drafts=tuple(drafts), diagnostics=tuple(diagnostics))


def skip_unanswered(work: Work, config: Config) -> Work:
    """Questions with no answer are reported, not carded; an answer of only links is a warning."""
    keep, skipped, diagnostics = [], list(work.skipped), list(work.diagnostics)
    for draft in work.drafts:
        if not draft.question.strip():
            skipped.append(Skipped("", "empty", draft.source, "the question has no text"))
        elif not draft.answer and not (draft.kind == "cloze" and CLOZE.search(draft.question)):
            skipped.append(Skipped(draft.question, "unanswered", draft.source, topic=draft.topic))
        else:
            if is_link_only(draft.answer):
                diagnostics.append(Diagnostic(draft.source.path, draft.source.line, "warning",
                                              "the answer is only a link"))
            keep.append(draft)
    return replace(work, drafts=tuple(keep), skipped=tuple(skipped),
                   diagnostics=tuple(diagnostics))


def assign_topics(work: Work, config: Config) -> Work:
    """The note's own topic wins; otherwise the taxonomy rule whose words match best."""
    taxonomy = Taxonomy(config.topics)
    drafts = []
    for draft in work.drafts:
        topic = (draft.topic or _deck_topic(draft.tags, config)
                 or taxonomy.best(" / ".join(draft.section), draft.question)
                 or config.default_topic)
        drafts.append(replace(draft, topic=topic, tags=_tags((topic, *draft.tags))))
    return replace(work, drafts=tuple(drafts))


def _deck_topic(tags: tuple[str, ...], config: Config) -> str | None:
    """The topic a `#flashcards/deck` tag names, when the deck is one of the config's topics."""
    known = {rule.slug for rule in config.topics}
    return next((part for tag in tags if tag.startswith("flashcards/")
                 for part in tag.split("/")[1:] if part in known), None)


def _tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = (re.sub(r"[^\w:/-]+", "-", tag.strip()).strip("-") for tag in tags)
    return tuple(dict.fromkeys(tag for tag in cleaned if tag))


def assign_ids(work: Work, config: Config, lock: dict[str, LockEntry]) -> Work:
    """Explicit ids win, then ids the lock remembers for a reworded question, then derived ids."""
    taken: set[str] = set()
    drafts: list[Draft | None] = [None] * len(work.drafts)
    skipped, diagnostics = list(work.skipped), list(work.diagnostics)
    for index, draft in enumerate(work.drafts):
        if draft.explicit_id is None:
            continue
        if draft.explicit_id in taken:
            skipped.append(Skipped(draft.question, "id-collision", draft.source,
                                   f"id '{draft.explicit_id}' is already used"))
            diagnostics.append(Diagnostic(draft.source.path, draft.source.line, "error",
                                          f"card id '{draft.explicit_id}' is used twice"))
            continue
        taken.add(draft.explicit_id)
        drafts[index] = replace(draft, id=draft.explicit_id)
    pending = []
    for index, draft in enumerate(work.drafts):
        if draft.explicit_id is None:
            card_id = identity.derived_id(draft.question)
            if card_id in lock and card_id not in taken:
                taken.add(card_id)
                drafts[index] = replace(draft, id=card_id)
            else:
                pending.append((index, card_id))
    # A question asked twice keeps the id it was told apart by, before any rewording is sought.
    waiting = []
    for index, card_id in pending:
        draft = work.drafts[index]
        placed = identity.derived_id(draft.question, str(draft.source))
        if card_id in taken and placed in lock and placed not in taken:
            taken.add(placed)
            drafts[index] = replace(draft, id=placed)
        else:
            waiting.append((index, card_id))
    reworded = list(work.reworded)
    by_path: dict[str, dict[str, LockEntry]] = defaultdict(dict)
    for card_id, entry in lock.items():
        by_path[entry.path][card_id] = entry
    unmatched = []
    for index, card_id in waiting:
        draft = work.drafts[index]
        old = identity.find_reworded(draft.question, draft.source.path,
                                     by_path.get(draft.source.path, {}), taken)
        if old:
            reworded.append((draft.source, old, lock[old].question, lock[old].path))
            taken.add(old)
            drafts[index] = replace(draft, id=old)
        else:
            unmatched.append((index, card_id))
    # Only then across files, so a rewording in its own file is never taken for a move.
    moved = identity.MovedQuestions(lock, taken) if unmatched else None
    for index, card_id in unmatched:
        draft = work.drafts[index]
        old = moved.find(draft.question, draft.source.path) if moved else None
        if old:
            reworded.append((draft.source, old, lock[old].question, lock[old].path))
            card_id = old
        elif card_id in taken:
            # The same question asked twice: tell the two apart by where they are.
            card_id = identity.derived_id(draft.question, str(draft.source))
        taken.add(card_id)
        drafts[index] = replace(draft, id=card_id)
    return replace(work, drafts=tuple(d for d in drafts if d is not None),
                   skipped=tuple(skipped), diagnostics=tuple(diagnostics),
                   reworded=tuple(reworded))


def merge_duplicates(work: Work, config: Config, lock: dict[str, LockEntry]) -> Work:
    """Near-identical questions become one card (or the first one), as the config says."""
    policy = config.duplicates
    if policy.policy == "keep-all":
        return work
    groups = _groups(tuple(d.question for d in work.drafts), policy.similarity,
                     frozenset(i for i, d in enumerate(work.drafts)
                               if d.id in policy.keep_separate))
    gone: set[int] = set()
    drafts = list(work.drafts)
    skipped = list(work.skipped)
    for group in groups:
        if len({drafts[i].kind for i in group}) > 1:
            continue  # a cloze and a question with the same words are two ways to learn it
        first, *others = group
        for other in others:
            gone.add(other)
            skipped.append(Skipped(drafts[other].question, "duplicate", drafts[other].source,
                                   f"same question as {drafts[first].source.path}:"
                                   f"{drafts[first].source.line}", merged_into=drafts[first].id))
        if policy.policy == "merge":
            drafts[first] = _merged([drafts[i] for i in group])
    return replace(work, drafts=tuple(d for i, d in enumerate(drafts) if i not in gone),
                   skipped=tuple(skipped))


@lru_cache(maxsize=1)
def _groups(questions: tuple[str, ...], similarity: int,
            separate: frozenset[int]) -> list[list[int]]:
    """The duplicate groups; a build that writes a new lock asks twice for the same ones."""
    return duplicates.find_groups(list(questions), similarity, set(separate))


def _merged(group: list[Draft]) -> Draft:
    first = group[0]
    parts = [f"*{d.source.path}:{d.source.line}*\n\n{d.answer}" for d in group]
    return replace(
        first,
        answer="\n\n---\n\n".join(parts),
        difficulty=next((d.difficulty for d in group if d.difficulty), None),
        tags=tuple(dict.fromkeys(tag for d in group for tag in d.tags)),
        merged=tuple(d.source for d in group[1:]),
    )


def take_summaries(work: Work, config: Config) -> Work:
    """An answer paragraph the author opened with `TL;DR:` (or `Key point:`, `In short:`,
    `Summary:`) is the card's summary: the cheat sheet prints it as the key line."""
    drafts = []
    for draft in work.drafts:
        marked = next((keyline.SUMMARY_MARK.sub("", paragraph, count=1)
                       for paragraph in draft.answer.split("\n\n")
                       if keyline.SUMMARY_MARK.match(paragraph)), None)
        drafts.append(replace(draft, summary=" ".join(marked.split()))
                      if marked and not draft.summary else draft)
    return replace(work, drafts=tuple(drafts))


PREPARING_STEPS: tuple[PreparingStep, ...] = (clean_questions, take_summaries, assign_topics,
                                              skip_unanswered)
LOCKED_STEPS: tuple[LockedStep, ...] = (assign_ids, merge_duplicates)


def _pack(work: Work, config: Config) -> Pack:
    order = [rule.slug for rule in config.topics] + [config.default_topic]
    by_topic: dict[str, list[Card]] = defaultdict(list)
    for d in work.drafts:
        by_topic[d.topic or config.default_topic].append(
            Card(d.id, d.question, d.answer, d.difficulty, d.tags, d.source, d.summary, d.merged,
                 d.kind, d.reviews))
    slugs = sorted(by_topic, key=lambda s: (order.index(s) if s in order else len(order), s))
    topics = tuple(Topic(slug, config.topic_title(slug), tuple(by_topic[slug])) for slug in slugs)
    skipped = tuple(sorted(work.skipped, key=lambda s: (s.source, s.reason)))
    return Pack(config.title, topics, skipped)


def _with_lock(pack: Pack, work: Work, lock: dict[str, LockEntry], now: int,
               prepared: Work) -> Result:
    entries: dict[str, LockEntry] = {}
    added, updated = [], []
    topic_of = {card.id: topic.slug for topic in pack.topics for card in topic.cards}
    for card in pack.cards:
        # A basic card without reviews hashes as it always has: no edit, no update in Anki.
        shape = (card.kind, card.reviews) if card.kind != "basic" or card.reviews else ()
        digest = identity.content_hash(card.question, card.answer, card.difficulty, card.tags,
                                       topic_of[card.id], card.summary, *shape)
        old = lock.get(card.id)
        modified = old.modified if old and old.hash == digest else now
        if old is None:
            added.append(card.id)
        elif old.hash != digest:
            updated.append(card.id)
        entries[card.id] = LockEntry(card.source.path, identity.question_key(card.question),
                                     digest, modified)
    # Cards gone from this build stay in the lock, marked, until pruned.
    removed = tuple(sorted(card_id for card_id, old in lock.items()
                           if card_id not in entries and old.absent_since is None))
    for card_id, old in lock.items():
        if card_id not in entries:
            entries[card_id] = old if old.absent_since is not None \
                else replace(old, absent_since=now)
    return Result(pack, work.diagnostics, work.reworded, entries, tuple(added), tuple(updated),
                  removed, prepared)
