"""Word sets derived from the lexicon that the address and name recognisers both use."""

from __future__ import annotations

from bot.privacy import lexicon as lex


PLACE_KEYS = frozenset(lex.fold(p) for p in lex.CITIES | lex.REGIONS | lex.COUNTRIES)
"""Known cities, regions and countries, folded ("sao paulo")."""
PHONE_CUE_WORDS = frozenset(w for w in lex.PHONE_CUES if " " not in w and w.isalpha())
"""One-word phone cues ("mobil", "cel"): never a name, and they end an address."""
STOP_WORDS = lex.COMMON_WORDS | lex.ADDRESS_STOPWORDS | lex.ADDRESS_ENDERS | PHONE_CUE_WORDS
"""Words that end an address's locality and are no unknown name."""
GREETING_WORDS = frozenset(lex.fold(w) for w in (*lex.GREETINGS, *lex.THANKS, *lex.SIGN_OFFS) if " " not in w)
"""One-word greetings, thanks and sign-offs, folded: no part of a name or a locality."""


def is_place(phrase: str) -> bool:
    """True when a phrase, or its last one to three words, is a known city, region or country."""
    words = lex.fold(phrase.strip("()., ")).split()
    return any(" ".join(words[i:]) in PLACE_KEYS for i in range(max(0, len(words) - 3), len(words)))
