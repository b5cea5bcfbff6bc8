"""The AI disclosure wording (bot/disclosure.py) and the session start that says it (actions/session.py)."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.session import ActionSessionStart
from bot.disclosure import DisclosureError, load_disclosure, parse_disclosure

DISCLOSURE = load_disclosure()
OK = "You are talking to an automated assistant; ask for a person any time. Privacy: example.com/privacy"


def test_the_shipped_wording_says_what_it_must_on_every_channel() -> None:
    for conversation in ("telegram:1", "sms:" + "0" * 32, "slack:T1:U1", "webchat:abc", "rest:tool"):
        text = DISCLOSURE.for_conversation(conversation).lower()
        assert "automated assistant" in text and "privacy" in text
        assert any(word in text for word in ("person", "agent"))
    sms = DISCLOSURE.for_conversation("sms:" + "0" * 32)
    assert len(sms) <= 160 and sms.isascii()  # one GSM-7 segment


@pytest.mark.parametrize(("raw", "message"), [
    ({"sms": OK}, "at least `default`"),
    ({"default": OK, "fax": OK}, "unknown channel"),
    ({"default": "Hello! How can I help you today?"}, "automated assistant"),
    ({"default": OK, "sms": OK + " and a lot more words to make it far too long for a single text message segment"},
     "one segment"),
    ({"default": OK, "sms": "Automated assistant \u2014 ask for a person. Privacy: x"}, "plain ASCII"),
])
def test_a_wrong_section_names_the_key_and_the_fix(raw, message: str) -> None:
    with pytest.raises(DisclosureError, match=message):
        parse_disclosure(raw)


def _session_start(sender: str) -> tuple[list, list]:
    tracker = Tracker(sender, {"order_number": "HP-482913", "requested_slot": "x"}, {}, [], False, None, {}, "")
    dispatcher = CollectingDispatcher()
    events = ActionSessionStart().run(dispatcher, tracker, {"session_config": {"carry_over_slots_to_new_session": True}})
    return events, dispatcher.messages


def test_a_session_starts_with_the_disclosure_of_its_channel() -> None:
    events, messages = _session_start("telegram:42")
    assert [m["text"] for m in messages] == [DISCLOSURE.for_channel("telegram")]
    assert events[0]["event"] == "session_started"
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")
    assert {"event": "slot", "name": "order_number", "value": "HP-482913", "timestamp": None} in events
    _, sms = _session_start("sms:" + "1" * 32)
    assert [m["text"] for m in sms] == [DISCLOSURE.for_channel("sms")]


def test_the_web_chat_page_shows_it_instead() -> None:
    _, messages = _session_start("webchat:session")
    assert messages == []
