"""Rasa NLU component: messages in a language the assistant does not answer in get intent ``other_language``.

Runs after the intent classifier (config.yml). When :func:`bot.languages.unsupported_language`
finds the message is in another language, the intent becomes ``other_language`` (confidence 1.0)
and an entity ``language`` carries its ISO 639-1 code; a rule answers with ``action_other_language``
(a short reply in that language offering a person). Everything else passes through unchanged.
The detector (lingua) loads when the model loads, so no customer waits for it.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.languages import LanguagePolicy, LinguaDetector, load_language_policy, unsupported_language

logger = logging.getLogger(__name__)

INTENT_NAME = "other_language"
ENTITY_NAME = "language"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LanguageGate(GraphComponent):
    """Sets ``other_language`` on messages in a language of ``detect`` that is not ``supported``."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["lingua"]

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LanguageGate":
        return cls(load_language_policy())

    def __init__(self, policy: LanguagePolicy, detector: Optional[Any] = None) -> None:
        self.policy = policy
        self.detector = detector or LinguaDetector(policy.detect)
        if detector is None:
            self.detector("warm up the language models")

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            language = unsupported_language(text, self.policy, self.detector)
            if language is None:
                continue
            logger.info("message in another language (%s): answered with the language reply", language)
            message.set(INTENT, {"name": INTENT_NAME, "confidence": 1.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{"name": INTENT_NAME, "confidence": 1.0}], add_to_output=True)
            entity = {"entity": ENTITY_NAME, "value": language, "start": 0, "end": len(text),
                      "confidence_entity": 1.0, "extractor": type(self).__name__}
            message.set(ENTITIES, [entity], add_to_output=True)
        return messages

    def process_training_data(self, training_data: Any) -> Any:
        return training_data
