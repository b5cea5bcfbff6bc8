"""Edge parsing of each platform's payload and configuration from the environment (no server)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from connectors.slack import BadEvent, SlackInput, parse_action, parse_event
from connectors.telegram import BadUpdate, TelegramInput, TelegramInbound, parse_update
from connectors.twilio_sms import BadSms, TwilioSmsInput, parse_sms

ACCOUNT = "AC" + "a" * 32
CHANNEL_ENV = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET", "TWILIO_ACCOUNT_SID",
               "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER", "TWILIO_MESSAGING_SERVICE_SID", "SLACK_BOT_TOKEN",
               "SLACK_SIGNING_SECRET")


@pytest.fixture()
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in CHANNEL_ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_telegram_text_and_button_updates() -> None:
    assert parse_update({"update_id": 1, "message": {"chat": {"id": 5}, "text": " hi "}}) == \
        TelegramInbound(1, 5, "hi")
    press = {"update_id": 2, "callback_query": {"id": "q", "data": "/affirm", "message": {"chat": {"id": 5}}}}
    assert parse_update(press) == TelegramInbound(2, 5, "/affirm", "q")


@pytest.mark.parametrize("update", [
    {"update_id": 1, "edited_message": {"chat": {"id": 5}, "text": "x"}},
    {"update_id": 1, "message": {"chat": {"id": 5}, "sticker": {}}},
    {"update_id": 1, "message": {"chat": {"id": 5}, "text": "   "}},
    {"update_id": 1, "callback_query": {"id": "q", "data": "x", "inline_message_id": "i"}},
])
def test_telegram_updates_the_bot_ignores(update: Any) -> None:
    assert parse_update(update) is None


@pytest.mark.parametrize("update, message", [
    ([], "JSON object"), ({"update_id": True}, "update_id"), ({"update_id": 1, "message": {"text": "x"}}, "chat"),
    ({"update_id": 1, "message": {"chat": {"id": 1}, "text": "a" * 4097}}, "longer than 4096"),
])
def test_telegram_malformed_updates(update: Any, message: str) -> None:
    with pytest.raises(BadUpdate, match=message):
        parse_update(update)


def test_sms_fields() -> None:
    params = {"MessageSid": "SM" + "0" * 32, "AccountSid": ACCOUNT, "From": "+15550100001", "Body": " hi "}
    parsed = parse_sms(params, ACCOUNT)
    assert (parsed.sender, parsed.body) == ("+15550100001", "hi")
    with pytest.raises(BadSms, match="AccountSid"):
        parse_sms(params, "AC" + "b" * 32)


def test_slack_event_kinds() -> None:
    event = {"type": "event_callback", "event_id": "Ev1", "team_id": "T0001", "event": {
        "type": "app_mention", "user": "U1", "channel": "C1", "text": "<@UBOT> where is my order", "ts": "1.2"}}
    parsed = parse_event(event)
    assert (parsed.text, parsed.thread_ts, parsed.channel) == ("where is my order", "1.2", "C1")
    assert parsed.conversation_id == "slack:T0001:U1"
    assert parse_event({"type": "url_verification", "challenge": "abc"}) == {"challenge": "abc"}
    event["event"]["subtype"] = "message_changed"
    assert parse_event(event) is None
    with pytest.raises(BadEvent, match="event_id"):
        parse_event({"type": "event_callback", "event": {}})
    assert parse_action({"type": "view_submission"}) is None
    with pytest.raises(BadEvent, match="actions"):
        parse_action({"type": "block_actions", "actions": []})
    press = {"type": "block_actions", "user": {"id": "U1", "team_id": "T0001"}, "channel": {"id": "D1"},
             "actions": [{"value": "/affirm", "action_ts": "1.3"}]}
    assert parse_action(press).conversation_id == "slack:T0001:U1"


@pytest.mark.parametrize("team", [None, "", "T0001:U9", "T 1"])
def test_slack_events_without_a_clean_team_id_are_refused(team: Any) -> None:
    event = {"type": "event_callback", "event_id": "Ev1", "event": {
        "type": "message", "user": "U1", "channel": "D1", "text": "hi", "ts": "1.2", "channel_type": "im"}}
    if team is not None:
        event["team_id"] = team
    with pytest.raises(BadEvent, match="team"):
        parse_event(event)


def test_channels_without_secrets_are_disabled_with_one_log_line(
        clean_env: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    assert TelegramInput.from_credentials({}).disabled_reason == "set TELEGRAM_BOT_TOKEN"
    assert TwilioSmsInput.from_credentials(None).disabled_reason == "set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"
    clean_env.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    assert SlackInput.from_credentials({}).disabled_reason == "set SLACK_SIGNING_SECRET"
    assert [r.getMessage() for r in caplog.records] == [
        "telegram channel disabled: set TELEGRAM_BOT_TOKEN",
        "twilio_sms channel disabled: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN",
        "slack channel disabled: set SLACK_SIGNING_SECRET",
    ]


def test_a_webhook_url_without_a_secret_disables_telegram(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("TELEGRAM_BOT_TOKEN", "1:x")
    clean_env.setenv("TELEGRAM_WEBHOOK_URL", "https://bot.example.test/webhooks/telegram/webhook")
    assert "set TELEGRAM_WEBHOOK_SECRET" in TelegramInput.from_credentials({}).disabled_reason
    clean_env.setenv("TELEGRAM_WEBHOOK_SECRET", "has spaces")
    with pytest.raises(ValueError, match="TELEGRAM_WEBHOOK_SECRET must be 1-256 characters"):
        TelegramInput.from_credentials({})


def test_sms_needs_a_sender_and_validates_settings(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("TWILIO_ACCOUNT_SID", ACCOUNT)
    clean_env.setenv("TWILIO_AUTH_TOKEN", "t")
    assert TwilioSmsInput.from_credentials({}).disabled_reason == \
        "set TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID"
    clean_env.setenv("TWILIO_FROM_NUMBER", "+15550009999")
    with pytest.raises(ValueError, match=r"connectors.twilio_sms.TwilioSmsInput.help_text must be a str, got 5"):
        TwilioSmsInput.from_credentials({"help_text": 5})
    clean_env.setenv("TWILIO_PUBLIC_BASE_URL", "bot.example.test/path")
    with pytest.raises(ValueError, match="TWILIO_PUBLIC_BASE_URL must look like https://host"):
        TwilioSmsInput.from_credentials({})
