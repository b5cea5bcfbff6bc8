"""Telegram webhook through the real Rasa and action servers; replies captured by the fake Bot API."""

from __future__ import annotations

import threading
from typing import Dict, List

import pytest

from tests.fakes.telegram_api import button_update, text_update
from tests.rasa_env.connectors.conftest import PUBLIC_BASE_URL, TELEGRAM_SECRET, Channels

pytestmark = pytest.mark.slow

TRACKING = "1Z999AA10123456784"


def replies(channels: Channels, chat: int) -> List[str]:
    return [c.params["text"] for c in channels.telegram.delivered("sendMessage", chat_id=str(chat))]


def say(channels: Channels, update_id: int, chat: int, text: str, expect_total: int) -> List[str]:
    reply = channels.telegram_post(text_update(update_id, chat, text))
    assert reply.status == 200, reply.body
    channels.telegram.wait_delivered("sendMessage", expect_total, chat_id=str(chat))
    return replies(channels, chat)


def test_webhook_is_registered_with_its_secret(channels: Channels) -> None:
    [call] = channels.telegram.wait_delivered("setWebhook", 1)
    assert call.params["url"] == f"{PUBLIC_BASE_URL}/webhooks/telegram/webhook"
    assert call.params["secret_token"] == TELEGRAM_SECRET
    assert call.params["allowed_updates"] == ["message", "callback_query"]


def test_unsigned_and_wrongly_signed_updates_are_refused_and_not_processed(channels: Channels) -> None:
    before = channels.health("telegram")["counters"]
    missing = channels.telegram_post(text_update(9001, 1900, "SECRET-CONTENT-1"), secret=None)
    wrong = channels.telegram_post(text_update(9002, 1900, "SECRET-CONTENT-2"), secret="not-the-secret")
    assert (missing.status, wrong.status) == (401, 403)
    after = channels.health("telegram")["counters"]
    assert after["rejected"] - before["rejected"] == 2
    assert after["received"] == before["received"]
    # A valid update for the same chat is answered; the refused ones never were.
    assert say(channels, 9003, 1900, "hi", 1)[0].startswith("Hi, I'm Pip")
    assert "SECRET-CONTENT" not in channels.bot.rasa.log_path.read_text(errors="replace")


def test_order_status_conversation_returns_the_tracking_number(channels: Channels) -> None:
    assert "order number" in say(channels, 100, 1001, "where is my order", 1)[0]
    texts = say(channels, 101, 1001, "HP-482913", 2)
    assert "email address or the postcode" in texts[1] and TRACKING not in texts[1]
    texts = say(channels, 102, 1001, "maya.lindqvist@example.com", 4)
    assert TRACKING in texts[2]
    assert texts[3] == "Is there anything else I can help you with?"


def test_buttons_are_an_inline_keyboard_and_a_press_continues(channels: Channels) -> None:
    say(channels, 200, 1002, "I want to return something", 2)
    last = channels.telegram.delivered("sendMessage", chat_id="1002")[-1]
    assert last.params["reply_markup"] == {"inline_keyboard": [
        [{"text": "Yes, please", "callback_data": "/affirm"}], [{"text": "No, thanks", "callback_data": "/deny"}]]}
    assert channels.telegram_post(button_update(201, 1002, "/affirm")).status == 200
    channels.telegram.wait_delivered("sendMessage", 4, chat_id="1002")
    assert "harborandpine.example/returns" in replies(channels, 1002)[2]
    assert channels.telegram.delivered("answerCallbackQuery", callback_query_id="cb201")


def test_a_duplicate_update_is_processed_once(channels: Channels) -> None:
    first = channels.telegram_post(text_update(300, 1003, "hi"))
    second = channels.telegram_post(text_update(300, 1003, "hi"))
    assert (first.body["outcome"], second.body["outcome"]) == ("queued", "duplicate")
    # The chat's worker is ordered: once the next message is answered, any duplicate would be too.
    texts = say(channels, 301, 1003, "thanks", 2)
    assert len(texts) == 2 and texts[1].startswith("You're welcome")


def test_order_is_kept_per_chat_under_concurrent_messages(channels: Channels) -> None:
    script = ["hi", "how much is shipping", "thanks", "hi"]
    chats = list(range(1100, 1108))
    errors: List[str] = []

    def conversation(chat: int) -> None:
        for index, text in enumerate(script):  # posted back to back, without waiting for replies
            reply = channels.telegram_post(text_update(chat * 10 + index, chat, text))
            if reply.status != 200:
                errors.append(f"{chat}: {reply.status}")

    threads = [threading.Thread(target=conversation, args=(chat,)) for chat in chats]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    expected_starts = ["Hi, I'm Pip", "Standard shipping", "Is there anything else", "You're welcome", "Hi, I'm Pip"]
    for chat in chats:
        channels.telegram.wait_delivered("sendMessage", 5, timeout=120, chat_id=str(chat))
        texts = replies(channels, chat)
        assert [t[:len(s)] for t, s in zip(texts, expected_starts)] == expected_starts, texts


@pytest.mark.parametrize("raw, status", [
    (b"not json", 400),
    (b"[1, 2]", 400),
    (b'{"message": {"chat": {"id": 5}, "text": "no update id"}}', 400),
    (b'{"update_id": "7", "message": {"chat": {"id": 5}, "text": "x"}}', 400),
    (b'{"update_id": 7, "message": {"chat": {"id": "5"}, "text": "x"}}', 400),
    (b'{"update_id": 7, "message": {"chat": {"id": 5}, "text": 12}}', 400),
    (b'{"update_id": 7, "message": "hello"}', 400),
    (b"\xff\xfe\x00garbage", 400),
    (b'{"update_id": 8, "message": {"chat": {"id": 5}, "text": "' + b"a" * (1024 * 1024) + b'"}}', 413),
])
def test_malformed_updates_get_4xx_and_the_server_stays_healthy(channels: Channels, raw: bytes, status: int) -> None:
    assert channels.telegram_post(None, raw=raw).status == status
    assert channels.health("telegram")["status"] == "ok"


def test_the_server_answers_after_malformed_input(channels: Channels) -> None:
    assert say(channels, 400, 1004, "hi", 1)[0].startswith("Hi, I'm Pip")


def test_an_unsupported_update_is_acknowledged_and_ignored(channels: Channels) -> None:
    reply = channels.telegram_post({"update_id": 500, "edited_message": {"chat": {"id": 1005}, "text": "x"}})
    assert (reply.status, reply.body["outcome"]) == (200, "ignored")
