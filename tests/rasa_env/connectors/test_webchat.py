"""Parsing of web chat requests (no server)."""

from __future__ import annotations

import json

import pytest

from connectors.webchat import BadRequest, WebChatInput, parse_request


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
