"""How name-like a word is, from the two name lexicons.

Tokens are Unicode words ("Trần", "Wiśniewska", "Nowak-Zielińska"), looked up folded. Each is
scored against the hand-written lists of :mod:`bot.privacy.lexicon` (trusted without a cue
unless ambiguous) and the international list (names from 105 countries, each with its frequency
as an English word). How much context a name needs depends on how word-like it is: "Zeynep Kaya"
needs none, "Oliver" needs a cue such as "I'm" or "thanks", "Hope" needs a strong one ("my niece
Hope"). Used by the person recogniser, the identifier recogniser ("login rkapoor") and the
tagger's features.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from bot.privacy import lexicon as lex


@dataclass(frozen=True)
class _NameScore:
    """How name-like a (folded) token is."""

    trusted: bool
    """In the hand-written lists and not ambiguous: a name without any cue."""
    ambiguous: bool
    """In the hand-written ambiguous list ("Hope", "Will"): a name only after a strong cue."""
    given: bool
    surname: bool
    english: bool
    """A common name in English-speaking countries ("Oliver")."""
    zipf: float
    """How common it is as an English word (Zipf scale; "hope" 5.4, "oliver" 4.2, "zeynep" 2.2)."""


@lru_cache(maxsize=100_000)
def fold_key(token: str) -> str:
    key = token.lower() if token.isascii() else lex.fold(token)
    return key[:-2] if key.endswith("'s") else key


@lru_cache(maxsize=100_000)
def name_score(key: str) -> Optional[_NameScore]:
    """Score of a folded token, or None when it is no known name (hyphenated: every part must be one)."""
    names = lex.international_names()
    if key in lex.AMBIGUOUS_NAMES:
        return _NameScore(False, True, key in lex.FIRST_NAMES or key in names.given,
                          key in lex.SURNAMES or key in names.surnames, True, names.zipf(key))
    if key in lex.FIRST_NAMES or key in lex.SURNAMES:
        return _NameScore(True, False, key in lex.FIRST_NAMES or key in names.given,
                          key in lex.SURNAMES or key in names.surnames, True, names.zipf(key))
    if names.is_name(key):
        return _NameScore(False, False, key in names.given, key in names.surnames, key in names.english, names.zipf(key))
    parts = [p for p in re.split(r"[-']", key) if p]
    if len(parts) > 1:
        scores = [name_score(p) for p in parts]
        if all(scores):
            return _NameScore(all(s.trusted for s in scores), False, scores[0].given, scores[-1].surname,
                              all(s.english for s in scores), min(s.zipf for s in scores))
    return None


def is_capitalised(token: str) -> bool:
    return token[:1].isupper() and not token.isupper() or (len(token) > 1 and token.istitle())


def word_like(token: str, max_zipf: float, allow_ambiguous: bool = False) -> bool:
    """True when token is a known name that is rarer than max_zipf as an English word.

    Trusted names always pass; ambiguous ones only with allow_ambiguous; names common in
    English-speaking countries ("Oliver", zipf 4.2) get half a point more.
    """
    score = name_score(fold_key(token))
    if score is None:
        return False
    if score.ambiguous:
        return allow_ambiguous
    return score.trusted or score.zipf < max_zipf + (0.5 if score.english else 0.0)
