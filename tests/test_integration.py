"""The real Rasa server and action server together, over HTTP, across a restart."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.slow


def _all_text(texts: list[str]) -> str:
    return " ".join(texts)


def test_order_status_conversation_survives_a_rasa_restart(live_bot) -> None:
    sender = f"it-{uuid.uuid4().hex[:8]}"

    assert "Pip" in _all_text(live_bot.texts(sender, "hello there"))
    assert "order number" in _all_text(live_bot.texts(sender, "where is my order?")).lower()

    not_found = _all_text(live_bot.texts(sender, "HP-999999"))
    assert "couldn't find an order with the number HP-999999" in not_found

    # The custom action normalises the number and looks it up in data/orders.csv.
    report = _all_text(live_bot.texts(sender, "hp482913"))
    assert "HP-482913" in report and "UPS" in report and "1Z999AA10123456784" in report

    live_bot.restart_rasa()

    events = live_bot.tracker(sender)["events"]
    user_texts = [e.get("text") for e in events if e.get("event") == "user"]
    bot_texts = " ".join(e.get("text") or "" for e in events if e.get("event") == "bot")
    assert user_texts[:4] == ["hello there", "where is my order?", "HP-999999", "hp482913"]
    assert "1Z999AA10123456784" in bot_texts

    # The restarted server continues the same conversation.
    assert "welcome" in _all_text(live_bot.texts(sender, "thanks a lot!")).lower()
    assert len([e for e in live_bot.tracker(sender)["events"] if e.get("event") == "user"]) == 5


def test_feedback_is_validated_and_stored(live_bot) -> None:
    from bot.feedback import FeedbackStore

    sender = f"fb-{uuid.uuid4().hex[:8]}"
    assert "1 (poor) to 5" in _all_text(live_bot.texts(sender, "I'd like to leave some feedback"))
    assert "1 to 5" in _all_text(live_bot.texts(sender, "9"))
    assert "tell us" in _all_text(live_bot.texts(sender, "4")).lower()
    assert "thank you" in _all_text(live_bot.texts(sender, "Delivery was quick, sizing a bit off")).lower()

    stored = FeedbackStore(f"sqlite:///{live_bot.workdir / 'switchboard.db'}").for_conversation(sender)
    assert [(f.rating, f.comment, f.channel) for f in stored] == [(4, "Delivery was quick, sizing a bit off", "webchat")]


def test_two_misunderstandings_in_a_row_offer_a_person(live_bot) -> None:
    sender = f"fallback-{uuid.uuid4().hex[:8]}"
    first = _all_text(live_bot.texts(sender, "blorp zzzk wibble frobnicate"))
    assert "didn't quite get that" in first
    second = live_bot.say(sender, "gloop snarf quux plim")
    assert "talk to a person" in _all_text([m.get("text", "") for m in second])
    assert [b["payload"] for b in second[-1]["buttons"]] == ["/request_human", "/deny"]
