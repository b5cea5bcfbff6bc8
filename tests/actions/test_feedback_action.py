"""The feedback form's validation (actions/feedback.py) with real rasa_sdk Trackers and dispatchers."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.feedback as feedback_actions
from actions.feedback import ValidateFeedbackForm


def _validate_rating(text: str) -> tuple[list[str], Any]:
    tracker = Tracker("conv-f", {"feedback_rating": text, "requested_slot": "feedback_rating"},
                      {"text": text, "intent": {"name": "inform_rating"}, "entities": []}, [], False, None,
                      {"name": "feedback_form"}, "feedback_form")
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ValidateFeedbackForm().validate_feedback_rating(text, dispatcher, tracker, {}))
    return [m.get("response") or m.get("text") for m in dispatcher.messages], result["feedback_rating"]


@pytest.fixture
def knowledge(monkeypatch: pytest.MonkeyPatch) -> None:
    async def answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        dispatcher.utter_message(text="(knowledge answer)")
        return {"knowledge_abstained": False}

    monkeypatch.setattr(feedback_actions, "answer_aside", answer)


@pytest.mark.parametrize(("typed", "rating"), [("4", 4.0), ("two", 2.0), ("three out of five", 3.0), ("5 stars", 5.0)])
def test_ratings_in_digits_and_words(typed: str, rating: float) -> None:
    assert _validate_rating(typed) == ([], rating)


def test_a_rating_out_of_range_is_refused() -> None:
    assert _validate_rating("10") == (["utter_invalid_rating"], None)


def test_a_question_instead_of_a_rating_is_answered(knowledge: None) -> None:
    assert _validate_rating("hold on, do you ship to Canada?") == (["(knowledge answer)"], None)


def _validate_comment(text: str) -> tuple[list[str], Any]:
    tracker = Tracker("conv-f", {"feedback_rating": 4.0, "feedback_comment": text, "requested_slot": "feedback_comment"},
                      {"text": text, "intent": {"name": "complaint"}, "entities": []}, [], False, None,
                      {"name": "feedback_form"}, "feedback_form")
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ValidateFeedbackForm().validate_feedback_comment(text, dispatcher, tracker, {}))
    return [m.get("response") or m.get("text") for m in dispatcher.messages], result["feedback_comment"]


@pytest.mark.parametrize("typed", ["the app logged me out at checkout", "helpful, but slow", "no"])
def test_any_text_is_a_comment(typed: str) -> None:
    assert _validate_comment(typed) == ([], typed)


def test_a_question_instead_of_the_comment_is_answered(knowledge: None) -> None:
    assert _validate_comment("oh wait, how long do refunds take?") == (["(knowledge answer)"], None)
