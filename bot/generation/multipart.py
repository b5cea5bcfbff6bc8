"""Split a customer message that asks several things into its questions.

"Do gift cards expire? And where do I check my balance?" or "do your shoes run small? also is
there a warranty?" retrieve one passage and got one answer; each part is now retrieved and
answered on its own (:func:`bot.generation.answer.answer`).

A message is split

- after a question mark followed by more text;
- at "also", "plus", "+" and "and also" between two clauses;
- at "and" (or ", and") only when a question starts after it: a question word or an auxiliary
  verb ("and what about the wool ones", "and does it stack with points"), so "points and a
  promo code" or "cotton and wool" stay together.

Parts with no content word ("thanks!") are dropped; at most :data:`MAX_PARTS` are kept (the rest
stays with the last one). A part that only makes sense with the one before it ("what about the
wool ones", "how much") is marked *elliptical*; the caller searches it together with that part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["QuestionPart", "split_question", "MAX_PARTS"]

MAX_PARTS = 3

_QUESTION_START = (
    r"(?:what|how|where|when|why|which|who|whom|whose|is|are|was|were|do|does|did|can|could|"
    r"will|would|should|shall|may|might|must|have|has|any|isn't|aren't|don't|doesn't|can't)"
)
# ", also" / " also " / " plus " / " + " / " and also " / " & also ": always a new part when a
# clause follows; "and" / "&" only before a question start.
_SEPARATOR_RE = re.compile(
    r"\s*(?:[,;]\s*)?(?:\band\s+also\b|\balso\b|\bplus\b|\+|&\s*also\b)[,:]?\s+"
    rf"|\s*[,;]?\s*(?:\band\b|&)\s+(?={_QUESTION_START}\b)",
    re.IGNORECASE,
)
_LEADING_JOINER_RE = re.compile(r"^\s*(?:and|also|plus|&|\+|oh|ok|okay|then|so|but)\b[,:]?\s*", re.IGNORECASE)
_ELLIPTICAL_RE = re.compile(
    r"^\s*(?:what|how)\s+about\b|^\s*(?:and\s+)?(?:for|same\s+for|what\s+if|and\s+the)\b|"
    r"^\s*(?:how\s+(?:much|long|many)|when|where|why|which\s+one)\s*\??\s*$",
    re.IGNORECASE,
)

# "does it stack with points", "how do i return it": the pronoun points at the part before.
_PRONOUN_RE = re.compile(r"\b(?:it|its|they|them|their|that|this|those|these|ones?)\b", re.IGNORECASE)


@dataclass(frozen=True)
class QuestionPart:
    """One question of a message; ``elliptical`` when it leans on the part before it."""

    text: str
    elliptical: bool = False


def _content(text: str) -> set[str]:
    from bot.knowledge.retriever import tokenize

    return set(tokenize(text))


def _split_on_question_marks(text: str) -> list[str]:
    pieces = re.split(r"(?<=\?)\s+(?=\S)", text.strip())
    return [p for p in pieces if p.strip()]


def split_question(text: str) -> list[QuestionPart]:
    """The questions in ``text``, in order (one part when it asks one thing).

    Args:
        text: the customer's message.

    Returns:
        At least one part (the whole text when nothing splits it or a split leaves a part
        without content words).
    """
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        return [QuestionPart(text)]
    pieces: list[str] = []
    for sentence in _split_on_question_marks(text):
        pieces += [p for p in _SEPARATOR_RE.split(sentence) if p and p.strip()]
    parts: list[QuestionPart] = []
    for piece in pieces:
        cleaned = _LEADING_JOINER_RE.sub("", piece).strip(" ,;")
        if not cleaned:
            continue
        elliptical = bool(parts) and (
            bool(_ELLIPTICAL_RE.search(cleaned))
            or len(_content(cleaned)) < 1
            or (bool(_PRONOUN_RE.search(cleaned)) and len(_content(cleaned)) <= 2)
        )
        if not _content(cleaned) and not elliptical:
            continue
        parts.append(QuestionPart(cleaned, elliptical))
    if len(parts) <= 1:
        return [QuestionPart(text)]
    if len(parts) > MAX_PARTS:
        tail = " ".join(p.text for p in parts[MAX_PARTS - 1:])
        parts = parts[: MAX_PARTS - 1] + [QuestionPart(tail, parts[MAX_PARTS - 1].elliptical)]
    return parts
