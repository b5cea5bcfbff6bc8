"""Monitoring from the command line.

  python -m bot analytics ingest [--source URL]      copy new events from the event broker into the analytics store
  python -m bot analytics kpis [--since 30d] [--json] the KPIs of docs/monitoring.md against kpis.yml's targets

The event broker's table is ``var/events.db`` by default (endpoints.yml ``event_broker``); the
analytics store, handoffs and feedback are in the product database (``SWITCHBOARD_DATABASE_URL``
or ``var/switchboard.db``). Evaluation traffic is never counted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from typing import Any, Optional

from bot import paths

SINCE = re.compile(r"^(\d{1,4})([dh])$")


def default_source() -> str:
    """The SQL event broker's database of the embedded profile."""
    return f"sqlite:///{paths.var_dir() / 'events.db'}"


def parse_since(text: str) -> float:
    """Seconds in ``30d`` or ``12h``.

    Raises:
        argparse.ArgumentTypeError: another shape.
    """
    match = SINCE.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of days or hours, e.g. 30d or 12h")
    return int(match.group(1)) * (86400 if match.group(2) == "d" else 3600)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Sub-commands of ``python -m bot analytics``."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = __doc__.split("\n\n")[1]
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database-url", help="product database (default: SWITCHBOARD_DATABASE_URL or var/switchboard.db)")
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    sub.required = True
    ingest = sub.add_parser("ingest", parents=[common], help="copy new events into the analytics store")
    ingest.add_argument("--source", help="events table to read (default: the SQL event broker, var/events.db)")
    ingest.add_argument("--batch", type=int, default=1000, help="rows per transaction (default %(default)s)")
    kpis = sub.add_parser("kpis", parents=[common], help="the KPIs against kpis.yml's targets")
    kpis.add_argument("--since", type=parse_since, default=parse_since("30d"), help="how far back (default 30d)")
    kpis.add_argument("--json", action="store_true", help="print JSON")


def gather(database_url: Optional[str], since: float, now: float) -> dict[str, Any]:
    """KPIs of the conversations of the last ``since`` seconds, with the targets they are measured against."""
    from bot.analytics.kpis import HandoffTiming, Rating, compute_kpis, conversations_from_events
    from bot.analytics.store import AnalyticsStore
    from bot.analytics.targets import against_targets, load_targets
    from bot.feedback import FeedbackStore
    from bot.handoff.policy import get_policy
    from bot.handoff.store import AGENT_REPLY, HandoffStore

    store = AnalyticsStore(database_url)
    ids = store.conversation_ids(now - since, now)
    conversations = conversations_from_events(store.events_of(ids), now)
    handoffs_store = HandoffStore(database_url)
    handoffs = []
    for conversation_id in {c.conversation_id for c in conversations}:
        for handoff in handoffs_store.for_conversation(conversation_id):
            replies = handoffs_store.messages_of(handoff.id, kinds=(AGENT_REPLY,))
            handoffs.append(HandoffTiming(conversation_id, handoff.reason, handoff.created_at, handoff.claimed_at,
                                          handoff.resolved_at, replies[0].created_at if replies else None))
    start = dt.datetime.fromtimestamp(now - since, dt.timezone.utc)
    end = dt.datetime.fromtimestamp(now, dt.timezone.utc)
    ratings = [Rating(cid, rating, when) for cid, rating, when in FeedbackStore(database_url).ratings_between(start, end)]
    kpis = compute_kpis(conversations, handoffs, ratings, get_policy().hours, now)
    kpis["targets"] = against_targets(kpis["overall"], load_targets())
    kpis["window"] = {"since": start.isoformat(), "until": end.isoformat()}
    return kpis


def run(args: argparse.Namespace) -> int:
    """Entry point of ``python -m bot analytics``."""
    from bot.analytics.targets import TargetsError

    if args.action == "ingest":
        from bot.analytics.ingest import ingest
        from bot.analytics.store import AnalyticsStore

        source = args.source or default_source()
        started = time.monotonic()
        read, added = ingest(AnalyticsStore(args.database_url), source, args.batch,
                             progress=lambda r, a: print(f"\r{r} events read, {a} new", end="", file=sys.stderr))
        print(f"\n{read} events read from {source}, {added} new, in {time.monotonic() - started:.1f} s",
              file=sys.stderr)
        return 0
    try:
        kpis = gather(args.database_url, args.since, time.time())
    except TargetsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(kpis, indent=2, default=str))
        return 0
    overall = kpis["overall"]
    print(f"{overall['conversations']} conversations since {kpis['window']['since'][:10]}")
    for kpi, entry in kpis["targets"].items():
        mark = {True: "ok  ", False: "MISS", None: "-   "}[entry["met"]]
        print(f"  {mark} {kpi:<42} {entry['value'] if entry['value'] is not None else 'no data':>10}  "
              f"(target {'>=' if entry['direction'] == 'higher' else '<='} {entry['target']:g})")
    return 0
