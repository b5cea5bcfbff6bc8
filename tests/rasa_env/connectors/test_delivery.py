"""Retried sends (connectors/delivery.py)."""

from __future__ import annotations

import asyncio
from typing import List, Optional

import pytest

from connectors.delivery import DeliveryStats, send_with_retry


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


def test_replies_already_sent_before_a_crash_are_not_sent_again() -> None:
    from rasa.core.channels.channel import CollectingOutputChannel

    from connectors.channel_support import send_replies

    replies = [{"recipient_id": "telegram:1", "text": f"part {n}"} for n in (1, 2, 3)]
    recorded: List[int] = []

    async def record(number: int) -> None:
        recorded.append(number)

    output = CollectingOutputChannel()
    asyncio.run(send_replies(output, "telegram:1", replies, already_sent=1, on_sent=record))
    assert [m["text"] for m in output.messages] == ["part 2", "part 3"]
    assert recorded == [2, 3]
