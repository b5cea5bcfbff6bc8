"""Does a generated answer say what the passages say? Sentence-level support checks.

A 135M-parameter model often answers fluently and wrongly: "The return label is not free"
when the passage says US returns are free, "No, points do not expire" when they expire after
12 months, or it repeats the question back ("The vase came smashed in the box."). The fact
check of :mod:`bot.knowledge.facts` only sees numbers, links and identifiers, so each generated
sentence is also compared with the passage sentences by meaning (MiniLM cosine):

- *support*: the most similar passage sentence must be at least :data:`MIN_SUPPORT` similar;
- *polarity*: the sentence and that passage sentence must agree on negation ("not", "can't",
  "no"...): a model that flips a policy is caught here;
- *echo*: a sentence that does not open with "yes" or "no" and is closer to the question than
  to any passage sentence, or very close to the question, only restates it;
- a sentence ending in ":" announces a list that never came.

The first sentence carries the answer, so when it fails the whole answer is refused (the caller
answers extractively instead); a later failing sentence is dropped. Numbers measured on
``benchmarks/data/kb_qa.csv`` are in docs/generation.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from bot.guidelines import split_sentences

Embed = Callable[[Sequence[str]], np.ndarray]
"""Texts -> L2-normalised vectors (``bot.knowledge.embedder.Embedder.encode``)."""

MIN_SUPPORT = 0.5
"""Lowest cosine between a generated sentence and its closest passage sentence."""

_NEGATION_RE = re.compile(
    r"\b(no|not|never|none|nothing|nor|cannot|unable)\b|n't\b|\bcan ?not\b", re.IGNORECASE
)
_MIN_SENTENCE_CHARS = 3


def has_negation(text: str) -> bool:
    """True when ``text`` contains a negation word ("not", "no", "can't", "never", ...)."""
    return bool(_NEGATION_RE.search(text.replace("’", "'")))


@dataclass(frozen=True)
class SentenceCheck:
    """How one generated sentence relates to the passages."""

    sentence: str
    support: float
    evidence: str
    polarity_agrees: bool
    echoes_question: bool

    @property
    def ok(self) -> bool:
        """Supported, same polarity as its evidence, not an echo, not a dangling list intro."""
        return (
            self.support >= MIN_SUPPORT
            and self.polarity_agrees
            and not self.echoes_question
            and not self.sentence.rstrip().endswith(":")
        )


_ANSWER_WORD_RE = re.compile(r"^\W*(yes|no)\b", re.IGNORECASE)
ECHO_SIMILARITY = 0.85
"""A sentence this close to the question restates it, unless it opens with "yes" or "no"."""


def _echoes(sentence: str, question_similarity: float, support: float) -> bool:
    if _ANSWER_WORD_RE.match(sentence):
        return False
    return question_similarity > support or question_similarity >= ECHO_SIMILARITY


def passage_sentences(texts: Sequence[str]) -> list[str]:
    """The sentences of passage texts (list items and headings count as sentences)."""
    sentences: list[str] = []
    for text in texts:
        for line in text.splitlines():
            line = re.sub(r"^[-*#>\d.\s]+", "", line).strip()
            sentences += [s for s in split_sentences(line) if len(s) >= _MIN_SENTENCE_CHARS]
    return sentences


def check_sentences(answer: str, question: str, passage_texts: Sequence[str], embed: Embed) -> list[SentenceCheck]:
    """Check every sentence of ``answer`` against the sentences of ``passage_texts``."""
    sentences = [s for s in split_sentences(answer) if s.strip()]
    evidence = passage_sentences(passage_texts)
    if not sentences:
        return []
    if not evidence:
        return [SentenceCheck(s, 0.0, "", False, False) for s in sentences]
    vectors = embed([question, *sentences, *evidence])
    question_vector, answer_vectors = vectors[0], vectors[1 : 1 + len(sentences)]
    evidence_vectors = vectors[1 + len(sentences) :]
    similarity = answer_vectors @ evidence_vectors.T
    checks = []
    for i, sentence in enumerate(sentences):
        best = int(similarity[i].argmax())
        support = float(similarity[i, best])
        checks.append(SentenceCheck(
            sentence=sentence,
            support=support,
            evidence=evidence[best],
            polarity_agrees=has_negation(sentence) == has_negation(evidence[best]),
            echoes_question=_echoes(sentence, float(answer_vectors[i] @ question_vector), support),
        ))
    return checks


def supported_answer(answer: str, question: str, passage_texts: Sequence[str], embed: Embed) -> str:
    """``answer`` without its unsupported sentences, or "" when its first sentence is unsupported."""
    checks = check_sentences(answer, question, passage_texts, embed)
    if not checks or not checks[0].ok:
        return ""
    return " ".join(check.sentence for check in checks if check.ok)
