"""Give conversations stored under bare sender ids their channel-bound ids (``telegram:<chat>`` ...).

  python -m bot migrate-conversation-ids [--tracker-db var/tracker.db] [--slack-team T0123] [--dry-run]

Releases before channel-bound ids keyed a conversation by the platform's bare id (a chat id, a
phone number, a Slack user id, the web chat page's own id). This command renames them in Rasa's
SQL tracker store (the ``events`` table) and in Switchboard's stores (handoffs, corrections,
feedback), from the channel of each conversation's user messages:

- Telegram ``12345`` -> ``telegram:12345``; REST ``alice`` -> ``rest:alice``;
- SMS ``+15551230077`` -> ``sms:<HMAC>`` (keyed with ``SWITCHBOARD_ID_KEY`` or ``var/keys/identity.key``,
  as the running server does), the number is recorded in the SMS channel's address book;
- Slack ``U0123`` -> ``slack:<team>:U0123`` (the team is not in old events: give ``--slack-team``);
- web chat ``web-...`` -> ``webchat:web-...``: kept for the record; the page's old id no longer
  reaches it, because the server now issues web chat sessions.

Conversations whose channel is unknown, or whose new id is taken already, are left as they are
and listed. Idempotent: a second run finds nothing to do. Stop the servers first.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from bot import identity, paths

PRODUCT_COLUMNS = (
    ("handoff_conversations", "conversation_id"),
    ("handoff_conversations", "open_key"),
    ("handoff_conversations", "recipient_id"),
    ("handoff_corrections", "conversation_id"),
    ("feedback", "conversation_id"),
)


@dataclass
class MigrationReport:
    """What a migration did (or would do, in a dry run)."""

    renamed: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    """Old id -> why it was left alone."""
    product_rows: int = 0

    def summary(self) -> str:
        """A few lines for the terminal (ids of SMS conversations are phone numbers: never printed)."""
        by_channel: dict[str, int] = {}
        for new in self.renamed.values():
            prefix = new.split(":", 1)[0]
            by_channel[prefix] = by_channel.get(prefix, 0) + 1
        lines = [f"renamed {len(self.renamed)} conversation(s)"
                 + (f" ({', '.join(f'{k} {v}' for k, v in sorted(by_channel.items()))})" if by_channel else ""),
                 f"updated {self.product_rows} row(s) of handoffs, corrections and feedback"]
        reasons: dict[str, int] = {}
        for reason in self.skipped.values():
            reasons[reason] = reasons.get(reason, 0) + 1
        lines += [f"left {count} conversation(s) as they are: {reason}" for reason, count in sorted(reasons.items())]
        return "\n".join(lines)


def new_id(old: str, channel: Optional[str], identity_key: bytes, slack_team: Optional[str]) -> tuple[Optional[str], str]:
    """The channel-bound id of a conversation stored as ``old`` on ``channel``, or None and the reason."""
    if channel == "twilio_sms":
        return identity.sms_pseudonym(old, identity_key), ""
    if channel == "slack":
        if not slack_team:
            return None, "a Slack conversation: give --slack-team"
        return identity.conversation_id("slack", slack_team, old), ""
    if channel in ("telegram", "webchat", "rest"):
        try:
            return identity.conversation_id(channel, old), ""
        except identity.InvalidConversationId:
            return None, f"the {channel} id has characters a conversation id cannot hold"
    return None, f"no user message says its channel ({channel or 'none'})"


def migrate(tracker_db: Path, database_url: str, identity_key: bytes, slack_team: Optional[str] = None,
            sms_state: Optional[Path] = None, dry_run: bool = False) -> MigrationReport:
    """Rename every bare conversation id in the tracker store and the product database.

    Raises:
        FileNotFoundError: ``tracker_db`` does not exist.
        ValueError: ``tracker_db`` has no Rasa ``events`` table.
    """
    import sqlalchemy as sa

    from bot.db import create_engine

    if not tracker_db.is_file():
        raise FileNotFoundError(f"{tracker_db}: no such tracker database")
    trackers = create_engine(f"sqlite:///{tracker_db}")
    if not sa.inspect(trackers).has_table("events"):
        raise ValueError(f"{tracker_db}: not a Rasa SQL tracker store (no events table)")
    report = MigrationReport()
    with trackers.connect() as connection:
        senders = [row[0] for row in connection.execute(sa.text("SELECT DISTINCT sender_id FROM events"))]
        existing = set(senders)
        for old in senders:
            if identity.channel_of(old) is not None:
                continue  # already channel-bound
            data = connection.execute(sa.text(
                "SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id DESC LIMIT 1"),
                {"s": old}).scalar()
            channel = _input_channel(data)
            new, reason = new_id(old, channel, identity_key, slack_team)
            if new is None:
                report.skipped[old] = reason
            elif new in existing:
                report.skipped[old] = "its new id holds a conversation already"
            else:
                report.renamed[old] = new
    if dry_run or not report.renamed:
        return report
    with trackers.begin() as connection:
        for old, new in report.renamed.items():
            connection.execute(sa.text("UPDATE events SET sender_id = :new WHERE sender_id = :old"),
                               {"new": new, "old": old})
    report.product_rows = _migrate_product(database_url, report.renamed)
    sms = {old: new for old, new in report.renamed.items() if new.startswith("sms:")}
    if sms:
        from connectors.sms_state import SmsStateStore

        store = SmsStateStore(sms_state or paths.var_dir() / "sms.db")
        for number, conversation in sms.items():
            store.remember(conversation, number)
        store.close()
    return report


def _input_channel(data: Any) -> Optional[str]:
    from bot.security.crypto import data_cipher

    try:  # events of the encrypted tracker store are decrypted (bot/tracker_store.py); plain ones read as they are
        return json.loads(data_cipher().decrypt(data, "events.data") if data else "{}").get("input_channel")
    except (json.JSONDecodeError, AttributeError):
        return None


def _migrate_product(database_url: str, renamed: dict[str, str]) -> int:
    import sqlalchemy as sa

    from bot.db import create_engine

    engine = create_engine(database_url)
    inspector = sa.inspect(engine)
    updated = 0
    with engine.begin() as connection:
        for table, column in PRODUCT_COLUMNS:
            if not inspector.has_table(table):
                continue
            for old, new in renamed.items():
                # table and column names come from PRODUCT_COLUMNS, never from input
                statement = f"UPDATE {table} SET {column} = :new WHERE {column} = :old"  # nosec B608
                result = connection.execute(sa.text(statement),
                                            {"new": new, "old": old})
                updated += result.rowcount or 0
    return updated


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m bot migrate-conversation-ids``."""
    parser.add_argument("--tracker-db", type=Path, default=None,
                        help="Rasa's SQLite tracker store (default: var/tracker.db)")
    parser.add_argument("--database-url", help="product database (default: SWITCHBOARD_DATABASE_URL or var/switchboard.db)")
    parser.add_argument("--sms-state", type=Path, help="the SMS channel's state file (default: var/sms.db)")
    parser.add_argument("--slack-team", help="Slack team id (T...) of the customers' workspace, for Slack conversations")
    parser.add_argument("--dry-run", action="store_true", help="only report what would change")


def run(args: argparse.Namespace) -> int:
    """Entry point of ``python -m bot migrate-conversation-ids``."""
    from bot.db import database_url
    from bot.security.keys import IDENTITY_KEY, secret_key

    tracker_db = args.tracker_db or paths.var_dir() / "tracker.db"
    try:
        report = migrate(tracker_db, args.database_url or database_url(), secret_key(IDENTITY_KEY),
                         args.slack_team, args.sms_state, args.dry_run)
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(("dry run: " if args.dry_run else "") + report.summary())
    return 0
