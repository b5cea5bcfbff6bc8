"""Pieces every channel shares: secrets from the environment, the disabled channel, Rasa turns.

Rasa builds every channel listed in credentials.yml and cannot skip one (``from_credentials``
must return a channel; an exception stops the server). So a channel whose secrets are missing
logs one WARNING line and serves a blueprint whose routes all answer
``503 {"error": "channel disabled: set X"}``: the rest of the server runs normally.

Rasa computes a turn (NLU, policy prediction, tracker store reads and writes) synchronously on
the event loop that called it. :class:`RasaTurns` runs the turns of our channels on one
dialogue thread instead, so the server's loop answers webhooks while a turn is computed. It
collects the replies instead of sending them, and a turn in which a custom action failed
(action server down) raises :class:`TurnFailed` without saving anything, so the caller can
retry it. A turn whose message id is already in the tracker is never run again: its recorded
replies are returned (the server died after the turn was saved, before it was marked done).

:class:`ChannelIntake` is the durable inbox and worker of an asynchronous channel
(:mod:`bot.intake`) bound to the server's start and stop.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import sys
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.intake import faults
from bot.intake.batching import BatchedInbox, shared_inbox
from bot.intake.store import InboxItem, InboxStore
from bot.intake.worker import IntakeWorker, PublicError
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


class DisableableChannel:
    """Mixin of our input channels: :meth:`disabled` makes one that only answers 503 (its blueprint checks
    ``disabled_reason``)."""

    disabled_reason: Optional[str] = None

    @classmethod
    def disabled(cls, reason: str) -> Any:
        """A channel of this class that only answers 503, logged once; ``__init__`` is not run."""
        log_disabled(cls.name(), reason)  # type: ignore[attr-defined]
        channel = cls.__new__(cls)
        channel.disabled_reason = reason
        return channel


def json_error(status: int, message: str) -> HTTPResponse:
    """The JSON error answer of every channel route."""
    return response.json({"error": message}, status=status)


DIALOGUE_THREAD_NAME = "rasa-dialogue"
ACTION_FAILURE_PREFIX = "Encountered an exception while running action"
"""How Rasa 3.6's processor logs a custom action that failed (it then continues the turn without its events)."""

_turn_failures: "contextvars.ContextVar[Optional[List[str]]]" = contextvars.ContextVar(
    "switchboard_turn_failures", default=None)


class TurnFailed(PublicError):
    """The turn could not be completed (no model loaded, a custom action failed); nothing was saved."""


class _ActionFailureWatch(logging.Handler):
    """Notes, for the turn running in the current context, that Rasa swallowed a custom action's failure."""

    def emit(self, record: logging.LogRecord) -> None:
        failures = _turn_failures.get()
        if failures is not None and str(record.msg).startswith(ACTION_FAILURE_PREFIX):
            failures.append(str(record.msg)[len(ACTION_FAILURE_PREFIX):].strip(" .'")[:80])


_watch = _ActionFailureWatch(level=logging.ERROR)


def _install_watch() -> None:
    processor_logger = logging.getLogger("rasa.core.processor")
    if _watch not in processor_logger.handlers:
        processor_logger.addHandler(_watch)


class _Collector(CollectingOutputChannel):
    """Collects a turn's replies; the ``during_turn`` crash point of the durability tests fires here.

    Rasa's collector splits a text at blank lines into several messages (what its REST channel
    answers); with ``split_paragraphs`` False a text stays one message, as messaging channels send it.
    """

    def __init__(self, split_paragraphs: bool = True) -> None:
        super().__init__()
        self.split_paragraphs = split_paragraphs

    async def _persist_message(self, message: Dict[str, Any]) -> None:
        faults.crash_point("during_turn")
        await super()._persist_message(message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        if self.split_paragraphs:
            await super().send_text_message(recipient_id, text, **kwargs)
        else:
            await self._persist_message(self._message(recipient_id, text=text))


async def run_turn(processor: Any, message: UserMessage) -> None:
    """``MessageProcessor.handle_message`` of Rasa 3.6, refusing to save a turn in which an action failed.

    Rasa logs a failing custom action and goes on with the turn, which would save a conversation
    that silently skipped the action (the customer gets no answer and a retry finds the message
    already handled). Here such a turn raises :class:`TurnFailed` before the tracker is saved.

    Raises:
        TurnFailed: a custom action failed.
    """
    _install_watch()
    failures: List[str] = []
    token = _turn_failures.set(failures)
    try:
        tracker = await processor.log_message(message, should_save_tracker=False)
        tracker = await processor.run_action_extract_slots(message.output_channel, tracker)
        await processor._run_prediction_loop(message.output_channel, tracker)
        if failures:
            raise TurnFailed(f"custom action {failures[0]} failed (is the action server up?)")
        await processor.run_anonymization_pipeline(tracker)
        await processor.save_tracker(tracker)
    finally:
        _turn_failures.reset(token)


def recorded_replies(tracker: Any, message_id: str) -> Optional[List[Dict[str, Any]]]:
    """The bot's replies to the user message ``message_id`` as saved in ``tracker``; None if it is not there.

    Messages an agent or the handoff desk appended (metadata ``handoff_*``) are not replies of the turn.
    """
    from rasa.shared.core.events import BotUttered, UserUttered

    found = False
    replies: List[Dict[str, Any]] = []
    for event in tracker.events:
        if isinstance(event, UserUttered):
            if found:
                break
            found = event.message_id == message_id
        elif found and isinstance(event, BotUttered):
            if any(str(key).startswith("handoff_") for key in (event.metadata or {})):
                continue
            reply = {"recipient_id": tracker.sender_id, "text": event.text}
            reply.update({key: value for key, value in (event.data or {}).items() if value is not None})
            replies.append(reply)
    return replies if found else None


async def send_replies(output: OutputChannel, recipient_id: str, replies: Sequence[Dict[str, Any]],
                       already_sent: int = 0, on_sent: Optional[Callable[[int], Awaitable[None]]] = None) -> None:
    """Send a turn's replies through a channel's output, in order, skipping the ``already_sent`` first ones.

    ``on_sent(n)`` is called after the n-th reply went out (the inbox records it), so a crash in the
    middle re-sends at most the one reply that was out but not yet recorded.
    """
    for number, reply in enumerate(replies, start=1):
        if number <= already_sent:
            continue
        await output.send_response(recipient_id, {k: v for k, v in reply.items() if k != "recipient_id"})
        faults.crash_point("after_send")
        if on_sent is not None:
            await on_sent(number)


class RasaTurns:
    """Runs a channel's Rasa turns on the server's dialogue thread and returns their replies.

    Inside the Rasa server a turn is: take the conversation's lock in the lock store, then the
    processor's turn (NLU, policies, actions, tracker saved). Here the lock is taken on the
    server's loop, where Rasa's own REST channel, HTTP API and the handoff desk take it too, so
    the in-memory lock store is only ever used from that one thread; the processor runs on the
    dialogue thread (a :class:`~connectors.delivery.LoopThread` shared by every channel of the
    server, created at start-up and stopped after the server stopped).

    Outside a Rasa server (a channel used from a script, or mounted on a plain Sanic app by a
    test: no ``app.ctx.agent``, which Rasa sets before its server starts) a turn is simply
    ``on_new_message``, the callback given to the channel's blueprint.
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

    async def answer(self, text: str, sender_id: str, input_channel: str, message_id: Optional[str] = None,
                     metadata: Optional[Dict[str, Any]] = None, split_paragraphs: bool = False,
                     deliver: Optional[Callable[[List[Dict[str, Any]]], Awaitable[None]]] = None,
                     ) -> List[Dict[str, Any]]:
        """Handle one user message and return the bot's replies.

        ``split_paragraphs``: a reply with blank lines becomes several messages (the web chat and
        REST answers, as Rasa's REST channel makes them); otherwise it stays one message.
        ``deliver(replies)``, when given, sends them once the turn is saved, still under the
        conversation's lock, on the server's loop (the dialogue thread's loop, busy with other
        turns, would notice a finished send late and widen the window in which a crash repeats it).

        With a ``message_id`` that the conversation already holds, the turn is not run again:
        the replies it recorded are returned.

        Raises:
            TurnFailed: no model is loaded, or a custom action failed; nothing was saved.
        """
        app, thread = self._app, self._thread
        if app is None or thread is None or not hasattr(app.ctx, "agent"):
            collector = _Collector(split_paragraphs)
            await self._on_new_message(UserMessage(text, collector, sender_id, input_channel=input_channel,
                                                   message_id=message_id, metadata=metadata))
            if deliver is not None:
                await deliver(collector.messages)
            return collector.messages
        agent = getattr(app.ctx, "agent", None)
        if agent is None or not agent.is_ready():
            raise TurnFailed("no model is loaded: the message cannot be processed yet")
        async with agent.lock_store.lock(sender_id):
            replies = await thread.run(_answer(agent, text, sender_id, input_channel, message_id, metadata,
                                               split_paragraphs))
            if deliver is not None:
                await deliver(replies)
            return replies


async def _answer(agent: Any, text: str, sender_id: str, input_channel: str, message_id: Optional[str],
                  metadata: Optional[Dict[str, Any]], split_paragraphs: bool) -> List[Dict[str, Any]]:
    replies: Optional[List[Dict[str, Any]]] = None
    if message_id:
        tracker = await agent.tracker_store.retrieve(sender_id)
        replies = recorded_replies(tracker, message_id) if tracker is not None else None
        if replies is not None:
            logger.info("%s: a message already answered before a restart; its recorded replies are sent again",
                        input_channel)
    if replies is None:
        collector = _Collector(split_paragraphs)
        await run_turn(agent.processor, UserMessage(text, collector, sender_id, input_channel=input_channel,
                                                    message_id=message_id, metadata=metadata))
        replies = collector.messages
    return replies


SWITCH_INTERVAL_SECONDS = 0.001
"""How long a thread holding the GIL may compute before a waiting thread gets it (Python's default: 5 ms)."""


def dialogue_thread(app: Any) -> LoopThread:
    """The server's one dialogue thread (started on first use).

    While a turn computes on it, the threads that answer webhooks and write the inbox need the GIL
    for a moment at a time, each time after a system call: with Python's 5 ms switch interval every
    such moment could cost them 5 ms. The server switches every millisecond instead.
    """
    thread = getattr(app.ctx, "switchboard_dialogue_thread", None)
    if thread is None:
        sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
        thread = LoopThread(DIALOGUE_THREAD_NAME).start()
        app.ctx.switchboard_dialogue_thread = thread
    return thread


def stop_dialogue_thread(app: Any) -> None:
    """Stop the server's dialogue thread, if it runs (idempotent)."""
    thread = getattr(app.ctx, "switchboard_dialogue_thread", None)
    if thread is not None:
        app.ctx.switchboard_dialogue_thread = None
        thread.stop()


def delivery_failed_text() -> str:
    """What a customer is told when their message could not be answered after every retry (handoff.yml)."""
    from bot.handoff.policy import get_policy

    return get_policy().message("delivery_failed")


class IntakeUnavailable(RuntimeError):
    """The inbox cannot take the message right now (starting, or the database failed): answer 503."""


DEFAULT_SEEN_RETENTION_HOURS = 24.0
SWEEP_INTERVAL_SECONDS = 600.0


class ChannelIntake:
    """The durable inbox and worker of one channel inside the Rasa server.

    ``handle(item)`` runs a message's turn and sends its replies (raise to retry);
    ``on_dead(item)`` tells the customer after the final failure. Accepted delivery ids are
    remembered for ``seen_retention_hours`` after they were answered (the platform's retry window;
    for Twilio, whose requests carry no timestamp, the data retention period).
    """

    def __init__(self, channel: str, handle: Callable[[InboxItem], Awaitable[None]],
                 on_dead: Optional[Callable[[InboxItem], Awaitable[None]]] = None,
                 seen_retention_hours: float = DEFAULT_SEEN_RETENTION_HOURS,
                 store_factory: Callable[[], InboxStore] = InboxStore, **worker_options: Any) -> None:
        self.channel = channel
        self._handle = handle
        self._on_dead = on_dead
        self.seen_retention_hours = seen_retention_hours
        self._store_factory = store_factory
        self._worker_options = worker_options
        self.store: Optional[InboxStore] = None
        self.inbox: Optional[BatchedInbox] = None
        self.worker: Optional[IntakeWorker] = None
        self._sweeper: Optional["asyncio.Task[None]"] = None

    def register(self, blueprint: Blueprint) -> None:
        """Open the inbox before the server listens (webhooks are stored from the first request on),
        start the worker once it runs (turns need the loaded model), stop the worker before it stops."""

        @blueprint.listener("before_server_start")
        async def open_inbox(_app: Any, _loop: Any) -> None:
            await self.open()

        @blueprint.listener("after_server_start")
        async def start(_app: Any, _loop: Any) -> None:
            await self.start()

        @blueprint.listener("before_server_stop")
        async def stop(_app: Any, _loop: Any) -> None:
            await self.stop()

    async def open(self) -> None:
        """Open (or create) the inbox; :meth:`accept` works from now on."""
        if self.inbox is None:
            self.inbox = await asyncio.to_thread(shared_inbox, self._store_factory)
            self.store = self.inbox.store

    async def start(self) -> None:
        """Start the worker in the running loop (opening the inbox first if needed)."""
        await self.open()
        assert self.store is not None and self.inbox is not None
        self.worker = IntakeWorker(self.store, self.channel, self._handle, self._on_dead,
                                   run_write=self.inbox.run, **self._worker_options)
        self.worker.start()
        self._sweeper = asyncio.ensure_future(self._sweep_forever())

    async def stop(self) -> None:
        """Stop the worker (running messages may finish; waiting ones stay in the inbox)."""
        if self._sweeper is not None:
            self._sweeper.cancel()
        if self.worker is not None:
            await self.worker.stop()
        if self.inbox is not None:
            inbox, self.inbox, self.store = self.inbox, None, None
            await asyncio.to_thread(inbox.close)

    async def _sweep_forever(self) -> None:
        while True:
            try:
                assert self.store is not None and self.inbox is not None
                await self.inbox.run(self.store.sweep, {self.channel: self.seen_retention_hours * 3600})
            except Exception:  # the next sweep tries again
                logger.exception("%s intake: forgetting old delivery ids failed", self.channel)
            await asyncio.sleep(SWEEP_INTERVAL_SECONDS)

    async def accept(self, delivery_id: str, conversation_id: str, payload: Mapping[str, Any]) -> bool:
        """Write the message to the inbox before the webhook answers; False for a delivery id seen before.

        Raises:
            IntakeUnavailable: the server is starting or the database refused the write.
        """
        inbox, worker = self.inbox, self.worker
        if inbox is None:
            raise IntakeUnavailable("starting, retry later")
        try:
            accepted = await inbox.accept(self.channel, delivery_id, conversation_id, payload)
        except Exception as error:
            logger.exception("%s intake: writing to the inbox failed", self.channel)
            raise IntakeUnavailable("the inbox is unavailable, retry later") from error
        if accepted and worker is not None:
            worker.wake()  # before the worker runs, it finds the message when it starts
        return accepted

    async def deliver(self, output: OutputChannel, item: InboxItem, replies: List[Dict[str, Any]]) -> None:
        """Send a message's replies and record each as it goes out, then mark the message answered.

        A crash between a send and its record makes that one reply go out again after the restart;
        the replies recorded as sent are not sent again.
        """
        inbox, store = self.inbox, self.store

        async def sent(number: int) -> None:
            if inbox is not None and store is not None:
                await inbox.run(store.mark_sent, item.id, number)

        await send_replies(output, item.conversation_id, replies, item.replies_sent, sent)
        if inbox is not None and store is not None:
            await inbox.run(store.mark_done, item.id)

    async def health(self) -> Dict[str, Any]:
        """The channel's inbox (messages ``pending``, ``dead``) and its worker's counters, for ``/health``."""
        if self.store is None or self.inbox is None or self.worker is None:
            return {"status": "starting"}
        counts = await asyncio.to_thread(self.store.counts, self.channel)
        stats = self.worker.stats
        return {"pending": counts["pending"], "dead_letters": counts["dead"], "handled": stats.handled,
                "running": stats.running, "failed_attempts": stats.failed_attempts, "dead": stats.dead,
                "errors": dict(stats.errors_by_type)}
