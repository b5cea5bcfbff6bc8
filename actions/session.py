"""The start of every conversation (Rasa session): the AI disclosure, then the session as Rasa starts it."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

logger = logging.getLogger(__name__)

SILENT_CHANNELS = ("webchat",)
"""The web chat page shows the disclosure above the conversation before the first message."""


class ActionSessionStart(Action):
    """Rasa's ``action_session_start`` (slots carried over as configured) plus the disclosure of the channel."""

    def name(self) -> Text:
        return "action_session_start"

    @staticmethod
    def _carried_slots(tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if not domain.get("session_config", {}).get("carry_over_slots_to_new_session", True):
            return []
        return [SlotSet(key=name, value=value) for name, value in tracker.current_slot_values().items()
                if value is not None and name not in ("requested_slot",)]

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        from bot import identity
        from bot.disclosure import DisclosureError, load_disclosure

        events: List[EventType] = [SessionStarted(), *self._carried_slots(tracker, domain)]
        if identity.channel_of(tracker.sender_id) not in SILENT_CHANNELS:
            try:
                dispatcher.utter_message(text=load_disclosure().for_conversation(tracker.sender_id))
            except DisclosureError as error:  # never leave a customer without the disclosure's substance
                logger.error("%s", error)
                dispatcher.utter_message(text="You're chatting with an automated assistant. Ask for a person at "
                                              "any time.")
        events.append(ActionExecuted("action_listen"))
        return events
