"""Dedupe cache, ordered dispatcher and retried sends (connectors/delivery.py)."""

from __future__ import annotations

import asyncio
import random
from typing import Dict, List, Optional, Tuple

import pytest

from connectors.delivery import DeliveryStats, OrderedDispatcher, Overloaded, SeenCache, send_with_retry


def test_seen_cache_detects_duplicates_and_forgets_oldest() -> None:
    cache = SeenCache(max_items=3)
    assert [cache.check_and_add(k) for k in (1, 2, 1, 3, 4)] == [False, False, True, False, False]
    assert len(cache) == 3
    assert cache.check_and_add(1) is False  # 1 was the oldest, evicted when 4 came


def test_seen_cache_expires_after_ttl() -> None:
    now = [0.0]
    cache = SeenCache(ttl_seconds=10, clock=lambda: now[0])
    cache.check_and_add("a")
    now[0] = 9.0
    assert cache.check_and_add("a") is True
    now[0] = 20.0
    assert cache.check_and_add("a") is False


def test_seen_cache_validates() -> None:
    with pytest.raises(ValueError, match="max_items must be > 0, got 0"):
        SeenCache(max_items=0)


def test_order_is_kept_per_key_and_keys_run_concurrently() -> None:
    async def scenario() -> Tuple[Dict[str, List[int]], int]:
        seen: Dict[str, List[int]] = {}
        running = 0
        peak = 0

        async def handler(item: Tuple[str, int]) -> None:
            nonlocal running, peak
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(random.uniform(0, 0.003))
            seen.setdefault(item[0], []).append(item[1])
            running -= 1

        dispatcher: OrderedDispatcher[str, Tuple[str, int]] = OrderedDispatcher(handler)
        for index in range(20):
            for key in ("a", "b", "c", "d"):
                dispatcher.submit(key, (key, index))
        await dispatcher.join()
        assert dispatcher.pending == 0
        return seen, peak

    random.seed(7)
    seen, peak = asyncio.run(scenario())
    assert seen == {key: list(range(20)) for key in "abcd"}
    assert 1 < peak <= 4  # concurrent across keys, never two at once for one key


def test_a_failing_item_is_counted_and_the_next_still_runs() -> None:
    async def scenario() -> Tuple[List[int], DeliveryStats]:
        done: List[int] = []
        stats = DeliveryStats()

        async def handler(item: int) -> None:
            if item == 1:
                raise RuntimeError("boom")
            done.append(item)

        dispatcher: OrderedDispatcher[str, int] = OrderedDispatcher(handler, stats)
        for item in (0, 1, 2):
            dispatcher.submit("k", item)
        await dispatcher.join()
        return done, stats

    done, stats = asyncio.run(scenario())
    assert done == [0, 2]
    assert (stats.processed, stats.processing_errors) == (2, 1)


def test_overload_refuses_new_items() -> None:
    async def scenario() -> DeliveryStats:
        stats = DeliveryStats()
        gate = asyncio.Event()

        async def handler(_: int) -> None:
            await gate.wait()

        dispatcher: OrderedDispatcher[str, int] = OrderedDispatcher(handler, stats, max_pending=2)
        dispatcher.submit("a", 1)
        dispatcher.submit("b", 2)
        with pytest.raises(Overloaded):
            dispatcher.submit("c", 3)
        gate.set()
        await dispatcher.join()
        dispatcher.submit("c", 3)  # room again
        await dispatcher.join()
        return stats

    assert asyncio.run(scenario()).overloaded == 1


class Transient(Exception):
    pass


class Permanent(Exception):
    pass


def classify(error: BaseException) -> Optional[float]:
    return 0.0 if isinstance(error, Transient) else None


def test_transient_failures_are_retried_then_succeed() -> None:
    calls: List[int] = []

    async def send() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise Transient()
        return "ok"

    stats = DeliveryStats()
    assert asyncio.run(send_with_retry(send, classify, stats, "test", attempts=5, backoff_seconds=0.001)) == "ok"
    assert (len(calls), stats.sent, stats.retried, stats.failed) == (3, 1, 2, 0)


def test_permanent_failure_is_logged_and_counted_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    async def send() -> str:
        raise Permanent("secret body text")

    stats = DeliveryStats()
    assert asyncio.run(send_with_retry(send, classify, stats, "test send", backoff_seconds=0.001)) is None
    assert (stats.sent, stats.failed) == (0, 1)
    assert "test send failed (permanent error): Permanent" in caplog.text
    assert "secret body text" not in caplog.text


def test_retries_run_out() -> None:
    async def send() -> str:
        raise Transient()

    stats = DeliveryStats()
    assert asyncio.run(send_with_retry(send, classify, stats, "t", attempts=3, backoff_seconds=0.001)) is None
    assert (stats.retried, stats.failed) == (2, 1)


def test_the_platform_wait_is_honoured() -> None:
    async def scenario() -> float:
        tries: List[float] = []
        loop = asyncio.get_running_loop()

        async def send() -> str:
            tries.append(loop.time())
            if len(tries) == 1:
                raise Transient()
            return "ok"

        await send_with_retry(send, lambda e: 0.2, DeliveryStats(), "t", backoff_seconds=0.001)
        return tries[1] - tries[0]

    assert asyncio.run(scenario()) >= 0.19  # loop clock resolution


def test_at_most_max_concurrent_items_run_at_once() -> None:
    async def scenario() -> int:
        running = 0
        peak = 0

        async def handler(_: int) -> None:
            nonlocal running, peak
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.001)
            running -= 1

        dispatcher: OrderedDispatcher[int, int] = OrderedDispatcher(handler, max_concurrent=2)
        for key in range(6):
            for item in range(3):
                dispatcher.submit(key, item)
        await dispatcher.join()
        return peak

    assert asyncio.run(scenario()) == 2
