"""Handoff state in a database through SQLAlchemy (Core; works with SQLAlchemy 1.4 and 2.x).

SQLite under ``var/`` by default, any SQLAlchemy URL through ``SWITCHBOARD_DATABASE_URL``
(see :func:`bot.db.database_url`). Both servers use the same database: the action
server opens handoffs and relays customer messages, the Slack side (in the Rasa server)
claims, transfers, replies, resolves.

Guarantees:

* At most one open handoff per conversation: the ``open_key`` column holds the
  conversation id while a handoff is open (queued, waiting, with an agent) and NULL
  afterwards, under a unique constraint.
* Ownership changes are single conditional UPDATEs (``... WHERE state = :expected``),
  so of two agents racing to claim exactly one wins, on SQLite and PostgreSQL alike.
* Idempotency: :meth:`HandoffStore.first_time` records a key (an agent reply already
  delivered, a relayed Rasa message id) and answers True only the first time it is seen.
* Accountability: every agent action (claim, transfer, note, reply, correct, resolve, review,
  and refused attempts by people who are not agents) is appended to ``handoff_audit`` with who,
  what, when and which conversation (no message text). Corrections wait for a reviewer
  (``status`` pending -> approved or rejected) before the training export includes them.
* Encryption at rest: the columns of :data:`ENCRYPTED_COLUMNS` (summaries, suggested replies,
  message texts, corrections, conversation context) are stored encrypted
  (:mod:`bot.security.crypto`); nothing is ever looked up by them. Ids, states, owners, reasons
  and times stay plain, because the queries filter on them.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from bot.security.crypto import FieldCipher, data_cipher

logger = logging.getLogger(__name__)

# States of a handoff. ``bot`` is the absence of an open handoff.
QUEUED = "queued"            # outside hours, nobody on shift, or nobody claimed in time: a ticket
WAITING = "waiting_agent"    # live thread open in Slack, nobody claimed yet
AGENT = "agent"              # an agent owns the conversation
RESOLVED = "resolved"        # handed back to the bot
OPEN_STATES = (QUEUED, WAITING, AGENT)
LIVE_STATES = (WAITING, AGENT)

# Review states of a correction.
PENDING_REVIEW = "pending"
APPROVED = "approved"
REJECTED = "rejected"

# Kinds of stored messages.
CUSTOMER = "customer"
AGENT_REPLY = "agent"
NOTE = "note"
SYSTEM = "system"

ENCRYPTED_COLUMNS: dict[str, tuple[str, ...]] = {
    "handoff_conversations": ("summary", "suggested_reply", "context_json"),
    "handoff_messages": ("text", "context_json"),
    "handoff_corrections": ("question", "wrong_answer", "right_answer", "context_json"),
}
"""Columns holding customer text, encrypted with the context ``"<table>.<column>"``."""


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.timezone.utc)


def _aware(value: Optional[dt.datetime]) -> Optional[dt.datetime]:
    # SQLite returns naive datetimes; we only ever store UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


@dataclass(frozen=True)
class Handoff:
    """One handoff of one conversation, as stored."""

    id: int
    conversation_id: str
    channel: str
    recipient_id: str
    state: str
    owner: Optional[str]
    reason: str
    reason_detail: str
    slack_channel: Optional[str]
    thread_ts: Optional[str]
    summary: str
    suggested_reply: Optional[str]
    context: list[dict[str, Any]]
    answer_by: Optional[str]
    created_at: dt.datetime
    updated_at: dt.datetime
    claimed_at: Optional[dt.datetime]
    resolved_at: Optional[dt.datetime]

    @property
    def ref(self) -> str:
        """The short reference agents type in slash commands, e.g. ``H12``."""
        return f"H{self.id}"


@dataclass(frozen=True)
class StoredMessage:
    """A message of a handoff: customer (relayed), agent reply, internal note, system notice."""

    id: int
    handoff_id: int
    kind: str
    author: str
    text: str
    context: list[dict[str, Any]]
    created_at: dt.datetime


@dataclass(frozen=True)
class Correction:
    """An agent's correction of a bot answer."""

    id: int
    handoff_id: Optional[int]
    conversation_id: str
    channel: str
    question: str
    wrong_answer: str
    right_answer: str
    agent: str
    context: list[dict[str, Any]]
    created_at: dt.datetime
    status: str = PENDING_REVIEW
    reviewer: Optional[str] = None
    reviewed_at: Optional[dt.datetime] = None


@dataclass(frozen=True)
class AuditEntry:
    """One agent action: who did what, when, on which conversation (no message text)."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    conversation_id: Optional[str]
    handoff_id: Optional[int]
    detail: str


class HandoffStore:
    """All handoff state. Create one per process; it is safe to use from several threads."""

    def __init__(self, url: Optional[str] = None, cipher: Optional[FieldCipher] = None) -> None:
        import sqlalchemy as sa

        from bot.db import create_engine, database_url

        self.url = url or database_url()
        self._sa = sa
        self._cipher = cipher or data_cipher()
        self.engine = create_engine(self.url)
        metadata = sa.MetaData()
        self.handoffs = sa.Table(
            "handoff_conversations", metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
            sa.Column("open_key", sa.String(255), nullable=True, unique=True),
            sa.Column("channel", sa.String(64), nullable=False),
            sa.Column("recipient_id", sa.String(255), nullable=False),
            sa.Column("state", sa.String(32), nullable=False, index=True),
            sa.Column("owner", sa.String(64), nullable=True),
            sa.Column("reason", sa.String(64), nullable=False),
            sa.Column("reason_detail", sa.Text, nullable=False, default=""),
            sa.Column("slack_channel", sa.String(64), nullable=True),
            sa.Column("thread_ts", sa.String(64), nullable=True),
            sa.Column("summary", sa.Text, nullable=False, default=""),
            sa.Column("suggested_reply", sa.Text, nullable=True),
            sa.Column("context_json", sa.Text, nullable=False, default="[]"),
            sa.Column("answer_by", sa.String(128), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
            sa.UniqueConstraint("slack_channel", "thread_ts", name="uq_handoff_thread"),
        )
        self.messages = sa.Table(
            "handoff_messages", metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("handoff_id", sa.Integer, sa.ForeignKey("handoff_conversations.id"), nullable=False, index=True),
            sa.Column("kind", sa.String(16), nullable=False),
            sa.Column("author", sa.String(64), nullable=False),
            sa.Column("text", sa.Text, nullable=False),
            sa.Column("context_json", sa.Text, nullable=False, default="[]"),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        )
        self.corrections = sa.Table(
            "handoff_corrections", metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("handoff_id", sa.Integer, sa.ForeignKey("handoff_conversations.id"), nullable=True),
            sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
            sa.Column("channel", sa.String(64), nullable=False),
            sa.Column("question", sa.Text, nullable=False),
            sa.Column("wrong_answer", sa.Text, nullable=False),
            sa.Column("right_answer", sa.Text, nullable=False),
            sa.Column("agent", sa.String(64), nullable=False),
            sa.Column("context_json", sa.Text, nullable=False, default="[]"),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("status", sa.String(16), nullable=True),  # NULL (older rows): pending
            sa.Column("reviewer", sa.String(64), nullable=True),
            sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        )
        self.audit = sa.Table(
            "handoff_audit", metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
            sa.Column("actor", sa.String(64), nullable=False),
            sa.Column("action", sa.String(32), nullable=False),
            sa.Column("conversation_id", sa.String(255), nullable=True, index=True),
            sa.Column("handoff_id", sa.Integer, nullable=True),
            sa.Column("detail", sa.String(255), nullable=False, default=""),
        )
        self.processed = sa.Table(
            "handoff_processed", metadata,
            sa.Column("key", sa.String(255), primary_key=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        )
        metadata.create_all(self.engine)
        from bot.db import add_missing_columns

        add_missing_columns(self.engine, self.corrections)  # databases of the release before review

    # ------------------------------------------------------------------ encryption

    def _seal(self, table: str, column: str, value: Optional[str]) -> Optional[str]:
        return self._cipher.encrypt_optional(value, f"{table}.{column}")

    def _open(self, table: str, column: str, value: Optional[str]) -> Optional[str]:
        return self._cipher.decrypt_optional(value, f"{table}.{column}")

    def _seal_context(self, table: str, context: Sequence[dict[str, Any]]) -> str:
        return self._cipher.encrypt_json(list(context), f"{table}.context_json")

    def _open_context(self, table: str, value: Optional[str]) -> list[dict[str, Any]]:
        return self._cipher.decrypt_json(value, f"{table}.context_json", default="[]")

    # ------------------------------------------------------------------ idempotency

    def first_time(self, key: str) -> bool:
        """Record ``key``; True the first time, False when it was recorded before (a retry)."""
        sa = self._sa
        try:
            with self.engine.begin() as connection:
                connection.execute(self.processed.insert().values(key=key[:255], created_at=utcnow()))
            return True
        except sa.exc.IntegrityError:
            return False

    def recorded(self, key: str) -> bool:
        """True when :meth:`first_time` has recorded ``key``."""
        with self.engine.connect() as connection:
            return connection.execute(self.processed.select().where(self.processed.c.key == key[:255])).first() \
                is not None

    # ------------------------------------------------------------------ audit log

    def log_action(self, actor: str, action: str, conversation_id: Optional[str] = None,
                   handoff_id: Optional[int] = None, detail: str = "", now: Optional[dt.datetime] = None) -> None:
        """Append an agent action to the audit log (``detail``: no message text, at most 255 characters)."""
        with self.engine.begin() as connection:
            connection.execute(self.audit.insert().values(
                at=now or utcnow(), actor=actor[:64], action=action[:32], conversation_id=conversation_id,
                handoff_id=handoff_id, detail=detail[:255]))

    def audit_log(self, conversation_id: Optional[str] = None, handoff_id: Optional[int] = None) -> list[AuditEntry]:
        """Audit entries, oldest first (optionally of one conversation or handoff)."""
        query = self.audit.select()
        if conversation_id is not None:
            query = query.where(self.audit.c.conversation_id == conversation_id)
        if handoff_id is not None:
            query = query.where(self.audit.c.handoff_id == handoff_id)
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(self.audit.c.id)).all()
        return [AuditEntry(r.id, _aware(r.at), r.actor, r.action, r.conversation_id, r.handoff_id, r.detail or "")
                for r in rows]

    # ------------------------------------------------------------------ reading

    def _handoff(self, row: Any) -> Handoff:
        return Handoff(
            id=row.id, conversation_id=row.conversation_id, channel=row.channel, recipient_id=row.recipient_id,
            state=row.state, owner=row.owner, reason=row.reason, reason_detail=row.reason_detail or "",
            slack_channel=row.slack_channel, thread_ts=row.thread_ts,
            summary=self._open("handoff_conversations", "summary", row.summary) or "",
            suggested_reply=self._open("handoff_conversations", "suggested_reply", row.suggested_reply),
            context=self._open_context("handoff_conversations", row.context_json),
            answer_by=row.answer_by, created_at=_aware(row.created_at), updated_at=_aware(row.updated_at),
            claimed_at=_aware(row.claimed_at), resolved_at=_aware(row.resolved_at),
        )

    def get(self, handoff_id: int) -> Optional[Handoff]:
        """A handoff by id."""
        with self.engine.connect() as connection:
            row = connection.execute(self.handoffs.select().where(self.handoffs.c.id == handoff_id)).first()
        return self._handoff(row) if row is not None else None

    def open_for(self, conversation_id: str) -> Optional[Handoff]:
        """The open handoff (queued, waiting or with an agent) of a conversation, or None."""
        with self.engine.connect() as connection:
            row = connection.execute(
                self.handoffs.select().where(self.handoffs.c.open_key == conversation_id)).first()
        return self._handoff(row) if row is not None else None

    def by_thread(self, slack_channel: str, thread_ts: str) -> Optional[Handoff]:
        """The handoff whose Slack thread is ``thread_ts`` in ``slack_channel``, or None."""
        with self.engine.connect() as connection:
            row = connection.execute(self.handoffs.select().where(
                (self.handoffs.c.slack_channel == slack_channel) & (self.handoffs.c.thread_ts == thread_ts))).first()
        return self._handoff(row) if row is not None else None

    def in_state(self, *states: str) -> list[Handoff]:
        """Handoffs in any of ``states``, oldest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(self.handoffs.select().where(self.handoffs.c.state.in_(states))
                                      .order_by(self.handoffs.c.created_at, self.handoffs.c.id))
            return [self._handoff(row) for row in rows]

    def for_conversation(self, conversation_id: str) -> list[Handoff]:
        """Every handoff of a conversation, oldest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(self.handoffs.select().where(self.handoffs.c.conversation_id == conversation_id)
                                      .order_by(self.handoffs.c.id))
            return [self._handoff(row) for row in rows]

    def position(self, handoff: Handoff) -> int:
        """1-based place in line among the handoffs still waiting for an agent."""
        sa = self._sa
        with self.engine.connect() as connection:
            ahead = connection.execute(sa.select(sa.func.count()).select_from(self.handoffs).where(
                (self.handoffs.c.state == WAITING) & (self.handoffs.c.id < handoff.id))).scalar_one()
        return int(ahead) + 1

    def messages_of(self, handoff_id: int, kinds: Optional[Sequence[str]] = None) -> list[StoredMessage]:
        """Stored messages of a handoff, oldest first."""
        query = self.messages.select().where(self.messages.c.handoff_id == handoff_id)
        if kinds:
            query = query.where(self.messages.c.kind.in_(list(kinds)))
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(self.messages.c.id)).all()
        return [self._message(r) for r in rows]

    def _message(self, r: Any) -> StoredMessage:
        return StoredMessage(r.id, r.handoff_id, r.kind, r.author, self._open("handoff_messages", "text", r.text) or "",
                             self._open_context("handoff_messages", r.context_json), _aware(r.created_at))

    def all_corrections(self, status: Optional[str] = None) -> list[Correction]:
        """Every correction (or those in review ``status``), oldest first."""
        c = self.corrections
        query = c.select()
        if status == PENDING_REVIEW:
            query = query.where((c.c.status == PENDING_REVIEW) | c.c.status.is_(None))
        elif status is not None:
            query = query.where(c.c.status == status)
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(c.c.id))
            return [self._correction(r) for r in rows]

    def correction(self, correction_id: int) -> Optional[Correction]:
        """One correction by id."""
        with self.engine.connect() as connection:
            row = connection.execute(self.corrections.select().where(self.corrections.c.id == correction_id)).first()
        return self._correction(row) if row is not None else None

    def _correction(self, r: Any) -> Correction:
        def text(column: str) -> str:
            return self._open("handoff_corrections", column, getattr(r, column)) or ""

        return Correction(r.id, r.handoff_id, r.conversation_id, r.channel, text("question"), text("wrong_answer"),
                          text("right_answer"), r.agent, self._open_context("handoff_corrections", r.context_json),
                          _aware(r.created_at), r.status or PENDING_REVIEW, r.reviewer, _aware(r.reviewed_at))

    def review_correction(self, correction_id: int, reviewer: str, approve: bool) -> bool:
        """Approve or reject a pending correction; False when it is not pending or the reviewer wrote it.

        A correction is never approved by its own author (four eyes).
        """
        c = self.corrections
        pending = (c.c.status == PENDING_REVIEW) | c.c.status.is_(None)
        with self.engine.begin() as connection:
            result = connection.execute(c.update().where((c.c.id == correction_id) & pending & (c.c.agent != reviewer))
                                        .values(status=APPROVED if approve else REJECTED, reviewer=reviewer,
                                                reviewed_at=utcnow()))
            return result.rowcount == 1

    def all_agent_replies(self) -> list[tuple[Handoff, StoredMessage]]:
        """Every agent reply sent to a customer, with its handoff, oldest first."""
        result = []
        with self.engine.connect() as connection:
            rows = connection.execute(self.messages.select().where(self.messages.c.kind == AGENT_REPLY)
                                      .order_by(self.messages.c.id)).all()
        handoffs: dict[int, Optional[Handoff]] = {}
        for r in rows:
            if r.handoff_id not in handoffs:
                handoffs[r.handoff_id] = self.get(r.handoff_id)
            handoff = handoffs[r.handoff_id]
            if handoff is not None:
                result.append((handoff, self._message(r)))
        return result

    # ------------------------------------------------------------------ writing

    def open(self, conversation_id: str, channel: str, recipient_id: str, state: str, reason: str,
             reason_detail: str = "", summary: str = "", suggested_reply: Optional[str] = None,
             context: Sequence[dict[str, Any]] = (), answer_by: Optional[str] = None,
             now: Optional[dt.datetime] = None) -> tuple[Handoff, bool]:
        """Open a handoff unless one is open already.

        Returns:
            ``(handoff, created)``: the new handoff and True, or the one already open and False.
        """
        if state not in (QUEUED, WAITING):
            raise ValueError(f"a handoff opens as {QUEUED!r} or {WAITING!r}, got {state!r}")
        sa = self._sa
        now = now or utcnow()
        try:
            with self.engine.begin() as connection:
                result = connection.execute(self.handoffs.insert().values(
                    conversation_id=conversation_id, open_key=conversation_id, channel=channel,
                    recipient_id=recipient_id, state=state, owner=None, reason=reason, reason_detail=reason_detail,
                    summary=self._seal("handoff_conversations", "summary", summary),
                    suggested_reply=self._seal("handoff_conversations", "suggested_reply", suggested_reply),
                    context_json=self._seal_context("handoff_conversations", context),
                    answer_by=answer_by, created_at=now, updated_at=now))
                new_id = result.inserted_primary_key[0]
        except sa.exc.IntegrityError:
            existing = self.open_for(conversation_id)
            if existing is None:  # resolved between our insert and this read: try once more
                return self.open(conversation_id, channel, recipient_id, state, reason, reason_detail, summary,
                                 suggested_reply, context, answer_by, now)
            return existing, False
        handoff = self.get(new_id)
        assert handoff is not None
        return handoff, True

    def _transition(self, handoff_id: int, from_states: Sequence[str], values: dict[str, Any],
                    owner: Optional[str] = None) -> bool:
        condition = (self.handoffs.c.id == handoff_id) & self.handoffs.c.state.in_(list(from_states))
        if owner is not None:
            condition = condition & (self.handoffs.c.owner == owner)
        with self.engine.begin() as connection:
            result = connection.execute(self.handoffs.update().where(condition).values(updated_at=utcnow(), **values))
            return result.rowcount == 1

    def set_thread(self, handoff_id: int, slack_channel: str, thread_ts: str) -> None:
        """Remember the Slack thread of a handoff."""
        with self.engine.begin() as connection:
            connection.execute(self.handoffs.update().where(self.handoffs.c.id == handoff_id).values(
                slack_channel=slack_channel, thread_ts=thread_ts, updated_at=utcnow()))

    def claim(self, handoff_id: int, agent: str) -> bool:
        """Give an unclaimed (waiting or queued) handoff to ``agent``; True only for the one winner."""
        return self._transition(handoff_id, (WAITING, QUEUED), {"state": AGENT, "owner": agent,
                                                                "claimed_at": utcnow()})

    def transfer(self, handoff_id: int, from_agent: str, to_agent: str) -> bool:
        """Move a claimed handoff from its owner to another agent; True when ``from_agent`` owned it."""
        return self._transition(handoff_id, (AGENT,), {"owner": to_agent}, owner=from_agent)

    def queue(self, handoff_id: int, answer_by: str) -> bool:
        """Turn a waiting handoff into a queued ticket (nobody claimed in time, Slack unavailable)."""
        return self._transition(handoff_id, (WAITING,), {"state": QUEUED, "answer_by": answer_by})

    def resolve(self, handoff_id: int, agent: str) -> bool:
        """Close an open handoff and give the conversation back to the bot; True for the one that closed it."""
        return self._transition(handoff_id, OPEN_STATES, {"state": RESOLVED, "open_key": None,
                                                          "owner": agent, "resolved_at": utcnow()})

    def add_message(self, handoff_id: int, kind: str, author: str, text: str,
                    context: Sequence[dict[str, Any]] = ()) -> None:
        """Store a relayed customer message, an agent reply, an internal note or a notice."""
        with self.engine.begin() as connection:
            connection.execute(self.messages.insert().values(
                handoff_id=handoff_id, kind=kind, author=author, text=self._seal("handoff_messages", "text", text),
                context_json=self._seal_context("handoff_messages", context), created_at=utcnow()))

    def add_correction(self, conversation_id: str, channel: str, question: str, wrong_answer: str,
                       right_answer: str, agent: str, handoff_id: Optional[int] = None,
                       context: Sequence[dict[str, Any]] = ()) -> int:
        """Store an agent's correction of a bot answer, pending review; returns its id."""
        if not right_answer.strip():
            raise ValueError("a correction needs the right answer, got an empty text")
        with self.engine.begin() as connection:
            result = connection.execute(self.corrections.insert().values(
                handoff_id=handoff_id, conversation_id=conversation_id, channel=channel,
                question=self._seal("handoff_corrections", "question", question),
                wrong_answer=self._seal("handoff_corrections", "wrong_answer", wrong_answer),
                right_answer=self._seal("handoff_corrections", "right_answer", right_answer.strip()), agent=agent,
                context_json=self._seal_context("handoff_corrections", context), created_at=utcnow(),
                status=PENDING_REVIEW))
            return int(result.inserted_primary_key[0])

    def expired_waiting(self, timeout: dt.timedelta, now: Optional[dt.datetime] = None) -> list[Handoff]:
        """Waiting handoffs nobody claimed within ``timeout``."""
        limit = (now or utcnow()) - timeout
        return [h for h in self.in_state(WAITING) if h.created_at <= limit]

    def drop_all(self) -> None:
        """Delete every handoff table (tests against a shared PostgreSQL database)."""
        for table in (self.audit, self.processed, self.corrections, self.messages, self.handoffs):
            table.drop(self.engine, checkfirst=True)
