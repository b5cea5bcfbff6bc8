"""Settling what several recognisers claim: addresses against phones, the tagger against the rules, repeats.

Used by :class:`bot.privacy.redactor.Redactor` between detecting and choosing the
non-overlapping detections.
"""

from __future__ import annotations

import re
from typing import Callable, Dict, List, Sequence

from bot.privacy import lexicon as lex
from bot.privacy.detection import REPEATED_TYPES, Detection
from bot.privacy.recognisers.addresses import address_key
from bot.privacy.recognisers.identifiers import order_key
from bot.privacy.recognisers.name_cues import is_brand
from bot.privacy.recognisers.name_scores import fold_key, name_score


_BOX_BEFORE_RE = re.compile(r"(?:box|bag|postfach|apartado|postal|postale|casilla)\s*\.?\s*\Z", re.I)


TAGGED_KEYS: Dict[str, Callable[[str], str]] = {"ADDRESS": address_key, "PERSON": fold_key, "ORDER_ID": order_key}
"""How a tagged value is normalised, as the rules normalise that type (account ids: lower case)."""
_TAIL_WORDS = frozenset(w.lower() for w in (*lex.THANKS, *lex.SIGN_OFFS, *lex.GREETINGS, *lex.ADDRESS_STOPWORDS))
_PLACES = lex.CITIES | lex.REGIONS | lex.COUNTRIES
_HONORIFIC_WORDS = frozenset(h.lower().rstrip(".") for h in lex.HONORIFICS)


def trim_tagged(text: str, start: int, end: int, kind: str) -> tuple[int, int]:
    """A tagged span without what the rules know is no part of it; (start, start) when nothing is left.

    Trailing punctuation and courtesy words go ("12 Beach Rd, Thanks"); a PERSON span loses a
    leading title, and is dropped when it is a place or a brand ("Ho Chi Minh City") or when a
    title is followed by one word that is no known name ("Madam Tussauds").
    """
    words = [m for m in re.finditer(r"[^\W_]+(?:['’.-][^\W_]+)*", text[start:end])]
    while words and (words[-1].group().lower() in _TAIL_WORDS or not any(c.isalnum() for c in words[-1].group())):
        words.pop()
    if kind == "PERSON":
        titled = bool(words) and words[0].group().lower() in _HONORIFIC_WORDS
        if titled:
            words.pop(0)
        value = " ".join(w.group() for w in words).lower()
        last = words[-1].group() if words else ""
        if (not words or value in _PLACES or (len(last) > 3 and last.lower() in _PLACES)
                or is_brand(text, start + words[0].start(), start + words[-1].end())
                or (titled and len(words) == 1 and name_score(fold_key(words[0].group())) is None)):
            return start, start
    if not words:
        return start, start
    return start + words[0].start(), start + words[-1].end()


def fit_addresses(text: str, candidates: List[Detection]) -> List[Detection]:
    """Settle what phone numbers and addresses both claim.

    A short number inside an address is its postcode ("Tokyo 150-0001" is no 7-digit phone); an
    address that runs into a longer phone number ends before it, so the phone and the rest of the
    address are both kept.
    """
    addresses = [d for d in candidates if d.type == "ADDRESS"]
    phones = [d for d in candidates if d.type == "PHONE"]
    if not addresses or not phones:
        return candidates
    result = []
    for d in candidates:
        inside = any(a.start <= d.start and d.end <= a.end and a.length > d.length for a in addresses) if d.type == "PHONE" else False
        if inside and (sum(c.isdigit() for c in text[d.start:d.end]) <= 8 or _BOX_BEFORE_RE.search(text, 0, d.start)):
            continue
        if d.type == "ADDRESS":
            cut = min((p.start for p in phones if (d.start < p.start < d.end and p.end > d.end or (
                d.start < p.start and p.end <= d.end and sum(c.isdigit() for c in text[p.start:p.end]) > 8))
                and not _BOX_BEFORE_RE.search(text, 0, p.start)), default=None)
            if cut is not None:
                end = len(text[:cut].rstrip(" ,;-–—"))
                d = Detection(d.start, end, d.type, address_key(text[d.start:end]), d.strong, d.recogniser)
        result.append(d)
    return result


def repeats(text: str, detections: Sequence[Detection]) -> List[Detection]:
    """Other occurrences in ``text`` of the names and identifiers found in it ("Elif dedi ki... Elif said").

    Conversations get the same across turns from :meth:`Redactor._propagate`.
    """
    values = {text[d.start:d.end]: d for d in detections
              if d.type in REPEATED_TYPES and d.end - d.start >= 3}
    extra = []
    for value, source in values.items():
        start = text.find(value)
        while start != -1:
            end = start + len(value)
            bounded = (start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "_@.#-")) and (
                end == len(text) or not (text[end].isalnum() or text[end] in "_@-"))
            if bounded and start != source.start:
                extra.append(Detection(start, end, source.type, source.key, source.strong, "repeat"))
            start = text.find(value, start + 1)
    return extra
