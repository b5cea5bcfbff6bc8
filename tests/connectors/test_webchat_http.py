"""Bad input to the web chat and REST channels of a real Rasa server: 4xx, never a crash or a lost conversation."""

from __future__ import annotations

import uuid

import pytest

from tests.support.live import http

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (b'{"sender": "s1", "message": ""}', 400, "message is empty"),
        (b'{"sender": "s1", "message": "   \\n  "}', 400, "message is empty"),
        ('{"sender": "s1", "message": "%s"}' % ("a" * 10_001), 413, "longer than 10000"),
        (b'{"sender": "s1", "message": "caf\xe9"}', 400, "not valid UTF-8"),
        (b"not json at all", 400, "not valid JSON"),
        (b'["a list"]', 400, "JSON object"),
        (b'{"message": "hello"}', 400, "'sender'"),
        (b'{"sender": "../../etc", "message": "hello"}', 400, "'sender'"),
        (b'{"sender": "s1", "message": 42}', 400, "'message' must be a string"),
        ('{"sender": "s1", "message": "\\u0000\\u0001\\u0002binary\\u0003"}', 415, "binary"),
        (b"x" * 1_000_000, 413, "larger than"),
    ],
)
def test_bad_webchat_requests_get_a_clear_4xx(live_bot, body, status, error) -> None:
    raw = body.encode() if isinstance(body, str) else body
    reply = http("POST", f"{live_bot.base_url}/webhooks/webchat/message", raw=raw)
    assert reply.status == status
    assert error in reply.body["error"]


def test_conversation_survives_bad_input(live_bot) -> None:
    sender = f"bad-{uuid.uuid4().hex[:8]}"
    assert live_bot.texts(sender, "hi")
    for raw in (b'{"sender": "%s", "message": ""}' % sender.encode(),
                b'{"sender": "%s", "message": "\xff\xfe"}' % sender.encode()):
        assert http("POST", f"{live_bot.base_url}/webhooks/webchat/message", raw=raw).status == 400
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
    reply = http("POST", f"{live_bot.base_url}/webhooks/rest/webhook", raw=raw)
    assert reply.status < 500
    assert http("GET", f"{live_bot.base_url}/webhooks/webchat/health").status == 200
