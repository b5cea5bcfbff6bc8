"""Misunderstandings: rephrase once, offer a person after two in a row."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.dialogue import consecutive_fallbacks

FALLBACKS_BEFORE_OFFERING_A_PERSON = 2


class ActionHandleFallback(Action):
    """Asks to rephrase; on the second misunderstanding in a row offers a person."""

    def name(self) -> Text:
        return "action_handle_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        count = consecutive_fallbacks(tracker.events)
        if count >= FALLBACKS_BEFORE_OFFERING_A_PERSON:
            dispatcher.utter_message(response="utter_rephrase_offer_human")
        else:
            dispatcher.utter_message(response="utter_default")
        return [SlotSet("fallback_count", float(count))]
