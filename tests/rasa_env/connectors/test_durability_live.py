"""Nothing acknowledged is lost: ``kill -9`` of the Rasa server at three moments, and the action server down.

Real Rasa and action servers, Telegram and SMS on local fakes. The server is killed with SIGKILL
by the crash points of :mod:`bot.intake.faults` (``SWITCHBOARD_CRASH_AT``), at exactly:

1. ``before_turn``: the webhook acknowledged the message, the turn had not started;
2. ``during_turn``: the turn produced its first reply, nothing was saved or sent;
3. ``after_send``: the replies were sent, the message was not yet marked as answered.

After the restart every acknowledged message is answered; the first two points give no
duplicate, the third at most one (the replies are sent again, from the saved conversation, not by
running the turn again). A platform that got no acknowledgement retries with the same id, which
the inbox refuses once it has the message.
"""

from __future__ import annotations

import time
import urllib.parse
from pathlib import Path
from typing import Iterator

import pytest

from tests.fakes.telegram_api import FakeTelegram, text_update
from tests.fakes.twilio_api import FakeTwilio
from tests.rasa_env.connectors.conftest import (
    PUBLIC_BASE_URL, TELEGRAM_SECRET, TELEGRAM_TOKEN, TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN, sms_params,
    twilio_signature,
)
from tests.support.live import LiveBot, http

pytestmark = pytest.mark.slow

GREETING = "Hi, I'm Pip"


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveBot, FakeTelegram, FakeTwilio]]:
    telegram = FakeTelegram(TELEGRAM_TOKEN).start()
    twilio = FakeTwilio(TWILIO_SID, TWILIO_TOKEN).start()
    bot = LiveBot(workdir=tmp_path_factory.mktemp("durability"), extra_env={
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "TELEGRAM_WEBHOOK_URL": f"{PUBLIC_BASE_URL}/webhooks/telegram/webhook", "TELEGRAM_API_BASE_URL": telegram.base_url,
        "TWILIO_ACCOUNT_SID": TWILIO_SID, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "TWILIO_FROM_NUMBER": TWILIO_FROM,
        "TWILIO_PUBLIC_BASE_URL": PUBLIC_BASE_URL, "TWILIO_API_BASE_URL": twilio.base_url,
    })
    try:
        bot.start()
        yield bot, telegram, twilio
    finally:
        bot.stop()
        telegram.stop()
        twilio.stop()


def post_until_acknowledged(bot: LiveBot, update: dict, timeout: float = 120.0) -> None:
    """Deliver an update the way Telegram does: again with the same update_id until a 200 comes back."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            reply = http("POST", f"{bot.base_url}/webhooks/telegram/webhook", update,
                         headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}, timeout=10)
            if reply.status == 200:
                return
        except OSError:
            pass  # the server is down: the platform retries later
        time.sleep(0.5)
    raise AssertionError("the update was never acknowledged")


def wait_for_exit(bot: LiveBot, timeout: float = 60.0) -> None:
    assert bot.rasa is not None
    deadline = time.monotonic() + timeout
    while bot.rasa.is_running():
        assert time.monotonic() < deadline, "the crash point never fired"
        time.sleep(0.1)


def restart_with(bot: LiveBot, crash_at: str) -> None:
    assert bot.rasa is not None
    bot.rasa.stop()
    bot.rasa.env.pop("SWITCHBOARD_CRASH_AT", None)
    if crash_at:
        bot.rasa.env["SWITCHBOARD_CRASH_AT"] = crash_at
    bot.rasa.start()
    bot.rasa.wait_healthy()


@pytest.mark.parametrize(("point", "chat", "most"), [("before_turn", 810001, 1), ("during_turn", 810002, 1),
                                                      ("after_send", 810003, 2)])
def test_a_kill_at_each_point_loses_nothing(system, tmp_path: Path, point: str, chat: int, most: int) -> None:
    bot, telegram, _ = system
    marker = tmp_path / f"crashed-{point}"
    restart_with(bot, f"{point}:{marker}")
    update = text_update(9_000_000 + chat, chat, "hi")
    post_until_acknowledged(bot, update)
    wait_for_exit(bot)
    assert marker.exists()  # it was killed where asked
    restart_with(bot, "")
    post_until_acknowledged(bot, update)  # a retry of the same update after the restart: refused as seen
    telegram.wait_delivered("sendMessage", 1, chat_id=str(chat), timeout=120)
    time.sleep(3)  # let anything extra arrive before counting
    greetings = [c for c in telegram.delivered("sendMessage", chat_id=str(chat))
                 if c.params["text"].startswith(GREETING)]
    assert 1 <= len(greetings) <= most, [c.params["text"] for c in greetings]
    user_turns = [e for e in bot.tracker(f"telegram:{chat}")["events"] if e.get("event") == "user"]
    assert [e["text"] for e in user_turns] == ["hi"]  # the turn was recorded once


def test_messages_survive_the_action_server_being_down(system) -> None:
    bot, telegram, twilio = system
    restart_with(bot, "")
    assert bot.action is not None
    bot.action.stop()
    try:
        down_at = time.monotonic()
        chat, number = 820001, "+15550182001"
        post_until_acknowledged(bot, text_update(9_100_001, chat, "where is my order"))
        params = sms_params(9_100_002, number, "where is my order")
        path = "/webhooks/twilio_sms/webhook"
        reply = http("POST", f"{bot.base_url}{path}", raw=urllib.parse.urlencode(params).encode(), headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": twilio_signature(PUBLIC_BASE_URL + path, params)})
        assert reply.status == 200
        time.sleep(max(0.0, 30 - (time.monotonic() - down_at)))  # down for 30 s
        assert telegram.delivered("sendMessage", chat_id=str(chat)) == []  # nothing half-answered meanwhile
    finally:
        bot.action.start()
        bot.action.wait_healthy()
    asked = telegram.wait_delivered("sendMessage", 1, chat_id=str(chat), timeout=240)
    assert any("order number" in c.params["text"] for c in asked)
    sms = twilio.wait_delivered("Messages.create", 1, To=number, timeout=240)
    assert any("order number" in c.params["Body"] for c in sms)
    health = http("GET", f"{bot.base_url}/webhooks/telegram/health").body
    assert health["intake"]["failed_attempts"] >= 1 and health["intake"]["dead"] == 0
