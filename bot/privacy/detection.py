"""What every recogniser returns: one typed span of personal data, and the types and their placeholders.

Standard library only. Each recogniser (:mod:`bot.privacy.recognisers`) returns :class:`Detection`
objects; the redactor (:mod:`bot.privacy.redactor`) keeps the non-overlapping ones by ``PRIORITY``
and writes ``<TYPE_n>`` placeholders, which ``PLACEHOLDER_RE`` matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


ENTITY_TYPES: tuple[str, ...] = (
    "EMAIL", "PHONE", "CARD_NUMBER", "IBAN", "ADDRESS", "PERSON", "ORDER_ID", "ACCOUNT_ID",
)

# Lower wins when two detections overlap.
PRIORITY = {"EMAIL": 0, "IBAN": 1, "CARD_NUMBER": 2, "ORDER_ID": 3, "ACCOUNT_ID": 4, "PHONE": 5, "ADDRESS": 6, "PERSON": 7}

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
