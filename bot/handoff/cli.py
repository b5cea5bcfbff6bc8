"""Human handoff tools: ``python -m bot handoff {export-corrections,queue,check}``.

- ``export-corrections --out FILE``: agents' corrections and replies as canonical JSONL for the
  data pipeline (read it with the ``jsonl`` reader).
- ``queue``: the open handoffs (queued tickets, waiting, with an agent).
- ``check [--policy FILE]``: validate ``handoff.yml`` and show when care is open next.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Sub-commands of ``python -m bot handoff``."""
    sub = parser.add_subparsers(dest="handoff_command", metavar="SUBCOMMAND")
    sub.required = True
    export = sub.add_parser("export-corrections", help="write corrections and agent replies as canonical JSONL")
    export.add_argument("--out", type=Path, required=True, help="output .jsonl file")
    export.add_argument("--kind", choices=("corrections", "replies", "all"), default="all",
                        help="what to export (default %(default)s)")
    export.add_argument("--database", help="SQLAlchemy URL (default: SWITCHBOARD_DATABASE_URL or var/switchboard.db)")
    queue = sub.add_parser("queue", help="list the open handoffs")
    queue.add_argument("--database", help="SQLAlchemy URL (default: SWITCHBOARD_DATABASE_URL or var/switchboard.db)")
    check = sub.add_parser("check", help="validate handoff.yml")
    check.add_argument("--policy", type=Path, help="policy file (default: handoff.yml)")


def run(args: argparse.Namespace) -> int:
    """Run the chosen sub-command; returns the exit code."""
    from bot.handoff.policy import HandoffPolicyError, load_policy

    if args.handoff_command == "check":
        try:
            policy = load_policy(args.policy)
        except HandoffPolicyError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        import datetime as dt

        now = dt.datetime.now(dt.timezone.utc)
        state = "open" if policy.hours.is_open(now) else "closed"
        print(f"{policy.source}: valid, {len(policy.escalation)} escalation rules; care is {state} now; "
              f"a queued request is answered {policy.hours.answer_by(now)}.")
        return 0

    from bot.handoff.store import OPEN_STATES, HandoffStore

    store = HandoffStore(args.database)
    if args.handoff_command == "queue":
        from bot.handoff.summary import mask_id

        policy = load_policy()
        handoffs = store.in_state(*OPEN_STATES)
        for handoff in handoffs:
            print(f"{handoff.ref}\t{handoff.state}\t{handoff.owner or '-'}\t{handoff.channel}\t"
                  f"{mask_id(handoff.recipient_id, policy.mask_customer_ids)}\t{handoff.reason}\t"
                  f"{handoff.created_at:%Y-%m-%d %H:%M}Z")
        print(f"{len(handoffs)} open handoff(s)")
        return 0
    from bot.handoff.export import export

    counts = export(store, args.out, args.kind)
    print(f"wrote {counts['corrections']} corrections and {counts['replies']} handoff conversations to {args.out} "
          "(canonical JSONL; import with the data pipeline's `jsonl` reader)")
    return 0
