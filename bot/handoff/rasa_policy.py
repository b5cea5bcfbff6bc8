"""A Rasa policy that routes conversations to people (Rasa environment only).

Listed in ``config.yml`` as ``bot.handoff.rasa_policy.HandoffPolicy`` with a priority above
the RulePolicy. After each customer message it decides, before any other policy's guess wins:

* the slot ``handoff_active`` is true: predict ``action_relay_to_agent`` (the message goes to
  the agent; the bot stays silent). Unlike Rasa's ``ConversationPaused``, nothing is dropped:
  every message stays in the tracker and reaches the agent.
* an escalation rule of ``handoff.yml`` fires (:func:`bot.handoff.escalation.evaluate`):
  predict ``action_handoff``. Counter rules (two abstentions of the knowledge action) are
  also checked right after that action ran.
* after ``action_handoff`` or ``action_relay_to_agent``: predict ``action_listen``.

Otherwise it abstains (all-zero prediction) and the other policies decide. Nothing is
learned; training only persists an empty resource.

Inside an active form, Rasa's RulePolicy predicts the form as a "no user" prediction, which
overrules every other policy whatever its priority. A handoff on the customer's own words
(:attr:`bot.handoff.escalation.Escalation.explicit`: "my lawyer will be in touch", "someone is in
my account") and the relay are marked the same way, so the higher priority wins and the form does
not swallow the message. A handoff that rests on the NLU's intent alone lets the form go first: the
form rejects the intents it ignores (``request_human`` in the order form), then the handoff follows.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.handoff.escalation import HANDOFF_SLOT, KNOWLEDGE_ACTION, evaluate
from bot.handoff.policy import get_policy

logger = logging.getLogger(__name__)

HANDOFF_ACTION = "action_handoff"
RELAY_ACTION = "action_relay_to_agent"
DEFAULT_PRIORITY = 7  # RulePolicy has 6


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class HandoffPolicy(Policy):
    """Relays messages during a handoff and triggers handoffs by the rules of ``handoff.yml``."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Default configuration (overridable in config.yml)."""
        return {"priority": DEFAULT_PRIORITY, "policy_file": None}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 execution_context: ExecutionContext, featurizer: Optional[Any] = None) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        # Fail at start-up, not at the first message, when handoff.yml is wrong.
        get_policy(config.get("policy_file"))

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        """Nothing to learn; persists an empty resource so that loading finds one."""
        with self._model_storage.write_to(self._resource):
            pass
        return self._resource

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        """Predict relay, handoff or listen with confidence 1, or abstain."""
        action, overrules_forms = self._decide(tracker, domain)
        probabilities = self._default_predictions(domain)
        if action is not None:
            probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities, is_no_user_prediction=action is not None and overrules_forms)

    def _decide(self, tracker: DialogueStateTracker, domain: Domain) -> Tuple[Optional[Text], bool]:
        """The action to predict (None: abstain), and whether it overrules an active form."""
        if HANDOFF_ACTION not in domain.action_names_or_texts or RELAY_ACTION not in domain.action_names_or_texts:
            return None, False
        latest_action = tracker.latest_action_name
        if latest_action in (HANDOFF_ACTION, RELAY_ACTION):
            return ACTION_LISTEN_NAME, True
        after_user_message = _user_after_listen(tracker)
        if after_user_message and tracker.get_slot(HANDOFF_SLOT):
            return RELAY_ACTION, True
        if tracker.get_slot(HANDOFF_SLOT):
            return None, False
        if not after_user_message and latest_action != KNOWLEDGE_ACTION:
            return None, False
        events = [event.as_dict() for event in tracker.applied_events()]
        escalation = evaluate(events, get_policy(self.config.get("policy_file")))
        if escalation is None:
            return None, False
        if not after_user_message and escalation.reason != "knowledge_abstained":
            return None, False
        logger.debug("handoff rule %s fired", escalation.reason)
        return HANDOFF_ACTION, escalation.explicit


def _user_after_listen(tracker: DialogueStateTracker) -> bool:
    """True when the newest events are ``action_listen`` then a user message (plus slot/entity events)."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return True
        if isinstance(event, ActionExecuted):
            return False
    return False
