"""Parsing and configuration of the web chat channel (no server)."""

from __future__ import annotations

import asyncio
import json

import pytest

from connectors.webchat import BadRequest, WebChatInput, parse_inbox_query, parse_request


def body(**fields) -> bytes:
    return json.dumps(fields).encode()


def test_a_valid_request_is_normalised() -> None:
    assert parse_request(body(message="  Cafe\u0301 order?  "), 10_000) == "Caf\u00e9 order?"  # NFC, stripped


def test_limit_is_inclusive() -> None:
    assert len(parse_request(body(message="a" * 50), 50)) == 50
    with pytest.raises(BadRequest) as error:
        parse_request(body(message="a" * 51), 50)
    assert error.value.status == 413


def test_text_with_some_control_characters_is_accepted_but_binary_is_not() -> None:
    assert parse_request(body(message="line one\nline two\ttab"), 100)
    with pytest.raises(BadRequest) as error:
        parse_request(body(message="ok\x00"), 100)
    assert error.value.status == 415


def test_emoji_and_non_latin_text_are_text() -> None:
    assert parse_request(body(message="Где мой заказ? 📦"), 100) == "Где мой заказ? 📦"


def test_max_message_chars_is_validated_from_credentials() -> None:
    assert WebChatInput.from_credentials({"max_message_chars": 20}).max_message_chars == 20
    assert WebChatInput.from_credentials(None).max_message_chars == 10_000
    with pytest.raises(ValueError, match="max_message_chars must be a int"):
        WebChatInput.from_credentials({"max_message_chars": "many"})
    with pytest.raises(ValueError, match="max_message_chars must be a positive integer"):
        WebChatInput.from_credentials({"max_message_chars": 0})


@pytest.mark.parametrize("sender", ["web-a", "telegram:12345", "+15551230077", "U0CUST"])
def test_naming_a_conversation_is_refused_the_server_assigns_it(sender: str) -> None:
    with pytest.raises(BadRequest, match="server assigns") as error:
        parse_request(body(sender=sender, message="hi"), 100)
    assert error.value.status == 400


def test_inbox_query_is_validated() -> None:
    assert parse_inbox_query({}) == 0
    assert parse_inbox_query({"after": ["42"], "other": ["x"]}) == 42
    assert parse_inbox_query({"after": [str(2**63 - 1)]}) == 2**63 - 1


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ({"sender": ["web-a"]}, "'sender' is not accepted"),
        ({"after": ["-1"]}, "'after'"),
        ({"after": ["1.5"]}, "'after'"),
        ({"after": ["\u0661\u0662"]}, "'after'"),  # Arabic-Indic digits
        ({"after": [str(2**63)]}, "'after'"),
        ({"after": ["9" * 400]}, "'after'"),
        ({"after": ["1", "2"]}, "'after'"),
    ],
)
def test_bad_inbox_queries_are_refused_with_400(args, error) -> None:
    with pytest.raises(BadRequest, match=error) as refused:
        parse_inbox_query(args)
    assert refused.value.status == 400


def test_an_overlong_inbox_query_is_refused_with_414() -> None:
    with pytest.raises(BadRequest) as refused:
        parse_inbox_query({}, query_bytes=5000)
    assert refused.value.status == 414


def test_settings_are_validated_from_credentials(tmp_path) -> None:
    channel = WebChatInput.from_credentials({"outbox_db": str(tmp_path / "box.db"), "outbox_max_per_sender": 5,
                                             "outbox_retention_hours": 2, "session_hours": 1,
                                             "cors_origins": ["https://shop.example"], "trusted_proxy_hops": 1,
                                             "rate_limits": {"messages_per_minute_per_session": 3}})
    assert channel.outbox.path == tmp_path / "box.db" and channel.outbox.max_per_sender == 5
    assert channel.outbox.retention_seconds == 7200
    assert channel.sessions.ttl_seconds == 3600 and channel.cors_origins == {"https://shop.example"}
    assert channel._limits["messages_per_minute_per_session"].per_minute == 3
    assert channel._limits["messages_per_minute_per_client"].per_minute == 60  # default kept
    for bad, message in [({"outbox_max_per_sender": 0}, "outbox_max_per_sender"),
                         ({"outbox_retention_hours": "a week"}, "outbox_retention_hours"),
                         ({"cors_origins": ["*"]}, "never '\\*'"),
                         ({"cors_origins": ["https://shop.example/path"]}, "is not an origin"),
                         ({"cors_origins": "https://shop.example"}, "must be a list"),
                         ({"trusted_proxy_hops": -1}, "trusted_proxy_hops"),
                         ({"cookie_secure": "sometimes"}, "cookie_secure"),
                         ({"rate_limits": {"per_hour": 3}}, "rate_limits takes the keys"),
                         ({"rate_limits": {"polls_per_minute_per_session": 0}}, "polls_per_minute_per_session")]:
        with pytest.raises(ValueError, match=message):
            WebChatInput.from_credentials(bad)


def test_the_output_channel_writes_into_the_sessions_outbox(tmp_path) -> None:
    channel = WebChatInput(outbox_path=tmp_path / "box.db")
    assert asyncio.run(channel.get_output_channel().send_to("webchat:session-a", "Sam here", from_agent=True))
    assert [m.to_json() for m in channel.outbox.fetch("session-a")] == [{"id": 1, "text": "Sam here", "from": "agent"}]


@pytest.mark.parametrize("other", ["telegram:12345", "session-a", "sms:" + "0" * 32])
def test_the_output_channel_refuses_conversations_of_other_channels(tmp_path, other: str) -> None:
    channel = WebChatInput(outbox_path=tmp_path / "box.db")
    assert asyncio.run(channel.get_output_channel().send_to(other, "for someone else")) is False
    assert channel.outbox.pending() == 0
