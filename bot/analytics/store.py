"""The analytics store: every conversation event once, in the product database.

Table ``analytics_events`` (SQLAlchemy Core; SQLite ``var/switchboard.db`` by default, PostgreSQL
through ``SWITCHBOARD_DATABASE_URL``): one row per event, keyed by its identity
(:func:`bot.analytics.events.event_key`), so ingesting the same event again changes nothing.
``analytics_cursors`` remembers how far each source (the SQL event broker's table, a tracker
store) has been read, in the same transaction as the rows, so an interrupted ingestion resumes
where it stopped without counting anything twice. Texts and details (slot values, handoff
metadata) are stored encrypted (:mod:`bot.security.crypto`); the KPIs never filter on them.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Iterable, Optional, Sequence

from bot.analytics.events import AnalyticsEvent
from bot.security.crypto import FieldCipher, data_cipher

ENCRYPTED_COLUMNS: dict[str, tuple[str, ...]] = {"analytics_events": ("text", "details")}
"""Columns holding customer text or personal data, encrypted with the context ``"<table>.<column>"``."""


class AnalyticsStore:
    """Events for the KPIs and the report; safe to use from several threads and processes."""

    def __init__(self, url: Optional[str] = None, clock: Callable[[], float] = time.time,
                 cipher: Optional[FieldCipher] = None) -> None:
        import sqlalchemy as sa

        from bot.db import create_engine, database_url

        self._cipher = cipher or data_cipher()
        self.url = url or database_url()
        self._sa = sa
        self._clock = clock
        self.engine = create_engine(self.url)
        metadata = sa.MetaData()
        self.events = sa.Table(
            "analytics_events", metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("event_key", sa.String(40), nullable=False, unique=True),
            sa.Column("conversation_id", sa.String(255), nullable=False),
            sa.Column("channel", sa.String(32), nullable=False),
            sa.Column("type", sa.String(32), nullable=False),
            sa.Column("name", sa.String(128), nullable=True),
            sa.Column("timestamp", sa.Float, nullable=False),
            sa.Column("evaluation", sa.Boolean, nullable=False),
            sa.Column("text", sa.Text, nullable=True),
            sa.Column("details", sa.Text, nullable=False),
            sa.Column("ingested_at", sa.Float, nullable=False),
            sa.Index("ix_analytics_conversation", "conversation_id", "timestamp"),
            sa.Index("ix_analytics_time", "timestamp"),
        )
        self.cursors = sa.Table(
            "analytics_cursors", metadata,
            sa.Column("source", sa.String(255), primary_key=True),
            sa.Column("position", sa.Integer, nullable=False),
        )
        metadata.create_all(self.engine)

    def _insert(self) -> Any:
        name = self.engine.dialect.name
        if name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        elif name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:  # pragma: no cover - the product supports SQLite and PostgreSQL
            raise RuntimeError(f"the analytics store needs SQLite or PostgreSQL, not {name}")
        return insert(self.events).on_conflict_do_nothing(index_elements=["event_key"])

    def add(self, events: Iterable[AnalyticsEvent], source: Optional[str] = None,
            position: Optional[int] = None) -> int:
        """Store events (those seen before are skipped) and, atomically with them, a source's cursor.

        Returns:
            How many events were new.
        """
        now = self._clock()
        rows = [{"event_key": e.key, "conversation_id": e.conversation_id, "channel": e.channel, "type": e.type,
                 "name": e.name, "timestamp": e.timestamp, "evaluation": e.evaluation,
                 "text": self._cipher.encrypt_optional(e.text, "analytics_events.text"),
                 "details": self._cipher.encrypt_json(e.details, "analytics_events.details", default=str),
                 "ingested_at": now} for e in events]
        added = 0
        with self.engine.begin() as connection:
            for row in rows:  # one statement each: rowcount tells new from seen on SQLite and PostgreSQL
                added += connection.execute(self._insert().values(**row)).rowcount or 0
            if source is not None and position is not None:
                self._set_cursor(connection, source, position)
        return added

    def _set_cursor(self, connection: Any, source: str, position: int) -> None:
        updated = connection.execute(self.cursors.update().where(self.cursors.c.source == source)
                                     .values(position=position)).rowcount
        if not updated:
            connection.execute(self.cursors.insert().values(source=source, position=position))

    def cursor(self, source: str) -> int:
        """How far ``source`` has been read (0 before the first ingestion)."""
        with self.engine.connect() as connection:
            found = connection.execute(self._sa.select(self.cursors.c.position)
                                       .where(self.cursors.c.source == source)).scalar()
        return int(found or 0)

    def conversation_ids(self, since: float, until: float, include_evaluation: bool = False) -> list[str]:
        """Conversations with an event in [since, until)."""
        t = self.events
        query = self._sa.select(t.c.conversation_id).where((t.c.timestamp >= since) & (t.c.timestamp < until))
        if not include_evaluation:  # a conversation with one evaluation message is evaluation traffic
            marked = self._sa.select(t.c.conversation_id).where(t.c.evaluation.is_(True))
            query = query.where(t.c.conversation_id.notin_(marked))
        with self.engine.connect() as connection:
            return sorted({row[0] for row in connection.execute(query.distinct())})

    def events_of(self, conversation_ids: Sequence[str]) -> dict[str, list[AnalyticsEvent]]:
        """Every stored event of these conversations, in time order."""
        t = self.events
        found: dict[str, list[AnalyticsEvent]] = {c: [] for c in conversation_ids}
        if not conversation_ids:
            return found
        with self.engine.connect() as connection:
            for start in range(0, len(conversation_ids), 500):
                chunk = list(conversation_ids[start:start + 500])
                rows = connection.execute(t.select().where(t.c.conversation_id.in_(chunk))
                                          .order_by(t.c.conversation_id, t.c.timestamp, t.c.id))
                for r in rows:
                    found[r.conversation_id].append(AnalyticsEvent(
                        r.event_key, r.conversation_id, r.channel, r.type, r.name, r.timestamp, bool(r.evaluation),
                        self._cipher.decrypt_optional(r.text, "analytics_events.text"),
                        self._cipher.decrypt_json(r.details, "analytics_events.details", default="{}")))
        return found

    def count(self) -> int:
        """How many events are stored."""
        with self.engine.connect() as connection:
            return int(connection.execute(self._sa.select(self._sa.func.count()).select_from(self.events)).scalar())
