"""Customer feedback (CSAT rating 1-5 and a comment), stored through SQLAlchemy.

SQLite under ``var/`` by default; ``SWITCHBOARD_DATABASE_URL`` selects another
database (e.g. ``postgresql://...``). The comment is stored encrypted (:mod:`bot.security.crypto`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

from bot.security.crypto import FieldCipher, data_cipher

RATING_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_LEAD_IN = (r"(?:(?:i(?:'d|'ll| would| will)?\s+)?(?:give|rate)(?:\s+(?:it|you|this|that|the\s+chat|the\s+service))?"
            r"|(?:i(?:'d| would)?\s+)?say|(?:my\s+)?rating(?:\s+is)?:?|let'?s\s+say|maybe|probably|definitely|honestly"
            r"|solid|only|just|about|around|a|an|ok|okay|well|hmm+|um+)")
_TRAILER = r"(?:i\s+guess|i\s+think|definitely|for\s+sure|overall|thanks?|thank\s+you|please|pls)"
RATING_PATTERN = re.compile(
    rf"^\s*(?:{_LEAD_IN}[\s,:]+)*"
    rf"([1-5]|{'|'.join(RATING_WORDS)})"
    r"(?:\s*(?:/|out\s+of|of)\s*(?:5|five))?(?:\s*stars?)?"
    rf"(?:[\s,]+{_TRAILER})*\s*[.!]*\s*$",
    re.IGNORECASE,
)
"""A whole message that is a rating: "4", "five", "4 stars", "3/5", "three out of five", "I'd give it a four".
A rating inside a longer sentence is found by the NLU's ``rating`` entity (digits) instead."""
MAX_COMMENT_CHARS = 2000
ENCRYPTED_COLUMNS: dict[str, tuple[str, ...]] = {"feedback": ("comment",)}
"""Columns holding customer text, encrypted with the context ``"<table>.<column>"``."""


def parse_rating(text: str) -> Optional[int]:
    """Return a rating 1-5 from what the customer typed ("4", "4/5", "5 stars", "two", "three out of five"), or None."""
    match = RATING_PATTERN.match(str(text or "").replace("\u2019", "'"))
    if not match:
        return None
    value = match.group(1).lower()
    return RATING_WORDS.get(value) or int(value)




@dataclass(frozen=True)
class Feedback:
    """One piece of feedback as stored."""

    conversation_id: str
    channel: str
    rating: int
    comment: str
    created_at: dt.datetime


class FeedbackStore:
    """Append-only feedback table."""

    def __init__(self, url: Optional[str] = None, cipher: Optional[FieldCipher] = None) -> None:
        import sqlalchemy as sa

        from bot.db import create_engine, database_url

        self._cipher = cipher or data_cipher()
        self._engine = create_engine(url or database_url())
        metadata = sa.MetaData()
        self._table = sa.Table(
            "feedback", metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
            sa.Column("channel", sa.String(64), nullable=False),
            sa.Column("rating", sa.Integer, nullable=False),
            sa.Column("comment", sa.Text, nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        )
        metadata.create_all(self._engine)

    def add(self, conversation_id: str, channel: str, rating: int, comment: str) -> Feedback:
        """Store feedback; raises ValueError for a rating outside 1-5."""
        if not 1 <= int(rating) <= 5:
            raise ValueError(f"rating must be between 1 and 5, got {rating}")
        item = Feedback(conversation_id, channel or "unknown", int(rating), (comment or "")[:MAX_COMMENT_CHARS],
                        dt.datetime.now(dt.timezone.utc))
        with self._engine.begin() as connection:
            connection.execute(self._table.insert().values(
                **{**item.__dict__, "comment": self._cipher.encrypt(item.comment, "feedback.comment")}))
        return item

    def for_conversation(self, conversation_id: str) -> list[Feedback]:
        """All feedback given in one conversation, oldest first."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                self._table.select().where(self._table.c.conversation_id == conversation_id).order_by(self._table.c.id)
            )
            return [Feedback(r.conversation_id, r.channel, r.rating, self._cipher.decrypt(r.comment, "feedback.comment"),
                             r.created_at) for r in rows]

    def ratings_between(self, since: dt.datetime, until: dt.datetime) -> list[tuple[str, int, dt.datetime]]:
        """(conversation id, rating, when) of the feedback given in [since, until): no comments."""
        import sqlalchemy as sa

        t = self._table
        with self._engine.connect() as connection:
            rows = connection.execute(sa.select(t.c.conversation_id, t.c.rating, t.c.created_at)
                                      .where((t.c.created_at >= since) & (t.c.created_at < until)).order_by(t.c.id))
            return [(r.conversation_id, int(r.rating), r.created_at if r.created_at.tzinfo
                     else r.created_at.replace(tzinfo=dt.timezone.utc)) for r in rows]
