"""Split invariants, property-based: partition by conversation, determinism, stratified shares."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.data.schema import Conversation, Turn
from bot.data.split import UNLABELLED, primary_intent, split_conversations, validate_ratios

INTENTS = ["order_status", "return_item", "greet", "complaint", "shipping_info"]


def make(conversation_id: str, intents: list[str | None]) -> Conversation:
    return Conversation(
        conversation_id=conversation_id,
        turns=[Turn(role="customer", text=f"message {i}", intent=intent) for i, intent in enumerate(intents)],
    )


conversations_strategy = st.lists(
    st.lists(st.one_of(st.none(), st.sampled_from(INTENTS)), min_size=1, max_size=4), max_size=120,
).map(lambda rows: [make(f"conv-{i:04d}", intents) for i, intents in enumerate(rows)])

ratios_strategy = st.lists(st.integers(min_value=0, max_value=20), min_size=2, max_size=4).filter(lambda w: sum(w) > 0).map(
    lambda weights: {f"part{i}": w / sum(weights) for i, w in enumerate(weights)}
)


@settings(max_examples=150, deadline=None)
@given(conversations=conversations_strategy, ratios=ratios_strategy, seed=st.integers(0, 10_000))
def test_every_conversation_lands_in_exactly_one_split(conversations, ratios, seed) -> None:
    splits = split_conversations(conversations, ratios, seed)
    assigned = [c.conversation_id for part in splits.values() for c in part]
    assert sorted(assigned) == sorted(c.conversation_id for c in conversations)
    assert list(splits) == list(ratios)


@settings(max_examples=100, deadline=None)
@given(conversations=conversations_strategy, ratios=ratios_strategy, seed=st.integers(0, 10_000))
def test_split_is_deterministic_and_independent_of_input_order(conversations, ratios, seed) -> None:
    first = split_conversations(conversations, ratios, seed)
    shuffled = list(conversations)
    random.Random(seed).shuffle(shuffled)
    second = split_conversations(shuffled, ratios, seed)
    assert {k: sorted(c.conversation_id for c in v) for k, v in first.items()} == \
        {k: sorted(c.conversation_id for c in v) for k, v in second.items()}


@settings(max_examples=150, deadline=None)
@given(conversations=conversations_strategy, ratios=ratios_strategy, seed=st.integers(0, 10_000))
def test_shares_follow_the_ratios_per_stratum_and_overall(conversations, ratios, seed) -> None:
    splits = split_conversations(conversations, ratios, seed)
    total = len(conversations)
    strata = Counter(primary_intent(c) for c in conversations)
    for name, part in splits.items():
        assert abs(len(part) - ratios[name] * total) < 1 + 1e-9
        per_stratum = Counter(primary_intent(c) for c in part)
        for stratum, size in strata.items():
            assert abs(per_stratum[stratum] - ratios[name] * size) < 2 + 1e-9
        if ratios[name] == 0:
            assert part == []


def test_different_seeds_give_different_splits() -> None:
    conversations = [make(f"c{i}", ["order_status"]) for i in range(100)]
    a = split_conversations(conversations, seed=1)["test"]
    b = split_conversations(conversations, seed=2)["test"]
    assert {c.conversation_id for c in a} != {c.conversation_id for c in b}


def test_primary_intent_is_the_most_frequent_then_first() -> None:
    assert primary_intent(make("a", ["greet", "order_status", "order_status"])) == "order_status"
    assert primary_intent(make("b", ["greet", "order_status"])) == "greet"
    assert primary_intent(make("c", [None])) == UNLABELLED


def test_bad_ratios_and_duplicate_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="sum to 1"):
        validate_ratios({"train": 0.8, "test": 0.1})
    with pytest.raises(ValueError, match=">= 0"):
        validate_ratios({"train": 1.2, "test": -0.2})
    with pytest.raises(ValueError, match="duplicate conversation_id"):
        split_conversations([make("x", ["greet"]), make("x", ["greet"])])
