"""Check that the facts in a generated answer appear in its sources.

A *fact* here is something a customer could act on and that a small language
model likes to invent: an email address, a URL, a phone number, an order
number, or any other number (amount, percentage, day count, date part, time).
:func:`unsupported_facts` returns the facts of an answer that none of the
sources (retrieved passages, the question, earlier conversation turns) contain.

Matching is by normalized value, so formatting variants count as the same fact:
``$4.95`` = ``4.95`` = ``USD 4.95``; ``$50`` = ``50.00``; ``1,000`` = ``1000``;
``10%`` = ``10 percent`` = ``10``; ``8:00 am`` = ``8 am``; ``1-800-555-0142`` =
``(800) 555-0142``; ``HP-482913`` = ``#hp482913`` = ``482913``;
``https://www.harborandpine.example/returns/`` = ``harborandpine.example/returns``.
Number words in the sources ("five business days", "thirty days") count as the
digits they spell, so an answer may write them as digits.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Iterable, Sequence

__all__ = ["unsupported_facts", "extract_facts", "Fact"]

_TLDS = (
    "com|org|net|edu|gov|io|co|ca|us|uk|de|fr|info|biz|app|dev|me|ly|shop|store|example|help|ai"
)
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_URL_RE = re.compile(
    r"(?:(?:https?://|www\.)[^\s<>\"'()\[\]]+"
    rf"|\b[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:{_TLDS})\b(?:/[^\s<>\"'()\[\]]*)?)",
    re.IGNORECASE,
)
# North-American style phone numbers: 1-800-555-0142, (800) 555-0142, +1 800 555 0142.
_PHONE_RE = re.compile(
    r"(?<![\w.])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\w])"
)
# Order numbers: HP-482913, #HP-482913, hp482913.
_ORDER_RE = re.compile(r"#?\bHP[\s-]?(\d{6})\b", re.IGNORECASE)
# Plain numbers: 4.95, 1,000, 30, 8:00, 10% ... (ranges such as 5-7 give two numbers).
_NUMBER_RE = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])\d+(?::\d{2}|\.\d+)?")

_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "thousand": 1000, "once": 1, "twice": 2, "single": 1,
    "first": 1, "second": 2, "third": 3, "half": 0.5, "dozen": 12,
}
_NUMBER_WORD_RE = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)


class Fact:
    """One fact found in a text: its kind, the text as written and its normalized key."""

    __slots__ = ("kind", "text", "key")

    def __init__(self, kind: str, text: str, key: str) -> None:
        self.kind = kind
        self.text = text
        self.key = key

    def __repr__(self) -> str:
        return f"Fact({self.kind!r}, {self.text!r}, key={self.key!r})"


def _normalize_number(raw: str) -> str:
    """Canonical form of a number: no thousands separators, no trailing zeros, H:00 -> H."""
    text = raw.replace(",", "")
    if ":" in text:
        hours, minutes = text.split(":", 1)
        return str(int(hours)) if minutes == "00" else f"{int(hours)}:{minutes}"
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    normalized = value.normalize()
    # Decimal('50').normalize() is 5E+1: format without exponent.
    return format(normalized, "f")


def _normalize_url(raw: str) -> str:
    url = raw.strip().rstrip(".,;:!?)]}'\"").lower()
    url = re.sub(r"^https?://", "", url)
    url = re.sub(r"^www\.", "", url)
    return url.rstrip("/")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def extract_facts(text: str) -> list[Fact]:
    """Find the emails, URLs, phone numbers, order numbers and other numbers in ``text``.

    Spans are claimed in that order, so the digits of a phone number or an order
    number are not reported again as plain numbers, and a URL's dots are not
    read as decimals.

    Args:
        text: any text (an answer or a source passage).

    Returns:
        The facts in order of kind, then position; ``key`` is the normalized value.
    """
    facts: list[Fact] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def claim(pattern: re.Pattern[str], kind: str, key_fn) -> None:  # type: ignore[no-untyped-def]
        for match in pattern.finditer(text):
            if not free(match.start(), match.end()):
                continue
            surface = match.group(0)
            if kind == "url":
                surface = surface.rstrip(".,;:!?)]}'\"")
            taken.append((match.start(), match.start() + len(surface)))
            facts.append(Fact(kind, surface, key_fn(match)))

    claim(_EMAIL_RE, "email", lambda m: m.group(0).lower())
    claim(_URL_RE, "url", lambda m: _normalize_url(m.group(0)))
    claim(_PHONE_RE, "phone", lambda m: _digits(m.group(0))[-10:])
    claim(_ORDER_RE, "order", lambda m: m.group(1))
    claim(_NUMBER_RE, "number", lambda m: _normalize_number(m.group(0)))
    return facts


class _SourceFacts:
    """The facts of all sources, indexed for the lookups :func:`unsupported_facts` makes."""

    def __init__(self, sources: Iterable[str]) -> None:
        self.emails: set[str] = set()
        self.urls: set[str] = set()
        self.phones: set[str] = set()
        self.numbers: set[str] = set()
        self.text = ""
        joined: list[str] = []
        for source in sources:
            joined.append(source)
            for fact in extract_facts(source):
                if fact.kind == "email":
                    self.emails.add(fact.key)
                    # the domain of an email address is a URL the source names
                    self.urls.add(fact.key.split("@", 1)[1])
                elif fact.kind == "url":
                    self.urls.add(fact.key)
                elif fact.kind == "phone":
                    self.phones.add(fact.key)
                elif fact.kind == "order":
                    self.numbers.add(fact.key)
                else:
                    self.numbers.add(fact.key)
            for word in _NUMBER_WORD_RE.findall(source):
                self.numbers.add(_normalize_number(str(_NUMBER_WORDS[word.lower()])))
        self.text = "\n".join(joined).lower()

    def supports(self, fact: Fact) -> bool:
        if fact.kind == "email":
            return fact.key in self.emails
        if fact.kind == "url":
            # A bare domain or a shorter path of a URL in the sources is supported.
            return any(
                source == fact.key or source.startswith(fact.key + "/") for source in self.urls
            )
        if fact.kind == "phone":
            return fact.key in self.phones
        if fact.kind == "order":
            return fact.key in self.numbers
        return fact.key in self.numbers or fact.key in self.phones


def unsupported_facts(answer: str, sources: Sequence[str]) -> list[str]:
    """Return the facts of ``answer`` that no source contains.

    Args:
        answer: the generated answer.
        sources: texts the answer may draw on: retrieved passages, the customer's
            question and earlier turns of the conversation.

    Returns:
        The unsupported facts as written in the answer, in order of appearance,
        without duplicates; an empty list when every fact is supported.
    """
    known = _SourceFacts(sources)
    found: list[tuple[int, str]] = []
    seen: set[str] = set()
    for fact in extract_facts(answer):
        if known.supports(fact) or fact.text in seen:
            continue
        seen.add(fact.text)
        found.append((answer.find(fact.text), fact.text))
    return [text for _, text in sorted(found)]
