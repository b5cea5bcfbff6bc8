"""What encryption at rest costs the tracker store: save + load of a 50-event conversation.

Run with the Rasa environment (``make bench-privacy``)::

    PYTHONPATH=. .venv/rasa/bin/python benchmarks/privacy.py [--repeats 1000] [--events 50]

Each repeat saves a new 50-event conversation (the turns of a support chat: user messages with
their NLU parse, slots, actions, bot replies) into Rasa's plain ``SQLTrackerStore`` and into
:class:`bot.tracker_store.EncryptedSQLTrackerStore`, each on its own SQLite file in the same
folder, and loads it back (``retrieve``); the two stores run interleaved, in a random order per
pair, so that load on the shared machine hits both alike. The overhead is the ratio of the mean
times minus one; its 95 % interval comes from a bootstrap over the pairs (10,000 resamples, fixed
seed), and ``encryption_overhead_pct`` is the interval's upper bound (goal: at most 10 %).

Results: ``benchmarks/results/privacy.json`` with the raw timings of every repeat.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rasa.core.tracker_store import SQLTrackerStore  # noqa: E402  (Rasa environment)
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402

from benchmarks.connectors_load import code_version, load_average  # noqa: E402
from bot.tracker_store import EncryptedSQLTrackerStore  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "privacy.json"
GOAL_PCT = 10.0
TURNS = [
    ("Hi, where is my order HP-482913? It was supposed to arrive on Monday.", "order_status",
     "Sure, I can check that. What is the e-mail address the order was placed with?"),
    ("pat.doe@example.com", "inform", "Thanks. Order HP-482913 shipped on 3 December with UPS, tracking 1Z999AA10123456784."),
    ("Can I change the delivery address to 12 Elm Street, Springfield?", "change_address",
     "Once an order has shipped, the carrier can redirect it; here is how to ask UPS to do that."),
    ("ok and how do returns work if the jacket does not fit", "returns_policy",
     "You can return unworn items within 30 days for a full refund; start a return from your account page."),
    ("my card ending 4242 was charged twice", "complaint",
     "I'm sorry about that. I'll pass this to a colleague from the care team who can look at the charges."),
    ("thanks", "thank", "You're welcome! Is there anything else I can help with?"),
    ("no that's all", "deny", "Have a great day, Pat!"),
    ("actually one more thing, do you ship to Canada?", "shipping_international",
     "Yes, we ship to Canada; delivery takes 5-8 business days and duties are shown at checkout."),
    ("great", "affirm", "Glad I could help."),
    ("bye", "goodbye", "Goodbye!"),
]


def conversation(sender: str, events: int) -> DialogueStateTracker:
    """A support conversation of exactly ``events`` events, with realistic texts and NLU parses."""
    built: List[Event] = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    turn = 0
    while len(built) < events:
        text, intent, reply = TURNS[turn % len(TURNS)]
        parse = {"intent": {"name": intent, "confidence": 0.93},
                 "intent_ranking": [{"name": intent, "confidence": 0.93}, {"name": "nlu_fallback", "confidence": 0.04}],
                 "entities": [], "text": text}
        built += [UserUttered(text, parse["intent"], parse_data=parse, input_channel="webchat",
                              metadata={"client_key": "c" * 32}),
                  SlotSet("last_question", text), ActionExecuted("utter_answer", policy="RulePolicy", confidence=1.0),
                  BotUttered(reply, {"buttons": None}, metadata={"utter_action": "utter_answer"}),
                  ActionExecuted("action_listen")]
        turn += 1
    return DialogueStateTracker.from_events(sender, built[:events])


async def save_and_load(store: Any, tracker: DialogueStateTracker) -> float:
    started = time.perf_counter()
    await store.save(tracker)
    loaded = await store.retrieve_full_tracker(tracker.sender_id)
    elapsed = time.perf_counter() - started
    assert loaded is not None and len(loaded.events) == len(tracker.events)
    return elapsed


def bootstrap_ratio(plain: List[float], encrypted: List[float], resamples: int, seed: int) -> List[float]:
    """Bootstrap distribution of mean(encrypted) / mean(plain) - 1 over resampled pairs."""
    rng = random.Random(seed)
    count = len(plain)
    ratios = []
    for _ in range(resamples):
        picks = [rng.randrange(count) for _ in range(count)]
        ratios.append(sum(encrypted[i] for i in picks) / sum(plain[i] for i in picks) - 1.0)
    return sorted(ratios)


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1000, help="pairs of runs (default %(default)s)")
    parser.add_argument("--events", type=int, default=50, help="events per conversation (default %(default)s)")
    parser.add_argument("--warm-up", type=int, default=20, help="pairs run first and not counted")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.repeats < 2 or args.events < 3:
        parser.error("--repeats must be >= 2 and --events >= 3")

    workdir = Path(tempfile.mkdtemp(prefix="switchboard-bench-privacy-"))
    os.environ.pop("SWITCHBOARD_DATA_KEY", None)  # a data key of its own, never the project's
    os.environ["SWITCHBOARD_DATA_KEY_FILE"] = str(workdir / "keys" / "data.key")
    domain = Domain.from_yaml("version: '3.1'\nslots:\n  last_question:\n    type: text\n    mappings: [{type: custom}]\n")
    stores = {
        "plain": SQLTrackerStore(domain=domain, dialect="sqlite", db=str(workdir / "plain.db")),
        "encrypted": EncryptedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(workdir / "encrypted.db")),
    }
    rng = random.Random(args.seed)
    timings: Dict[str, List[float]] = {"plain": [], "encrypted": []}
    load_start = load_average()
    started = time.monotonic()
    for number in range(args.warm_up + args.repeats):
        order = ["plain", "encrypted"]
        rng.shuffle(order)
        pair = {}
        for kind in order:
            tracker = conversation(f"webchat:bench-{number}-{kind}", args.events)
            pair[kind] = asyncio.run(save_and_load(stores[kind], tracker))
        if number >= args.warm_up:
            for kind, seconds in pair.items():
                timings[kind].append(seconds)
    wall = time.monotonic() - started

    plain, encrypted = timings["plain"], timings["encrypted"]
    ratios = bootstrap_ratio(plain, encrypted, 10_000, args.seed)
    point = (statistics.fmean(encrypted) / statistics.fmean(plain) - 1.0) * 100
    low, high = ratios[int(0.025 * len(ratios))] * 100, ratios[int(0.975 * len(ratios)) - 1] * 100
    result = {
        "benchmark": "encryption at rest: tracker store save + load of a conversation, plain vs encrypted",
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()},
        "command": "make bench-privacy (PYTHONPATH=. .venv/rasa/bin/python benchmarks/privacy.py "
                   + " ".join(argv if argv is not None else sys.argv[1:]) + ")",
        "code": code_version(),
        "load_average_at_start": load_start,
        "load_average_at_end": load_average(),
        "events_per_conversation": args.events,
        "repeats": args.repeats,
        "warm_up": args.warm_up,
        "database": "SQLite files in one temporary folder (Rasa's default engine settings)",
        "goal": f"encryption_overhead_pct <= {GOAL_PCT}",
        "encryption_overhead_pct": round(high, 2),
        "encryption_overhead_pct_definition": "upper bound of the 95% bootstrap interval of mean(encrypted) / "
                                              "mean(plain) - 1, over interleaved pairs, in percent",
        "encryption_overhead_pct_point": round(point, 2),
        "encryption_overhead_pct_ci95": [round(low, 2), round(high, 2)],
        "plain_ms_mean": round(statistics.fmean(plain) * 1000, 3),
        "encrypted_ms_mean": round(statistics.fmean(encrypted) * 1000, 3),
        "plain_ms_median": round(statistics.median(plain) * 1000, 3),
        "encrypted_ms_median": round(statistics.median(encrypted) * 1000, 3),
        "wall_seconds": round(wall, 1),
        "timings_ms": {kind: [round(value * 1000, 3) for value in values] for kind, values in timings.items()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"save + load of a {args.events}-event conversation: plain {result['plain_ms_mean']} ms, encrypted "
          f"{result['encrypted_ms_mean']} ms (means of {args.repeats}); overhead {point:.1f}% "
          f"(95% interval {low:.1f} to {high:.1f}%; goal <= {GOAL_PCT}%) -> {args.out}")
    return 0 if high <= GOAL_PCT else 1


if __name__ == "__main__":
    raise SystemExit(main())
