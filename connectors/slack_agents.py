"""The agents' Slack app, built on slack-bolt: Events API, interactivity and the ``/handoff`` command.

A Rasa custom input channel (``connectors.slack_agents.SlackAgentsInput`` in credentials.yml)
rather than a separate service, because inside the Rasa server it can

- send to customers through the very channel objects that serve them (Telegram, SMS, Slack,
  web chat: each one's ``send_to`` with that channel's formatting, retries and opt-out rules),
  always on the channel the conversation id names (:mod:`bot.identity`), and
- append the agent's replies and the ``handoff_active`` slot to the conversation under Rasa's
  own lock store, without exposing the HTTP API or handing its token around.

It never creates customer messages: ``on_new_message`` is not used.

The app is a Bolt ``AsyncApp`` mounted on the Rasa server's Sanic through Bolt's Sanic adapter
(``slack_bolt.adapter.sanic.AsyncSlackRequestHandler``). Bolt verifies every request's signature
(v0 HMAC-SHA256, 5-minute window), answers Slack's URL verification and ignores the app's own
messages. Its listeners only write the request to the durable inbox (:mod:`bot.intake`,
channel ``slack_agents``) and acknowledge, which Bolt sends once they return
(``process_before_response``: nothing is acknowledged before it is stored); the inbox's worker
runs :class:`bot.handoff.desk.Desk` on it, retries failures and, after the last try, warns the
agent in the thread. Slack's retries of an event carry the same ``event_id`` and are refused
by the inbox. ``/handoff`` commands are answered within Slack's 3 seconds (slower work finishes
in the background).

Routes (under ``/webhooks/slack_agents/``): ``events`` (Event Subscriptions request URL:
subscribe to ``message.channels`` for the agents' channel), ``interactive`` (Interactivity
request URL: buttons, the "Mark bot answer wrong" message shortcut, the correction modal),
``command`` (slash command ``/handoff``), ``health``.

Environment: ``SLACK_AGENTS_BOT_TOKEN`` and ``SLACK_AGENTS_SIGNING_SECRET`` (missing: the
channel is disabled with one log line, its routes answer 503), ``SLACK_AGENTS_API_BASE_URL``.
Who may act is ``handoff.yml``'s ``agents.allowed`` (and ``agents.allowed_usergroup``).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional, Sequence, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import identity
from bot.handoff.desk import Desk
from bot.handoff.policy import get_policy
from bot.handoff.slack_api import SlackApi
from bot.handoff.store import HandoffStore
from bot.intake.store import InboxItem
from connectors.channel_support import (
    MAX_BODY_BYTES, ChannelIntake, DisableableChannel, IntakeUnavailable, disabled_blueprint, env_values,
    json_error,
)
from connectors.delivery import DeliveryStats
from connectors.slack import SlackInput

logger = logging.getLogger(__name__)

CHANNEL = "slack_agents"
OUTCOME = "switchboard_outcome"
"""Key of a dict in Bolt's request context in which listeners report what went wrong."""
COMMAND = "/handoff"
COMMAND_ANSWER_SECONDS = 2.5


class _SignedRequests:
    """Slack's request signature check of ``connectors/slack.py`` (reused, not copied)."""

    verify = SlackInput._verify

    def __init__(self, signing_secret: str) -> None:
        from slack_sdk.signature import SignatureVerifier

        self.stats = DeliveryStats()
        self._verifier = SignatureVerifier(signing_secret)


class RasaChannels:
    """Sends to customers through the Rasa server's own input channels (their ``send_to``)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def send(self, conversation_id: str, text: str, from_agent: bool = False) -> bool:
        """True when the channel the conversation id names accepted the message.

        ``from_agent`` marks a person's message (the web chat shows it as such; other channels ignore it).
        """
        channel = identity.channel_of(conversation_id)
        found = next((c for c in getattr(self.app.ctx, "input_channels", []) or [] if c.name() == channel), None)
        output = found.get_output_channel() if found is not None and channel is not None else None
        if output is None:
            logger.error("handoff: cannot reach customers on channel %r outside a turn (no output channel)", channel)
            return False
        return bool(await output.send_to(conversation_id, text, from_agent=from_agent))


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


def delivery_of(kind: str, body: Mapping[str, Any]) -> tuple[str, str]:
    """The inbox delivery id and ordering key (the Slack thread, else one lane) of a request body."""
    if kind == "event":
        event = body.get("event") or {}
        thread = f"{event.get('channel')}:{event.get('thread_ts') or event.get('ts')}"
        return f"event:{body.get('event_id') or event.get('client_msg_id') or event.get('ts')}", thread
    user = str((body.get("user") or {}).get("id") or "")
    if kind == "view":
        view = body.get("view") or {}
        return f"view:{user}:{view.get('id')}:{view.get('hash')}", "agents"
    container = body.get("container") or {}
    thread = f"{container.get('channel_id')}:{container.get('thread_ts') or container.get('message_ts')}"
    actions = body.get("actions") or [{}]
    stamp = actions[0].get("action_ts") if isinstance(actions[0], dict) else None
    return f"{kind}:{user}:{stamp or body.get('action_ts') or body.get('trigger_id')}", thread


class SlackAgentsInput(DisableableChannel, InputChannel):
    """The agents' side of the human handoff in Slack."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SlackAgentsInput":
        values, missing = env_values(["SLACK_AGENTS_BOT_TOKEN", "SLACK_AGENTS_SIGNING_SECRET",
                                      "SLACK_AGENTS_API_BASE_URL"])
        needed = [name for name in ("SLACK_AGENTS_BOT_TOKEN", "SLACK_AGENTS_SIGNING_SECRET") if name in missing]
        if needed:
            return cls.disabled("set " + " and ".join(needed))
        return cls(values["SLACK_AGENTS_BOT_TOKEN"], values["SLACK_AGENTS_SIGNING_SECRET"],
                   values.get("SLACK_AGENTS_API_BASE_URL", "https://slack.com/api/"))


    def __init__(self, token: str, signing_secret: str, api_base_url: str = "https://slack.com/api/") -> None:
        from slack_bolt.adapter.sanic import AsyncSlackRequestHandler
        from slack_bolt.async_app import AsyncApp
        from slack_sdk.web.async_client import AsyncWebClient

        self.disabled_reason: Optional[str] = None
        self.policy = get_policy()  # a broken handoff.yml stops start-up with the key and the fix
        self.slack = SlackApi(token, api_base_url)
        base_url = api_base_url if api_base_url.endswith("/") else api_base_url + "/"
        self.bolt = AsyncApp(token=token, signing_secret=signing_secret,
                             client=AsyncWebClient(token=token, base_url=base_url, timeout=10),
                             process_before_response=True, name=CHANNEL)
        self.handler = AsyncSlackRequestHandler(self.bolt)
        self.signed = _SignedRequests(signing_secret)
        self.desk: Optional[Desk] = None
        self.intake = ChannelIntake(CHANNEL, self._handle, self._tell_failed, seen_retention_hours=24.0)
        self._tasks: set["asyncio.Task[Any]"] = set()
        self._sweeper: Optional["asyncio.Task[None]"] = None
        self._register_listeners()

    # ------------------------------------------------------------------ Bolt listeners: store, then ack

    def _register_listeners(self) -> None:
        app = self.bolt

        async def store(kind: str, body: Mapping[str, Any], context: Mapping[str, Any]) -> None:
            delivery_id, lane = delivery_of(kind, body)
            try:
                accepted = await self.intake.accept(delivery_id, lane, {"kind": kind, "body": dict(body)})
            except IntakeUnavailable:
                context[OUTCOME]["intake_unavailable"] = True  # Bolt answers 500; the route makes it 503
                raise
            if not accepted:
                logger.info("slack_agents: a repeated %s delivery was ignored", kind)

        @app.event("message")
        async def on_message(body: Dict[str, Any], context: Dict[str, Any]) -> None:
            await store("event", body, context)

        @app.action(re.compile(".*"))
        async def on_action(ack: Callable[..., Awaitable[Any]], body: Dict[str, Any], context: Dict[str, Any]) -> None:
            await store("action", body, context)
            await ack()

        @app.shortcut(re.compile(".*"))
        async def on_shortcut(ack: Callable[..., Awaitable[Any]], body: Dict[str, Any],
                              context: Dict[str, Any]) -> None:
            await store("shortcut", body, context)
            await ack()

        @app.view(re.compile(".*"))
        async def on_view(ack: Callable[..., Awaitable[Any]], body: Dict[str, Any], context: Dict[str, Any]) -> None:
            await store("view", body, context)
            await ack()  # closes the modal

        @app.command(COMMAND)
        async def on_command(ack: Callable[..., Awaitable[Any]], command: Dict[str, Any]) -> None:
            assert self.desk is not None
            work = asyncio.ensure_future(self.desk.handle_command({k: str(v) for k, v in command.items()}))
            self._tasks.add(work)
            work.add_done_callback(self._tasks.discard)
            try:  # Slack wants an answer within 3 s; slower work finishes in the background
                text = await asyncio.wait_for(asyncio.shield(work), timeout=COMMAND_ANSWER_SECONDS)
            except asyncio.TimeoutError:
                text = "Still working on it; watch the thread."
            await ack(text=text, response_type="ephemeral")

    # ------------------------------------------------------------------ the worker's side

    async def _handle(self, item: InboxItem) -> None:
        assert self.desk is not None
        kind, body = item.payload.get("kind"), item.payload.get("body") or {}
        if kind == "event":
            outcome = await self.desk.handle_event(body)
        else:
            payload = dict(body)
            if kind == "action":
                payload["type"] = "block_actions"
            outcome = await self.desk.handle_interaction(payload)
        logger.debug("slack_agents: %s -> %s", kind, outcome)

    async def _tell_failed(self, item: InboxItem) -> None:
        """Warn in the thread that an agent's action could not be carried out after every retry."""
        assert self.desk is not None
        body = item.payload.get("body") or {}
        event = body.get("event") or {}
        container = body.get("container") or {}
        channel = event.get("channel") or container.get("channel_id")
        thread_ts = event.get("thread_ts") or container.get("thread_ts") or container.get("message_ts")
        if channel and thread_ts:
            await asyncio.to_thread(self.slack.post, channel,
                                    ":warning: Your last action in this thread could not be carried out after "
                                    "several tries (nothing reached the customer). Please try again.",
                                    None, thread_ts)

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

    # ------------------------------------------------------------------ Sanic routes

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        if self.disabled_reason:
            return disabled_blueprint(CHANNEL, self.disabled_reason)
        blueprint = Blueprint("slack_agents", __name__)

        @blueprint.listener("after_server_start")
        async def start(app: Any, _loop: asyncio.AbstractEventLoop) -> None:
            store = await asyncio.to_thread(HandoffStore)
            self.desk = Desk(store, self.policy, self.slack, RasaChannels(app), RasaTrackers(app))
            self._sweeper = asyncio.ensure_future(self._sweep_forever())

        self.intake.register(blueprint)  # after the desk exists: its worker runs desk handlers

        @blueprint.listener("before_server_stop")
        async def stop(_app: Any, _loop: asyncio.AbstractEventLoop) -> None:
            if self._sweeper is not None:
                self._sweeper.cancel()
            if self._tasks:
                await asyncio.wait(list(self._tasks), timeout=10)

        @blueprint.route("/health", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            ready = self.desk is not None and self.intake.worker is not None
            return response.json({"status": "ok" if ready else "starting", "intake": await self.intake.health(),
                                  "counters": dict(self.desk.counters) if self.desk is not None else {}})

        async def bolt(request: Request) -> HTTPResponse:
            body = request.body or b""
            if len(body) > MAX_BODY_BYTES:
                return json_error(413, f"request larger than {MAX_BODY_BYTES} bytes")
            # Bolt reads a body before it checks the signature, and raises on shapes Slack never
            # sends (a JSON list, fields of the wrong type): the signature is checked first here, so
            # whatever Bolt then cannot read came signed and is answered 400, never 500.
            refused = self.signed.verify(request)
            if refused is not None:
                return refused
            if self.desk is None or self.intake.worker is None:
                return json_error(503, "starting, retry later")
            outcome: Dict[str, Any] = {}
            try:
                reply = await self.handler.handle(request, {OUTCOME: outcome})
            except Exception:  # malformed content (see above); logged without the body
                logger.warning("slack_agents: a signed request Bolt could not read (malformed content)")
                return json_error(400, "malformed Slack request")
            if reply.status >= 500:  # Bolt answers 500 when a listener or its own matching failed
                if outcome.get("intake_unavailable"):
                    return json_error(503, "the inbox is unavailable, retry later")
                logger.warning("slack_agents: a signed request Bolt could not handle (malformed content)")
                return json_error(400, "malformed Slack request")
            return reply

        for route in ("events", "interactive", "command"):
            blueprint.add_route(bolt, f"/{route}", methods=["POST"], name=f"slack_agents_{route}")

        return blueprint

