"""A Rasa server where Telegram long-polls (no webhook URL) and SMS and Slack have no secrets."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Tuple

import pytest

from tests.fakes.telegram_api import FakeTelegram, text_update
from tests.support.live import LiveBot, http

pytestmark = pytest.mark.slow

TOKEN = "7000002:AApolling-token"
BLANK = {name: "" for name in (
    "TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
    "TWILIO_FROM_NUMBER", "TWILIO_MESSAGING_SERVICE_SID", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")}


@pytest.fixture(scope="module")
def polling_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[LiveBot, FakeTelegram]]:
    fake = FakeTelegram(TOKEN).start()
    bot = LiveBot(workdir=tmp_path_factory.mktemp("polling-bot"), extra_env={
        **BLANK, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": fake.base_url})
    try:
        bot.start()
        yield bot, fake
    finally:
        bot.stop()
        fake.stop()


def test_long_polling_answers_without_a_webhook(polling_bot: Tuple[LiveBot, FakeTelegram]) -> None:
    bot, fake = polling_bot
    fake.wait_delivered("getUpdates", 1)
    assert fake.delivered("deleteWebhook")
    fake.push_update(text_update(1, 3001, "where is my order"))
    fake.push_update(text_update(2, 3001, "HP-482913"))
    fake.wait_delivered("sendMessage", 2, chat_id="3001")
    fake.push_update(text_update(3, 3001, "02139"))
    fake.wait_delivered("sendMessage", 4, chat_id="3001")
    texts = [c.params["text"] for c in fake.delivered("sendMessage", chat_id="3001")]
    assert "order number" in texts[0] and "postcode" in texts[1] and "1Z999AA10123456784" in texts[2]
    assert http("GET", f"{bot.base_url}/webhooks/telegram/health").body["mode"] == "polling"
    assert http("POST", f"{bot.base_url}/webhooks/telegram/webhook", {"update_id": 1}).status == 404


@pytest.mark.parametrize("path, reason", [
    ("/webhooks/twilio_sms/webhook", "set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"),
    ("/webhooks/slack/events", "set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET"),
    ("/webhooks/slack/health", "set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET"),
])
def test_channels_without_secrets_answer_503(polling_bot: Tuple[LiveBot, FakeTelegram], path: str, reason: str) -> None:
    bot, _ = polling_bot
    reply = http("POST", f"{bot.base_url}{path}", {"x": 1})
    assert (reply.status, reply.body) == (503, {"error": f"channel disabled: {reason}"})


def test_a_disabled_channel_logs_one_line_and_the_rest_works(polling_bot: Tuple[LiveBot, FakeTelegram]) -> None:
    bot, _ = polling_bot
    assert bot.texts("web-disabled-check", "hi")[0].startswith("Hi, I'm Pip")
    log = Path(bot.rasa.log_path).read_text(errors="replace")
    assert log.count("slack channel disabled: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET") == 1
    assert log.count("twilio_sms channel disabled:") == 1
    assert "telegram channel disabled" not in log
