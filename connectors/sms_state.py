"""What the SMS channel remembers per phone number: its address book, opt-outs, the options last offered.

All survive restarts in one SQLite file (default ``var/sms.db``). An SMS conversation is keyed by
a pseudonym of the number (``sms:<HMAC>``, :func:`bot.identity.sms_pseudonym`), so numbers do not
spread into conversation ids, logs, Slack posts and training rows; the address book here is the
one place that maps a pseudonym back to the number replies go to. Opt-outs must survive: carriers
and the law require that a number which sent STOP receives nothing until it sends START. Phone
numbers are personal data, never logged, and never stored in clear:

* the address book keeps the number encrypted (:mod:`bot.security.crypto`, context
  ``addresses.number``): replies need it back;
* opt-outs and pending options are only ever looked up by number, so they are keyed by a keyed
  HMAC of it (:func:`number_digest`, under the identity key ``SWITCHBOARD_ID_KEY``) and hold no
  number at all. Losing the identity key therefore loses the opt-outs too: back it up.

A file written by an earlier release (tables ``opt_out`` and ``pending_options`` keyed by the
number in clear) is converted when it is opened; its plain address book entries are read as they
are and encrypted by ``python -m bot privacy rotate-key``.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional

from bot.identity import keyed_digest
from bot.security.crypto import FieldCipher, data_cipher

logger = logging.getLogger(__name__)

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"})
START_WORDS = frozenset({"START", "UNSTOP", "OPTIN"})
START_WORDS_WHEN_OPTED_OUT = frozenset({"YES"})  # "yes" is an ordinary answer for a subscribed number
HELP_WORDS = frozenset({"HELP", "INFO"})

ENCRYPTED_COLUMNS: Dict[str, tuple] = {"addresses": ("number",), "pending_offers": ("payloads",)}
"""Columns encrypted with the context ``"<table>.<column>"``."""
KEY_COLUMNS: Dict[str, str] = {"addresses": "conversation_id", "pending_offers": "number_hmac"}
"""The primary key of each table of :data:`ENCRYPTED_COLUMNS` (rotate-key walks the rows by it)."""


def number_digest(number: str, key: bytes) -> str:
    """The key opt-outs and pending options are stored under: a keyed HMAC of the normalised number.

    Normalised as :func:`bot.identity.sms_pseudonym` does; a purpose prefix keeps it different
    from the number's conversation pseudonym.
    """
    return keyed_digest(key, "sms-number:" + re.sub(r"[\s().-]", "", number), length=64)


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
    """Address book, opt-outs and pending numbered options per phone number, in SQLite (thread-safe).

    Args:
        path: the SQLite file.
        identity_key: the key of :func:`number_digest`; by default ``SWITCHBOARD_ID_KEY`` or its key file.
        cipher: encrypts the address book; by default the configured data key.
    """

    def __init__(self, path: Path, identity_key: Optional[bytes] = None, cipher: Optional[FieldCipher] = None) -> None:
        from bot.security.keys import IDENTITY_KEY, secret_key

        self.path = path
        self._key = identity_key or secret_key(IDENTITY_KEY)
        self._cipher = cipher or data_cipher()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA secure_delete=ON")  # deleted numbers and options are overwritten, not left in free pages
        self._db.execute("CREATE TABLE IF NOT EXISTS opt_outs (number_hmac TEXT PRIMARY KEY, since REAL NOT NULL)")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS pending_offers (number_hmac TEXT PRIMARY KEY, payloads TEXT NOT NULL, "
            "offered_at REAL NOT NULL)"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS addresses (conversation_id TEXT PRIMARY KEY, number TEXT NOT NULL, "
            "last_seen REAL NOT NULL)"
        )
        self._convert_legacy_tables()

    def _convert_legacy_tables(self) -> None:
        """Move the opt-outs and options of an earlier release (keyed by the number in clear) to digests."""
        def legacy() -> set:
            names = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            return {"opt_out", "pending_options"} & names

        if not legacy():
            return
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                tables = legacy()  # again, under the write lock: another process may have converted them
                moved = 0
                if "opt_out" in tables:
                    for number, since in self._db.execute("SELECT number, since FROM opt_out").fetchall():
                        self._db.execute("INSERT OR IGNORE INTO opt_outs (number_hmac, since) VALUES (?, ?)",
                                         (self._digest(number), since))
                        moved += 1
                    self._db.execute("DROP TABLE opt_out")
                if "pending_options" in tables:
                    rows = self._db.execute("SELECT number, payloads, offered_at FROM pending_options").fetchall()
                    for number, payloads, offered_at in rows:
                        self._db.execute(
                            "INSERT OR IGNORE INTO pending_offers (number_hmac, payloads, offered_at) VALUES (?, ?, ?)",
                            (self._digest(number), self._cipher.encrypt(payloads, "pending_offers.payloads"),
                             offered_at))
                    self._db.execute("DROP TABLE pending_options")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            try:  # numbers the earlier release deleted in clear may still sit in free pages and in the WAL
                self._db.execute("VACUUM")
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.OperationalError as error:  # another process holds the file: rotate-key compacts it later
                logger.warning("SMS state: could not compact %s after the conversion (%s); run "
                               "`python -m bot privacy rotate-key` with the servers stopped", self.path, error)
        logger.info("SMS state: %d opt-outs of an earlier release now keyed by a keyed digest of the number", moved)

    def _digest(self, number: str) -> str:
        return number_digest(number, self._key)

    def remember(self, conversation_id: str, number: str) -> None:
        """Record that replies of ``conversation_id`` (an ``sms:`` pseudonym) go to ``number``."""
        sealed = self._cipher.encrypt(number, "addresses.number")
        with self._lock:
            self._db.execute(
                "INSERT INTO addresses (conversation_id, number, last_seen) VALUES (?, ?, ?) "
                "ON CONFLICT(conversation_id) DO UPDATE SET number = excluded.number, last_seen = excluded.last_seen",
                (conversation_id, sealed, time.time()),
            )

    def number_of(self, conversation_id: str) -> Optional[str]:
        """The phone number of an ``sms:`` conversation, or None when it is unknown."""
        with self._lock:
            row = self._db.execute("SELECT number FROM addresses WHERE conversation_id = ?",
                                   (conversation_id,)).fetchone()
        return self._cipher.decrypt(row[0], "addresses.number") if row is not None else None

    def is_opted_out(self, number: str) -> bool:
        """True when ``number`` sent STOP and no START since."""
        with self._lock:
            row = self._db.execute("SELECT 1 FROM opt_outs WHERE number_hmac = ?", (self._digest(number),)).fetchone()
        return row is not None

    def opt_out(self, number: str) -> None:
        """Record a STOP (idempotent)."""
        digest = self._digest(number)
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO opt_outs (number_hmac, since) VALUES (?, ?)", (digest, time.time()))
            self._db.execute("DELETE FROM pending_offers WHERE number_hmac = ?", (digest,))

    def opt_in(self, number: str) -> bool:
        """Record a START; return True when the number was opted out."""
        with self._lock:
            return self._db.execute("DELETE FROM opt_outs WHERE number_hmac = ?", (self._digest(number),)).rowcount > 0

    def offer_options(self, number: str, payloads: List[str]) -> None:
        """Remember the payloads of the numbered options just sent to ``number``."""
        sealed = self._cipher.encrypt_json(list(payloads), "pending_offers.payloads")
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO pending_offers (number_hmac, payloads, offered_at) VALUES (?, ?, ?)",
                (self._digest(number), sealed, time.time()),
            )

    def take_options(self, number: str) -> List[str]:
        """The options offered to ``number`` (empty if none), forgotten afterwards: they answer one reply."""
        digest = self._digest(number)
        with self._lock:
            row = self._db.execute("SELECT payloads FROM pending_offers WHERE number_hmac = ?", (digest,)).fetchone()
            if row is None:
                return []
            self._db.execute("DELETE FROM pending_offers WHERE number_hmac = ?", (digest,))
        return list(self._cipher.decrypt_json(row[0], "pending_offers.payloads", default="[]"))

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()
