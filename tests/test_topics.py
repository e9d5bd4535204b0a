"""The taxonomy scores topics as a plain regular expression per rule would, only faster."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studypack.config import TopicRule
from studypack.topics import Taxonomy

STEMS = ["conv", "converge", "gradient", "gradient descent", "grad", "loss function", "loss",
         "1x1", "l2", "rnn", "re", "regulari", "c++", "-x", "x", "İs", "straße", "k-means", "k"]
WORDS = ["Conv", "convergence", "gradient", "descent", "Gradient Descent", "loss", "function",
         "1x1", "L2", "RNNs", "regularization", "C++", "re-run", "-x", "x", "İs", "STRASSE",
         "straße", "a", " ", "/", "(", "e.g.", "ü", "K-Means", "k", "k-nn"]


def _oracle(rules: list[TopicRule], sections: str, question: str) -> list[int]:
    """The plain way: one case-insensitive alternation per rule, run over the whole text."""
    def hits(stems: tuple[str, ...], text: str) -> int:
        if not stems:
            return 0
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(s.lower()) for s in stems) + ")",
                             re.I)
        return len({m.group().lower() for m in pattern.finditer(text)})

    return [3 * hits(rule.sections, sections) + hits(rule.words, question) for rule in rules]


rule_lists = st.lists(
    st.builds(lambda i, sec, words: TopicRule(f"t{i}", f"T{i}", tuple(sec), tuple(words)),
              st.integers(0, 99), st.lists(st.sampled_from(STEMS), max_size=4),
              st.lists(st.sampled_from(STEMS), min_size=2, max_size=10)),
    min_size=1, max_size=4,
)
texts = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)


@settings(max_examples=300, derandomize=True)
@given(rule_lists, texts, texts)
def test_same_scores_as_one_expression_per_rule(rules, sections, question) -> None:
    assert Taxonomy(tuple(rules)).scores(sections, question) == _oracle(rules, sections, question)


@pytest.mark.parametrize("stems, text", [
    (("gradient", "gradient descent"), "Gradient descent"),  # the first listed wins at a place
    (("gradient descent", "gradient"), "gradient descent"),
    (("conv", "converge"), "does it converge? convolution"),
    (("loss function", "function"), "a loss function"),  # matches do not overlap
    (("re", "regulari"), "re-run regularization"),
    (("c++", "x"), "C++ and x"),  # stems that do not start with two letters
])
def test_overlapping_stems_count_as_one_expression_would(stems, text) -> None:
    rules = [TopicRule("t", "T", (), stems)]
    assert Taxonomy(tuple(rules)).scores("", text) == _oracle(rules, "", text)


def test_headings_outweigh_question_words() -> None:
    rules = (TopicRule("optimization", "O", ("optimi",), ("learning rate", "adam")),
             TopicRule("cnn", "C", ("convolution",), ("kernel", "stride", "padding")))
    taxonomy = Taxonomy(rules)
    assert taxonomy.best("Convolutions", "Why Adam and a learning rate?") == "cnn"
    assert taxonomy.best("Misc", "Kernel, stride and padding with Adam?") == "cnn"
    assert taxonomy.best("Misc", "What is a saddle point?") is None
