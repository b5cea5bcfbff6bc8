"""Parsing of web chat requests (no server)."""

from __future__ import annotations

import json

import pytest

from connectors.webchat import BadRequest, InboxQuery, WebChatInput, parse_inbox_query, parse_request


def body(**fields) -> bytes:
    return json.dumps(fields).encode()


def test_a_valid_request_is_normalised() -> None:
    parsed = parse_request(body(sender="web-abc_1", message="  Cafe\u0301 order?  "), 10_000)
    assert parsed.sender == "web-abc_1"
    assert parsed.text == "Caf\u00e9 order?"  # NFC, stripped


def test_limit_is_inclusive() -> None:
    assert len(parse_request(body(sender="s", message="a" * 50), 50).text) == 50
    with pytest.raises(BadRequest) as error:
        parse_request(body(sender="s", message="a" * 51), 50)
    assert error.value.status == 413


def test_text_with_some_control_characters_is_accepted_but_binary_is_not() -> None:
    assert parse_request(body(sender="s", message="line one\nline two\ttab"), 100)
    with pytest.raises(BadRequest) as error:
        parse_request(body(sender="s", message="ok\x00"), 100)
    assert error.value.status == 415


def test_emoji_and_non_latin_text_are_text() -> None:
    assert parse_request(body(sender="s", message="Где мой заказ? 📦"), 100).text == "Где мой заказ? 📦"


def test_max_message_chars_is_validated_from_credentials() -> None:
    assert WebChatInput.from_credentials({"max_message_chars": 20}).max_message_chars == 20
    assert WebChatInput.from_credentials(None).max_message_chars == 10_000
    with pytest.raises(ValueError, match="max_message_chars must be a positive integer"):
        WebChatInput.from_credentials({"max_message_chars": "many"})


def test_a_sender_with_a_trailing_newline_is_refused() -> None:
    with pytest.raises(BadRequest) as error:
        parse_request(body(sender="web-a\n", message="hi"), 100)
    assert error.value.status == 400


def test_inbox_query_is_validated() -> None:
    assert parse_inbox_query({"sender": ["web-a"]}) == InboxQuery(sender="web-a", after=0)
    assert parse_inbox_query({"sender": ["web-a"], "after": ["42"], "other": ["x"]}) == InboxQuery("web-a", 42)
    assert parse_inbox_query({"sender": ["s"], "after": [str(2**63 - 1)]}).after == 2**63 - 1


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ({}, "'sender'"),
        ({"sender": ["../etc"]}, "'sender'"),
        ({"sender": ["web-a\n"]}, "'sender'"),
        ({"sender": ["a", "b"]}, "'sender'"),
        ({"sender": ["web-a"], "after": ["-1"]}, "'after'"),
        ({"sender": ["web-a"], "after": ["1.5"]}, "'after'"),
        ({"sender": ["web-a"], "after": ["\u0661\u0662"]}, "'after'"),  # Arabic-Indic digits
        ({"sender": ["web-a"], "after": [str(2**63)]}, "'after'"),
        ({"sender": ["web-a"], "after": ["9" * 400]}, "'after'"),
        ({"sender": ["web-a"], "after": ["1", "2"]}, "'after'"),
    ],
)
def test_bad_inbox_queries_are_refused_with_400(args, error) -> None:
    with pytest.raises(BadRequest, match=error) as refused:
        parse_inbox_query(args)
    assert refused.value.status == 400


def test_an_overlong_inbox_query_is_refused_with_414() -> None:
    with pytest.raises(BadRequest) as refused:
        parse_inbox_query({"sender": ["web-a"]}, query_bytes=5000)
    assert refused.value.status == 414


def test_outbox_settings_are_validated_from_credentials(tmp_path) -> None:
    channel = WebChatInput.from_credentials({"outbox_db": str(tmp_path / "box.db"), "outbox_max_per_sender": 5,
                                             "outbox_retention_hours": 2})
    assert channel.outbox.path == tmp_path / "box.db" and channel.outbox.max_per_sender == 5
    assert channel.outbox.retention_seconds == 7200
    with pytest.raises(ValueError, match="outbox_max_per_sender"):
        WebChatInput.from_credentials({"outbox_max_per_sender": 0})
    with pytest.raises(ValueError, match="outbox_retention_hours"):
        WebChatInput.from_credentials({"outbox_retention_hours": "a week"})


def test_the_output_channel_writes_into_the_channel_outbox(tmp_path) -> None:
    import asyncio

    channel = WebChatInput(outbox_path=tmp_path / "box.db")
    assert asyncio.run(channel.get_output_channel().send_to("web-a", "Sam here", from_agent=True))
    assert [m.to_json() for m in channel.outbox.fetch("web-a")] == [{"id": 1, "text": "Sam here", "from": "agent"}]
