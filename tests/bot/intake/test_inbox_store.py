"""The durable inbox (bot/intake/store.py) on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.intake.store import DEAD, DONE, PENDING, InboxStore


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> InboxStore:
    return InboxStore(f"sqlite:///{tmp_path / 'switchboard.db'}", clock=clock)


def test_a_delivery_id_is_accepted_once_also_by_a_new_process(tmp_path: Path, store: InboxStore) -> None:
    assert store.accept("telegram", "1001", "telegram:7", {"text": "hi"}) is True
    assert store.accept("telegram", "1001", "telegram:7", {"text": "hi"}) is False
    assert store.accept("twilio_sms", "1001", "sms:abc", {"body": "hi"}) is True  # ids are per channel
    reopened = InboxStore(store.url)  # a restarted server
    assert reopened.accept("telegram", "1001", "telegram:7", {"text": "hi"}) is False


def test_only_the_oldest_message_of_each_conversation_is_due(store: InboxStore) -> None:
    for number, conversation in enumerate(["a", "b", "a", "c", "b"]):
        store.accept("telegram", str(number), conversation, {"n": number})
    due = store.due("telegram")
    assert [(item.conversation_id, item.payload["n"]) for item in due] == [("a", 0), ("b", 1), ("c", 3)]
    assert [item.conversation_id for item in store.due("telegram", exclude=["a"])] == ["b", "c"]
    store.mark_done(due[0].id)
    assert [item.payload["n"] for item in store.due("telegram")] == [1, 2, 3]


def test_a_message_waiting_for_its_retry_holds_back_its_conversation(store: InboxStore, clock: Clock) -> None:
    store.accept("telegram", "1", "a", {"n": 1})
    store.accept("telegram", "2", "a", {"n": 2})
    first = store.due("telegram")[0]
    store.mark_failed(first.id, "TurnFailed", retry_at=clock.now + 30)
    assert store.due("telegram") == []  # not the second message either: order is kept
    clock.now += 31
    [again] = store.due("telegram")
    assert (again.id, again.attempts, again.last_error) == (first.id, 1, "TurnFailed")


def test_done_clears_the_payload_and_dead_letters_can_be_retried_or_dropped(store: InboxStore) -> None:
    store.accept("twilio_sms", "SM1", "sms:x", {"from": "+15550000001", "body": "where is my order"})
    store.accept("twilio_sms", "SM2", "sms:y", {"from": "+15550000002", "body": "hello"})
    first, second = store.due("twilio_sms")
    store.mark_done(first.id)
    assert store.get(first.id).payload == {} and store.get(first.id).state == DONE
    store.mark_dead(second.id, "TurnFailed")
    assert [item.id for item in store.in_state(DEAD)] == [second.id]
    assert store.get(second.id).payload["body"] == "hello"  # kept for a manual retry
    assert store.retry(second.id) is True and store.get(second.id).state == PENDING
    assert store.retry(second.id) is False  # not a dead letter any more
    store.mark_dead(second.id, "TurnFailed")
    assert store.drop(second.id) is True
    assert store.counts("twilio_sms") == {PENDING: 0, DONE: 2, DEAD: 0}
    assert store.accept("twilio_sms", "SM2", "sms:y", {}) is False  # a dropped id stays seen


def test_sweep_forgets_answered_ids_after_their_channels_retention(store: InboxStore, clock: Clock) -> None:
    store.accept("telegram", "1", "a", {})
    store.accept("twilio_sms", "SM1", "b", {})
    store.accept("telegram", "2", "c", {})
    for item in store.due("telegram") + store.due("twilio_sms"):
        if item.delivery_id != "2":
            store.mark_done(item.id)
    clock.now += 25 * 3600
    removed = store.sweep({"telegram": 24 * 3600, "twilio_sms": 90 * 24 * 3600})
    assert removed == 1
    assert store.accept("telegram", "1", "a", {}) is True  # forgotten after its retry window
    assert store.accept("twilio_sms", "SM1", "b", {}) is False  # remembered for 90 days
    assert store.accept("telegram", "2", "c", {}) is False  # still pending: never swept


def test_a_batch_is_accepted_at_once_with_repeats_recognised(store: InboxStore) -> None:
    store.accept("telegram", "1", "a", {"n": 1})
    batch = [("telegram", "1", "a", {"n": 1}), ("telegram", "2", "a", {"n": 2}), ("telegram", "2", "a", {"n": 2}),
             ("slack", "1", "b", {"n": 3}), ("telegram", "3", "c", {"n": 4})]
    assert store.accept_many(batch) == [False, True, False, True, True]
    assert [item.payload["n"] for item in store.due("telegram")] == [1, 4]  # a: its oldest first; c
    assert store.counts() == {"pending": 4, "done": 0, "dead": 0}
