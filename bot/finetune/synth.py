"""Generate the sample company's support conversations for fine-tuning (deterministic).

``python -m bot.finetune.synth --out data/finetune/raw/conversations.csv [--n 640 --seed 7]``
writes a CSV of single messages (``conversation_id,role,text,timestamp``), the export format
the data pipeline's ``csv`` reader imports. The conversations combine the topics of
:mod:`bot.finetune.topics` (customer phrasings, grounded agent replies, follow-ups) with
greetings, thanks, names and order numbers (personal data the pipeline must redact), and a
little of the noise real exports carry (extra spaces, HTML entities, a few repeated chats).

Each conversation draws one reply family (:data:`FAMILY_WEIGHTS`) and takes every agent reply
and every topic question from it, so conversations of different families share no reply. Two
families are half the size of the others, so that a split keeping each family whole
(:mod:`bot.finetune.split`) can give validation and test about a tenth each.
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import random
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional, Sequence

from bot.finetune import topics as T

logger = logging.getLogger(__name__)

DEFAULT_N = 640
DEFAULT_SEED = 7
FAMILY_WEIGHTS: tuple[int, ...] = (2, 2, 2, 2, 1, 1)
"""Relative share of conversations per reply family (see bot.finetune.topics.FAMILIES)."""


@dataclass(frozen=True)
class Message:
    """One message of a generated conversation."""

    conversation_id: str
    role: str
    text: str
    timestamp: str


def _fill(text: str, rng: random.Random, name: str) -> str:
    order = f"HP-{rng.randint(100000, 999999)}"
    variant = rng.random()
    if variant < 0.2:
        order = order.lower().replace("-", "")
    elif variant < 0.3:
        order = "#" + order
    return text.replace("{order}", order).replace("{name}", name)


def _noisy(text: str, rng: random.Random) -> str:
    """Customer typing habits: lower case, no final punctuation, doubled spaces, HTML entities."""
    roll = rng.random()
    if roll < 0.15:
        text = text.lower()
    elif roll < 0.22:
        text = text.rstrip("?.!")
    if rng.random() < 0.04:
        text = text.replace(" ", "  ", 1)
    if rng.random() < 0.03 and "&" not in text:
        text = text + " &amp; thanks"
    return text


def generate(n: int = DEFAULT_N, seed: int = DEFAULT_SEED) -> list[list[Message]]:
    """Generate ``n`` conversations (lists of messages), deterministic for a seed.

    Raises:
        ValueError: ``n`` is smaller than 1.
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    if len(FAMILY_WEIGHTS) != T.FAMILIES:
        raise ValueError(f"FAMILY_WEIGHTS has {len(FAMILY_WEIGHTS)} entries, expected {T.FAMILIES}")
    rng = random.Random(seed)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    conversations: list[list[Message]] = []
    topics = list(T.TOPICS)
    # Each family goes through the topics in its own shuffled order, so every family covers
    # every topic about equally often.
    orders: list[list[T.Topic]] = [[] for _ in range(T.FAMILIES)]
    for index in range(n):
        cid = f"hp-{index + 1:05d}"
        clock = start + timedelta(minutes=47 * index + rng.randint(0, 40))
        messages: list[Message] = []

        def add(role: str, text: str) -> None:
            nonlocal clock
            clock += timedelta(seconds=rng.randint(8, 120))
            messages.append(Message(cid, role, text, clock.isoformat().replace("+00:00", "Z")))

        name = rng.choice(T.FIRST_NAMES)
        family = rng.choices(range(T.FAMILIES), weights=FAMILY_WEIGHTS)[0]
        if not orders[family]:
            orders[family] = rng.sample(topics, len(topics))
        topic = orders[family].pop()
        if rng.random() < 0.15:
            add("customer", rng.choice(T.GREETINGS))
            add("agent", rng.choice(T.GREETING_REPLIES[family]))
            opener = ""
        elif rng.random() < 0.12:
            opener = rng.choice(T.INTRO_WITH_NAME)
        else:
            opener = rng.choice(T.OPENERS)
        question = rng.choice(T.questions_for(topic, family))
        if opener and question[:1].isupper() and not opener.endswith(". ") and not opener.endswith("! "):
            question = question[0].lower() + question[1:]
        add("customer", _noisy(_fill(opener + question, rng, name), rng))
        add("agent", topic.answers[family])

        roll = rng.random()
        if topic.followups and roll < 0.45:
            follow = rng.choice(topic.followups)
            add("customer", _noisy(_fill(rng.choice(follow.questions), rng, name), rng))
            add("agent", follow.answers[family])
        elif roll < 0.6:
            other = rng.choice([t for t in topics if t.id != topic.id])
            prefix = rng.choice(["Also, ", "One more thing: ", "And ", "Another question, ", ""])
            second = rng.choice(T.questions_for(other, family))
            if prefix:
                second = second[0].lower() + second[1:]
            add("customer", _noisy(_fill(prefix + second, rng, name), rng))
            add("agent", other.answers[family])
        if rng.random() < 0.4:
            add("customer", rng.choice(T.THANKS))
            add("agent", rng.choice(T.THANKS_REPLIES[family]))
        conversations.append(messages)

    # Real exports repeat some chats (re-sent transcripts); the pipeline removes duplicates.
    for index in range(0, n, 97):
        copy = [Message(f"{m.conversation_id}-dup", m.role, m.text, m.timestamp) for m in conversations[index]]
        conversations.append(copy)
    return conversations


def write_csv(conversations: Sequence[Sequence[Message]], path: Path) -> int:
    """Write the messages as a CSV (atomically: temp file then rename); returns the row count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["conversation_id", "role", "text", "timestamp"])
            for conversation in conversations:
                for message in conversation:
                    writer.writerow([message.conversation_id, message.role, message.text, message.timestamp])
                    rows += 1
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return rows


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Command line: generate the conversations CSV."""
    parser = argparse.ArgumentParser(prog="python -m bot.finetune.synth", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("data/finetune/raw/conversations.csv"))
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="number of conversations")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    conversations = generate(args.n, args.seed)
    rows = write_csv(conversations, args.out)
    exchanges = sum(1 for c in conversations for m in c if m.role == "agent")
    logger.info("Wrote %d conversations, %d messages, %d agent replies to %s", len(conversations), rows, exchanges, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
