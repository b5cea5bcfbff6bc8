"""Rasa's event broker feeds the analytics store: real servers, encrypted broker table, evaluation left out."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_events_of_a_real_conversation_reach_the_analytics_store(live_bot, tmp_path: Path) -> None:
    from bot.analytics.ingest import ingest
    from bot.analytics.kpis import conversations_from_events
    from bot.analytics.store import AnalyticsStore

    sender = f"analytics-{uuid.uuid4().hex[:8]}"
    secret = f"canary-{uuid.uuid4().hex}"
    assert live_bot.texts(sender, "hi")
    assert live_bot.texts(sender, f"how much is shipping {secret}")
    assert live_bot.rest(f"eval-{uuid.uuid4().hex[:6]}", "hi", metadata={"evaluation": True}).status == 200

    broker = live_bot.workdir / "events.db"
    assert broker.exists() and secret.encode() not in broker.read_bytes()  # encrypted at rest
    store = AnalyticsStore(f"sqlite:///{tmp_path / 'analytics.db'}")
    read, added = ingest(store, f"sqlite:///{broker}")
    assert read >= added > 0
    assert ingest(store, f"sqlite:///{broker}") == (0, 0)  # incremental: nothing new
    conversation = live_bot.conversation_id(sender)
    ids = store.conversation_ids(0, time.time() + 1)
    assert conversation in ids
    assert not any(i.startswith("rest:eval-") for i in ids)  # evaluation traffic is never counted
    [found] = conversations_from_events(store.events_of([conversation]), time.time())
    assert (found.channel, found.customer_turns, found.involved, found.handed_off) == ("webchat", 2, True, False)
