from __future__ import annotations

import pytest

from bot.dialogue import consecutive_fallbacks, looks_like_question, recent_turns


def user(text: str, intent: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def bot(text: str) -> dict:
    return {"event": "bot", "text": text}


def test_counts_only_the_latest_run_of_fallbacks() -> None:
    events = [user("a", "nlu_fallback"), bot("?"), user("hi", "greet"), bot("hello"),
              user("x", "nlu_fallback"), bot("?"), {"event": "action", "name": "action_listen"},
              user("y", "nlu_fallback")]
    assert consecutive_fallbacks(events) == 2


def test_an_understood_message_resets_the_count() -> None:
    assert consecutive_fallbacks([user("x", "nlu_fallback"), user("thanks", "thanks")]) == 0
    assert consecutive_fallbacks([]) == 0


def test_recent_turns_keeps_order_and_limit() -> None:
    events = [user("one", "greet"), bot("two"), {"event": "slot"}, user("three", "thanks"), bot("four")]
    assert recent_turns(events, limit=3) == [("bot", "two"), ("customer", "three"), ("bot", "four")]
    assert recent_turns(events, limit=0) == []


@pytest.mark.parametrize("text", [
    "is express shipping faster?", "why do you need that", "wait, how long do exchanges take",
    "oh and can I pay with PayPal", "Hold on - what's Pine Points", "sorry, does it come in blue",
    "don\u2019t you have it in stock", "my order number?",
])
def test_questions(text: str) -> None:
    assert looks_like_question(text)


@pytest.mark.parametrize("text", [
    "HP-482913", "maya@example.com", "it's 02139", "4 stars", "I don't have it", "no idea", "whatever",
    "dont know", "", "the delivery was quick",
])
def test_not_questions(text: str) -> None:
    assert not looks_like_question(text)
