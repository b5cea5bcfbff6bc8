"""Human handoff tools: ``python -m bot handoff {export-corrections,corrections,audit,queue,check}``.

- ``export-corrections --out FILE``: agents' approved corrections and replies as canonical JSONL
  for the data pipeline (read it with the ``jsonl`` reader).
- ``corrections list|approve ID|reject ID --reviewer U...``: review agents' corrections (a
  reviewer of ``handoff.yml``'s ``agents.reviewers``, never the correction's author).
- ``audit [--conversation ID]``: the agents' audit log (who did what, when; no message text).
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
    review = sub.add_parser("corrections", help="review agents' corrections before they become training data")
    review.add_argument("action", choices=("list", "approve", "reject"), help="list the pending ones, or decide one")
    review.add_argument("id", nargs="?", help="correction id (C3 or 3) for approve and reject")
    review.add_argument("--reviewer", help="your Slack user id (one of agents.reviewers in handoff.yml)")
    review.add_argument("--database", help="SQLAlchemy URL (default: SWITCHBOARD_DATABASE_URL or var/switchboard.db)")
    audit = sub.add_parser("audit", help="show the agents' audit log")
    audit.add_argument("--conversation", help="only this conversation id")
    audit.add_argument("--database", help="SQLAlchemy URL (default: SWITCHBOARD_DATABASE_URL or var/switchboard.db)")
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
    if args.handoff_command == "corrections":
        return _review(store, args)
    if args.handoff_command == "audit":
        entries = store.audit_log(conversation_id=args.conversation)
        for entry in entries:
            print(f"{entry.at:%Y-%m-%d %H:%M:%S}Z\t{entry.actor}\t{entry.action}\t{entry.conversation_id or '-'}\t"
                  f"{f'H{entry.handoff_id}' if entry.handoff_id else '-'}\t{entry.detail}")
        print(f"{len(entries)} audit entries", file=sys.stderr)
        return 0
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


def _review(store: "HandoffStore", args: argparse.Namespace) -> int:
    from bot.handoff.policy import HandoffPolicyError, load_policy
    from bot.handoff.store import PENDING_REVIEW

    if args.action == "list":
        pending = store.all_corrections(status=PENDING_REVIEW)
        for c in pending:
            print(f"C{c.id}\t{c.agent}\t{c.created_at:%Y-%m-%d %H:%M}Z\tQ: {c.question}\n\tA: {c.right_answer}")
        print(f"{len(pending)} correction(s) wait for review", file=sys.stderr)
        return 0
    try:
        reviewers = load_policy().correction_reviewers()
    except HandoffPolicyError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not args.id or not args.id.upper().lstrip("C").isdigit():
        print("error: give the correction id, e.g. `corrections approve C3`", file=sys.stderr)
        return 2
    if not args.reviewer or args.reviewer not in reviewers:
        print("error: --reviewer must be one of agents.reviewers in handoff.yml", file=sys.stderr)
        return 2
    correction_id = int(args.id.upper().lstrip("C"))
    correction = store.correction(correction_id)
    if correction is None:
        print(f"error: there is no correction C{correction_id}", file=sys.stderr)
        return 2
    approve = args.action == "approve"
    if not store.review_correction(correction_id, args.reviewer, approve):
        reason = "it is yours" if correction.agent == args.reviewer else f"it is {correction.status} already"
        print(f"error: C{correction_id} not reviewed: {reason}", file=sys.stderr)
        return 2
    store.log_action(args.reviewer, args.action, correction.conversation_id, correction.handoff_id,
                     f"correction C{correction_id} (command line)")
    print(f"C{correction_id} {'approved' if approve else 'rejected'}")
    return 0
