"""Outbound side of each channel against the fake APIs (no Rasa server): exact requests, splitting,
buttons, retries, opt-outs; and Telegram long polling feeding the ordered worker."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Iterator, List

import pytest

from connectors.delivery import DeliveryStats
from connectors.slack import SlackSender
from connectors.sms_state import SmsStateStore
from connectors.telegram import TelegramInput, TelegramSender
from connectors.twilio_sms import TwilioSender
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram, button_update, text_update
from tests.fakes.twilio_api import FakeTwilio

TOKEN = "123456:TEST-token"
BUTTONS = [{"title": "Yes, please", "payload": "/affirm"}, {"title": "No, thanks", "payload": "/deny"}]


@pytest.fixture()
def telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram(TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture()
def twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio("AC" + "1" * 32, "twilio-secret").start()
    yield fake
    fake.stop()


@pytest.fixture()
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack("xoxb-test").start()
    yield fake
    fake.stop()


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


async def _telegram_send(fake: FakeTelegram, *args: Any, token: str = TOKEN) -> TelegramSender:
    sender = TelegramSender(token, fake.base_url, backoff_seconds=0.01)
    try:
        await sender.send_text(*args)
    finally:
        await sender.close()
    return sender


def test_telegram_plain_text_and_inline_keyboard(telegram: FakeTelegram) -> None:
    run(_telegram_send(telegram, "42", "**Free** returns within 30 days.", BUTTONS))
    [call] = telegram.delivered("sendMessage")
    assert call.params["chat_id"] == "42"
    assert call.params["text"] == "Free returns within 30 days."
    assert "parse_mode" not in call.params  # plain text: nothing to escape, nothing misparsed
    assert call.params["reply_markup"] == {"inline_keyboard": [
        [{"text": "Yes, please", "callback_data": "/affirm"}], [{"text": "No, thanks", "callback_data": "/deny"}]]}


def test_telegram_long_message_is_split_under_4096_with_keyboard_on_the_last_part(telegram: FakeTelegram) -> None:
    text = "\n\n".join(f"Paragraph {i}: " + "lorem ipsum dolor sit amet " * 20 for i in range(30))
    run(_telegram_send(telegram, "42", text, BUTTONS))
    calls = telegram.delivered("sendMessage")
    assert len(calls) == 5
    assert all(len(c.params["text"]) <= 4096 for c in calls)
    assert [("reply_markup" in c.params) for c in calls] == [False] * 4 + [True]
    assert all(c.params["text"].startswith("Paragraph") for c in calls)  # cut at paragraph boundaries
    assert " ".join(c.params["text"] for c in calls).split() == text.split()  # nothing lost


def test_telegram_429_retry_after_is_honoured(telegram: FakeTelegram) -> None:
    telegram.fail_next("sendMessage", 429, body={"description": "Too Many Requests: retry after 1",
                                                 "parameters": {"retry_after": 1}})
    sender = run(_telegram_send(telegram, "42", "hello"))
    attempts = [c for c in telegram.calls if c.method == "sendMessage"]
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].received_at - attempts[0].received_at >= 0.95
    assert (sender.stats.sent, sender.stats.retried, sender.stats.failed) == (1, 1, 0)


def test_telegram_permanent_failure_is_counted_not_retried(telegram: FakeTelegram) -> None:
    telegram.fail_next("sendMessage", 400, body={"description": "Bad Request: chat not found"})
    sender = run(_telegram_send(telegram, "42", "hello"))
    assert [c.status for c in telegram.calls if c.method == "sendMessage"] == [400]
    assert (sender.stats.sent, sender.stats.failed) == (0, 1)


def test_telegram_wrong_token_is_refused_and_counted(telegram: FakeTelegram) -> None:
    sender = run(_telegram_send(telegram, "42", "hello", token="999:wrong"))
    assert [(c.method, c.status) for c in telegram.calls] == [("getMe", 401)]
    assert (sender.stats.sent, sender.stats.failed) == (0, 1)


def test_telegram_long_polling_feeds_updates_in_order_once(telegram: FakeTelegram, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """getUpdates -> parse -> durable inbox (dedupe) -> ordered worker -> on_new_message; buttons answered."""
    monkeypatch.setenv("SWITCHBOARD_DATABASE_URL", f"sqlite:///{tmp_path / 'switchboard.db'}")

    async def scenario() -> List[Any]:
        received: List[Any] = []
        done = asyncio.Event()

        async def on_new_message(message: Any) -> None:
            received.append((message.sender_id, message.text, message.message_id))
            await message.output_channel.send_text_message(message.sender_id, f"echo {message.text}")
            if len(received) == 4:
                done.set()

        channel = TelegramInput(TOKEN, telegram.base_url, poll_timeout_seconds=1)
        channel.blueprint(on_new_message)
        await channel.intake.start()
        task = asyncio.get_running_loop().create_task(channel.poll())
        await asyncio.to_thread(telegram.push_update, text_update(1, 501, "hi"))
        await asyncio.to_thread(telegram.push_update, text_update(2, 501, "where is my order"))
        await asyncio.to_thread(telegram.push_update, text_update(2, 501, "where is my order"))  # re-delivery
        await asyncio.to_thread(telegram.push_update, button_update(3, 502, "/affirm"))
        await asyncio.to_thread(telegram.push_update, text_update(4, 501, "thanks"))
        await asyncio.wait_for(done.wait(), 30)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await channel.intake.stop()
        await channel.sender.close()
        return received

    received = run(scenario())
    assert [r for r in received if r[0] == "telegram:501"] == [
        ("telegram:501", "hi", "telegram:1"), ("telegram:501", "where is my order", "telegram:2"),
        ("telegram:501", "thanks", "telegram:4")]
    assert ("telegram:502", "/affirm", "telegram:3") in received
    assert [c.method for c in telegram.calls if c.method in ("deleteWebhook", "answerCallbackQuery")] == [
        "deleteWebhook", "answerCallbackQuery"]
    assert len(telegram.delivered("sendMessage", chat_id="501")) == 3


async def _twilio_send(fake: FakeTwilio, store: SmsStateStore, to: str, text: str, buttons: Any = None) -> TwilioSender:
    sender = TwilioSender(fake.account_sid, fake.auth_token, store, from_number="+15550009999",
                          api_base_url=fake.base_url, backoff_seconds=0.01)
    try:
        await sender.send(to, text, buttons)
    finally:
        await sender.close()
    return sender


def test_twilio_sends_plain_text_with_numbered_options(twilio: FakeTwilio, tmp_path: Path) -> None:
    store = SmsStateStore(tmp_path / "sms.db")
    run(_twilio_send(twilio, store, "+15550100001", "Would you like **help** starting a return?", BUTTONS))
    [call] = twilio.delivered("Messages.create")
    assert call.params == {"To": "+15550100001", "From": "+15550009999", "Body":
                           "Would you like help starting a return?\n\nReply with a number:\n1. Yes, please\n2. No, thanks"}
    assert store.take_options("+15550100001") == ["/affirm", "/deny"]


def test_twilio_long_text_is_split_into_1600_character_bodies(twilio: FakeTwilio, tmp_path: Path) -> None:
    text = " ".join(f"Sentence {i} about our returns policy." for i in range(120))
    run(_twilio_send(twilio, SmsStateStore(tmp_path / "sms.db"), "+15550100001", text))
    bodies = [c.params["Body"] for c in twilio.delivered("Messages.create")]
    assert len(bodies) == 3 and all(len(b) <= 1600 for b in bodies)
    assert " ".join(bodies) == text


def test_twilio_opted_out_number_receives_nothing(twilio: FakeTwilio, tmp_path: Path) -> None:
    store = SmsStateStore(tmp_path / "sms.db")
    store.opt_out("+15550100001")
    sender = run(_twilio_send(twilio, store, "+15550100001", "hello"))
    assert twilio.calls == []
    assert sender.stats.suppressed == 1


def test_twilio_transient_errors_retried_permanent_counted(twilio: FakeTwilio, tmp_path: Path) -> None:
    store = SmsStateStore(tmp_path / "sms.db")
    twilio.fail_next("Messages.create", 503, times=2)
    sender = run(_twilio_send(twilio, store, "+15550100001", "hello"))
    assert [c.status for c in twilio.calls] == [503, 503, 201]
    assert (sender.stats.sent, sender.stats.retried) == (1, 2)
    twilio.clear()
    twilio.fail_next("Messages.create", 400, body={"code": 21211, "message": "Invalid 'To' Phone Number"})
    sender = run(_twilio_send(twilio, store, "+15550100001", "hello"))
    assert [c.status for c in twilio.calls] == [400]
    assert sender.stats.failed == 1


def test_twilio_wrong_credentials_fail_and_are_counted(twilio: FakeTwilio, tmp_path: Path) -> None:
    async def scenario() -> DeliveryStats:
        sender = TwilioSender(twilio.account_sid, "wrong-token", SmsStateStore(tmp_path / "sms.db"),
                              from_number="+15550009999", api_base_url=twilio.base_url)
        assert await sender.send("+15550100001", "hello") is False
        await sender.close()
        return sender.stats

    assert run(scenario()).failed == 1
    assert [c.status for c in twilio.calls] == [401]


def test_slack_mrkdwn_block_kit_buttons_in_thread(slack: FakeSlack) -> None:
    async def scenario() -> None:
        sender = SlackSender("xoxb-test", slack.api_url, backoff_seconds=0.01)
        await sender.post("C0123", "**Return** <now>?", BUTTONS, thread_ts="1700000000.000100")
        await sender.close()

    run(scenario())
    [call] = slack.delivered("chat.postMessage")
    assert call.params["channel"] == "C0123"
    assert call.params["thread_ts"] == "1700000000.000100"
    assert call.params["text"] == "*Return* &lt;now&gt;?"
    assert call.params["blocks"] == [
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Return* &lt;now&gt;?"}},
        {"type": "actions", "elements": [
            {"type": "button", "action_id": "choice_0", "text": {"type": "plain_text", "text": "Yes, please",
                                                                  "emoji": True}, "value": "/affirm"},
            {"type": "button", "action_id": "choice_1", "text": {"type": "plain_text", "text": "No, thanks",
                                                                  "emoji": True}, "value": "/deny"}]}]


def test_slack_rate_limit_is_retried_after_the_given_wait(slack: FakeSlack) -> None:
    slack.fail_next("chat.postMessage", 429, headers={"Retry-After": "1"}, body={"error": "ratelimited"})

    async def scenario() -> SlackSender:
        sender = SlackSender("xoxb-test", slack.api_url, backoff_seconds=0.01)
        await sender.post("C0123", "hello")
        await sender.close()
        return sender

    sender = run(scenario())
    attempts = slack.calls
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].received_at - attempts[0].received_at >= 0.95
    assert sender.stats.retried == 1
