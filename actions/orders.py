"""The order-status form: the order number, then the e-mail or postcode it was placed with, then the order.

Order details are shown only after the customer confirms the e-mail address or postcode (ZIP) the
order was placed with (docs/company.md). Wrong answers and order numbers that do not exist count
toward a lockout kept in the product database (:mod:`bot.orders_lockout`): five wrong tries lock
the order number, and the client, for 15 minutes, across conversations.

The client is ``client_key`` of the message metadata when the channel sets one (a keyed hash of the
web client's address, so that a new web chat does not start the count again), otherwise the
conversation id.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions.knowledge import answer_aside
from bot.dialogue import looks_like_question
from bot.orders import CsvOrderRepository, Order, normalize_order_number, parse_verification
from bot.orders_lockout import LOCK_MINUTES, OrderLookupLockout

MAX_LOOKUP_FAILURES = 3
"""Failures in one conversation after which the form stops asking (the lockout counts across conversations)."""

FORM = "order_status_form"
ORDER_NUMBER = "order_number"
VERIFICATION = "order_verification"
FAILURES = "order_lookup_failures"
STOPPED = "order_lookup_stopped"

CLEARED_SLOTS = {ORDER_NUMBER: None, VERIFICATION: None, FAILURES: 0, STOPPED: False}
"""The form's slots as they are after a lookup ends, whichever way it ends."""


@lru_cache(maxsize=1)
def _orders() -> CsvOrderRepository:
    return CsvOrderRepository()


@lru_cache(maxsize=1)
def _lockout() -> OrderLookupLockout:
    return OrderLookupLockout()


def client_key(tracker: Tracker) -> str:
    """Who is trying: the channel's ``client_key`` from the message metadata, else the conversation id."""
    metadata = (tracker.latest_message or {}).get("metadata")
    key = metadata.get("client_key") if isinstance(metadata, dict) else None
    if isinstance(key, str) and key.strip():
        return key.strip()
    return tracker.sender_id


def verified_order(order_number: Optional[str], verification: Optional[str]) -> Optional[Order]:
    """The order when ``verification`` holds its e-mail address or postcode, else None."""
    order = _orders().find(order_number) if order_number else None
    if order is None or not verification:
        return None
    return order if order.verifies(parse_verification(verification)) else None


def question_instead_of_answer(text: str) -> bool:
    """A question typed where the form expected an order number or an e-mail/postcode.

    Text with a long number or an ``@`` is a (possibly wrong) answer, even with a question mark.
    """
    return looks_like_question(text) and re.search(r"\d{3,}|@", text) is None


def _locked(dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
    dispatcher.utter_message(response="utter_order_lookup_locked", minutes=LOCK_MINUTES)
    return {ORDER_NUMBER: None, VERIFICATION: None, STOPPED: True}


class ValidateOrderStatusForm(FormValidationAction):
    """Order number first, then the second factor; locked clients and orders are told to wait."""

    def name(self) -> Text:
        return "validate_order_status_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        # Checked before anything typed is looked at: at activation (nothing requested yet) and for
        # every answer. A message that fills no slot (stop, a digression) is left to the rules.
        candidates = tracker.slots_to_validate()
        if candidates or tracker.get_slot(REQUESTED_SLOT) is None:
            order_number = normalize_order_number(str(tracker.get_slot(ORDER_NUMBER) or ""))
            if _lockout().locked(client_key(tracker), order_number):
                slots = _locked(dispatcher)
                return [SlotSet(name, value) for name, value in slots.items()] + [SlotSet(REQUESTED_SLOT, None)]
        return await super().run(dispatcher, tracker, domain)

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        # After a lock or too many failures the form ends instead of asking forever.
        if tracker.get_slot(STOPPED) or int(tracker.get_slot(FAILURES) or 0) >= MAX_LOOKUP_FAILURES:
            return []
        return domain_slots

    async def validate_order_number(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        failures = int(tracker.get_slot(FAILURES) or 0)
        order_number = normalize_order_number(str(slot_value or ""))
        if order_number is None and question_instead_of_answer(str(slot_value or "")):
            # A question the NLU did not recognise as one: answered, not counted; the form asks again.
            return {ORDER_NUMBER: None, **await answer_aside(dispatcher, tracker)}
        if order_number is None:
            dispatcher.utter_message(response="utter_invalid_order_number")
        elif _orders().find(order_number) is None:
            if _lockout().record_wrong_try(client_key(tracker)):
                return _locked(dispatcher)
            dispatcher.utter_message(response="utter_order_not_found", order_number=order_number)
        else:
            # A (new) number always needs its own confirmation.
            return {ORDER_NUMBER: order_number, VERIFICATION: None, FAILURES: 0}
        failures += 1
        if failures >= MAX_LOOKUP_FAILURES:
            dispatcher.utter_message(response="utter_order_lookup_give_up")
        return {ORDER_NUMBER: None, FAILURES: failures}

    async def validate_order_verification(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = str(slot_value or "")
        order = _orders().find(str(tracker.get_slot(ORDER_NUMBER) or ""))
        if order is None or normalize_order_number(text) is not None:
            # Another order number instead of the answer: validate_order_number takes it, and the
            # form asks for the confirmation of that one.
            return {VERIFICATION: None}
        answer = parse_verification(text)
        if answer.empty and question_instead_of_answer(text):
            return {VERIFICATION: None, **await answer_aside(dispatcher, tracker)}
        if answer.empty:
            dispatcher.utter_message(response="utter_invalid_order_verification")
            return {VERIFICATION: None}
        client = client_key(tracker)
        if order.verifies(answer):
            _lockout().record_success(client, order.order_number)
            return {VERIFICATION: text}
        if _lockout().record_wrong_try(client, order.order_number):
            return _locked(dispatcher)
        failures = int(tracker.get_slot(FAILURES) or 0) + 1
        if failures >= MAX_LOOKUP_FAILURES:
            dispatcher.utter_message(response="utter_order_verification_give_up")
            return {ORDER_NUMBER: None, VERIFICATION: None, FAILURES: failures}
        dispatcher.utter_message(response="utter_order_verification_mismatch")
        return {VERIFICATION: None, FAILURES: failures}


class ActionReportOrderStatus(Action):
    """Tell the customer where their order is, once it is confirmed; then clear the form's slots."""

    def name(self) -> Text:
        return "action_report_order_status"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        # Checked again here rather than trusting that the form ended with a confirmation: the form
        # also ends after a lock or repeated failures, and has told the customer what to do then.
        order = verified_order(tracker.get_slot(ORDER_NUMBER), tracker.get_slot(VERIFICATION))
        if order is not None:
            dispatcher.utter_message(text=order.describe())
        return [SlotSet(name, value) for name, value in CLEARED_SLOTS.items()]


class ActionOrderLookupHelp(Action):
    """The customer does not have what the form asks for: say where to find it, clear the form's slots."""

    def name(self) -> Text:
        return "action_order_lookup_help"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        asking_for_verification = (tracker.active_loop or {}).get("name") == FORM and (
            tracker.get_slot(REQUESTED_SLOT) == VERIFICATION)
        dispatcher.utter_message(
            response="utter_order_verification_help" if asking_for_verification else "utter_order_number_help")
        return [SlotSet(name, value) for name, value in CLEARED_SLOTS.items()]
