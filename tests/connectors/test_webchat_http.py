"""Bad input to the web chat and REST channels of a real Rasa server: 4xx, never a crash or a lost conversation."""

from __future__ import annotations

import uuid

import pytest

from tests.support.live import http

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (b'{"message": ""}', 400, "message is empty"),
        (b'{"message": "   \\n  "}', 400, "message is empty"),
        ('{"message": "%s"}' % ("a" * 10_001), 413, "longer than 10000"),
        (b'{"message": "caf\xe9"}', 400, "not valid UTF-8"),
        (b"not json at all", 400, "not valid JSON"),
        (b'["a list"]', 400, "JSON object"),
        (b'{"sender": "telegram:12345", "message": "hello"}', 400, "server assigns"),
        (b'{"sender": "../../etc", "message": "hello"}', 400, "server assigns"),
        (b'{"message": 42}', 400, "'message' must be a string"),
        ('{"message": "\\u0000\\u0001\\u0002binary\\u0003"}', 415, "binary"),
        (b"x" * 1_000_000, 413, "larger than"),
    ],
)
def test_bad_webchat_requests_get_a_clear_4xx(live_bot, body, status, error) -> None:
    raw = body.encode() if isinstance(body, str) else body
    token = live_bot.session("bad-requests").token
    reply = http("POST", f"{live_bot.base_url}/webhooks/webchat/message", raw=raw,
                 headers={"Authorization": f"Bearer {token}"})
    assert reply.status == status
    assert error in reply.body["error"]


def test_webchat_requests_without_a_session_are_refused(live_bot) -> None:
    for headers in ({}, {"Authorization": "Bearer forged.token.here"}):
        reply = http("POST", f"{live_bot.base_url}/webhooks/webchat/message", {"message": "hello"}, headers=headers)
        assert reply.status == 401 and "reload the page" in reply.body["error"]


def test_conversation_survives_bad_input(live_bot) -> None:
    sender = f"bad-{uuid.uuid4().hex[:8]}"
    assert live_bot.texts(sender, "hi")
    token = live_bot.session(sender).token
    for raw in (b'{"message": ""}', b'{"message": "\xff\xfe"}'):
        reply = http("POST", f"{live_bot.base_url}/webhooks/webchat/message", raw=raw,
                     headers={"Authorization": f"Bearer {token}"})
        assert reply.status == 400
    # A message of exactly the limit is still answered.
    assert live_bot.say(sender, "where is my order " + "x" * (10_000 - 18))
    user_texts = [e["text"] for e in live_bot.tracker(sender)["events"] if e.get("event") == "user"]
    assert user_texts[0] == "hi" and len(user_texts) == 2


@pytest.mark.parametrize(
    "raw",
    [b'{"sender": "r1", "message": "caf\xe9"}', b"{broken", b'{"sender": "r1", "message": ""}',
     ('{"sender": "r1", "message": "%s"}' % ("b" * 20_000)).encode()],
)
def test_rest_channel_does_not_crash_on_bad_input(live_bot, raw) -> None:
    reply = http("POST", f"{live_bot.base_url}/webhooks/rest/webhook", raw=raw,
                 headers={"Authorization": f"Bearer {live_bot.rest_token}"})
    assert 400 <= reply.status < 500
    assert http("GET", f"{live_bot.base_url}/webhooks/webchat/health").status == 200


def test_rest_channel_needs_its_bearer_token_and_keeps_rasas_format(live_bot) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": live_bot.rest_token}):
        reply = http("POST", f"{live_bot.base_url}/webhooks/rest/webhook", {"sender": "r2", "message": "hi"},
                     headers=headers)
        assert reply.status == 401
    reply = live_bot.rest("r2", "hi")
    assert reply.status == 200 and reply.body[0]["recipient_id"] == "r2" and reply.body[0]["text"].startswith("Hi")
    users = [e for e in live_bot.tracker("rest:r2")["events"] if e.get("event") == "user"]  # stored as rest:r2
    assert [(e["text"], e["input_channel"]) for e in users] == [("hi", "rest")]
