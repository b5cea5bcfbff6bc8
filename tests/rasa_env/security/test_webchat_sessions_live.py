"""Web chat sessions, CORS and rate limits on a real server (the channels with a stand-in dialogue)."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.support.channel_server import ChannelServer
from tests.support.live import http

pytestmark = pytest.mark.slow

CREDENTIALS = """
connectors.webchat.WebChatInput:
  cors_origins: ["https://shop.example"]
  rate_limits:
    messages_per_minute_per_session: %d
    messages_per_minute_per_client: %d
    polls_per_minute_per_session: 100
    sessions_per_minute_per_client: %d
"""


def _serve(tmp_path_factory: pytest.TempPathFactory, limits: tuple[int, int, int]) -> Iterator[ChannelServer]:
    running = ChannelServer(tmp_path_factory.mktemp("webchat-sessions"), CREDENTIALS % limits).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChannelServer]:
    yield from _serve(tmp_path_factory, (1000, 1000, 1000))


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChannelServer]:
    yield from _serve(tmp_path_factory, (5, 12, 20))


def session(server: ChannelServer) -> str:
    reply = http("POST", f"{server.base_url}/webhooks/webchat/session")
    assert reply.status == 200, reply.body
    return reply.body["token"]


def say(server: ChannelServer, token: str, text: str, **headers: str):
    return http("POST", f"{server.base_url}/webhooks/webchat/message", {"message": text},
                headers={"Authorization": f"Bearer {token}", **headers})


def test_the_page_gets_an_httponly_session_cookie_that_works(server: ChannelServer) -> None:
    import urllib.request

    with urllib.request.urlopen(f"{server.base_url}/webhooks/webchat/") as page:
        assert page.status == 200
        header = page.headers.get("Set-Cookie")
    assert "switchboard_session=" in header and "HttpOnly" in header and "Path=/webhooks/webchat" in header
    # cross-origin embedding is configured here: the cookie must be SameSite=None and Secure
    assert "SameSite=None" in header and "Secure" in header
    cookie = header.split(";", 1)[0]
    reply = http("POST", f"{server.base_url}/webhooks/webchat/message", {"message": "hello"}, headers={"Cookie": cookie})
    assert reply.status == 200 and reply.body["messages"][0]["text"] == "echo: hello"
    assert server.messages()[-1]["conversation_id"].startswith("webchat:")
    assert "client_key" in server.messages()[-1]["metadata"]


def test_requests_without_a_valid_session_are_refused(server: ChannelServer) -> None:
    token = session(server)
    assert say(server, "", "hi").status == 401
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    assert say(server, forged, "hi").status == 401
    assert http("GET", f"{server.base_url}/webhooks/webchat/inbox").status == 401
    before = len(server.messages())
    reply = http("POST", f"{server.base_url}/webhooks/webchat/message", {"sender": "telegram:12345", "message": "hi"})
    assert reply.status == 401
    assert len(server.messages()) == before  # nothing reached the dialogue


def test_a_session_cannot_name_or_read_another_conversation(server: ChannelServer) -> None:
    mine, theirs = session(server), session(server)
    assert say(server, theirs, "their secret order question").status == 200
    victim = server.messages()[-1]["conversation_id"]
    # Naming another conversation (a Telegram chat, a phone number, another session) is refused outright.
    for other in ("telegram:12345", "+15551230077", "U0CUSTOMER", victim, victim.split(":", 1)[1]):
        reply = http("POST", f"{server.base_url}/webhooks/webchat/message", {"sender": other, "message": "x"},
                     headers={"Authorization": f"Bearer {mine}"})
        assert reply.status == 400 and "server assigns" in reply.body["error"]
        polled = http("GET", f"{server.base_url}/webhooks/webchat/inbox?sender={other}",
                      headers={"Authorization": f"Bearer {mine}"})
        assert polled.status == 400
    assert say(server, mine, "my own question").status == 200
    assert server.messages()[-1]["conversation_id"] not in (victim, "telegram:12345")
    assert all(m["conversation_id"].startswith("webchat:") for m in server.messages())
    assert http("GET", f"{server.base_url}/webhooks/webchat/inbox",
                headers={"Authorization": f"Bearer {mine}"}).body["messages"] == []


def test_cross_origin_requests_need_an_allowed_origin(server: ChannelServer) -> None:
    token = session(server)
    allowed = say(server, token, "from the shop", Origin="https://shop.example")
    assert allowed.status == 200
    assert say(server, token, "from elsewhere", Origin="https://evil.example").status == 403
    preflight = http("OPTIONS", f"{server.base_url}/webhooks/webchat/message",
                     headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "POST"})
    assert preflight.status == 204
    assert http("OPTIONS", f"{server.base_url}/webhooks/webchat/message",
                headers={"Origin": "https://evil.example"}).status == 403


def test_too_many_messages_get_429_with_retry_after_and_a_polite_message(limited: ChannelServer) -> None:
    token = session(limited)
    statuses = [say(limited, token, f"message {n}").status for n in range(6)]
    assert statuses == [200] * 5 + [429]  # 5 a minute per session
    reply = say(limited, token, "one more")
    assert reply.status == 429 and "Please wait" in reply.body["error"]
    # New sessions do not reset the per-client limit (12 a minute from this address, 5 used above;
    # a refused request takes no token of the client's bucket).
    fresh = [say(limited, session(limited), "hi").status for _ in range(9)]
    assert fresh[:7] == [200] * 7 and 429 in fresh
    retry_after = http("POST", f"{limited.base_url}/webhooks/webchat/message", {"message": "x"},
                       headers={"Authorization": f"Bearer {session(limited)}"})
    assert retry_after.status == 429
    assert limited.alive()


def test_the_server_survives_and_keeps_answering(server: ChannelServer) -> None:
    assert server.alive()
    assert http("GET", f"{server.base_url}/webhooks/webchat/health").status == 200
