"""Lockout of order lookups after wrong tries, kept in the product database.

docs/company.md: order details are shown only after the customer confirms the e-mail address or
postcode the order was placed with; after five wrong tries the order number is locked for
15 minutes, and so is the person trying, even in a new chat.

Two subjects are counted, each on its own:

* an order number: every wrong e-mail/postcode given for it;
* a client: every wrong e-mail/postcode and every order number that does not exist. The client is
  what the channel identifies the customer by (``client_key`` in the message metadata, e.g. a keyed
  hash of the web client's address, otherwise the conversation id); it is stored as a keyed HMAC
  under the identity key (``SWITCHBOARD_ID_KEY``), so that a stolen table cannot be reversed by
  hashing every chat id or phone number. Order numbers are stored as they are (they identify no
  person, and nothing else about the order is kept).

Facts are stored, state is derived: one row per wrong try, and whether a subject is locked is
computed from its rows (:func:`lock_state`). :data:`MAX_WRONG_TRIES` tries lock the subject for
:data:`LOCK_DURATION` from the last of them; tries made while it is locked do not count, and once
the lock has passed the count starts again. A right answer deletes the rows of the order and of the
client. Rows older than :data:`FORGET_AFTER` no longer count and are pruned.

The rows live in the product database (:mod:`bot.db`: SQLite ``var/switchboard.db`` by default,
``SWITCHBOARD_DATABASE_URL`` for PostgreSQL), so the count is shared by every action
server process and survives restarts and new conversations.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

logger = logging.getLogger(__name__)

MAX_WRONG_TRIES = 5
"""Wrong tries in a row that lock an order number or a client (docs/company.md)."""

LOCK_DURATION = dt.timedelta(minutes=15)
"""How long a lock lasts, counted from the wrong try that set it off (docs/company.md)."""

LOCK_MINUTES = int(LOCK_DURATION.total_seconds() // 60)
"""The same in whole minutes, as the customer is told."""

FORGET_AFTER = dt.timedelta(hours=24)
"""Wrong tries older than this no longer count: a typo yesterday does not shorten today's tries."""

TABLE_NAME = "order_lookup_wrong_tries"


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.timezone.utc)


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes; only UTC is ever stored.
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


def order_subject(order_number: str) -> str:
    """The stored key of an order number (``order:HP-482913``)."""
    if not order_number:
        raise ValueError("order_number must not be empty")
    return f"order:{order_number}"


def client_subject(client: str, key: bytes) -> str:
    """The stored key of a client: a keyed HMAC, so that no phone number or chat id is kept in clear."""
    from bot.identity import keyed_digest

    if not client:
        raise ValueError("client must not be empty")
    return "client:" + keyed_digest(key, "order-lockout:" + client, length=64)


@dataclass(frozen=True)
class LockState:
    """Where one subject stands at one moment."""

    locked_until: Optional[dt.datetime]
    """End of the lock in force, or None when the subject is not locked."""
    wrong_tries: int
    """Wrong tries that count toward the next lock (0 while locked)."""

    @property
    def locked(self) -> bool:
        """True while lookups of this subject are paused."""
        return self.locked_until is not None

    @property
    def tries_left(self) -> int:
        """Wrong tries left before the next lock (0 while locked)."""
        return 0 if self.locked else MAX_WRONG_TRIES - self.wrong_tries


def lock_state(tries: Sequence[dt.datetime], now: dt.datetime) -> LockState:
    """The state that the wrong tries at ``tries`` (any order, all within FORGET_AFTER) lead to at ``now``.

    Every :data:`MAX_WRONG_TRIES` counted tries lock for :data:`LOCK_DURATION` from the last of them;
    a try before that lock ends is not counted, and after it ends counting starts at zero.
    """
    streak, until = 0, None
    for at in sorted(tries):
        if until is not None:
            if at < until:
                continue
            streak, until = 0, None
        streak += 1
        if streak >= MAX_WRONG_TRIES:
            until = at + LOCK_DURATION
    if until is not None and now < until:
        return LockState(locked_until=until, wrong_tries=0)
    return LockState(locked_until=None, wrong_tries=0 if until is not None else streak)


class OrderLookupLockout:
    """The wrong tries of order lookups in a database table. Safe to share between threads.

    Args:
        url: SQLAlchemy URL; by default the product database (:func:`bot.db.database_url`).
        now: the clock, returning timezone-aware UTC times (tests pass a fake one).
        identity_key: the key of client hashes; by default ``SWITCHBOARD_ID_KEY`` or its key file.
    """

    def __init__(self, url: Optional[str] = None, now: Callable[[], dt.datetime] = utcnow,
                 identity_key: Optional[bytes] = None) -> None:
        import sqlalchemy as sa

        from bot.db import create_engine, database_url
        from bot.security.keys import IDENTITY_KEY, secret_key

        self.url = url or database_url()
        self._key = identity_key or secret_key(IDENTITY_KEY)
        self._now = now
        self._sa = sa
        self.engine = create_engine(self.url)
        metadata = sa.MetaData()
        self.table = sa.Table(
            TABLE_NAME, metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("subject", sa.String(80), nullable=False, index=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        )
        self._metadata = metadata
        metadata.create_all(self.engine)

    def now(self) -> dt.datetime:
        """The store's clock, UTC."""
        return _utc(self._now())

    # ------------------------------------------------------------------ reading

    def _state(self, subject: str, now: dt.datetime) -> LockState:
        table = self.table
        with self.engine.connect() as connection:
            rows = connection.execute(
                self._sa.select(table.c.created_at).where(
                    (table.c.subject == subject) & (table.c.created_at > now - FORGET_AFTER))).all()
        return lock_state([_utc(row.created_at) for row in rows], now)

    def order_state(self, order_number: str) -> LockState:
        """Where lookups of this order number stand now."""
        return self._state(order_subject(order_number), self.now())

    def client_state(self, client: str) -> LockState:
        """Where this client stands now."""
        return self._state(client_subject(client, self._key), self.now())

    def locked(self, client: str, order_number: Optional[str] = None) -> bool:
        """True when the client is locked, or ``order_number`` is given and locked."""
        if self.client_state(client).locked:
            return True
        return order_number is not None and self.order_state(order_number).locked

    # ------------------------------------------------------------------ writing

    def record_wrong_try(self, client: str, order_number: Optional[str] = None) -> bool:
        """Count one wrong try of ``client``, and of ``order_number`` when it is given.

        Give ``order_number`` for a wrong e-mail/postcode of an existing order, leave it out for an
        order number that does not exist (which only counts against the client).

        Returns:
            True when the client or the order is locked after this try.
        """
        now = self.now()
        subjects = [client_subject(client, self._key)] + ([order_subject(order_number)] if order_number else [])
        with self.engine.begin() as connection:
            connection.execute(self.table.delete().where(self.table.c.created_at <= now - FORGET_AFTER))
            connection.execute(self.table.insert(), [{"subject": s, "created_at": now} for s in subjects])
        locked = any(self._state(subject, now).locked for subject in subjects)
        if locked:
            logger.info("order lookups locked for %d minutes after %d wrong tries (%s)",
                        LOCK_MINUTES, MAX_WRONG_TRIES,
                        "client or order" if order_number else "client")
        return locked

    def record_success(self, client: str, order_number: str) -> None:
        """A right answer: the wrong tries of the order and of the client no longer count."""
        subjects = [client_subject(client, self._key), order_subject(order_number)]
        with self.engine.begin() as connection:
            connection.execute(self.table.delete().where(self.table.c.subject.in_(subjects)))

    def drop_all(self) -> None:
        """Remove the table (tests on a shared PostgreSQL database)."""
        self._metadata.drop_all(self.engine)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()
