"""Real Rasa + action servers with Telegram, SMS and the agents' Slack app pointed at local fakes."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import yaml

from bot import paths
from bot.handoff.store import Handoff, HandoffStore
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.twilio_api import FakeTwilio
from tests.rasa_env.connectors.conftest import (
    PUBLIC_BASE_URL, SLACK_SECRET, TELEGRAM_SECRET, TELEGRAM_TOKEN, TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN,
    slack_signature, twilio_signature,
)
from tests.support.live import HttpReply, LiveBot, http

AGENTS_TOKEN = "xoxb-agents-test-token"
CARE_CHANNEL = "C0CARETEST"
PAT, SAM = "U0AGENTPAT", "U0AGENTSAM"
STRANGER = "U0STRANGER"
"""A member of the Slack workspace who is not an agent."""

CREDENTIALS = """
connectors.rest.RestInput:
connectors.webchat.WebChatInput:
  max_message_chars: 10000
connectors.telegram.TelegramInput:
  poll_timeout_seconds: 25
connectors.twilio_sms.TwilioSmsInput:
  state_db: ""
connectors.slack_agents.SlackAgentsInput:
"""


def wait_until(condition: Any, timeout: float = 120.0, what: str = "condition") -> Any:
    """Poll ``condition()`` until it returns something truthy; AssertionError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"{what} not met within {timeout} s")


def write_policy(path: Path, open_now: bool = True, claim_timeout_minutes: float = 60) -> None:
    """handoff.yml with hours that are open (or closed) right now, whatever the wall clock says."""
    policy = yaml.safe_load(paths.ROOT.joinpath("handoff.yml").read_text(encoding="utf-8"))
    if open_now:
        weekly = {day: "00:00-24:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    else:  # a half-hour window 12 hours away from now, every day
        hour = (dt.datetime.now(dt.timezone.utc).hour + 12) % 24
        weekly = {day: f"{hour:02d}:00-{hour:02d}:30" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    policy["hours"] = {"timezone": "UTC", "weekly": weekly, "holidays": []}
    policy["queue"]["claim_timeout_minutes"] = claim_timeout_minutes
    policy["queue"]["sweep_interval_seconds"] = 0.5
    path.write_text(yaml.safe_dump(policy, sort_keys=False), encoding="utf-8")


@dataclass
class Desk:
    """The running system, the fakes, and helpers that post signed requests like Telegram, Twilio, Slack."""

    bot: LiveBot
    telegram: FakeTelegram
    twilio: FakeTwilio
    slack: FakeSlack
    policy_file: Path
    _update: int = 1000
    _event: int = 0

    def url(self, path: str) -> str:
        return f"{self.bot.base_url}{path}"

    # --- customers ------------------------------------------------------------------------
    def telegram_says(self, chat: int, text: str) -> None:
        self._update += 1
        update = {"update_id": self._update, "message": {
            "message_id": self._update, "date": int(time.time()), "text": text,
            "chat": {"id": chat, "type": "private"}, "from": {"id": chat, "is_bot": False, "first_name": "Test"}}}
        reply = http("POST", self.url("/webhooks/telegram/webhook"), update,
                     headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
        assert reply.status == 200, reply.body

    @staticmethod
    def telegram_conversation(chat: int) -> str:
        return f"telegram:{chat}"

    def sms_conversation(self, number: str) -> str:
        """The pseudonymous conversation id the server gives a phone number (its identity key file)."""
        from bot import identity

        key = (self.bot.workdir / "keys" / "identity.key").read_text(encoding="ascii").strip().encode("ascii")
        return identity.sms_pseudonym(number, key)

    def telegram_texts(self, chat: int) -> List[str]:
        return [c.params["text"] for c in self.telegram.delivered("sendMessage", chat_id=str(chat))]

    def wait_telegram(self, chat: int, count: int) -> List[str]:
        self.telegram.wait_delivered("sendMessage", count, chat_id=str(chat))
        return self.telegram_texts(chat)

    def wait_telegram_until(self, chat: int, predicate: Any) -> List[str]:
        """Wait until the texts sent to ``chat`` satisfy ``predicate(texts)``."""
        self.telegram.wait_for(lambda calls: predicate(self.telegram_texts(chat)))
        return self.telegram_texts(chat)

    def sms_says(self, number: str, text: str) -> None:
        self._update += 1
        params = {"MessageSid": f"SM{self._update:032x}", "SmsSid": f"SM{self._update:032x}",
                  "AccountSid": TWILIO_SID, "From": number, "To": TWILIO_FROM, "Body": text, "NumMedia": "0"}
        path = "/webhooks/twilio_sms/webhook"
        reply = http("POST", self.url(path), raw=urllib.parse.urlencode(params).encode(), headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": twilio_signature(PUBLIC_BASE_URL + path, params)})
        assert reply.status == 200, reply.body

    def sms_texts(self, number: str) -> List[str]:
        return [c.params["Body"] for c in self.twilio.delivered("Messages.create", To=number)]

    def wait_sms(self, number: str, count: int) -> List[str]:
        self.twilio.wait_delivered("Messages.create", count, To=number)
        return self.sms_texts(number)

    def webchat_says(self, sender: str, text: str) -> List[str]:
        """Post from the web chat page; the texts the bot answered inside the POST."""
        return self.bot.texts(sender, text)

    def inbox(self, sender: str, after: int = 0) -> Dict[str, Any]:
        """Poll the web chat inbox in ``sender``'s session like the page does (``after`` acknowledges up to that id)."""
        reply = self.bot.webchat(sender, f"inbox?after={after}", method="GET")
        assert reply.status == 200, reply.body
        return reply.body

    def wait_inbox(self, sender: str, count: int, timeout: float = 60.0) -> List[Dict[str, Any]]:
        """Poll the inbox (without acknowledging) until at least ``count`` messages wait."""
        return wait_until(lambda: (lambda got: got if len(got) >= count else None)(self.inbox(sender)["messages"]),
                          timeout=timeout, what=f"{count} message(s) in the web chat inbox")

    # --- agents in Slack ------------------------------------------------------------------
    def signed(self, path: str, body: bytes, content_type: str, sign: bool = True,
               extra: Optional[Dict[str, str]] = None) -> HttpReply:
        headers = {"Content-Type": content_type, **(extra or {})}
        if sign:
            stamp = str(int(time.time()))
            headers["X-Slack-Request-Timestamp"] = stamp
            headers["X-Slack-Signature"] = slack_signature(stamp, body)
        return http("POST", self.url(f"/webhooks/slack_agents/{path}"), raw=body, headers=headers)

    def agent_writes(self, user: str, text: str, thread_ts: str, event_id: Optional[str] = None,
                     retry: Optional[int] = None) -> HttpReply:
        self._event += 1
        event_id = event_id or f"Ev{self._event:08d}"
        body = json.dumps({"type": "event_callback", "team_id": "T0001", "event_id": event_id,
                           "event_time": int(time.time()), "event": {
                               "type": "message", "user": user, "text": text, "channel": CARE_CHANNEL,
                               "ts": f"{time.time():.6f}", "thread_ts": thread_ts, "channel_type": "channel"}}).encode()
        extra = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return self.signed("events", body, "application/json", extra=extra)

    def agent_clicks(self, user: str, action_id: str, handoff_id: int, thread_ts: str,
                     action_ts: Optional[str] = None) -> HttpReply:
        payload = {"type": "block_actions", "user": {"id": user}, "channel": {"id": CARE_CHANNEL},
                   "container": {"type": "message", "channel_id": CARE_CHANNEL, "message_ts": thread_ts},
                   "trigger_id": "trigger-1", "actions": [{
                       "type": "button", "action_id": action_id, "block_id": f"handoff_{handoff_id}",
                       "value": str(handoff_id), "action_ts": action_ts or f"{time.time():.6f}"}]}
        body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
        return self.signed("interactive", body, "application/x-www-form-urlencoded")

    def slash(self, user: str, text: str) -> HttpReply:
        body = urllib.parse.urlencode({"command": "/handoff", "text": text, "user_id": user,
                                       "channel_id": CARE_CHANNEL, "team_id": "T0001"}).encode()
        return self.signed("command", body, "application/x-www-form-urlencoded")

    def roots(self) -> List[Any]:
        """Thread roots: posts to the care channel without thread_ts."""
        return [c for c in self.slack.delivered("chat.postMessage", channel=CARE_CHANNEL)
                if not c.params.get("thread_ts")]

    def wait_root(self, count: int) -> Any:
        self.slack.wait_for(lambda calls: len(self.roots()) >= count)
        return self.roots()[count - 1]

    def thread_posts(self, thread_ts: str) -> List[str]:
        return [c.params["text"] for c in self.slack.delivered("chat.postMessage", thread_ts=thread_ts)]

    def wait_thread(self, thread_ts: str, count: int) -> List[str]:
        self.slack.wait_delivered("chat.postMessage", count, thread_ts=thread_ts)
        return self.thread_posts(thread_ts)

    def store(self) -> HandoffStore:
        """The handoff database both servers use (SQLite under the bot's var dir)."""
        return HandoffStore(f"sqlite:///{self.bot.workdir / 'switchboard.db'}")

    def handoff(self, conversation_id: str) -> Handoff:
        """The open handoff of a conversation (call after the customer was told about it)."""
        found = self.store().open_for(conversation_id)
        assert found is not None, f"no open handoff for {conversation_id}"
        return found

    def tracker(self, conversation_id: str) -> Dict[str, Any]:
        return self.bot.tracker(conversation_id)

    def restart_rasa(self) -> None:
        """Restart the Rasa server and wait until the agents' desk is ready again.

        The server answers its health route before every start-up listener finished; until the
        desk is built, Slack's requests get 503 (Slack retries events; a click can be repeated).
        """
        self.bot.restart_rasa()
        wait_until(lambda: http("GET", self.url("/webhooks/slack_agents/health")).body.get("status") == "ok",
                   timeout=60, what="the agents' desk ready after the restart")

    def counters(self) -> Dict[str, int]:
        """What the agents' desk did so far (its health route)."""
        reply = http("GET", self.url("/webhooks/slack_agents/health"))
        assert reply.status == 200, reply.body
        return reply.body["counters"]


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """Fakes + real servers with the handoff wired in, started once per test module."""
    workdir = tmp_path_factory.mktemp("handoff-bot")
    policy_file = workdir / "handoff.yml"
    write_policy(policy_file)
    credentials = workdir / "credentials.yml"
    credentials.write_text(CREDENTIALS, encoding="utf-8")
    telegram = FakeTelegram(TELEGRAM_TOKEN).start()
    twilio = FakeTwilio(TWILIO_SID, TWILIO_TOKEN).start()
    slack = FakeSlack(AGENTS_TOKEN).start()
    bot = LiveBot(workdir=workdir, credentials=credentials, extra_env={
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "TELEGRAM_WEBHOOK_URL": f"{PUBLIC_BASE_URL}/webhooks/telegram/webhook",
        "TELEGRAM_API_BASE_URL": telegram.base_url,
        "TWILIO_ACCOUNT_SID": TWILIO_SID, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "TWILIO_FROM_NUMBER": TWILIO_FROM,
        "TWILIO_PUBLIC_BASE_URL": PUBLIC_BASE_URL, "TWILIO_API_BASE_URL": twilio.base_url,
        "SLACK_AGENTS_BOT_TOKEN": AGENTS_TOKEN, "SLACK_AGENTS_SIGNING_SECRET": SLACK_SECRET,
        "SLACK_AGENTS_API_BASE_URL": slack.api_url, "SLACK_AGENTS_CHANNEL": CARE_CHANNEL,
        "SWITCHBOARD_HANDOFF_ON_SHIFT": f"{PAT},{SAM}", "SWITCHBOARD_HANDOFF_POLICY": str(policy_file),
        "SWITCHBOARD_HANDOFF_AGENTS": f"{PAT},{SAM}", "SWITCHBOARD_HANDOFF_REVIEWERS": SAM,
    })
    try:
        bot.start()
        yield Desk(bot, telegram, twilio, slack, policy_file)
    finally:
        bot.stop()
        for fake in (telegram, twilio, slack):
            fake.stop()
