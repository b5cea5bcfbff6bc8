"""The handoff store on SQLite and PostgreSQL: one open handoff, atomic claims, idempotency, restarts."""

from __future__ import annotations

import datetime as dt
import threading

from bot.handoff.store import AGENT, QUEUED, RESOLVED, WAITING, HandoffStore


def open_one(store: HandoffStore, conversation: str = "c1", state: str = WAITING):
    return store.open(conversation, "telegram", "123456789", state, "customer_request", "intent request_human",
                      summary="wants a person", context=[{"role": "customer", "text": "a person please"}])


def test_one_open_handoff_per_conversation(store: HandoffStore) -> None:
    first, created = open_one(store)
    again, created_again = open_one(store)
    assert created and not created_again
    assert again.id == first.id and again.state == WAITING
    assert store.open_for("c1").context == [{"role": "customer", "text": "a person please"}]
    assert store.resolve(first.id, "U1")
    assert store.open_for("c1") is None
    second, created = open_one(store)
    assert created and second.id != first.id
    assert [h.state for h in store.for_conversation("c1")] == [RESOLVED, WAITING]


def test_two_agents_racing_to_claim(store: HandoffStore) -> None:
    """Many threads claim at the same moment; exactly one wins, on both databases."""
    for round_ in range(5):
        handoff, _ = open_one(store, f"race-{round_}")
        barrier = threading.Barrier(6)
        results: dict[str, bool] = {}

        def claim(agent: str) -> None:
            barrier.wait()
            results[agent] = store.claim(handoff.id, agent)

        threads = [threading.Thread(target=claim, args=(f"U{i}",)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        winners = [agent for agent, won in results.items() if won]
        assert len(winners) == 1, results
        assert store.get(handoff.id).owner == winners[0]
        assert store.get(handoff.id).state == AGENT


def test_transfer_only_by_the_owner(store: HandoffStore) -> None:
    handoff, _ = open_one(store)
    assert store.claim(handoff.id, "U1")
    assert not store.transfer(handoff.id, "U2", "U3")
    assert store.transfer(handoff.id, "U1", "U2")
    assert store.get(handoff.id).owner == "U2"


def test_resolve_happens_once(store: HandoffStore) -> None:
    handoff, _ = open_one(store)
    assert store.resolve(handoff.id, "U1")
    assert not store.resolve(handoff.id, "U2")
    assert not store.claim(handoff.id, "U2")
    assert store.get(handoff.id).state == RESOLVED


def test_first_time_keys(store: HandoffStore) -> None:
    assert store.first_time("slack-event:Ev1")
    assert not store.first_time("slack-event:Ev1")
    assert store.first_time("slack-event:Ev2")


def test_timeouts_and_queue(store: HandoffStore) -> None:
    old, _ = open_one(store, "old", WAITING)
    start = old.created_at
    assert store.expired_waiting(dt.timedelta(minutes=10), start + dt.timedelta(minutes=9)) == []
    expired = store.expired_waiting(dt.timedelta(minutes=10), start + dt.timedelta(minutes=10))
    assert [h.id for h in expired] == [old.id]
    assert store.queue(old.id, "Monday at 8 am Eastern")
    assert not store.queue(old.id, "Monday at 8 am Eastern")  # only once
    queued = store.get(old.id)
    assert (queued.state, queued.answer_by) == (QUEUED, "Monday at 8 am Eastern")
    assert store.claim(old.id, "U1")  # a queued ticket can be taken later


def test_positions_in_line(store: HandoffStore) -> None:
    first, _ = open_one(store, "a")
    second, _ = open_one(store, "b")
    assert (store.position(first), store.position(second)) == (1, 2)
    store.claim(first.id, "U1")
    assert store.position(store.get(second.id)) == 1


def test_state_survives_a_new_store_object(store: HandoffStore) -> None:
    """A restarted server opens the same database and finds the handoff, its thread and messages."""
    handoff, _ = open_one(store)
    store.set_thread(handoff.id, "C1", "1700000000.000100")
    store.claim(handoff.id, "U1")
    store.add_message(handoff.id, "customer", "customer", "hello?")
    reopened = HandoffStore(store.url)
    found = reopened.by_thread("C1", "1700000000.000100")
    assert (found.id, found.state, found.owner) == (handoff.id, AGENT, "U1")
    assert [m.text for m in reopened.messages_of(handoff.id)] == ["hello?"]
    reopened.engine.dispose()


def test_corrections(store: HandoffStore) -> None:
    handoff, _ = open_one(store)
    store.add_correction("c1", "telegram", "how long do refunds take?", "2 days", "5-7 business days", "U1",
                         handoff.id, [{"role": "customer", "text": "how long do refunds take?"}])
    [correction] = store.all_corrections()
    assert (correction.wrong_answer, correction.right_answer, correction.agent) == ("2 days", "5-7 business days", "U1")
