"""The real Rasa + action servers with the Telegram, SMS and Slack channels pointed at local fake APIs."""

from __future__ import annotations

import json
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any, Dict, Iterator, Optional

import pytest

from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.twilio_api import FakeTwilio
from tests.support.live import HttpReply, LiveBot, http

TELEGRAM_TOKEN = "7000001:AAtest-token"
TELEGRAM_SECRET = "tg-secret-0123456789"
TWILIO_SID = "AC" + "0" * 31 + "1"
TWILIO_TOKEN = "twilio-auth-token-test"
TWILIO_FROM = "+15550009999"
PUBLIC_BASE_URL = "https://bot.example.test"  # what Twilio signs; the server sees 127.0.0.1 (reverse proxy)
SLACK_TOKEN = "xoxb-test-token"
SLACK_SECRET = "slack-signing-secret-test"


@dataclass
class Channels:
    """The running servers, the fakes, and helpers that post correctly signed webhooks."""

    bot: LiveBot
    telegram: FakeTelegram
    twilio: FakeTwilio
    slack: FakeSlack

    def url(self, path: str) -> str:
        return f"{self.bot.base_url}{path}"

    # --- Telegram ------------------------------------------------------------------------
    def telegram_post(self, update: Any, secret: Optional[str] = TELEGRAM_SECRET, raw: Optional[bytes] = None) -> HttpReply:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        return http("POST", self.url("/webhooks/telegram/webhook"), update, raw=raw, headers=headers)

    # --- Twilio --------------------------------------------------------------------------
    def twilio_post(self, params: Dict[str, str], sign: bool = True, signed_url: Optional[str] = None,
                    raw: Optional[bytes] = None) -> HttpReply:
        path = "/webhooks/twilio_sms/webhook"
        body = raw if raw is not None else urllib.parse.urlencode(params).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if sign:
            headers["X-Twilio-Signature"] = twilio_signature(signed_url or PUBLIC_BASE_URL + path, params)
        return http("POST", self.url(path), raw=body, headers=headers)

    # --- Slack ---------------------------------------------------------------------------
    def slack_post(self, path: str, body: bytes, timestamp: Optional[int] = None, sign: bool = True,
                   content_type: str = "application/json", extra: Optional[Dict[str, str]] = None) -> HttpReply:
        headers = {"Content-Type": content_type, **(extra or {})}
        if sign:
            stamp = str(int(time.time()) if timestamp is None else timestamp)
            headers["X-Slack-Request-Timestamp"] = stamp
            headers["X-Slack-Signature"] = slack_signature(stamp, body)
        return http("POST", self.url(f"/webhooks/slack/{path}"), raw=body, headers=headers)

    def health(self, channel: str) -> Dict[str, Any]:
        reply = http("GET", self.url(f"/webhooks/{channel}/health"))
        assert reply.status == 200, reply.body
        return reply.body


def twilio_signature(url: str, params: Dict[str, str]) -> str:
    """X-Twilio-Signature computed with twilio's own RequestValidator."""
    from twilio.request_validator import RequestValidator

    return RequestValidator(TWILIO_TOKEN).compute_signature(url, params)


def slack_signature(timestamp: str, body: bytes) -> str:
    """X-Slack-Signature computed with slack_sdk's own SignatureVerifier."""
    from slack_sdk.signature import SignatureVerifier

    signature = SignatureVerifier(SLACK_SECRET).generate_signature(timestamp=timestamp, body=body)
    assert signature is not None
    return signature


def sms_params(sid_number: int, sender: str, body: str) -> Dict[str, str]:
    """The form fields Twilio posts for an incoming SMS."""
    return {"MessageSid": f"SM{sid_number:032x}", "SmsSid": f"SM{sid_number:032x}", "AccountSid": TWILIO_SID,
            "From": sender, "To": TWILIO_FROM, "Body": body, "NumMedia": "0"}


def slack_message_event(event_id: str, user: str, text: str, channel: str = "D0001", ts: str = "1700000000.000100",
                        channel_type: str = "im") -> bytes:
    """An Events API ``event_callback`` body carrying a message."""
    return json.dumps({"type": "event_callback", "team_id": "T0001", "event_id": event_id, "event_time": 1700000000,
                       "event": {"type": "message", "user": user, "text": text, "channel": channel, "ts": ts,
                                 "channel_type": channel_type}}).encode()


@pytest.fixture(scope="session")
def channels(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Channels]:
    """Fakes + real servers, started once for the connector tests."""
    telegram = FakeTelegram(TELEGRAM_TOKEN).start()
    twilio = FakeTwilio(TWILIO_SID, TWILIO_TOKEN).start()
    slack = FakeSlack(SLACK_TOKEN).start()
    bot = LiveBot(workdir=tmp_path_factory.mktemp("channels-bot"), extra_env={
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "TELEGRAM_WEBHOOK_URL": f"{PUBLIC_BASE_URL}/webhooks/telegram/webhook",
        "TELEGRAM_API_BASE_URL": telegram.base_url,
        "TWILIO_ACCOUNT_SID": TWILIO_SID, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "TWILIO_FROM_NUMBER": TWILIO_FROM,
        "TWILIO_PUBLIC_BASE_URL": PUBLIC_BASE_URL, "TWILIO_API_BASE_URL": twilio.base_url,
        "SLACK_BOT_TOKEN": SLACK_TOKEN, "SLACK_SIGNING_SECRET": SLACK_SECRET, "SLACK_API_BASE_URL": slack.api_url,
    })
    try:
        bot.start()
        yield Channels(bot, telegram, twilio, slack)
    finally:
        bot.stop()
        for fake in (telegram, twilio, slack):
            fake.stop()


