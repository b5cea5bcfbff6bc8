"""Dead letters: inbound messages whose turn failed on every try.

  python -m bot dead-letters list [--channel telegram] [--show-text]
  python -m bot dead-letters retry ID [ID ...]     put them back in line (the running server picks them up)
  python -m bot dead-letters drop ID [ID ...]      discard them (the delivery id stays recorded as seen)

Works on the product database (``var/switchboard.db``, or ``SWITCHBOARD_DATABASE_URL``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from bot.intake.store import DEAD, InboxStore


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m bot dead-letters``."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = __doc__.split("\n\n")[1]
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database-url",
                        help="SQLAlchemy URL (default: SWITCHBOARD_DATABASE_URL or var/switchboard.db)")
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    sub.required = True
    listing = sub.add_parser("list", parents=[common], help="list the dead letters (no message text unless --show-text)")
    listing.add_argument("--channel", help="only this channel (telegram, twilio_sms, slack, slack_agents)")
    listing.add_argument("--show-text", action="store_true", help="also print each message's payload")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    for name, text in (("retry", "put dead letters back in line"), ("drop", "discard dead letters")):
        action = sub.add_parser(name, parents=[common], help=text)
        action.add_argument("ids", nargs="+", type=int, metavar="ID", help="dead-letter ids from `list`")


def _when(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def run(args: argparse.Namespace) -> int:
    """Entry point of ``python -m bot dead-letters``."""
    store = InboxStore(args.database_url)
    if args.action == "list":
        items = store.in_state(DEAD, args.channel)
        for item in items:
            row = {"id": item.id, "channel": item.channel, "conversation_id": item.conversation_id,
                   "received": _when(item.received_at), "attempts": item.attempts, "last_error": item.last_error}
            if args.show_text:
                row["payload"] = item.payload
            if args.json:
                print(json.dumps(row, ensure_ascii=False))
            else:
                print(f"{item.id:>6}  {item.channel:<12} {_when(item.received_at)}  {item.attempts} tries  "
                      f"{item.conversation_id}  {item.last_error or ''}" + (f"\n        {item.payload}" if args.show_text else ""))
        if not args.json:
            print(f"{len(items)} dead letter(s)", file=sys.stderr)
        return 0
    status = 0
    for item_id in args.ids:
        done = store.retry(item_id) if args.action == "retry" else store.drop(item_id)
        if done:
            print(f"{item_id}: {'back in line' if args.action == 'retry' else 'dropped'}")
        else:
            print(f"error: {item_id} is not a dead letter (see `python -m bot dead-letters list`)", file=sys.stderr)
            status = 2
    return status
