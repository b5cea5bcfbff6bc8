"""The feedback form: a 1-5 rating and a comment, stored in the product database."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.knowledge import answer_aside
from bot.dialogue import looks_like_question
from bot.feedback import FeedbackStore, parse_rating


@lru_cache(maxsize=1)
def _store() -> FeedbackStore:
    return FeedbackStore()


class ValidateFeedbackForm(FormValidationAction):
    """Accept ratings 1-5 written as digits or words ("4", "four", "4 stars", "three out of five")."""

    def name(self) -> Text:
        return "validate_feedback_form"

    async def validate_feedback_rating(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = str(slot_value if slot_value is not None else "")
        rating = parse_rating(text)
        if rating is None and looks_like_question(text):
            # A question the NLU did not recognise as one: answered, and the form asks for the rating again.
            return {"feedback_rating": None, **await answer_aside(dispatcher, tracker)}
        if rating is None:
            dispatcher.utter_message(response="utter_invalid_rating")
            return {"feedback_rating": None}
        return {"feedback_rating": float(rating)}

    async def validate_feedback_comment(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        # Any text is a comment, except a question ("wait, is shipping free over $50?"): that is
        # answered, and the form asks for the comment again.
        if looks_like_question(str(slot_value or "")):
            return {"feedback_comment": None, **await answer_aside(dispatcher, tracker)}
        return {"feedback_comment": slot_value}


class ActionSubmitFeedback(Action):
    """Store the collected feedback and clear the form's slots."""

    def name(self) -> Text:
        return "action_submit_feedback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        channel = tracker.get_latest_input_channel() or "unknown"
        _store().add(
            conversation_id=tracker.sender_id,
            channel=channel,
            rating=int(tracker.get_slot("feedback_rating")),
            comment=str(tracker.get_slot("feedback_comment") or ""),
        )
        return [SlotSet("feedback_rating", None), SlotSet("feedback_comment", None)]
