"""Messages waiting for a web chat page: a durable, bounded outbox in SQLite.

The web chat answers each POST with the bot's replies, but a message that arrives later (an
agent's reply during a human handoff, "I'm back" when the agent resolves) has no request to ride
on. It is written here, and the page fetches it by polling ``GET /webhooks/webchat/inbox``.

Delivery is at least once, acknowledged by a cursor the way Telegram's ``getUpdates`` does it:
every message gets an id that only grows (``AUTOINCREMENT``: ids are never reused, even after
deletes), the page asks for the messages after the last id it has shown, and asking with
``after=N`` acknowledges, and deletes, that sender's messages up to ``N``. A message whose
answer was lost is sent again on the next poll; one the page acknowledged is never sent again;
one nobody fetched survives restarts (SQLite, one file, default ``var/webchat.db``).

Bounded: at most ``max_per_sender`` unacknowledged messages per conversation and ``max_total``
in all (a full outbox refuses the message, so the caller can say it was not delivered), and
messages nobody fetched within ``retention_hours`` are purged. Texts and buttons are stored
encrypted (:mod:`bot.security.crypto`; the sender, an opaque session id, stays plain because the
page's polls look it up). Standard library and ``cryptography`` only, so both environments can
import it. Sender ids and texts are never logged.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from bot.security.crypto import FieldCipher, data_cipher

SENDER_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,128}")
"""What a web chat sender id looks like (the page makes a random one); use with ``fullmatch``."""

AUTHORS = ("bot", "agent")
MAX_TEXT_CHARS = 10_000
MAX_BUTTONS = 20
MAX_ID = 2**63 - 1
DEFAULT_MAX_PER_SENDER = 200
DEFAULT_MAX_TOTAL = 100_000
DEFAULT_RETENTION_HOURS = 7 * 24.0
DEFAULT_BATCH = 50
ENCRYPTED_COLUMNS: Dict[str, tuple] = {"outbox": ("text", "buttons")}
"""Columns holding message content, encrypted with the context ``"<table>.<column>"``."""


class OutboxFull(RuntimeError):
    """The outbox refused a message: too many unacknowledged ones (for this sender or in all)."""


@dataclass(frozen=True)
class OutboxMessage:
    """A message waiting for the page: ``author`` is ``bot`` or ``agent`` (a person in a handoff)."""

    id: int
    text: str
    author: str
    buttons: List[Dict[str, str]]
    created_at: float

    def to_json(self) -> Dict[str, Any]:
        """The message as the inbox endpoint answers it."""
        message: Dict[str, Any] = {"id": self.id, "text": self.text, "from": self.author}
        if self.buttons:
            message["buttons"] = self.buttons
        return message


def check_sender(sender: Any) -> str:
    """``sender`` if it is a valid web chat sender id.

    Raises:
        ValueError: not 1-128 letters, digits, ``_`` or ``-``.
    """
    if not isinstance(sender, str) or not SENDER_PATTERN.fullmatch(sender):
        raise ValueError("'sender' must be 1-128 letters, digits, '_' or '-'")
    return sender


def _clean_buttons(buttons: Optional[Sequence[Any]]) -> List[Dict[str, str]]:
    cleaned: List[Dict[str, str]] = []
    for button in list(buttons or [])[:MAX_BUTTONS]:
        if isinstance(button, dict) and isinstance(button.get("title"), str):
            payload = button.get("payload")
            cleaned.append({"title": button["title"], "payload": payload if isinstance(payload, str) else button["title"]})
    return cleaned


class WebChatOutbox:
    """Unacknowledged messages per web chat sender, in one SQLite file (thread-safe)."""

    def __init__(self, path: Path, max_per_sender: int = DEFAULT_MAX_PER_SENDER,
                 max_total: int = DEFAULT_MAX_TOTAL, retention_hours: float = DEFAULT_RETENTION_HOURS,
                 cipher: Optional[FieldCipher] = None) -> None:
        """Open (or create) the outbox at ``path``.

        Raises:
            ValueError: a bound is not positive.
        """
        for name, value in (("max_per_sender", max_per_sender), ("max_total", max_total),
                            ("retention_hours", retention_hours)):
            if value <= 0:
                raise ValueError(f"{name} must be > 0, got {value!r}")
        self.path = path
        self.max_per_sender = max_per_sender
        self.max_total = max_total
        self.retention_seconds = retention_hours * 3600.0
        self._cipher = cipher or data_cipher()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, sender TEXT NOT NULL, "
            "author TEXT NOT NULL, text TEXT NOT NULL, buttons TEXT NOT NULL, created_at REAL NOT NULL)")
        self._db.execute("CREATE INDEX IF NOT EXISTS outbox_sender_id ON outbox (sender, id)")
        self._db.execute("CREATE INDEX IF NOT EXISTS outbox_created_at ON outbox (created_at)")

    def put(self, sender: str, text: str, author: str = "bot",
            buttons: Optional[Sequence[Any]] = None, now: Optional[float] = None) -> int:
        """Store a message for ``sender``'s page; returns its id.

        Raises:
            ValueError: bad sender, author, or text (empty or longer than ``MAX_TEXT_CHARS``).
            OutboxFull: ``max_per_sender`` or ``max_total`` unacknowledged messages are waiting.
        """
        check_sender(sender)
        if author not in AUTHORS:
            raise ValueError(f"author must be one of {AUTHORS}, got {author!r}")
        if not isinstance(text, str) or not text.strip():
            raise ValueError("text must be a non-empty string")
        if len(text) > MAX_TEXT_CHARS:
            raise ValueError(f"text is longer than {MAX_TEXT_CHARS} characters")
        now = time.time() if now is None else now
        sealed_text = self._cipher.encrypt(text, "outbox.text")
        sealed_buttons = self._cipher.encrypt_json(_clean_buttons(buttons), "outbox.buttons")
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM outbox WHERE created_at < ?", (now - self.retention_seconds,))
                waiting = self._db.execute("SELECT COUNT(*) FROM outbox WHERE sender = ?", (sender,)).fetchone()[0]
                if waiting >= self.max_per_sender:
                    raise OutboxFull(f"{waiting} messages wait for this sender (max_per_sender {self.max_per_sender})")
                total = self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
                if total >= self.max_total:
                    raise OutboxFull(f"{total} messages wait in the outbox (max_total {self.max_total})")
                cursor = self._db.execute(
                    "INSERT INTO outbox (sender, author, text, buttons, created_at) VALUES (?, ?, ?, ?, ?)",
                    (sender, author, sealed_text, sealed_buttons, now))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return int(cursor.lastrowid)

    def fetch(self, sender: str, after: int = 0, limit: int = DEFAULT_BATCH,
              now: Optional[float] = None) -> List[OutboxMessage]:
        """Acknowledge ``sender``'s messages up to id ``after`` (deleted) and return the next ones, oldest first.

        Raises:
            ValueError: bad sender, ``after`` outside 0..2**63-1, or ``limit`` not positive.
        """
        check_sender(sender)
        if isinstance(after, bool) or not isinstance(after, int) or not 0 <= after <= MAX_ID:
            raise ValueError(f"after must be an integer from 0 to {MAX_ID}")
        if limit <= 0:
            raise ValueError(f"limit must be > 0, got {limit}")
        now = time.time() if now is None else now
        with self._lock:
            self._db.execute("DELETE FROM outbox WHERE created_at < ?", (now - self.retention_seconds,))
            if after:
                self._db.execute("DELETE FROM outbox WHERE sender = ? AND id <= ?", (sender, after))
            rows = self._db.execute(
                "SELECT id, text, author, buttons, created_at FROM outbox WHERE sender = ? AND id > ? "
                "ORDER BY id LIMIT ?", (sender, after, limit)).fetchall()
        return [OutboxMessage(id=row[0], text=self._cipher.decrypt(row[1], "outbox.text"), author=row[2],
                              buttons=self._cipher.decrypt_json(row[3], "outbox.buttons", default="[]"),
                              created_at=row[4]) for row in rows]

    def pending(self) -> int:
        """How many messages wait in all (counts only, for the health route)."""
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()
