"""Messages in a language the assistant does not answer in: a short reply in that language, and a person."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

logger = logging.getLogger(__name__)


class ActionOtherLanguage(Action):
    """Says, in the customer's language, that the assistant answers in English, and offers a person."""

    def name(self) -> Text:
        return "action_other_language"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        from bot.languages import LanguagePolicyError, load_language_policy

        language = next(tracker.get_latest_entity_values("language"), "") or ""
        try:
            reply = load_language_policy().reply_for(language)
        except LanguagePolicyError as error:
            logger.error("%s", error)
            dispatcher.utter_message(text="Sorry, I can only answer in English.")
            return []
        dispatcher.utter_message(text=reply.text, buttons=[{"title": reply.person_button, "payload": "/request_human"}])
        return []
