"""The intake worker (bot/intake/worker.py): order per conversation, retries, dead letters."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import List, Tuple

from bot.intake.store import DEAD, DONE, InboxItem, InboxStore
from bot.intake.worker import IntakeWorker


def _store(tmp_path: Path) -> InboxStore:
    return InboxStore(f"sqlite:///{tmp_path / 'switchboard.db'}")


async def _until(condition, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


def test_messages_run_in_order_per_conversation_and_conversations_in_parallel(tmp_path: Path) -> None:
    store = _store(tmp_path)
    log: List[Tuple[str, int]] = []
    running = {"now": 0, "peak": 0}

    async def handle(item: InboxItem) -> None:
        running["now"] += 1
        running["peak"] = max(running["peak"], running["now"])
        await asyncio.sleep(0.02)
        log.append((item.conversation_id, item.payload["n"]))
        running["now"] -= 1

    async def scenario() -> None:
        worker = IntakeWorker(store, "telegram", handle, max_concurrent=3, poll_seconds=0.05)
        worker.start()
        for n in range(30):
            store.accept("telegram", str(n), f"conv-{n % 3}", {"n": n})
            worker.wake()
        await _until(lambda: len(log) == 30)
        await worker.stop()

    asyncio.run(scenario())
    for conversation in ("conv-0", "conv-1", "conv-2"):
        numbers = [n for c, n in log if c == conversation]
        assert numbers == sorted(numbers)
    assert running["peak"] > 1  # conversations ran side by side
    assert store.counts("telegram")[DONE] == 30


def test_a_failing_message_is_retried_with_backoff_and_then_succeeds(tmp_path: Path) -> None:
    store = _store(tmp_path)
    attempts: List[int] = []

    async def handle(item: InboxItem) -> None:
        attempts.append(item.attempts)
        if len(attempts) < 3:
            raise RuntimeError("the action server is down")

    async def scenario() -> None:
        worker = IntakeWorker(store, "twilio_sms", handle, backoff_seconds=0.05, poll_seconds=0.02)
        assert [worker.retry_delay(n) for n in (1, 2, 3)] == [0.05, 0.1, 0.2]
        worker.start()
        store.accept("twilio_sms", "SM1", "sms:a", {"body": "hi"})
        await _until(lambda: store.counts("twilio_sms")[DONE] == 1)
        await worker.stop()

    asyncio.run(scenario())
    assert attempts == [0, 1, 2]


def test_after_the_last_try_the_message_is_a_dead_letter_and_the_customer_is_told(tmp_path: Path) -> None:
    store = _store(tmp_path)
    told: List[str] = []
    later: List[int] = []

    async def handle(item: InboxItem) -> None:
        if item.payload["n"] == 1:
            raise RuntimeError("boom: customer text must not be stored")
        later.append(item.payload["n"])

    async def on_dead(item: InboxItem) -> None:
        told.append(item.conversation_id)

    async def scenario() -> None:
        worker = IntakeWorker(store, "slack", handle, on_dead, max_attempts=3, backoff_seconds=0.01,
                              poll_seconds=0.02)
        worker.start()
        store.accept("slack", "Ev1", "slack:T1:U1", {"n": 1})
        store.accept("slack", "Ev2", "slack:T1:U1", {"n": 2})
        await _until(lambda: later == [2])
        await worker.stop()

    asyncio.run(scenario())
    [dead] = store.in_state(DEAD)
    assert (dead.attempts, dead.last_error) == (3, "RuntimeError")  # the type only: no message content
    assert told == ["slack:T1:U1"]


def test_a_message_cut_short_at_shutdown_stays_pending(tmp_path: Path) -> None:
    store = _store(tmp_path)

    async def handle(item: InboxItem) -> None:
        await asyncio.sleep(30)

    async def scenario() -> int:
        worker = IntakeWorker(store, "telegram", handle, poll_seconds=0.02)
        worker.start()
        store.accept("telegram", "1", "a", {})
        await _until(lambda: worker.stats.running == 1)
        return await worker.stop(drain_seconds=0.1)

    assert asyncio.run(scenario()) == 1
    [item] = store.due("telegram")
    assert item.attempts == 0  # not counted as a failure: it runs again after the restart
