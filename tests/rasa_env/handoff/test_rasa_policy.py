"""HandoffPolicy's predictions on Rasa trackers, without servers: inside a form too."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import pytest
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.handoff.rasa_policy import HandoffPolicy

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [order_status, inform_order_number, request_human, greet]
slots:
  handoff_active: {type: bool, initial_value: false, influence_conversation: false, mappings: [{type: custom}]}
  order_number: {type: text, influence_conversation: false, mappings: [{type: custom}]}
forms:
  order_status_form: {required_slots: [order_number]}
actions: [action_handoff, action_relay_to_agent]
""")


@pytest.fixture
def policy(tmp_path: Path) -> HandoffPolicy:
    return HandoffPolicy(HandoffPolicy.get_default_config(), LocalModelStorage(tmp_path), Resource("handoff"),
                         ExecutionContext(GraphSchema({}), "test"))


def _in_the_order_form(text: str, intent: str) -> DialogueStateTracker:
    events: List[Event] = [
        ActionExecuted("action_listen"), UserUttered("where is my order", {"name": "order_status"}),
        ActionExecuted("order_status_form"), ActiveLoop("order_status_form"), SlotSet("requested_slot", "order_number"),
        ActionExecuted("action_listen"), UserUttered(text, {"name": intent}),
    ]
    return DialogueStateTracker.from_events("conv", events, DOMAIN.slots)


def _predicted(prediction: PolicyPrediction) -> Optional[str]:
    if max(prediction.probabilities) == 0:
        return None
    return DOMAIN.action_names_or_texts[prediction.probabilities.index(max(prediction.probabilities))]


def _loop_happy_path() -> PolicyPrediction:
    """What RulePolicy predicts inside an active form: the form, as a "no user" prediction."""
    probabilities = [0.0] * len(DOMAIN.action_names_or_texts)
    probabilities[DOMAIN.index_for_action("order_status_form")] = 1.0
    return PolicyPrediction(probabilities, "RulePolicy", 6, is_no_user_prediction=True)


def test_a_legal_threat_inside_a_form_overrules_the_form(policy: HandoffPolicy) -> None:
    prediction = policy.predict_action_probabilities(
        _in_the_order_form("I've waited two weeks. My lawyer will hear about this.", "inform_order_number"), DOMAIN)
    assert _predicted(prediction) == "action_handoff" and prediction.is_no_user_prediction
    best = DefaultPolicyPredictionEnsemble._pick_best_policy([_loop_happy_path(), prediction])
    assert best.policy_name == "HandoffPolicy"


def test_an_intent_alone_lets_the_form_go_first(policy: HandoffPolicy) -> None:
    """request_human is an ignored intent of the order form: the form rejects it, then the handoff follows."""
    prediction = policy.predict_action_probabilities(_in_the_order_form("someone?", "request_human"), DOMAIN)
    assert _predicted(prediction) == "action_handoff" and not prediction.is_no_user_prediction
    best = DefaultPolicyPredictionEnsemble._pick_best_policy([_loop_happy_path(), prediction])
    assert best.policy_name == "RulePolicy"


def test_nothing_to_escalate_abstains(policy: HandoffPolicy) -> None:
    prediction = policy.predict_action_probabilities(_in_the_order_form("HP-482913", "inform_order_number"), DOMAIN)
    assert _predicted(prediction) is None and not prediction.is_no_user_prediction
