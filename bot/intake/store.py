"""The durable inbox: every acknowledged inbound message, until its turn is done.

One table, ``intake_messages``, in the product database (SQLite ``var/switchboard.db`` by default,
PostgreSQL through ``SWITCHBOARD_DATABASE_URL``). A row is written before the webhook answers the
platform, so a message the platform saw acknowledged survives a crash of the server.

States: ``pending`` (waiting, or waiting to be retried at ``next_attempt_at``), ``done``
(answered; the payload is cleared and the row stays as the record of the delivery id until its
channel's retention ends) and ``dead`` (failed ``max_attempts`` times; the payload is kept for
``python -m bot dead-letters retry``).

The unique (channel, delivery_id) pair is the persisted seen-id set: a platform's retry of a
message already accepted is refused by the database, also after a restart (Telegram
``update_id``, Twilio ``MessageSid``, Slack ``event_id``).

Messages of one conversation are handed out strictly in arrival order: only the oldest message
of a conversation that is not done or dead is ever due, so a message waiting for its retry
holds back the ones behind it. Texts are never logged, and the payload (the message, and for SMS
the sender's number) is stored encrypted (:mod:`bot.security.crypto`, context
``intake_messages.payload``); a cleared payload is the plain ``{}``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional, Sequence

from bot.security.crypto import FieldCipher, data_cipher

PENDING = "pending"
DONE = "done"
DEAD = "dead"
STATES = (PENDING, DONE, DEAD)
CLEARED = "{}"
"""The payload of an answered or dropped message (nothing left to encrypt)."""

ENCRYPTED_COLUMNS: dict[str, tuple[str, ...]] = {"intake_messages": ("payload",)}
"""Columns holding message content, encrypted with the context ``"<table>.<column>"``."""


@dataclass(frozen=True)
class InboxItem:
    """One accepted message."""

    id: int
    channel: str
    delivery_id: str
    conversation_id: str
    payload: dict[str, Any]
    state: str
    attempts: int
    next_attempt_at: float
    received_at: float
    finished_at: Optional[float]
    last_error: Optional[str]
    replies_sent: int = 0
    """How many of the turn's replies went out before a crash (they are not sent again)."""


class InboxStore:
    """The inbox table; safe to use from several threads and processes."""

    def __init__(self, url: Optional[str] = None, clock: Callable[[], float] = time.time,
                 cipher: Optional[FieldCipher] = None) -> None:
        import sqlalchemy as sa

        from bot.db import create_engine, database_url

        self.url = url or database_url()
        self._sa = sa
        self._cipher = cipher or data_cipher()
        self._clock = clock
        self.engine = create_engine(self.url)
        metadata = sa.MetaData()
        self.table = sa.Table(
            "intake_messages", metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("channel", sa.String(32), nullable=False),
            sa.Column("delivery_id", sa.String(160), nullable=False),
            sa.Column("conversation_id", sa.String(255), nullable=False),
            sa.Column("payload", sa.Text, nullable=False),
            sa.Column("state", sa.String(16), nullable=False),
            sa.Column("attempts", sa.Integer, nullable=False),
            sa.Column("next_attempt_at", sa.Float, nullable=False),
            sa.Column("received_at", sa.Float, nullable=False),
            sa.Column("finished_at", sa.Float, nullable=True),
            sa.Column("last_error", sa.String(255), nullable=True),
            sa.Column("replies_sent", sa.Integer, nullable=True),
            sa.UniqueConstraint("channel", "delivery_id", name="uq_intake_delivery"),
            sa.Index("ix_intake_due", "channel", "state", "conversation_id", "id"),
            sa.Index("ix_intake_finished", "state", "finished_at"),
        )
        metadata.create_all(self.engine)

    # ------------------------------------------------------------------ writing

    def accept(self, channel: str, delivery_id: str, conversation_id: str, payload: Mapping[str, Any]) -> bool:
        """Record a new inbound message; False when this delivery id was accepted before (a retry)."""
        now = self._clock()
        try:
            with self.engine.begin() as connection:
                connection.execute(self.table.insert().values(
                    channel=channel, delivery_id=delivery_id, conversation_id=conversation_id,
                    payload=self._seal(payload), state=PENDING, attempts=0,
                    next_attempt_at=now, received_at=now))
        except self._sa.exc.IntegrityError:
            return False
        return True

    def accept_many(self, messages: Sequence[tuple[str, str, str, Mapping[str, Any]]]) -> list[bool]:
        """Record several messages (channel, delivery id, conversation id, payload) in one transaction.

        Returns, for each, whether it was new (False: its delivery id was accepted before, or earlier
        in the same batch). One statement and one commit for a burst of webhooks instead of one each.
        """
        insert = self._insert_ignoring_duplicates()
        if insert is None:  # a database without INSERT ... ON CONFLICT: one transaction per message
            return [self.accept(*message) for message in messages]
        now = self._clock()
        t = self.table
        with self.engine.begin() as connection:
            known: set[tuple[str, str]] = set()
            by_channel: dict[str, list[str]] = {}
            for channel, delivery_id, _, _ in messages:
                by_channel.setdefault(channel, []).append(delivery_id)
            for channel, delivery_ids in by_channel.items():
                rows = connection.execute(self._sa.select(t.c.delivery_id).where(
                    (t.c.channel == channel) & t.c.delivery_id.in_(delivery_ids)))
                known.update((channel, row[0]) for row in rows)
            accepted, new_rows = [], []
            for channel, delivery_id, conversation_id, payload in messages:
                is_new = (channel, delivery_id) not in known
                accepted.append(is_new)
                if is_new:
                    known.add((channel, delivery_id))
                    new_rows.append({"channel": channel, "delivery_id": delivery_id, "conversation_id": conversation_id,
                                     "payload": self._seal(payload), "state": PENDING,
                                     "attempts": 0, "next_attempt_at": now, "received_at": now})
            if new_rows:
                connection.execute(insert, new_rows)  # executemany; a row another server stored meanwhile is skipped
        return accepted

    def _insert_ignoring_duplicates(self) -> Any:
        name = self.engine.dialect.name
        if name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        elif name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            return None
        return insert(self.table).on_conflict_do_nothing(index_elements=["channel", "delivery_id"])

    def mark_done(self, item_id: int) -> None:
        """The message was answered: clear its payload, keep the delivery id as seen."""
        with self.engine.begin() as connection:
            connection.execute(self.table.update().where(self.table.c.id == item_id).values(
                state=DONE, payload=CLEARED, finished_at=self._clock(), last_error=None))

    def mark_sent(self, item_id: int, replies_sent: int) -> None:
        """Record that the first ``replies_sent`` replies of the message's turn were delivered."""
        with self.engine.begin() as connection:
            connection.execute(self.table.update().where(self.table.c.id == item_id).values(replies_sent=replies_sent))

    def mark_failed(self, item_id: int, error: str, retry_at: float) -> None:
        """Count a failed attempt and schedule the next one."""
        t = self.table
        with self.engine.begin() as connection:
            connection.execute(t.update().where(t.c.id == item_id).values(
                attempts=t.c.attempts + 1, next_attempt_at=retry_at, last_error=error[:255]))

    def mark_dead(self, item_id: int, error: str) -> None:
        """Give up on a message: it becomes a dead letter (payload kept for a manual retry)."""
        t = self.table
        with self.engine.begin() as connection:
            connection.execute(t.update().where(t.c.id == item_id).values(
                state=DEAD, attempts=t.c.attempts + 1, finished_at=self._clock(), last_error=error[:255]))

    def retry(self, item_id: int) -> bool:
        """Put a dead letter back in line (attempts reset); False when it is not a dead letter."""
        t = self.table
        with self.engine.begin() as connection:
            result = connection.execute(t.update().where((t.c.id == item_id) & (t.c.state == DEAD)).values(
                state=PENDING, attempts=0, next_attempt_at=self._clock(), finished_at=None))
            return result.rowcount == 1

    def drop(self, item_id: int) -> bool:
        """Discard a dead letter for good (the delivery id stays recorded as seen)."""
        t = self.table
        with self.engine.begin() as connection:
            result = connection.execute(t.update().where((t.c.id == item_id) & (t.c.state == DEAD)).values(
                state=DONE, payload=CLEARED, last_error="dropped by an operator"))
            return result.rowcount == 1

    def sweep(self, retention_seconds: Mapping[str, float], now: Optional[float] = None) -> int:
        """Forget the delivery ids of answered messages older than their channel's retention; returns how many."""
        now = self._clock() if now is None else now
        t = self.table
        removed = 0
        with self.engine.begin() as connection:
            for channel, seconds in retention_seconds.items():
                result = connection.execute(t.delete().where(
                    (t.c.channel == channel) & (t.c.state == DONE) & (t.c.finished_at < now - seconds)))
                removed += result.rowcount or 0
        return removed

    # ------------------------------------------------------------------ reading

    def due(self, channel: str, exclude: Sequence[str] = (), limit: int = 50,
            now: Optional[float] = None) -> list[InboxItem]:
        """The oldest unfinished message of each conversation of ``channel`` whose attempt is due.

        Conversations in ``exclude`` (those with a message being handled) are skipped.
        """
        sa, t = self._sa, self.table
        now = self._clock() if now is None else now
        heads = (sa.select(sa.func.min(t.c.id)).where((t.c.channel == channel) & (t.c.state == PENDING))
                 .group_by(t.c.conversation_id))
        query = t.select().where(t.c.id.in_(heads) & (t.c.next_attempt_at <= now))
        if exclude:
            query = query.where(t.c.conversation_id.notin_(list(exclude)))
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(t.c.id).limit(limit)).all()
        return [self._item(row) for row in rows]

    def next_wakeup(self, channel: str) -> Optional[float]:
        """When the earliest pending message of ``channel`` becomes due (None: nothing pending)."""
        sa, t = self._sa, self.table
        with self.engine.connect() as connection:
            return connection.execute(sa.select(sa.func.min(t.c.next_attempt_at)).where(
                (t.c.channel == channel) & (t.c.state == PENDING))).scalar()

    def get(self, item_id: int) -> Optional[InboxItem]:
        """One message by id."""
        with self.engine.connect() as connection:
            row = connection.execute(self.table.select().where(self.table.c.id == item_id)).first()
        return self._item(row) if row is not None else None

    def in_state(self, state: str, channel: Optional[str] = None, limit: int = 1000) -> list[InboxItem]:
        """Messages in ``state`` (optionally of one channel), oldest first."""
        t = self.table
        query = t.select().where(t.c.state == state)
        if channel:
            query = query.where(t.c.channel == channel)
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(t.c.id).limit(limit)).all()
        return [self._item(row) for row in rows]

    def counts(self, channel: Optional[str] = None) -> dict[str, int]:
        """How many messages are pending, done (remembered) and dead."""
        sa, t = self._sa, self.table
        query = sa.select(t.c.state, sa.func.count()).group_by(t.c.state)
        if channel:
            query = query.where(t.c.channel == channel)
        with self.engine.connect() as connection:
            found = dict(connection.execute(query).all())
        return {state: int(found.get(state, 0)) for state in STATES}

    def _seal(self, payload: Mapping[str, Any]) -> str:
        return self._cipher.encrypt_json(dict(payload), "intake_messages.payload", ensure_ascii=False)

    def _item(self, row: Any) -> InboxItem:
        payload = self._cipher.decrypt_json(row.payload, "intake_messages.payload", default=CLEARED)
        return InboxItem(row.id, row.channel, row.delivery_id, row.conversation_id, payload,
                         row.state, row.attempts, row.next_attempt_at, row.received_at, row.finished_at,
                         row.last_error, row.replies_sent or 0)

    def drop_all(self) -> None:
        """Delete the table (tests against a shared PostgreSQL database)."""
        self.table.drop(self.engine, checkfirst=True)
