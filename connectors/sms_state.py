"""What the SMS channel remembers per phone number: its address book, opt-outs, the options last offered.

All survive restarts in one SQLite file (default ``var/sms.db``). An SMS conversation is keyed by
a pseudonym of the number (``sms:<HMAC>``, :func:`bot.identity.sms_pseudonym`), so numbers do not
spread into conversation ids, logs, Slack posts and training rows; the address book here is the
one place that maps a pseudonym back to the number replies go to. Opt-outs must survive: carriers
and the law require that a number which sent STOP receives nothing until it sends START. Phone
numbers are personal data; they are stored here because the channel needs them, never logged.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import List, Optional

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"})
START_WORDS = frozenset({"START", "UNSTOP", "OPTIN"})
START_WORDS_WHEN_OPTED_OUT = frozenset({"YES"})  # "yes" is an ordinary answer for a subscribed number
HELP_WORDS = frozenset({"HELP", "INFO"})


def keyword(body: str) -> Optional[str]:
    """``"STOP"``, ``"START"``, ``"START?"`` (YES: start only for opted-out numbers), ``"HELP"`` or None.

    Like carriers, only a message that is exactly the keyword counts (case, spaces and
    trailing punctuation ignored): "stop sending me offers" is an ordinary message.
    """
    word = body.strip().strip(".!").strip().upper()
    if word in STOP_WORDS:
        return "STOP"
    if word in START_WORDS:
        return "START"
    if word in START_WORDS_WHEN_OPTED_OUT:
        return "START?"
    if word in HELP_WORDS:
        return "HELP"
    return None


class SmsStateStore:
    """Opt-outs and pending numbered options per phone number, in SQLite (thread-safe)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS opt_out (number TEXT PRIMARY KEY, since REAL NOT NULL)")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS pending_options (number TEXT PRIMARY KEY, payloads TEXT NOT NULL, "
            "offered_at REAL NOT NULL)"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS addresses (conversation_id TEXT PRIMARY KEY, number TEXT NOT NULL, "
            "last_seen REAL NOT NULL)"
        )

    def remember(self, conversation_id: str, number: str) -> None:
        """Record that replies of ``conversation_id`` (an ``sms:`` pseudonym) go to ``number``."""
        with self._lock:
            self._db.execute(
                "INSERT INTO addresses (conversation_id, number, last_seen) VALUES (?, ?, ?) "
                "ON CONFLICT(conversation_id) DO UPDATE SET number = excluded.number, last_seen = excluded.last_seen",
                (conversation_id, number, time.time()),
            )

    def number_of(self, conversation_id: str) -> Optional[str]:
        """The phone number of an ``sms:`` conversation, or None when it is unknown."""
        with self._lock:
            row = self._db.execute("SELECT number FROM addresses WHERE conversation_id = ?",
                                   (conversation_id,)).fetchone()
        return row[0] if row is not None else None

    def is_opted_out(self, number: str) -> bool:
        """True when ``number`` sent STOP and no START since."""
        with self._lock:
            row = self._db.execute("SELECT 1 FROM opt_out WHERE number = ?", (number,)).fetchone()
        return row is not None

    def opt_out(self, number: str) -> None:
        """Record a STOP (idempotent)."""
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO opt_out (number, since) VALUES (?, ?)", (number, time.time()))
            self._db.execute("DELETE FROM pending_options WHERE number = ?", (number,))

    def opt_in(self, number: str) -> bool:
        """Record a START; return True when the number was opted out."""
        with self._lock:
            return self._db.execute("DELETE FROM opt_out WHERE number = ?", (number,)).rowcount > 0

    def offer_options(self, number: str, payloads: List[str]) -> None:
        """Remember the payloads of the numbered options just sent to ``number``."""
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO pending_options (number, payloads, offered_at) VALUES (?, ?, ?)",
                (number, json.dumps(payloads), time.time()),
            )

    def take_options(self, number: str) -> List[str]:
        """The options offered to ``number`` (empty if none), forgotten afterwards: they answer one reply."""
        with self._lock:
            row = self._db.execute("SELECT payloads FROM pending_options WHERE number = ?", (number,)).fetchone()
            if row is None:
                return []
            self._db.execute("DELETE FROM pending_options WHERE number = ?", (number,))
        return list(json.loads(row[0]))

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()
