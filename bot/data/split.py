"""Train/validation/test splits: grouped by conversation, stratified by intent, seeded.

ML environment only (pydantic v2 models).

The unit of splitting is the conversation, so no conversation is ever in two splits. Each
conversation is stratified by its *primary intent*: the most frequent intent of its labelled
customer turns (ties: the one that occurs first), or ``_unlabelled``. Within a stratum the
conversations are ordered by id and shuffled with a generator seeded from ``seed`` and the
stratum name, so the result does not depend on input order. Counts per split follow the
ratios with a carry-over rounding across strata: each stratum is within 2 of its exact share
and each split's total within 1.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from typing import Dict, Iterable, List, Mapping, Sequence

from bot.data.schema import Conversation

UNLABELLED = "_unlabelled"
DEFAULT_RATIOS: Dict[str, float] = {"train": 0.8, "validation": 0.1, "test": 0.1}


def validate_ratios(ratios: Mapping[str, float]) -> Dict[str, float]:
    """Check split ratios (non-negative, sum to 1) and return them as a dict.

    Raises:
        ValueError: naming the bad ratios.
    """
    if not ratios:
        raise ValueError("split ratios are empty; give e.g. train=0.8, validation=0.1, test=0.1")
    if any(value < 0 for value in ratios.values()):
        raise ValueError(f"split ratios must be >= 0, got {dict(ratios)}")
    total = sum(ratios.values())
    if not math.isclose(total, 1.0, abs_tol=1e-6):
        raise ValueError(f"split ratios must sum to 1, got {dict(ratios)} (sum {total:g})")
    return dict(ratios)


def primary_intent(conversation: Conversation) -> str:
    """The stratum of a conversation (see module docstring)."""
    intents = [t.intent for _, t in conversation.customer_turns() if t.intent and not t.metadata.get("needs_review")]
    if not intents:
        return UNLABELLED
    counts = Counter(intents)
    best = max(counts.values())
    return next(i for i in intents if counts[i] == best)


def allocate(n: int, targets: Sequence[float]) -> List[int]:
    """Non-negative integers summing to ``n`` that stay as close as possible to ``targets``."""
    counts = [max(0, math.floor(t)) for t in targets]
    while sum(counts) < n:
        i = max(range(len(targets)), key=lambda k: (targets[k] - counts[k], -k))
        counts[i] += 1
    while sum(counts) > n:
        i = min((k for k in range(len(targets)) if counts[k] > 0), key=lambda k: (targets[k] - counts[k], k))
        counts[i] -= 1
    return counts


def split_conversations(
    conversations: Iterable[Conversation], ratios: Mapping[str, float] = DEFAULT_RATIOS, seed: int = 13
) -> Dict[str, List[Conversation]]:
    """Split conversations into named parts (see module docstring).

    Raises:
        ValueError: bad ratios or duplicate conversation ids.
    """
    ratios = validate_ratios(ratios)
    names = list(ratios)
    strata: Dict[str, List[Conversation]] = defaultdict(list)
    seen: set[str] = set()
    for conversation in conversations:
        if conversation.conversation_id in seen:
            raise ValueError(f"duplicate conversation_id {conversation.conversation_id!r}: ids must be unique to split")
        seen.add(conversation.conversation_id)
        strata[primary_intent(conversation)].append(conversation)
    result: Dict[str, List[Conversation]] = {name: [] for name in names}
    carry = [0.0] * len(names)
    for stratum in sorted(strata):
        members = sorted(strata[stratum], key=lambda c: c.conversation_id)
        random.Random(f"{seed}:{stratum}").shuffle(members)
        targets = [ratios[name] * len(members) + carry[i] for i, name in enumerate(names)]
        counts = allocate(len(members), targets)
        carry = [targets[i] - counts[i] for i in range(len(names))]
        position = 0
        for name, count in zip(names, counts):
            result[name].extend(members[position:position + count])
            position += count
    return result


def intent_counts(conversations: Iterable[Conversation]) -> Counter:
    """Labelled customer turns per intent (turns marked ``needs_review`` excluded)."""
    counts: Counter = Counter()
    for conversation in conversations:
        for _, turn in conversation.customer_turns():
            if turn.intent and not turn.metadata.get("needs_review"):
                counts[turn.intent] += 1
    return counts
