"""What every recogniser returns: one typed span of personal data, and the types and their placeholders.

Standard library only. Each recogniser (:mod:`bot.privacy.recognisers`) returns :class:`Detection`
objects; the redactor (:mod:`bot.privacy.redactor`) keeps the non-overlapping ones by ``PRIORITY``
and writes ``<TYPE_n>`` placeholders, which ``PLACEHOLDER_RE`` matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


ENTITY_TYPES: tuple[str, ...] = (
    "EMAIL", "PHONE", "CARD_NUMBER", "IBAN", "ADDRESS", "PERSON", "ORDER_ID", "ACCOUNT_ID", "NATIONAL_ID",
    "DATE_OF_BIRTH",
)

PRIORITY = {"EMAIL": 0, "IBAN": 1, "CARD_NUMBER": 2, "NATIONAL_ID": 3, "DATE_OF_BIRTH": 4, "ORDER_ID": 5, "ACCOUNT_ID": 6,
            "PHONE": 7, "ADDRESS": 8, "PERSON": 9}
"""Lower wins when two detections overlap. Checksummed or cue-bound types come first: an SSN after "SSN"
is no account id, a birth date after "born" no order date."""

REPEATED_TYPES = ("PERSON", "ORDER_ID", "ACCOUNT_ID", "NATIONAL_ID", "DATE_OF_BIRTH")
"""Types whose values, once found, are also redacted where they repeat without their cue (in the text and in
the rest of the conversation): "SIN 046 454 286 ... yes, 046 454 286"."""

PLACEHOLDER_RE = re.compile(r"<(?:%s)_\d+>" % "|".join(ENTITY_TYPES))
"""Matches the placeholders this module writes (cleaning keeps them intact)."""


@dataclass(frozen=True)
class Detection:
    """One detected piece of personal data in a text."""

    start: int
    end: int
    type: str
    key: str
    """Normalised value: equal keys get equal placeholders within a conversation."""
    strong: bool = True
    """False for guesses that a stronger detection of the same value may re-type."""
    recogniser: str = ""

    @property
    def length(self) -> int:
        return self.end - self.start
