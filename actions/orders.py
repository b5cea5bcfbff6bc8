"""The order-status form: validate the order number and report the order."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.orders import CsvOrderRepository, normalize_order_number

MAX_LOOKUP_FAILURES = 3


@lru_cache(maxsize=1)
def _orders() -> CsvOrderRepository:
    return CsvOrderRepository()


class ValidateOrderStatusForm(FormValidationAction):
    """Accept only order numbers that exist; after three failures stop asking."""

    def name(self) -> Text:
        return "validate_order_status_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        # After too many failed look-ups the form ends instead of asking forever.
        if int(tracker.get_slot("order_lookup_failures") or 0) >= MAX_LOOKUP_FAILURES:
            return []
        return domain_slots

    def validate_order_number(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        failures = int(tracker.get_slot("order_lookup_failures") or 0)
        order_number = normalize_order_number(str(slot_value or ""))
        if order_number is None:
            dispatcher.utter_message(response="utter_invalid_order_number")
        elif _orders().find(order_number) is None:
            dispatcher.utter_message(response="utter_order_not_found", order_number=order_number)
        else:
            return {"order_number": order_number, "order_lookup_failures": 0}
        failures += 1
        if failures >= MAX_LOOKUP_FAILURES:
            dispatcher.utter_message(response="utter_order_lookup_give_up")
        return {"order_number": None, "order_lookup_failures": failures}


class ActionReportOrderStatus(Action):
    """Tell the customer where their order is."""

    def name(self) -> Text:
        return "action_report_order_status"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        order_number = tracker.get_slot("order_number")
        order = _orders().find(order_number) if order_number else None
        if order is None:
            # The form gave up after repeated failures; it already told the customer what to do.
            return [SlotSet("order_number", None), SlotSet("order_lookup_failures", 0)]
        dispatcher.utter_message(text=order.describe())
        return [SlotSet("order_number", None), SlotSet("order_lookup_failures", 0)]
