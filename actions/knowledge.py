"""Open questions. Placeholder until the knowledge answers land (issue 3): says it cannot answer yet."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict


class ActionAnswerQuestion(Action):
    """Answers questions no flow covers."""

    def name(self) -> Text:
        return "action_answer_question"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_cannot_answer_yet")
        return [SlotSet("knowledge_abstained", True)]
