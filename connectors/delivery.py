"""Plumbing shared by the messaging channels: a loop on its own thread, per-loop clients, retried sends.

Nothing here knows about Rasa or a platform (deduplication, ordering and retries of inbound
messages live in the durable inbox, :mod:`bot.intake`):

- :class:`LoopThread` is an asyncio event loop on a thread of its own: work that computes
  without awaiting (Rasa's NLU and policies) runs there, so the loop that answers webhooks
  stays free.
- :class:`PerLoop` keeps one instance of a loop-bound resource (an HTTP client) per event loop,
  because a channel sends both from the server's loop and from the dialogue thread's loop.
- :func:`send_with_retry` retries transient send failures with exponential backoff (or the
  wait the platform asked for) and logs and counts permanent failures in :class:`DeliveryStats`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from dataclasses import asdict, dataclass
from typing import Any, Awaitable, Callable, Coroutine, Dict, Generic, Optional, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_SEND_ATTEMPTS = 5
DEFAULT_BACKOFF_SECONDS = 0.5
MAX_WAIT_SECONDS = 60.0


@dataclass
class DeliveryStats:
    """Counters of one channel, shown by its ``/health`` route."""

    received: int = 0
    duplicates: int = 0
    rejected: int = 0
    processed: int = 0
    processing_errors: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    suppressed: int = 0
    overloaded: int = 0

    def as_dict(self) -> Dict[str, int]:
        """The counters as a plain dict (JSON-ready)."""
        return asdict(self)


class LoopThread:
    """An asyncio event loop running on a thread of its own.

    Code that computes for a long time without awaiting (Rasa's NLU and policy prediction, a
    synchronous database write) blocks the event loop it runs on; everything else on that loop,
    such as answering webhooks, waits. Run such work here instead: :meth:`run` hands a
    coroutine to this thread's loop and awaits its result from the caller's loop, which stays
    free meanwhile. The thread holds Python's GIL while it computes; the interpreter hands the
    GIL to the waiting loop thread every switch interval (5 ms by default), so a webhook is
    delayed by milliseconds rather than by whole turns.

    Objects bound to an event loop (HTTP client sessions, asyncio locks) created by code running
    here belong to this loop and must not be used from another one (see :class:`PerLoop`).
    """

    def __init__(self, name: str = "loop-thread") -> None:
        self.name = name
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None

    @property
    def loop(self) -> Optional[asyncio.AbstractEventLoop]:
        """The thread's loop (None before :meth:`start` and after :meth:`stop`)."""
        return self._loop

    def start(self) -> "LoopThread":
        """Start the thread and its loop (idempotent)."""
        if self._thread is not None:
            return self
        started = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            started.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=serve, name=self.name, daemon=True)
        self._thread.start()
        started.wait()
        return self

    async def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the thread's loop and return its result (or raise its error) to the caller.

        Cancelling the caller cancels the coroutine on the thread too, and the caller waits until
        it has really ended there: whatever the caller holds (a conversation's lock) is released
        only after the work it guarded is over.

        Raises:
            RuntimeError: the thread is not running.
        """
        loop = self._loop
        if loop is None or loop.is_closed():
            coroutine.close()
            raise RuntimeError(f"{self.name}: not running")
        caller = asyncio.get_running_loop()
        outcome: "asyncio.Future[T]" = caller.create_future()
        started: Dict[str, "asyncio.Task[T]"] = {}

        def report(task: "asyncio.Task[T]") -> None:  # on the caller's loop
            if outcome.done():
                return
            if task.cancelled():
                outcome.cancel()
            elif task.exception() is not None:
                outcome.set_exception(task.exception())  # type: ignore[arg-type]
            else:
                outcome.set_result(task.result())

        def start() -> None:  # on this thread's loop
            task = loop.create_task(coroutine)
            started["task"] = task
            task.add_done_callback(lambda done: caller.call_soon_threadsafe(report, done))

        loop.call_soon_threadsafe(start)
        try:
            return await asyncio.shield(outcome)
        except asyncio.CancelledError:
            # call_soon_threadsafe keeps order: start() has run before this cancel does
            loop.call_soon_threadsafe(lambda: started["task"].cancel())
            try:
                await outcome
            except asyncio.CancelledError:
                pass
            except Exception:  # nobody is left to receive this error
                logger.exception("%s: work whose caller was cancelled failed", self.name)
            raise

    def stop(self, timeout: float = 10.0) -> None:
        """Cancel what still runs on the thread, stop its loop and join it (idempotent)."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return

        async def cancel_all() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        if not loop.is_closed() and thread.is_alive():
            try:
                asyncio.run_coroutine_threadsafe(cancel_all(), loop).result(timeout)
            except (concurrent.futures.TimeoutError, RuntimeError):
                logger.warning("%s: tasks did not finish within %.0f s of being cancelled", self.name, timeout)
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        self._loop = None
        self._thread = None


class PerLoop(Generic[T]):
    """One instance of a loop-bound resource per event loop, created on first use in that loop.

    HTTP clients (httpx under python-telegram-bot, the aiohttp session under twilio) may only be
    used from the event loop they were created in. A channel sends from two loops: replies
    within a turn from the dialogue thread's loop, everything else (``setWebhook``, button
    acknowledgements, SMS keyword answers, messages of a human agent) from the server's loop.
    """

    def __init__(self, create: Callable[[], Awaitable[T]], close: Callable[[T], Awaitable[None]]) -> None:
        self._create = create
        self._close = close
        self._instances: Dict[asyncio.AbstractEventLoop, T] = {}
        self._locks: Dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}
        self._guard = threading.Lock()

    async def get(self) -> T:
        """The running loop's instance (created on first use)."""
        loop = asyncio.get_running_loop()
        instance = self._instances.get(loop)
        if instance is not None:
            return instance
        with self._guard:
            lock = self._locks.setdefault(loop, asyncio.Lock())
        async with lock:
            instance = self._instances.get(loop)
            if instance is None:
                instance = await self._create()
                with self._guard:
                    self._instances[loop] = instance
        return instance

    def __len__(self) -> int:
        return len(self._instances)

    async def close(self) -> None:
        """Close every instance in its own loop; instances of loops that no longer run are dropped."""
        with self._guard:
            instances = list(self._instances.items())
            self._instances.clear()
            self._locks.clear()
        here = asyncio.get_running_loop()
        for loop, instance in instances:
            if loop is here:
                await self._close(instance)
            elif loop.is_running():
                await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._close(instance), loop))
            else:  # its loop has ended (asyncio.run() returned): nothing can close it any more
                logger.debug("dropping a client of an event loop that has stopped")


Classifier = Callable[[BaseException], Optional[float]]
"""Maps a send error to ``None`` (permanent) or the seconds the platform asked to wait (0: none)."""


async def send_with_retry(send: Callable[[], Awaitable[T]], classify: Classifier, stats: DeliveryStats,
                          what: str, attempts: int = DEFAULT_SEND_ATTEMPTS,
                          backoff_seconds: float = DEFAULT_BACKOFF_SECONDS,
                          describe: Callable[[BaseException], str] = lambda error: type(error).__name__,
                          ) -> Optional[T]:
    """Call ``send`` until it succeeds, retrying transient failures; never raises for send errors.

    Args:
        send: makes one API call.
        classify: decides whether an error is transient and how long the platform asked to wait.
        stats: ``sent``, ``retried`` and ``failed`` are counted here.
        what: a content-free description for the logs, e.g. ``"telegram sendMessage"``.
        attempts: total tries, at least 1.
        backoff_seconds: first wait; doubled after every failed try.
        describe: a content-free description of an error for the logs (API errors can quote
            phone numbers or message text, so the default is the exception type only).

    Returns:
        The result of ``send``, or None after a permanent failure or when the tries ran out
        (logged at ERROR and counted in ``stats.failed``).
    """
    delay = backoff_seconds
    for attempt in range(1, max(1, attempts) + 1):
        try:
            result = await send()
        except asyncio.CancelledError:
            raise
        except Exception as error:  # classified below: retried or counted as failed
            wait = classify(error)
            if wait is None or attempt >= attempts:
                stats.failed += 1
                reason = "permanent error" if wait is None else f"gave up after {attempt} tries"
                logger.error("%s failed (%s): %s", what, reason, describe(error))
                return None
            stats.retried += 1
            pause = min(MAX_WAIT_SECONDS, max(wait, delay))
            logger.warning("%s failed (%s), retry %d in %.1f s", what, describe(error), attempt, pause)
            await asyncio.sleep(pause)
            delay *= 2
            continue
        stats.sent += 1
        return result
    return None  # unreachable: the loop returns on success or on the last failure
