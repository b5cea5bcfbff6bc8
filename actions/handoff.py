"""Human handoff, bot side: hand a conversation to a person and relay the customer's messages.

``action_handoff`` runs when the customer asks for a person or an escalation rule of
``handoff.yml`` fires (the Rasa-side ``HandoffPolicy`` predicts it); it opens a Slack
thread (or queues a ticket outside hours) and tells the customer what happens next.
While the slot ``handoff_active`` is true every customer message runs
``action_relay_to_agent`` instead of the bot's own answer: the message is posted into the
thread and the bot stays silent. The agents' side lives in ``connectors/slack_agents.py``.
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot import identity
from bot.handoff.escalation import HANDOFF_SLOT, evaluate
from bot.handoff.policy import get_policy
from bot.handoff.service import open_handoff, relay_customer_message
from bot.handoff.slack_api import SlackApi
from bot.handoff.store import HandoffStore

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _store() -> HandoffStore:
    return HandoffStore()


@lru_cache(maxsize=1)
def _slack() -> Optional[SlackApi]:
    return SlackApi.from_env()


def _channel(tracker: Tracker) -> str:
    """The channel the conversation belongs to (its id says it), never the latest message's channel."""
    return identity.channel_of(tracker.sender_id) or "unknown"


class ActionHandoff(Action):
    """Opens a handoff (live thread or queued ticket) and tells the customer what to expect."""

    def name(self) -> Text:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        policy = get_policy()
        escalation = evaluate(tracker.events, policy)
        outcome = await asyncio.to_thread(
            open_handoff, _store(), policy, _slack(), tracker.sender_id, _channel(tracker), tracker.sender_id,
            tracker.events, tracker.current_slot_values(), escalation)
        if outcome.customer_text:
            dispatcher.utter_message(text=outcome.customer_text)
        events: List[Dict[Text, Any]] = [SlotSet(HANDOFF_SLOT, outcome.live)]
        if tracker.active_loop.get("name"):
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        return events


class ActionRelayToAgent(Action):
    """Posts the customer's message into the agents' thread and says nothing."""

    def name(self) -> Text:
        return "action_relay_to_agent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        policy = get_policy()
        message = tracker.latest_message or {}
        outcome = await asyncio.to_thread(
            relay_customer_message, _store(), policy, _slack(), tracker.sender_id, str(message.get("text") or ""),
            message.get("message_id"))
        if outcome.live:
            return []
        # Nobody claimed in time, or the agent side already closed the handoff: the bot takes over again.
        dispatcher.utter_message(text=outcome.customer_text or policy.message("back", agent="A colleague"))
        return [SlotSet(HANDOFF_SLOT, False)]
