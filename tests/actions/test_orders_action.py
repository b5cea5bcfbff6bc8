"""The order-status form's actions (actions/orders.py) with real rasa_sdk Trackers and dispatchers.

A small driver plays Rasa's part of the form: it fills the requested slot from the customer's text,
runs the validation action, applies its events, asks for the next slot and, once the form is done,
runs action_report_order_status, as the rule "Submit the order status form" does. The lockout is a
real SQLite database in tmp_path with a fake clock.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.orders as order_actions
from actions.orders import ActionOrderLookupHelp, ActionReportOrderStatus, ValidateOrderStatusForm
from bot.orders_lockout import LOCK_DURATION, MAX_WRONG_TRIES, OrderLookupLockout

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
RESPONSES = {name: variants[0]["text"] for name, variants in DOMAIN["responses"].items()}
FORM_SLOTS = DOMAIN["forms"]["order_status_form"]["required_slots"]
TRACKING = "1Z999AA10123456784"
# Everything about HP-482913 that must stay hidden until it is confirmed.
SECRETS_OF_482913 = ["shipped", "UPS", TRACKING, "Merino", "2026-11-27", "maya", "02139"]


class Clock:
    def __init__(self) -> None:
        self.at = dt.datetime(2026, 12, 7, 15, 0, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.at


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def lockout(tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[OrderLookupLockout]:
    store = OrderLookupLockout(f"sqlite:///{tmp_path / 'switchboard.db'}", now=clock)
    monkeypatch.setattr(order_actions, "_lockout", lambda: store)
    yield store
    store.close()


def _run(action: Any, tracker: Tracker, domain: Optional[dict] = None) -> tuple[list[dict[str, Any]], list[dict]]:
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, tracker, domain or DOMAIN)
    events = asyncio.run(result) if asyncio.iscoroutine(result) else result
    return dispatcher.messages, events


def _said(messages: list[dict[str, Any]]) -> list[str]:
    """Response names, or the text of plain-text messages."""
    return [m.get("response") or m.get("text") or "" for m in messages]


class Conversation:
    """One conversation in the order form, as Rasa would run it."""

    def __init__(self, sender: str, client_key: Optional[str] = None) -> None:
        self.sender = sender
        self.client_key = client_key
        self.slots: dict[str, Any] = {"order_number": None, "order_verification": None,
                                      "order_lookup_failures": 0, "order_lookup_stopped": False,
                                      "requested_slot": None}
        self.active = False
        self.messages: list[dict[str, Any]] = []

    def _tracker(self, text: str, intent: str, candidates: dict[str, Any]) -> Tracker:
        metadata = {"client_key": self.client_key} if self.client_key else {}
        events: list[dict[str, Any]] = [
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}, "metadata": metadata},
            {"event": "action", "name": "order_status_form"},
        ] + [{"event": "slot", "name": name, "value": value} for name, value in candidates.items()]
        return Tracker(
            sender_id=self.sender,
            slots={**self.slots, **candidates},
            latest_message={"text": text, "intent": {"name": intent}, "entities": [], "metadata": metadata},
            events=events,
            paused=False,
            followup_action=None,
            active_loop={"name": "order_status_form"},
            latest_action_name="order_status_form",
        )

    def _form(self, text: str, intent: str, candidates: dict[str, Any]) -> list[str]:
        messages, events = _run(ValidateOrderStatusForm(), self._tracker(text, intent, candidates))
        said = _said(messages)
        self.slots.update(candidates)
        requested_by_action = [e["value"] for e in events if e["event"] == "slot" and e["name"] == "requested_slot"]
        for event in events:
            if event["event"] == "slot":
                self.slots[event["name"]] = event["value"]
        if requested_by_action:
            requested = requested_by_action[-1]
        else:  # the form itself asks for the first empty slot
            requested = next((slot for slot in FORM_SLOTS if self.slots.get(slot) is None), None)
        self.slots["requested_slot"] = requested
        if requested:
            said.append(f"utter_ask_{requested}")
            return said
        # The form is done: the rule runs action_report_order_status.
        self.active = False
        report_messages, report_events = _run(ActionReportOrderStatus(), self._tracker(text, intent, {}))
        for event in report_events:
            self.slots[event["name"]] = event["value"]
        self.slots["requested_slot"] = None
        return said + _said(report_messages) + ["utter_anything_else"]

    def start(self, text: str = "where is my order?", order_number: Optional[str] = None) -> list[str]:
        """The customer asks for an order (optionally naming it): the form activates."""
        self.active = True
        return self._form(text, "order_status", {"order_number": order_number} if order_number else {})

    def answer(self, text: str, intent: str = "inform") -> list[str]:
        """The customer answers what the form asked (the slot is filled from the text)."""
        assert self.active, "the form is not active"
        return self._form(text, intent, {self.slots["requested_slot"]: text})


def _shows_nothing_of_482913(said: list[str]) -> bool:
    text = " ".join(said)
    return not any(secret.lower() in text.lower() for secret in SECRETS_OF_482913)


def test_details_only_after_the_right_email(lockout: OrderLookupLockout) -> None:
    chat = Conversation("conv-1")
    assert chat.start() == ["utter_ask_order_number"]
    assert chat.answer("hp482913") == ["utter_ask_order_verification"]
    said = chat.answer("  Maya.Lindqvist@Example.com ")
    assert said[-1] == "utter_anything_else" and TRACKING in said[0] and "UPS" in said[0]
    assert chat.slots["order_number"] is None and chat.slots["order_verification"] is None


def test_a_wrong_postcode_shows_nothing_and_asks_again(lockout: OrderLookupLockout) -> None:
    chat = Conversation("conv-2")
    assert chat.start(order_number="HP-482913") == ["utter_ask_order_verification"]
    said = chat.answer("my zip is 02138")
    assert said == ["utter_order_verification_mismatch", "utter_ask_order_verification"]
    assert _shows_nothing_of_482913(said)
    mismatch = RESPONSES["utter_order_verification_mismatch"]
    assert "email" in mismatch and "postcode" in mismatch and "wrong" not in mismatch  # which part: not said
    assert chat.answer("02139")[0].startswith("Order HP-482913")


def test_canadian_postcode_ignoring_spaces_and_case(lockout: OrderLookupLockout) -> None:
    chat = Conversation("conv-3")
    chat.start(order_number="208466")
    assert "Canada Post" in chat.answer("m5v2t6")[0]


def test_text_that_is_neither_email_nor_postcode_is_asked_again_and_not_counted(lockout: OrderLookupLockout) -> None:
    chat = Conversation("conv-4")
    chat.start(order_number="HP-482913")
    assert chat.answer("hmm let me look") == ["utter_invalid_order_verification", "utter_ask_order_verification"]
    assert lockout.client_state("conv-4").tries_left == MAX_WRONG_TRIES
    assert chat.slots["order_lookup_failures"] == 0


@pytest.fixture
def knowledge(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The knowledge base's answer to a question asked inside the form, replaced by a stand-in."""
    asked: list[str] = []

    async def answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        asked.append(tracker.latest_message["text"])
        dispatcher.utter_message(text="(knowledge answer)")
        return {"knowledge_abstained": False}

    monkeypatch.setattr(order_actions, "answer_aside", answer)
    return asked


def test_a_question_instead_of_an_answer_is_answered_and_not_counted(
        lockout: OrderLookupLockout, knowledge: list[str]) -> None:
    chat = Conversation("conv-q")
    chat.start()
    for question in ("how much is express?", "oh wait, can I pay with PayPal", "why do you need it"):
        assert chat.answer(question) == ["(knowledge answer)", "utter_ask_order_number"]
    assert chat.slots["order_lookup_failures"] == 0
    assert chat.answer("is it HP-4829?") == ["utter_invalid_order_number", "utter_ask_order_number"]  # an answer
    assert chat.slots["order_lookup_failures"] == 1
    assert chat.answer("hp482913") == ["utter_ask_order_verification"]
    assert chat.answer("why do you need my email?") == ["(knowledge answer)", "utter_ask_order_verification"]
    assert chat.answer("is it a@example.com?") == ["utter_order_verification_mismatch", "utter_ask_order_verification"]
    assert len(knowledge) == 4 and lockout.client_state("conv-q").tries_left == MAX_WRONG_TRIES - 1


def test_three_wrong_answers_in_a_conversation_end_the_form_without_details(lockout: OrderLookupLockout) -> None:
    chat = Conversation("conv-5")
    chat.start(order_number="HP-482913")
    chat.answer("a@example.com")
    chat.answer("10001")
    said = chat.answer("b@example.com")
    assert said == ["utter_order_verification_give_up", "utter_anything_else"]
    assert not chat.active
    assert lockout.order_state("HP-482913").tries_left == MAX_WRONG_TRIES - 3


def test_five_wrong_tries_lock_the_client_across_conversations(lockout: OrderLookupLockout, clock: Clock) -> None:
    # The web chat puts the same client_key on every message of a client, whatever the conversation.
    first = Conversation("web-aaa", client_key="k-client-1")
    first.start(order_number="HP-482913")
    for guess in ("a@example.com", "b@example.com", "c@example.com"):
        first.answer(guess)
    assert not first.active  # gave up after three

    second = Conversation("web-bbb", client_key="k-client-1")  # a new chat, the same client
    second.start(order_number="HP-519004")
    assert second.answer("d@example.com")[0] == "utter_order_verification_mismatch"
    said = second.answer("e@example.com")
    assert said == ["utter_order_lookup_locked", "utter_anything_else"]
    assert not second.active

    third = Conversation("web-ccc", client_key="k-client-1")
    locked = third.start(order_number="HP-519004")
    assert locked == ["utter_order_lookup_locked", "utter_anything_else"]  # even the right answer is not asked
    assert not third.active

    # Another client is not locked; the orders had 3 and 2 wrong tries.
    other = Conversation("web-ddd", client_key="k-client-2")
    other.start(order_number="HP-519004")
    assert "HP-519004" in other.answer("60614")[0]

    clock.at += LOCK_DURATION
    later = Conversation("web-eee", client_key="k-client-1")
    later.start(order_number="HP-482913")
    assert TRACKING in later.answer("02139")[0]


def test_without_a_client_key_the_conversation_id_is_the_client(lockout: OrderLookupLockout) -> None:
    for n in range(MAX_WRONG_TRIES - 1):
        chat = Conversation(f"telegram-{n}")
        chat.start(order_number="HP-300117")
        chat.answer("12345")
    assert lockout.client_state("telegram-0").tries_left == MAX_WRONG_TRIES - 1
    # The fifth wrong answer for the order, from yet another conversation, locks the order.
    chat = Conversation("telegram-9")
    chat.start(order_number="HP-300117")
    assert chat.answer("54321") == ["utter_order_lookup_locked", "utter_anything_else"]
    owner = Conversation("telegram-owner")
    assert owner.start(order_number="HP-300117") == ["utter_order_lookup_locked", "utter_anything_else"]
    assert owner.slots["order_number"] is None


def test_order_numbers_that_do_not_exist_count_toward_the_client_lock(lockout: OrderLookupLockout) -> None:
    chat = Conversation("sms-1")
    chat.start()
    assert chat.answer("HP-111111") == ["utter_order_not_found", "utter_ask_order_number"]
    assert chat.answer("not a number") == ["utter_invalid_order_number", "utter_ask_order_number"]  # not counted
    assert chat.answer("HP-222222") == ["utter_order_not_found", "utter_order_lookup_give_up", "utter_anything_else"]
    assert lockout.client_state("sms-1").tries_left == MAX_WRONG_TRIES - 2
    again = Conversation("sms-1")
    again.start()
    again.answer("HP-333333")
    again.answer("HP-444444")
    assert again.answer("HP-555555") == ["utter_order_lookup_locked", "utter_anything_else"]


def test_a_right_answer_resets_the_counts(lockout: OrderLookupLockout) -> None:
    chat = Conversation("conv-reset")
    chat.start(order_number="HP-482913")
    chat.answer("x@example.com")
    chat.answer("y@example.com")
    chat.answer("02139")
    assert lockout.client_state("conv-reset").tries_left == MAX_WRONG_TRIES
    assert lockout.order_state("HP-482913").tries_left == MAX_WRONG_TRIES


def test_another_order_number_at_the_confirmation_step_asks_to_confirm_that_one(lockout: OrderLookupLockout) -> None:
    chat = Conversation("conv-switch")
    chat.start(order_number="HP-482913")
    # The number comes as the order_number entity and as the text of the requested slot.
    chat.active = True
    said = chat._form("HP-519004", "inform_order_number",
                      {"order_number": "HP-519004", "order_verification": "HP-519004"})
    assert said == ["utter_ask_order_verification"]
    assert chat.slots["order_number"] == "HP-519004"
    assert "HP-519004" in chat.answer("d.okafor@example.net")[0]
    assert lockout.client_state("conv-switch").tries_left == MAX_WRONG_TRIES


def test_the_report_checks_the_confirmation_itself(lockout: OrderLookupLockout) -> None:
    chat = Conversation("conv-report")
    chat.slots.update(order_number="HP-482913", order_verification="someone@example.com")
    messages, events = _run(ActionReportOrderStatus(), chat._tracker("x", "inform", {}))
    assert messages == []
    assert {e["name"]: e["value"] for e in events} == {
        "order_number": None, "order_verification": None, "order_lookup_failures": 0, "order_lookup_stopped": False}


@pytest.mark.parametrize(("requested", "response"), [
    ("order_number", "utter_order_number_help"),
    ("order_verification", "utter_order_verification_help"),
    (None, "utter_order_number_help"),  # "I don't know my order number" outside the form
])
def test_the_way_out_says_where_to_find_what_was_asked(requested: Optional[str], response: str) -> None:
    chat = Conversation("conv-help")
    chat.slots.update(order_number="HP-482913" if requested == "order_verification" else None,
                      requested_slot=requested)
    tracker = chat._tracker("I don't have it", "missing_order_details", {})
    if requested is None:
        tracker.active_loop = {}
    messages, events = _run(ActionOrderLookupHelp(), tracker)
    assert _said(messages) == [response]
    assert {e["name"]: e["value"] for e in events}["order_number"] is None


def test_the_texts_say_what_docs_company_md_says() -> None:
    for name in ("utter_order_lookup_locked", "utter_order_number_help", "utter_order_verification_help",
                 "utter_order_verification_give_up"):
        assert "1-800-555-0142" in RESPONSES[name] and "support@harborandpine.example" in RESPONSES[name], name
    assert "paused for {minutes} minutes" in RESPONSES["utter_order_lookup_locked"]
    help_text = RESPONSES["utter_order_number_help"]
    assert "order confirmation email" in help_text and "Account > Orders" in help_text
    assert "app" in help_text and "from your email address" in help_text
    assert "email address or the postcode (ZIP)" in RESPONSES["utter_ask_order_verification"]


def test_the_locked_message_names_the_lock_duration(lockout: OrderLookupLockout) -> None:
    for _ in range(MAX_WRONG_TRIES):
        lockout.record_wrong_try("conv-minutes")
    messages, _ = _run(ValidateOrderStatusForm(), Conversation("conv-minutes")._tracker("hi", "order_status", {}))
    assert [(m["response"], m.get("minutes")) for m in messages] == [("utter_order_lookup_locked", 15)]
