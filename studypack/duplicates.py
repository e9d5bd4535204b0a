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
_BLOCK_LIMIT = 50  # words shared by more questions than this are too common to block on


def content_words(question: str) -> list[str]:
    """The question's meaningful words, lower-cased and crudely singularised."""
    text = _FIELD_PHRASE.sub(" ", question.lower().replace("’", "'"))
    words = [w for w in _WORD.findall(text) if w not in _FILLER]
    return [_singular(w) for w in words] or _WORD.findall(question.lower())


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


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
                if root(i) != root(j) and fuzz.ratio(keys[i], keys[j]) >= similarity:
                    join(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(questions)):
        groups[root(i)].append(i)
    return sorted(g for g in groups.values() if len(g) > 1)
