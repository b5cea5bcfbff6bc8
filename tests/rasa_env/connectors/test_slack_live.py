"""Slack Events API through the real Rasa and action servers; replies captured by the fake Web API."""

from __future__ import annotations

import itertools
import json
import time
import urllib.parse
from typing import List

import pytest

from tests.rasa_env.connectors.conftest import Channels, slack_message_event

pytestmark = pytest.mark.slow

TRACKING = "1Z999AA10123456784"
_events = itertools.count(1)


def posted(channels: Channels, channel: str) -> List[dict]:
    return [c.params for c in channels.slack.delivered("chat.postMessage", channel=channel)]


def say(channels: Channels, user: str, channel: str, text: str, expect_total: int, **event: str) -> List[dict]:
    reply = channels.slack_post("events", slack_message_event(f"Ev{next(_events)}", user, text, channel, **event))
    assert reply.status == 200, reply.body
    channels.slack.wait_delivered("chat.postMessage", expect_total, channel=channel)
    return posted(channels, channel)


def test_url_verification_returns_the_challenge(channels: Channels) -> None:
    body = json.dumps({"type": "url_verification", "token": "x", "challenge": "c-123"}).encode()
    reply = channels.slack_post("events", body)
    assert (reply.status, reply.body) == (200, {"challenge": "c-123"})


def test_unsigned_expired_and_forged_requests_are_refused(channels: Channels) -> None:
    before = channels.health("slack")["counters"]
    body = slack_message_event("EvSecret", "U9", "SECRET-SLACK-CONTENT", "D0900")
    assert channels.slack_post("events", body, sign=False).status == 401
    assert channels.slack_post("events", body, timestamp=int(time.time()) - 6 * 60).status == 401
    from tests.support.live import http
    reply = http("POST", channels.url("/webhooks/slack/events"), raw=body, headers={
        "Content-Type": "application/json", "X-Slack-Request-Timestamp": str(int(time.time())),
        "X-Slack-Signature": "v0=" + "0" * 64})
    assert reply.status == 403
    after = channels.health("slack")["counters"]
    assert (after["rejected"] - before["rejected"], after["received"] - before["received"]) == (3, 0)
    assert "SECRET-SLACK-CONTENT" not in channels.bot.rasa.log_path.read_text(errors="replace")


def test_order_status_conversation_in_a_direct_message(channels: Channels) -> None:
    assert "order number" in say(channels, "U1", "D0001", "where is my order", 1)[0]["text"]
    messages = say(channels, "U1", "D0001", "HP-482913", 2)
    assert "email address or the postcode" in messages[1]["text"] and TRACKING not in messages[1]["text"]
    messages = say(channels, "U1", "D0001", "Maya.Lindqvist@example.com", 4)
    assert TRACKING in messages[2]["text"]
    assert all("thread_ts" not in m for m in messages)  # a DM is answered inline


def test_in_a_channel_the_bot_answers_in_the_thread(channels: Channels) -> None:
    [message] = say(channels, "U2", "C0002", "<@UBOT> hi", 1, ts="1700000001.000200", channel_type="channel")
    assert message["thread_ts"] == "1700000001.000200"
    assert message["text"].startswith("Hi, I'm Pip")


def test_buttons_are_block_kit_and_a_press_continues(channels: Channels) -> None:
    messages = say(channels, "U3", "D0003", "I want to return something", 2)
    actions = messages[1]["blocks"][1]
    assert actions["type"] == "actions"
    assert [(e["text"]["text"], e["value"]) for e in actions["elements"]] == [
        ("Yes, please", "/affirm"), ("No, thanks", "/deny")]
    payload = {"type": "block_actions", "user": {"id": "U3", "team_id": "T0001"}, "team": {"id": "T0001"},
               "channel": {"id": "D0003"},
               "actions": [{"action_id": "choice_0", "value": "/affirm", "action_ts": "1700000002.1"}],
               "message": {"ts": "1700000002.000100"}}
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    assert channels.slack_post("interactive", body, content_type="application/x-www-form-urlencoded").status == 200
    channels.slack.wait_delivered("chat.postMessage", 4, channel="D0003")
    assert "harborandpine.example/returns" in posted(channels, "D0003")[2]["text"]


def test_retries_and_replays_are_processed_once(channels: Channels) -> None:
    body = slack_message_event("EvRetry1", "U4", "hi", "D0004")
    assert channels.slack_post("events", body).status == 200
    assert channels.slack_post("events", body, extra={"X-Slack-Retry-Num": "1",
                                                      "X-Slack-Retry-Reason": "http_timeout"}).status == 200
    assert channels.slack_post("events", body).status == 200  # a replay inside the 5 minutes
    messages = say(channels, "U4", "D0004", "thanks", 2)
    assert messages[0]["text"].startswith("Hi, I'm Pip") and messages[1]["text"].startswith("You're welcome")


def test_bot_messages_are_ignored(channels: Channels) -> None:
    before = channels.health("slack")["counters"]["received"]
    event = json.loads(slack_message_event("EvBot", "U5", "hi", "D0005"))
    event["event"]["bot_id"] = "B1"
    assert channels.slack_post("events", json.dumps(event).encode()).status == 200
    assert channels.health("slack")["counters"]["received"] == before


@pytest.mark.parametrize("raw, status", [
    (b"not json", 400),
    (b'{"type": "event_callback", "event": {"type": "message"}}', 400),
    (b'{"type": "event_callback", "event_id": "Ev1x", "event": {"type": "message", "user": "U1", "channel": "D1", '
     b'"text": 5}}', 400),
    (b'{"type": "event_callback", "event_id": "Ev1y", "event": "text"}', 400),
    (b"x" * (1024 * 1024), 413),
])
def test_malformed_events_get_4xx_and_the_server_stays_healthy(channels: Channels, raw: bytes, status: int) -> None:
    assert channels.slack_post("events", raw).status == status
    assert channels.health("slack")["status"] == "ok"
