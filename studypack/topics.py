"""The taxonomy: which configured topic a question belongs to, by the word stems it contains.

A rule's stems match at the start of words, case-insensitively; a rule scores the number of
different stems found, as the regular expression `\\b(?:stem1|stem2|...)` would find them
(at each place the first stem listed wins, and matches do not overlap). Matching every rule's
expression against every question costs rules x questions; instead every stem is filed under
its first two characters, and only the stems filed under the beginnings of the text's words
are tried, so the cost follows the words of the text.
"""

from __future__ import annotations

import re
from collections import defaultdict

from studypack.config import TopicRule

_WORD_START = re.compile(r"\b\w")


class _Rule:
    """One rule's stems in one role (section words or question words)."""

    def __init__(self, stems: tuple[str, ...]) -> None:
        lowered = [s.lower() for s in stems]
        self.stems = lowered
        self.pattern = (re.compile(r"\b(?:" + "|".join(map(re.escape, lowered)) + ")", re.I)
                        if stems else None)
        # Indexable when every stem starts with a word character and keeps its length in either
        # case (else a match could start anywhere, or the positions of the two cases differ).
        self.indexable = all(_WORD_START.match(s) and len(s) == len(s.upper()) for s in lowered)

    def hits_by_pattern(self, text: str) -> int:
        return len({m.group().lower() for m in self.pattern.finditer(text)}) if self.pattern else 0


class Taxonomy:
    """Scores every topic rule against a question and the headings it sits under."""

    def __init__(self, rules: tuple[TopicRule, ...]) -> None:
        self.slugs = [rule.slug for rule in rules]
        self._sections = [_Rule(rule.sections) for rule in rules]
        self._words = [_Rule(rule.words) for rule in rules]
        self._section_index = _index(self._sections)
        self._word_index = _index(self._words)
        self._section_hits: dict[str, list[int]] = {}  # many questions share their headings

    def scores(self, sections: str, question: str) -> list[int]:
        """Each rule's score; headings count three times as much as the question's words."""
        if sections not in self._section_hits:
            self._section_hits[sections] = _hits(self._sections, self._section_index, sections)
        in_question = _hits(self._words, self._word_index, question)
        return [3 * a + b for a, b in zip(self._section_hits[sections], in_question, strict=True)]

    def best(self, sections: str, question: str) -> str | None:
        """The slug of the best-scoring rule (the first listed on a tie), or None if none hits."""
        best, best_score = None, 0
        for slug, score in zip(self.slugs, self.scores(sections, question), strict=True):
            if score > best_score:
                best, best_score = slug, score
        return best


Index = dict[str, list[tuple[int, int, str]]]


def _index(rules: list[_Rule]) -> Index:
    """First two characters (one, for one-letter stems) -> (rule, place in the rule, stem)."""
    index: Index = defaultdict(list)
    for number, rule in enumerate(rules):
        if rule.indexable:
            for order, stem in enumerate(rule.stems):
                index[stem[:2]].append((number, order, stem))
    return dict(index)


def _hits(rules: list[_Rule], index: Index, text: str) -> list[int]:
    """How many different stems of each rule occur in the text."""
    lower = text.lower()
    if len(lower) != len(text):  # a letter whose lower case is longer: positions would shift
        return [rule.hits_by_pattern(text) for rule in rules]
    found: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for start in _WORD_START.finditer(lower):
        at = start.start()
        for key in (lower[at : at + 2], lower[at]):
            for number, order, stem in index.get(key, ()):
                if lower.startswith(stem, at):
                    found[number].append((at, order, stem))
    counts = []
    for number, rule in enumerate(rules):
        if not rule.indexable:
            counts.append(rule.hits_by_pattern(text))
            continue
        seen: set[str] = set()
        end = -1
        for at, _, stem in sorted(found.get(number, ())):
            if at >= end:  # the first stem listed wins here; later matches may not overlap it
                seen.add(stem)
                end = at + len(stem)
        counts.append(len(seen))
    return counts
