"""The agents' Slack app: Events API, interactivity and the ``/handoff`` slash command.

A Rasa custom input channel (``connectors.slack_agents.SlackAgentsInput`` in credentials.yml)
rather than a separate service, because inside the Rasa server it can

- send to customers through the very channel objects that serve them (Telegram, SMS, Slack:
  each one's ``send_to`` with that channel's formatting, retries and opt-out rules), and
- append the agent's replies and the ``handoff_active`` slot to the conversation under Rasa's
  own lock store, without exposing the HTTP API or handing its token around.

It never creates customer messages: ``on_new_message`` is not used.

Routes (under ``/webhooks/slack_agents/``): ``events`` (Event Subscriptions request URL:
subscribe to ``message.channels`` for the agents' channel), ``interactive`` (Interactivity
request URL: buttons, the "Mark bot answer wrong" message shortcut, the correction modal),
``command`` (slash command ``/handoff``), ``health``.

Environment: ``SLACK_AGENTS_BOT_TOKEN`` and ``SLACK_AGENTS_SIGNING_SECRET`` (missing: the
channel is disabled with one log line, its routes answer 503), ``SLACK_AGENTS_API_BASE_URL``,
``SLACK_AGENTS_BOT_USER_ID`` (optional: messages from this user are never treated as replies).

Every request is verified with the Slack signature check of ``connectors/slack.py`` (v0
HMAC-SHA256, 5-minute window) before anything else, acknowledged at once, and handled in the
background; Slack's retries are recognised by ``event_id`` and do nothing the second time.
"""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.parse
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional, Sequence, Set, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.handoff.desk import Desk
from bot.handoff.policy import get_policy
from bot.handoff.slack_api import SlackApi
from bot.handoff.store import HandoffStore
from connectors.channel_support import MAX_BODY_BYTES, disabled_blueprint, env_values, json_error, log_disabled
from connectors.delivery import DeliveryStats
from connectors.slack import SlackInput

logger = logging.getLogger(__name__)

CHANNEL = "slack_agents"


class _SignedRequests:
    """Slack request verification, the one of ``connectors/slack.py`` (reused, not copied)."""

    verify = SlackInput._verify

    def __init__(self, signing_secret: str) -> None:
        from slack_sdk.signature import SignatureVerifier

        self.stats = DeliveryStats()
        self._verifier = SignatureVerifier(signing_secret)


class RasaChannels:
    """Sends to customers through the Rasa server's own input channels (their ``send_to``)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def send(self, channel: str, recipient_id: str, text: str, from_agent: bool = False) -> bool:
        """True when the customer's channel accepted the message.

        ``from_agent`` marks a person's message (the web chat shows it as such; other channels ignore it).
        """
        found = next((c for c in getattr(self.app.ctx, "input_channels", []) or [] if c.name() == channel), None)
        output = found.get_output_channel() if found is not None else None
        if output is None:
            logger.error("handoff: cannot reach customers on channel %r outside a turn (no output channel)", channel)
            return False
        send_to = getattr(output, "send_to", None)
        if send_to is not None:
            return bool(await send_to(recipient_id, text, from_agent=from_agent))
        await output.send_text_message(recipient_id, text)
        return True


class RasaTrackers:
    """Appends events to conversations of the running Rasa server, under its lock store."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def append(self, conversation_id: str, events: Sequence[Mapping[str, Any]]) -> None:
        """Raises when the agent is not loaded or an event is invalid."""
        from rasa.shared.core.events import Event

        agent = self.app.ctx.agent
        parsed = [Event.from_parameters(dict(event)) for event in events]
        if any(event is None for event in parsed):
            raise ValueError(f"invalid tracker event in {list(events)!r}")
        async with agent.lock_store.lock(conversation_id):
            tracker = await agent.processor.fetch_tracker_with_initial_session(conversation_id)
            for event in parsed:
                tracker.update(event, agent.domain)
            await agent.tracker_store.save(tracker)


class SlackAgentsInput(InputChannel):
    """The agents' side of the human handoff in Slack."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SlackAgentsInput":
        values, missing = env_values(["SLACK_AGENTS_BOT_TOKEN", "SLACK_AGENTS_SIGNING_SECRET",
                                      "SLACK_AGENTS_API_BASE_URL", "SLACK_AGENTS_BOT_USER_ID"])
        needed = [name for name in ("SLACK_AGENTS_BOT_TOKEN", "SLACK_AGENTS_SIGNING_SECRET") if name in missing]
        if needed:
            return cls.disabled("set " + " and ".join(needed))
        return cls(values["SLACK_AGENTS_BOT_TOKEN"], values["SLACK_AGENTS_SIGNING_SECRET"],
                   values.get("SLACK_AGENTS_API_BASE_URL", "https://slack.com/api/"),
                   values.get("SLACK_AGENTS_BOT_USER_ID"))

    @classmethod
    def disabled(cls, reason: str) -> "SlackAgentsInput":
        """A channel that only answers 503 (logged once)."""
        log_disabled(CHANNEL, reason)
        channel = cls.__new__(cls)
        channel.disabled_reason = reason
        return channel

    def __init__(self, token: str, signing_secret: str, api_base_url: str = "https://slack.com/api/",
                 bot_user_id: Optional[str] = None) -> None:
        self.disabled_reason: Optional[str] = None
        self.policy = get_policy()  # a broken handoff.yml stops start-up with the key and the fix
        self.slack = SlackApi(token, api_base_url)
        self.signed = _SignedRequests(signing_secret)
        self.bot_user_id = bot_user_id
        self.desk: Optional[Desk] = None
        self._tasks: Set["asyncio.Task[Any]"] = set()
        self._sweeper: Optional["asyncio.Task[None]"] = None

    def _background(self, what: str, work: Awaitable[Any]) -> None:
        async def run() -> None:
            try:
                result = await work
                logger.debug("slack_agents: %s -> %s", what, result)
            except Exception:  # logged with the traceback; Slack was already answered
                logger.exception("slack_agents: handling %s failed", what)

        task = asyncio.ensure_future(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _sweep_forever(self) -> None:
        assert self.desk is not None
        while True:
            await asyncio.sleep(self.policy.sweep_interval_seconds)
            try:
                count = await self.desk.sweep()
                if count:
                    logger.info("slack_agents: %d unclaimed handoff(s) timed out and were queued", count)
            except Exception:  # the next sweep tries again
                logger.exception("slack_agents: timeout sweep failed")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        if self.disabled_reason:
            return disabled_blueprint(CHANNEL, self.disabled_reason)
        blueprint = Blueprint("slack_agents", __name__)

        @blueprint.listener("after_server_start")
        async def start(app: Any, _loop: asyncio.AbstractEventLoop) -> None:
            store = await asyncio.to_thread(HandoffStore)
            self.desk = Desk(store, self.policy, self.slack, RasaChannels(app), RasaTrackers(app), self.bot_user_id)
            self._sweeper = asyncio.ensure_future(self._sweep_forever())

        @blueprint.listener("before_server_stop")
        async def stop(_app: Any, _loop: asyncio.AbstractEventLoop) -> None:
            if self._sweeper is not None:
                self._sweeper.cancel()
            if self._tasks:
                await asyncio.wait(list(self._tasks), timeout=10)

        @blueprint.route("/health", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.desk is not None else "starting",
                                  "pending": len(self._tasks),
                                  "counters": dict(self.desk.counters) if self.desk is not None else {}})

        def checked(request: Request) -> Optional[HTTPResponse]:
            if len(request.body or b"") > MAX_BODY_BYTES:
                return json_error(413, f"request larger than {MAX_BODY_BYTES} bytes")
            refused = self.signed.verify(request)
            if refused is not None:
                return refused
            if self.desk is None:
                return json_error(503, "starting, retry later")
            return None

        def form(request: Request) -> Dict[str, str]:
            try:
                return dict(urllib.parse.parse_qsl((request.body or b"").decode("utf-8"), keep_blank_values=True))
            except UnicodeDecodeError:
                return {}

        @blueprint.route("/events", methods=["POST"])
        async def events(request: Request) -> HTTPResponse:
            refused = checked(request)
            if refused is not None:
                return refused
            try:
                payload = json.loads((request.body or b"").decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                return json_error(400, "the body is not UTF-8 JSON")
            if not isinstance(payload, dict):
                return json_error(400, "the body must be a JSON object")
            if payload.get("type") == "url_verification":
                return response.json({"challenge": str(payload.get("challenge") or "")})
            if payload.get("type") != "event_callback" or not isinstance(payload.get("event"), dict):
                return response.empty(status=200)
            assert self.desk is not None
            self._background(f"event {payload.get('event_id')}", self.desk.handle_event(payload))
            return response.empty(status=200)

        @blueprint.route("/interactive", methods=["POST"])
        async def interactive(request: Request) -> HTTPResponse:
            refused = checked(request)
            if refused is not None:
                return refused
            try:
                payload = json.loads(form(request).get("payload", ""))
            except json.JSONDecodeError:
                return json_error(400, "the body must be a form with a JSON 'payload' field")
            if not isinstance(payload, dict):
                return json_error(400, "payload must be a JSON object")
            assert self.desk is not None
            self._background(f"interaction {payload.get('type')}", self.desk.handle_interaction(payload))
            return response.empty(status=200)  # also closes a submitted modal

        @blueprint.route("/command", methods=["POST"])
        async def command(request: Request) -> HTTPResponse:
            refused = checked(request)
            if refused is not None:
                return refused
            assert self.desk is not None
            fields = form(request)
            work = asyncio.ensure_future(self.desk.handle_command(fields))
            self._tasks.add(work)
            work.add_done_callback(self._tasks.discard)
            try:  # Slack wants an answer within 3 s; slower work finishes in the background
                text = await asyncio.wait_for(asyncio.shield(work), timeout=2.5)
            except asyncio.TimeoutError:
                text = "Still working on it; watch the thread."
            return response.json({"response_type": "ephemeral", "text": text})

        return blueprint
