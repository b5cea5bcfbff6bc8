"""Privacy operations on the stored conversations: ``python -m bot privacy <action>``.

- ``rotate-key``: a new data key, and every encrypted field of every store (handoffs, feedback,
  the durable inbox, analytics, the SMS address book, the web chat outbox) and of the Rasa
  tracker store re-encrypted under it; the old key stays readable until that is done, then is
  removed from the key ring (``--keep-old-keys`` keeps it). Resumable (run it again after an interruption) and
  idempotent; plain values of a release before encryption are encrypted on the way. With
  ``SWITCHBOARD_DATA_KEY`` set, the new key comes from the environment instead (see
  docs/security.md). The servers may keep running.

Each action is one entry of :data:`ACTIONS` (help text, its options, its function), so further
actions are added there.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable


def _rotate_key_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", help="product database (default: SWITCHBOARD_DATABASE_URL or var/switchboard.db)")
    parser.add_argument("--tracker-url", help="tracker store as a SQLAlchemy URL (default: the SQL tracker store of "
                                              "endpoints.yml)")
    parser.add_argument("--sms-db", type=Path, help="SMS state file (default: state_db of credentials.yml, or var/sms.db)")
    parser.add_argument("--webchat-db", type=Path,
                        help="web chat outbox (default: outbox_db of credentials.yml, or var/webchat.db)")
    parser.add_argument("--batch", type=int, default=500, help="rows per transaction (default %(default)s)")
    parser.add_argument("--keep-old-keys", action="store_true",
                        help="keep the old keys in the key ring for reading (default: removed once nothing uses them)")
    parser.add_argument("--no-compact", action="store_true",
                        help="do not VACUUM the SQLite files afterwards (replaced values then stay in their free pages)")


def _rotate_key(args: argparse.Namespace) -> int:
    from bot.security.crypto import KeyConfigError
    from bot.security.rotation import encrypted_fields, rotate

    if args.batch <= 0:
        print(f"error: --batch must be > 0, got {args.batch}", file=sys.stderr)
        return 2

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    fields = encrypted_fields(args.database_url, args.sms_db, args.webchat_db, args.tracker_url)
    try:
        report = rotate(fields, batch=args.batch, keep_old_keys=args.keep_old_keys, compact=not args.no_compact,
                        progress=progress)
    except KeyConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    failed = [line for result in report.fields.values() for line in result.failed]
    for line in failed[:20]:
        print(f"unreadable: {line}", file=sys.stderr)
    if report.plain_left:
        print(f"{report.plain_left:,} plain values were written meanwhile (by a server of an older release?); "
              "run rotate-key again to encrypt them", file=sys.stderr)
    if not report.ok:
        print(f"not finished: {len(failed):,} unreadable values, {report.left_under_old_keys:,} values still under "
              f"an older key; the old keys stay readable. Fix what is reported and run rotate-key again to resume.",
              file=sys.stderr)
        return 1
    print(f"done: every encrypted value is under key {report.primary}")
    return 0


ACTIONS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {
    "rotate-key": ("new data key; re-encrypt every store and the tracker store under it",
                   _rotate_key_arguments, _rotate_key),
}
"""action name -> (one-line help, add its options, run it and return the exit code)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Sub-commands of ``python -m bot privacy``."""
    sub = parser.add_subparsers(dest="privacy_action", metavar="ACTION")
    sub.required = True
    for name, (help_text, add, _) in ACTIONS.items():
        add(sub.add_parser(name, help=help_text, description=help_text))


def run(args: argparse.Namespace) -> int:
    """Run the chosen action; returns the exit code."""
    return ACTIONS[args.privacy_action][2](args)
