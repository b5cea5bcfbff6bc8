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

    # The custom action normalises the number and looks it up in data/orders.csv; the order is
    # shown only after the email or postcode it was placed with.
    asked = _all_text(live_bot.texts(sender, "hp482913"))
    assert "email address or the postcode" in asked and "1Z999AA10123456784" not in asked
    wrong = _all_text(live_bot.texts(sender, "02138"))
    assert "doesn't match" in wrong and "UPS" not in wrong and "shipped" not in wrong
    report = _all_text(live_bot.texts(sender, "Maya.Lindqvist@example.com"))
    assert "HP-482913" in report and "UPS" in report and "1Z999AA10123456784" in report

    live_bot.restart_rasa()

    events = live_bot.tracker(sender)["events"]
    user_texts = [e.get("text") for e in events if e.get("event") == "user"]
    bot_texts = " ".join(e.get("text") or "" for e in events if e.get("event") == "bot")
    assert user_texts[:6] == ["hello there", "where is my order?", "HP-999999", "hp482913", "02138",
                              "Maya.Lindqvist@example.com"]
    assert "1Z999AA10123456784" in bot_texts

    # The restarted server continues the same conversation.
    assert "welcome" in _all_text(live_bot.texts(sender, "thanks a lot!")).lower()
    assert len([e for e in live_bot.tracker(sender)["events"] if e.get("event") == "user"]) == 7


def test_order_lookups_lock_after_five_wrong_tries_even_in_a_new_conversation(live_bot) -> None:
    from bot.orders_lockout import OrderLookupLockout

    store = OrderLookupLockout(f"sqlite:///{live_bot.workdir / 'switchboard.db'}")
    try:
        first, second = (f"lock-{uuid.uuid4().hex[:8]}" for _ in range(2))
        for sender, guesses in ((first, ["10001", "10002", "10003"]), (second, ["10004", "10005"])):
            live_bot.texts(sender, "where is my order HP-300117?")
            said = [_all_text(live_bot.texts(sender, guess)) for guess in guesses]
            assert all("Linen" not in text and "delivered" not in text for text in said)
        assert "paused for 15 minutes" in said[-1] and "1-800-555-0142" in said[-1]
        # While it is locked the order is not shown, whoever asks.
        third = f"lock-{uuid.uuid4().hex[:8]}"
        locked = _all_text(live_bot.texts(third, "where is my order HP-300117?"))
        assert "paused for 15 minutes" in locked and "Linen" not in locked
        assert store.order_state("HP-300117").locked
    finally:
        # The web chat's client key is the client's address, 127.0.0.1 for every test: unlock it.
        with store.engine.begin() as connection:
            connection.execute(store.table.delete())
        store.close()


def test_a_customer_without_the_order_number_is_told_where_to_find_it(live_bot) -> None:
    sender = f"help-{uuid.uuid4().hex[:8]}"
    live_bot.texts(sender, "where is my order?")
    said = _all_text(live_bot.texts(sender, "I don't have my order number"))
    assert "order confirmation email" in said and "Account > Orders" in said
    # The form has ended: the next message is not taken as an order number.
    assert "Pip" in _all_text(live_bot.texts(sender, "hello"))


def test_feedback_is_validated_and_stored(live_bot) -> None:
    from bot.feedback import FeedbackStore

    sender = f"fb-{uuid.uuid4().hex[:8]}"
    assert "1 (poor) to 5" in _all_text(live_bot.texts(sender, "I'd like to leave some feedback"))
    assert "1 to 5" in _all_text(live_bot.texts(sender, "9"))
    assert "tell us" in _all_text(live_bot.texts(sender, "4")).lower()
    assert "thank you" in _all_text(live_bot.texts(sender, "Delivery was quick, sizing a bit off")).lower()

    stored = FeedbackStore(f"sqlite:///{live_bot.workdir / 'switchboard.db'}").for_conversation(
        live_bot.conversation_id(sender))
    assert [(f.rating, f.comment, f.channel) for f in stored] == [(4, "Delivery was quick, sizing a bit off", "webchat")]


def test_two_misunderstandings_in_a_row_offer_a_person(live_bot) -> None:
    sender = f"fallback-{uuid.uuid4().hex[:8]}"
    first = _all_text(live_bot.texts(sender, "blorp zzzk wibble frobnicate"))
    assert "didn't quite get that" in first
    second = live_bot.say(sender, "gloop snarf quux plim")
    assert "talk to a person" in _all_text([m.get("text", "") for m in second])
    assert [b["payload"] for b in second[-1]["buttons"]] == ["/request_human", "/deny"]
