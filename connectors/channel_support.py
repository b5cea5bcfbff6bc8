"""Pieces every channel shares: secrets from the environment, the disabled channel, Rasa turns.

Rasa builds every channel listed in credentials.yml and cannot skip one (``from_credentials``
must return a channel; an exception stops the server). So a channel whose secrets are missing
logs one WARNING line and serves a blueprint whose routes all answer
``503 {"error": "channel disabled: set X"}``: the rest of the server runs normally.

Rasa computes a turn (NLU, policy prediction, tracker store reads and writes) synchronously on
the event loop that called it. :class:`RasaTurns` runs the turns of our channels on one
dialogue thread instead, so the server's loop answers webhooks while a turn is computed.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional, Sequence, Tuple

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors.delivery import LoopThread

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
"""Largest webhook body accepted; platform updates are a few kilobytes."""


def env_values(names: Sequence[str], environ: Optional[Mapping[str, str]] = None) -> Tuple[Dict[str, str], list]:
    """The non-empty values of ``names`` in the environment and the list of names missing."""
    environ = os.environ if environ is None else environ
    values = {name: environ[name].strip() for name in names if environ.get(name, "").strip()}
    return values, [name for name in names if name not in values]


def setting(credentials: Optional[Dict[str, Any]], key: str, default: Any, kind: type, channel: str) -> Any:
    """A non-secret setting from the channel's credentials.yml section, type-checked.

    Raises:
        ValueError: naming the file, key, bad value and the expected type.
    """
    value = (credentials or {}).get(key, default)
    if value is None:
        return default
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ValueError(f"credentials.yml: {channel}.{key} must be a {kind.__name__}, got {value!r}")
    return value


def disabled_blueprint(name: str, reason: str) -> Blueprint:
    """A blueprint answering 503 with ``reason`` on every path of the channel."""
    blueprint = Blueprint(f"{name}_disabled", __name__)

    async def disabled(_: Request, path: str = "") -> HTTPResponse:
        return response.json({"error": f"channel disabled: {reason}"}, status=503)

    blueprint.add_route(disabled, "/", methods=["GET", "POST"])
    blueprint.add_route(disabled, "/<path:path>", methods=["GET", "POST"])
    return blueprint


def log_disabled(channel: str, reason: str) -> None:
    """The one log line of a disabled channel."""
    logger.warning("%s channel disabled: %s", channel, reason)


def json_error(status: int, message: str) -> HTTPResponse:
    """The JSON error answer of every channel route."""
    return response.json({"error": message}, status=status)


DIALOGUE_THREAD_NAME = "rasa-dialogue"


class RasaTurns:
    """Runs a channel's Rasa turns on the server's dialogue thread.

    Inside the Rasa server a turn is ``agent.handle_message``: take the conversation's lock in
    the lock store, then ``processor.handle_message`` (NLU, policies, actions, replies sent
    through the message's output channel, tracker saved). Here the lock is taken on the
    server's loop, where Rasa's own REST channel, HTTP API and the handoff desk take it too, so
    the in-memory lock store is only ever used from that one thread; the processor runs on the
    dialogue thread (a :class:`~connectors.delivery.LoopThread` shared by every channel of the
    server, created at start-up and stopped after the server stopped). Replies are therefore
    sent from the dialogue thread's loop: senders keep one HTTP client per loop.

    Outside a running server (a channel used from a script or a unit test) turns are simply
    ``on_new_message``, the callback Rasa passed to the channel's blueprint.
    """

    def __init__(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        self._on_new_message = on_new_message
        self._app: Any = None
        self._thread: Optional[LoopThread] = None

    def register(self, blueprint: Blueprint) -> None:
        """Bind to the server's app and dialogue thread when the server starts; stop the thread after it stopped.

        ``after_server_stop`` runs after every channel's ``before_server_stop``, where the
        channels let their queued turns finish.
        """

        @blueprint.listener("after_server_start")
        async def bind(app: Any, _loop: Any) -> None:
            self._thread = dialogue_thread(app)
            self._app = app

        @blueprint.listener("after_server_stop")
        async def unbind(app: Any, _loop: Any) -> None:
            self._app = self._thread = None
            stop_dialogue_thread(app)

    async def __call__(self, message: UserMessage) -> None:
        """Handle one user message; raises when the dialogue failed (the dispatcher counts it)."""
        app, thread = self._app, self._thread
        if app is None or thread is None:
            await self._on_new_message(message)
            return
        agent = getattr(app.ctx, "agent", None)
        if agent is None or not agent.is_ready():
            raise RuntimeError("no model is loaded: the message cannot be processed")
        async with agent.lock_store.lock(message.sender_id):
            await thread.run(agent.processor.handle_message(message))


def dialogue_thread(app: Any) -> LoopThread:
    """The server's one dialogue thread (started on first use)."""
    thread = getattr(app.ctx, "switchboard_dialogue_thread", None)
    if thread is None:
        thread = LoopThread(DIALOGUE_THREAD_NAME).start()
        app.ctx.switchboard_dialogue_thread = thread
    return thread


def stop_dialogue_thread(app: Any) -> None:
    """Stop the server's dialogue thread, if it runs (idempotent)."""
    thread = getattr(app.ctx, "switchboard_dialogue_thread", None)
    if thread is not None:
        app.ctx.switchboard_dialogue_thread = None
        thread.stop()
