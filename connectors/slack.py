"""Slack channel: Events API and interactivity in (signed), Web API ``chat.postMessage`` out.

Environment (secrets only from here; see docs/connectors.md):

- ``SLACK_BOT_TOKEN`` (``xoxb-...``) and ``SLACK_SIGNING_SECRET``. Missing: the channel is
  disabled (one log line, 503).
- ``SLACK_API_BASE_URL``: Web API root (default ``https://slack.com/api``; tests use a fake).

Routes: ``/webhooks/slack/events`` (Event Subscriptions request URL) and
``/webhooks/slack/interactive`` (Interactivity request URL, button presses). Every request is
verified with slack_sdk's ``SignatureVerifier`` (v0 HMAC-SHA256, timestamps older than 5 minutes
refused) before anything else. Events are written to the durable inbox before the answer
(``event_id`` seen before, e.g. Slack's retries marked ``X-Slack-Retry-Num``, are refused there,
also after a restart) and handled in order per user by its worker. A conversation is
``slack:<team>:<user>`` (:mod:`bot.identity`).
Replies are mrkdwn, buttons are Block Kit ``actions``, and in channels the bot answers in the
thread of the user's message (in direct messages it answers inline, or in the user's thread).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import identity
from bot.intake.store import InboxItem
from connectors.channel_support import (
    MAX_BODY_BYTES, ChannelIntake, DisableableChannel, IntakeUnavailable, RasaTurns, delivery_failed_text,
    disabled_blueprint, env_values, json_error, setting,
)
from connectors.delivery import DeliveryStats, send_with_retry
from connectors.text import markdown_to_slack, split_text

logger = logging.getLogger(__name__)

CHANNEL = "slack"
CREDENTIALS_KEY = "connectors.slack.SlackInput"
DEFAULT_API_BASE_URL = "https://slack.com/api"
MAX_AGE_SECONDS = 5 * 60
MAX_TEXT_CHARS = 3000  # a section block's text limit; also keeps plain messages readable
MAX_BUTTONS = 25
MAX_INBOUND_CHARS = 10_000
_MENTION = re.compile(r"^\s*<@[A-Z0-9]+>\s*")


class BadEvent(ValueError):
    """A signed request whose content is malformed (answered 400)."""


@dataclass(frozen=True)
class SlackInbound:
    """A user's message or button press, with where to answer."""

    delivery_id: str
    team: str
    user: str
    channel: str
    text: str
    thread_ts: Optional[str] = None

    @property
    def conversation_id(self) -> str:
        """``slack:<team>:<user>``."""
        return identity.conversation_id(CHANNEL, self.team, self.user)


def _str(value: Any, where: str, required: bool = True) -> Optional[str]:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise BadEvent(f"{where} must be a non-empty string")
    return value


def _id(value: Any, where: str) -> str:
    """A Slack id (team, user): letters and digits only, so it fits a conversation id."""
    text = _str(value, where) or ""
    if not identity.PART_PATTERN.fullmatch(text):
        raise BadEvent(f"{where} is not a Slack id")
    return text


def parse_event(payload: Any) -> "SlackInbound | Dict[str, str] | None":
    """Validate an Events API body.

    Returns:
        ``{"challenge": ...}`` for the URL verification handshake, a :class:`SlackInbound` for a
        user's message or mention, None for events the bot ignores (bot messages, edits, others).

    Raises:
        BadEvent: malformed body.
    """
    if not isinstance(payload, dict):
        raise BadEvent("the body must be a JSON object")
    kind = payload.get("type")
    if kind == "url_verification":
        return {"challenge": _str(payload.get("challenge"), "challenge") or ""}
    if kind != "event_callback":
        return None
    event_id = _str(payload.get("event_id"), "event_id")
    event = payload.get("event")
    if not isinstance(event, dict):
        raise BadEvent("event must be an object")
    if event.get("type") not in ("message", "app_mention"):
        return None
    if event.get("bot_id") or event.get("subtype"):
        return None  # our own replies, edits, joins...: never answer a bot (no loops)
    team = _id(payload.get("team_id") or event.get("team"), "team_id")
    user = _id(event.get("user"), "event.user")
    channel = _str(event.get("channel"), "event.channel")
    text = event.get("text")
    if not isinstance(text, str):
        raise BadEvent("event.text must be a string")
    if len(text) > MAX_INBOUND_CHARS:
        raise BadEvent(f"event.text is longer than {MAX_INBOUND_CHARS} characters")
    text = _MENTION.sub("", text).strip()
    if not text:
        return None
    thread_ts = _str(event.get("thread_ts"), "event.thread_ts", required=False)
    if thread_ts is None and event.get("channel_type") != "im":
        thread_ts = _str(event.get("ts"), "event.ts")  # in channels answer in a thread under the message
    return SlackInbound(event_id or "", team, user, channel or "", text, thread_ts)


def parse_action(payload: Any) -> Optional[SlackInbound]:
    """Validate an interactivity ``block_actions`` payload (a button press); None for other kinds.

    Raises:
        BadEvent: malformed payload.
    """
    if not isinstance(payload, dict):
        raise BadEvent("payload must be a JSON object")
    if payload.get("type") != "block_actions":
        return None
    actions = payload.get("actions")
    if not isinstance(actions, list) or not actions or not isinstance(actions[0], dict):
        raise BadEvent("actions must be a non-empty list")
    user = payload.get("user")
    channel = payload.get("channel")
    if not isinstance(user, dict) or not isinstance(channel, dict):
        raise BadEvent("user and channel must be objects")
    value = _str(actions[0].get("value"), "actions[0].value")
    action_ts = _str(actions[0].get("action_ts"), "actions[0].action_ts")
    message = payload.get("message") if isinstance(payload.get("message"), dict) else {}
    container = payload.get("container") if isinstance(payload.get("container"), dict) else {}
    thread_ts = message.get("thread_ts") or container.get("thread_ts")
    user_id = _id(user.get("id"), "user.id")
    team = payload.get("team") if isinstance(payload.get("team"), dict) else {}
    team_id = _id(team.get("id") or user.get("team_id"), "team.id")
    return SlackInbound(f"action:{user_id}:{action_ts}", team_id, user_id, _str(channel.get("id"), "channel.id") or "",
                        (value or "")[:MAX_INBOUND_CHARS], thread_ts if isinstance(thread_ts, str) else None)


def _classify(error: BaseException) -> Optional[float]:
    import aiohttp
    from slack_sdk.errors import SlackApiError

    if isinstance(error, SlackApiError):
        status = error.response.status_code
        if status == 429:
            return float(error.response.headers.get("Retry-After", error.response.headers.get("retry-after", 1)))
        return 0.0 if status >= 500 else None
    if isinstance(error, (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError)):
        return 0.0
    return None


def _describe(error: BaseException) -> str:
    from slack_sdk.errors import SlackApiError

    if isinstance(error, SlackApiError):
        data = error.response.data if isinstance(error.response.data, dict) else {}
        return f"SlackApiError HTTP {error.response.status_code} {data.get('error', '')}".strip()
    return type(error).__name__


def button_blocks(text: str, buttons: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Block Kit for a message with buttons: a mrkdwn section and an actions block."""
    elements = [
        {
            "type": "button",
            "action_id": f"choice_{index}",
            "text": {"type": "plain_text", "text": str(button.get("title", ""))[:75] or "?", "emoji": True},
            "value": str(button.get("payload") or button.get("title") or "")[:2000],
        }
        for index, button in enumerate(buttons[:MAX_BUTTONS])
    ]
    blocks: List[Dict[str, Any]] = []
    if text:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    blocks.append({"type": "actions", "elements": elements})
    return blocks


class SlackSender:
    """Slack Web API client of one bot token, with retries and delivery counters."""

    def __init__(self, token: str, api_base_url: str = DEFAULT_API_BASE_URL, stats: Optional[DeliveryStats] = None,
                 attempts: int = 5, backoff_seconds: float = 0.5) -> None:
        self._token = token
        self.api_base_url = api_base_url.rstrip("/")
        self.stats = stats or DeliveryStats()
        self.attempts = attempts
        self.backoff_seconds = backoff_seconds
        self._client: Any = None

    def _web(self) -> Any:
        if self._client is None:
            from slack_sdk.web.async_client import AsyncWebClient

            self._client = AsyncWebClient(token=self._token, base_url=f"{self.api_base_url}/", timeout=15)
        return self._client

    async def post(self, channel: str, text: str, buttons: Optional[List[Dict[str, Any]]] = None,
                   thread_ts: Optional[str] = None) -> bool:
        """Post ``text`` (converted to mrkdwn, split under 3000 characters) with buttons on the last part."""
        parts = split_text(markdown_to_slack(text), MAX_TEXT_CHARS) or ([""] if buttons else [])
        delivered = True
        for index, part in enumerate(parts):
            extra: Dict[str, Any] = {}
            if buttons and index == len(parts) - 1:
                extra["blocks"] = button_blocks(part, buttons)
                part = part or " ".join(str(b.get("title", "")) for b in buttons)
            if thread_ts:
                extra["thread_ts"] = thread_ts
            result = await send_with_retry(
                lambda part=part, extra=extra: self._web().chat_postMessage(channel=channel, text=part, **extra),
                _classify, self.stats, "slack chat.postMessage", self.attempts, self.backoff_seconds,
                describe=_describe)
            delivered = delivered and result is not None
        return delivered

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._client is not None and self._client.session is not None:
            await self._client.session.close()
        self._client = None


class SlackOutput(OutputChannel):
    """Posts the bot's replies to a Slack channel (and thread); also usable via :meth:`send_to`."""

    def __init__(self, sender: SlackSender, channel: Optional[str] = None, thread_ts: Optional[str] = None) -> None:
        self.sender = sender
        self.channel = channel
        self.thread_ts = thread_ts

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_env(cls) -> "SlackOutput":
        """An output channel from the same environment variables as the input channel.

        Raises:
            ValueError: ``SLACK_BOT_TOKEN`` is not set.
        """
        values, missing = env_values(["SLACK_BOT_TOKEN", "SLACK_API_BASE_URL"])
        if "SLACK_BOT_TOKEN" in missing:
            raise ValueError("Slack is not configured: set SLACK_BOT_TOKEN")
        return cls(SlackSender(values["SLACK_BOT_TOKEN"], values.get("SLACK_API_BASE_URL", DEFAULT_API_BASE_URL)))

    async def send_to(self, recipient_id: Text, text: Text, buttons: Optional[List[Dict[str, Any]]] = None,
                      thread_ts: Optional[str] = None, **kwargs: Any) -> bool:
        """Post to the user of conversation ``slack:<team>:<user>`` (the app's DM with them); True when delivered.

        Inside a turn (this output was made for a message) the reply goes where the message was
        written, in its thread. A conversation id of another channel is refused (logged, False).
        Other keywords (``from_agent``) are hints for channels that can show them; ignored here.
        """
        try:
            user = identity.address_on(CHANNEL, recipient_id)
        except identity.InvalidConversationId as error:
            logger.error("slack: not sent: %s", error)
            return False
        return await self.sender.post(self.channel or user, text, buttons, thread_ts or self.thread_ts)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_to(recipient_id, text)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[str, Any]],
                                     **kwargs: Any) -> None:
        await self.send_to(recipient_id, text, buttons)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self.send_to(recipient_id, image)


class SlackInput(DisableableChannel, InputChannel):
    """Slack Events API channel (``/webhooks/slack/events``, ``/interactive``, ``/health``)."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SlackInput":
        seen_hours = setting(credentials, "seen_retention_hours", 24.0, float, CREDENTIALS_KEY)
        values, missing = env_values(["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_BASE_URL"])
        needed = [name for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET") if name in missing]
        if needed:
            return cls.disabled("set " + " and ".join(needed))
        return cls(values["SLACK_BOT_TOKEN"], values["SLACK_SIGNING_SECRET"],
                   values.get("SLACK_API_BASE_URL", DEFAULT_API_BASE_URL), seen_retention_hours=seen_hours)


    def __init__(self, token: str, signing_secret: str, api_base_url: str = DEFAULT_API_BASE_URL,
                 seen_retention_hours: float = 24.0) -> None:
        from slack_sdk.signature import SignatureVerifier

        self.disabled_reason: Optional[str] = None
        self.stats = DeliveryStats()
        self.sender = SlackSender(token, api_base_url, self.stats)
        self._verifier = SignatureVerifier(signing_secret)
        self.intake = ChannelIntake(CHANNEL, self._handle, self._tell_failed, seen_retention_hours=seen_retention_hours)
        self._turns: Optional[RasaTurns] = None

    def get_output_channel(self) -> Optional[OutputChannel]:
        return None if self.disabled_reason else SlackOutput(self.sender)

    def _verify(self, request: Request) -> Optional[HTTPResponse]:
        """None when the request is signed by Slack within 5 minutes; else the 401/403 answer."""
        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        signature = request.headers.get("X-Slack-Signature")
        if not timestamp or not signature:
            self.stats.rejected += 1
            return json_error(401, "missing X-Slack-Request-Timestamp or X-Slack-Signature")
        try:
            age = abs(time.time() - int(timestamp))
        except ValueError:
            age = float("inf")
        if age > MAX_AGE_SECONDS:
            self.stats.rejected += 1
            logger.warning("slack: refused a request with an expired or invalid timestamp")
            return json_error(401, "request timestamp is invalid or older than 5 minutes")
        body = request.body or b""
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:  # Slack always sends UTF-8; slack_sdk's verifier cannot check other bytes
            self.stats.rejected += 1
            return json_error(403, "invalid signature")
        if not self._verifier.is_valid(body, timestamp, signature):
            self.stats.rejected += 1
            logger.warning("slack: refused a request with an invalid signature")
            return json_error(403, "invalid signature")
        return None

    async def _queue(self, inbound: SlackInbound) -> None:
        payload = {"text": inbound.text, "channel": inbound.channel, "thread_ts": inbound.thread_ts}
        if await self.intake.accept(inbound.delivery_id, inbound.conversation_id, payload):
            self.stats.received += 1
        else:
            self.stats.duplicates += 1

    async def _handle(self, item: InboxItem) -> None:
        assert self._turns is not None
        payload = item.payload
        channel, thread_ts = str(payload["channel"]), payload.get("thread_ts")
        output = SlackOutput(self.sender, channel, thread_ts)
        await self._turns.answer(str(payload["text"]), item.conversation_id, CHANNEL,
                                 message_id=f"{CHANNEL}:{item.delivery_id}",
                                 metadata={"slack_channel": channel, "slack_thread_ts": thread_ts},
                                 deliver=lambda replies: self.intake.deliver(output, item, replies))
        self.stats.processed += 1

    async def _tell_failed(self, item: InboxItem) -> None:
        payload = item.payload
        await SlackOutput(self.sender, str(payload["channel"]), payload.get("thread_ts")).send_to(
            item.conversation_id, delivery_failed_text())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        if self.disabled_reason:
            return disabled_blueprint(CHANNEL, self.disabled_reason)
        self._turns = RasaTurns(on_new_message)
        slack = Blueprint("slack_events", __name__)
        self._turns.register(slack)
        self.intake.register(slack)

        @slack.listener("before_server_stop")
        async def stop(_app: Any, _loop: asyncio.AbstractEventLoop) -> None:
            await self.sender.close()

        @slack.route("/health", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "intake": await self.intake.health(), "counters": self.stats.as_dict()})

        async def handle(request: Request, parse: Callable[[bytes], Any]) -> HTTPResponse:
            if len(request.body or b"") > MAX_BODY_BYTES:
                self.stats.rejected += 1
                return json_error(413, f"request larger than {MAX_BODY_BYTES} bytes")
            refused = self._verify(request)
            if refused is not None:
                return refused
            try:
                parsed = parse(request.body or b"")
                if isinstance(parsed, dict):
                    return response.json(parsed)
                if isinstance(parsed, SlackInbound):
                    await self._queue(parsed)
            except BadEvent as error:
                return json_error(400, str(error))
            except IntakeUnavailable as error:
                return json_error(503, str(error))
            except Exception:  # keep the server up; Slack retries
                logger.exception("slack: the webhook failed")
                return json_error(500, "internal error")
            return response.empty(status=200)

        def events_body(body: bytes) -> Any:
            try:
                return parse_event(json.loads(body.decode("utf-8")))
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise BadEvent("the body is not UTF-8 JSON") from None

        def actions_body(body: bytes) -> Any:
            try:
                form = dict(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
                return parse_action(json.loads(form.get("payload", "")))
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise BadEvent("the body must be a form with a JSON 'payload' field") from None

        @slack.route("/events", methods=["POST"])
        async def events(request: Request) -> HTTPResponse:
            return await handle(request, events_body)

        @slack.route("/interactive", methods=["POST"])
        async def interactive(request: Request) -> HTTPResponse:
            return await handle(request, actions_body)

        return slack
