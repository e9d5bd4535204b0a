"""Finds near-identical questions in linear time: block on shared rare words, then compare."""

from __future__ import annotations

import re
from collections import defaultdict

from rapidfuzz import fuzz

# Words that carry no meaning of their own in a question, including the filler of interview
# questions ("can you explain the concept of ... in deep learning").
_FILLER = frozenset(
    "a an the of in on for to and or is are was were be do does did you your we our i it "
    "its this that these those what whats which why how when where who can could would "
    "should will please explain describe tell me us about concept understand by with as at "
    "from into between difference differences mean meaning means term".split()
)
_FIELD_PHRASE = re.compile(r"\b(in|for|of) (deep|machine) learning( models?)?\b")
# A word is a run of letters or digits in any script; in scripts written without spaces
# (Chinese, Japanese) each character counts as a word.
_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]|[^\W_\u3040-\u30ff\u3400-\u9fff]+")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
# Words that turn a question into another one when swapped for each other.
_OPPOSITES = frozenset(frozenset(pair.split("/")) for pair in (
    "above/below upper/lower max/min maximum/minimum before/after first/last left/right "
    "positive/negative true/false advantage/disadvantage pro/con over/under high/low "
    "more/less inner/outer input/output encoder/decoder increase/decrease largest/smallest "
    "best/worst open/close start/end import/export read/write push/pull client/server "
    "sync/async internal/external horizontal/vertical row/column odd/even"
).split())
_PREFIXES = frozenset(
    {"", *"un in im il ir de dis non en ex anti pre post over under sub super re mis".split()})
_BLOCK_LIMIT = 50  # words shared by more questions than this are too common to block on


def content_words(question: str) -> list[str]:
    """The question's meaningful words, lower-cased and crudely singularised."""
    text = _LINK_TARGET.sub(" ", question)  # an image's or link's address says nothing
    text = _FIELD_PHRASE.sub(" ", text.lower().replace("’", "'"))
    words = [w for w in _WORD.findall(text) if w not in _FILLER]
    return [_singular(w) for w in words] or _WORD.findall(question.lower())


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _tell_apart(first: str, second: str) -> bool:
    """True when two alike questions differ in a way that makes them two questions.

    They differ in a number, in a pair of opposites ("above" and "below"), or in a word that
    only changes its start ("increasing" and "decreasing", "supervised" and "unsupervised").
    """
    only_first = set(first.split()) - set(second.split())
    only_second = set(second.split()) - set(first.split())
    if any(word.isdigit() or any(ch.isdigit() for ch in word)
           for word in only_first | only_second):
        return True
    return any(frozenset((a, b)) in _OPPOSITES or _prefixed(a, b) or _prefixed(b, a)
               for a in only_first for b in only_second)


def _prefixed(word: str, other: str) -> bool:
    """True when `word` is `other` with another prefix ("in"/"de", ""/"un"): the same ending
    of five letters or more after two different prefixes that negate or turn a word."""
    shared = 0
    while shared < min(len(word), len(other)) and word[-1 - shared] == other[-1 - shared]:
        shared += 1
    first, second = word[: len(word) - shared], other[: len(other) - shared]
    return shared >= 5 and first != second and first in _PREFIXES and second in _PREFIXES


def find_groups(questions: list[str], similarity: int, exclude: set[int]) -> list[list[int]]:
    """Groups of indexes (ascending) whose questions say the same; singletons are left out."""
    keys = [" ".join(sorted(set(content_words(q)))) for q in questions]
    index: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        if i not in exclude:
            for word in set(key.split()):
                index[word].append(i)
    parent = list(range(len(questions)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        parent[max(root(i), root(j))] = min(root(i), root(j))

    # The same words meet whatever they are: common words alone must not hide a repeat.
    first_with: dict[str, int] = {}
    for i, key in enumerate(keys):
        if i not in exclude:
            join(first_with.setdefault(key, i), i)
    for members in index.values():
        if len(members) > _BLOCK_LIMIT:
            continue
        for pos, i in enumerate(members):
            for j in members[pos + 1 :]:
                if root(i) != root(j) and fuzz.ratio(keys[i], keys[j]) >= similarity \
                        and not _tell_apart(keys[i], keys[j]):
                    join(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(questions)):
        groups[root(i)].append(i)
    return sorted(g for g in groups.values() if len(g) > 1)
