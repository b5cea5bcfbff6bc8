"""The worker that runs the inbox's messages: in order per conversation, retried, then dead-lettered.

Framework-free asyncio. A channel gives it ``handle(item)`` (run the turn and send the replies;
raise to have the message retried) and ``on_dead(item)`` (tell the customer after the final
failure). Database calls run in worker threads, so the event loop that answers webhooks stays free.

Retries back off exponentially (``backoff_seconds`` doubled per attempt, capped at
``max_backoff_seconds``): with the defaults a message is tried 8 times over about three minutes
(2, 4, 8, 16, 32, 60, 60 s apart), which outlasts an action server restart. Every handled message is marked done only after ``handle``
returned; a crash before that leaves it pending, and the next worker runs it again (the channel's
``handle`` recognises a turn that was already recorded and only re-sends its replies).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Optional, Set

from bot.intake import faults
from bot.intake.store import InboxItem, InboxStore

logger = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 8
DEFAULT_BACKOFF_SECONDS = 2.0
DEFAULT_MAX_BACKOFF_SECONDS = 60.0
DEFAULT_MAX_CONCURRENT = 4
DEFAULT_POLL_SECONDS = 1.0


@dataclass
class WorkerStats:
    """What one channel's worker did since start-up (its ``/health`` shows them)."""

    handled: int = 0
    failed_attempts: int = 0
    dead: int = 0
    running: int = 0
    errors_by_type: dict[str, int] = field(default_factory=dict)


class IntakeWorker:
    """Runs one channel's pending inbox messages until stopped."""

    def __init__(self, store: InboxStore, channel: str, handle: Callable[[InboxItem], Awaitable[None]],
                 on_dead: Optional[Callable[[InboxItem], Awaitable[None]]] = None,
                 max_attempts: int = DEFAULT_MAX_ATTEMPTS, backoff_seconds: float = DEFAULT_BACKOFF_SECONDS,
                 max_backoff_seconds: float = DEFAULT_MAX_BACKOFF_SECONDS,
                 max_concurrent: int = DEFAULT_MAX_CONCURRENT, poll_seconds: float = DEFAULT_POLL_SECONDS,
                 clock: Callable[[], float] = time.time,
                 run_write: Optional[Callable[..., Awaitable[Any]]] = None) -> None:
        """``run_write(function, *args)`` runs the store's updates off the loop (default: ``asyncio.to_thread``);
        reads always run on the shared thread pool."""
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be >= 1, got {max_attempts}")
        if max_concurrent < 1:
            raise ValueError(f"max_concurrent must be >= 1, got {max_concurrent}")
        self.store = store
        self.channel = channel
        self._handle = handle
        self._on_dead = on_dead
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.max_concurrent = max_concurrent
        self.poll_seconds = poll_seconds
        self._clock = clock
        self._write = run_write or asyncio.to_thread
        self.stats = WorkerStats()
        self._busy: Set[str] = set()
        self._tasks: Set["asyncio.Task[None]"] = set()
        self._wake = asyncio.Event()
        self._stopping = False
        self._runner: Optional["asyncio.Task[None]"] = None

    def start(self) -> None:
        """Start working in the running event loop (idempotent)."""
        if self._runner is None:
            self._runner = asyncio.get_running_loop().create_task(self._run())

    def wake(self) -> None:
        """A message was accepted: look for due work now instead of at the next poll."""
        self._wake.set()

    def retry_delay(self, attempts_so_far: int) -> float:
        """Seconds before the next try after ``attempts_so_far`` failed tries."""
        return min(self.max_backoff_seconds, self.backoff_seconds * (2 ** max(0, attempts_so_far - 1)))

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            free = self.max_concurrent - len(self._busy)
            if free > 0:
                try:
                    items = await asyncio.to_thread(self.store.due, self.channel, sorted(self._busy), free)
                except Exception:  # the database is unreachable for a moment: try again at the next poll
                    logger.exception("%s intake: reading the inbox failed", self.channel)
                    items = []
                for item in items:
                    if item.conversation_id in self._busy:
                        continue
                    self._busy.add(item.conversation_id)
                    task = asyncio.get_running_loop().create_task(self._work(item))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
            try:
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            except asyncio.TimeoutError:
                pass

    async def _work(self, item: InboxItem) -> None:
        self.stats.running += 1
        try:
            faults.crash_point("before_turn")
            try:
                await self._handle(item)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # classified below: retried, or a dead letter after the last try
                await self._failed(item, error)
                return
            await self._write(self.store.mark_done, item.id)  # again, if the handler marked it already
            self.stats.handled += 1
        finally:
            self.stats.running -= 1
            self._busy.discard(item.conversation_id)
            self._wake.set()

    async def _failed(self, item: InboxItem, error: BaseException) -> None:
        kind = type(error).__name__
        logger.debug("%s intake: message %d failed", self.channel, item.id, exc_info=error)  # may hold text: debug only
        self.stats.errors_by_type[kind] = self.stats.errors_by_type.get(kind, 0) + 1
        attempts = item.attempts + 1
        description = f"{kind}: {str(error)[:200]}" if isinstance(error, PublicError) else kind
        if attempts >= self.max_attempts:
            self.stats.dead += 1
            logger.error("%s intake: message %d failed %d times (%s); moved to the dead letters",
                         self.channel, item.id, attempts, description)
            await self._write(self.store.mark_dead, item.id, description)
            if self._on_dead is not None:
                try:
                    await self._on_dead(item)
                except Exception:  # telling the customer is best effort; the dead letter stays
                    logger.exception("%s intake: telling the customer about dead letter %d failed", self.channel,
                                     item.id)
            return
        self.stats.failed_attempts += 1
        delay = self.retry_delay(attempts)
        logger.warning("%s intake: message %d failed (%s), retry %d in %.0f s", self.channel, item.id, description,
                       attempts, delay)
        await self._write(self.store.mark_failed, item.id, description, self._clock() + delay)

    async def stop(self, drain_seconds: float = 10.0) -> int:
        """Stop taking messages, let running ones finish for up to ``drain_seconds``; returns how many were cut.

        A message cut short stays pending in the inbox and runs after the next start.
        """
        self._stopping = True
        self._wake.set()
        if self._runner is not None:
            await asyncio.gather(self._runner, return_exceptions=True)
        if self._tasks:
            _, unfinished = await asyncio.wait(list(self._tasks), timeout=drain_seconds)
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)
            if unfinished:
                logger.warning("%s intake: %d message(s) still running at shutdown stay pending for the next start",
                               self.channel, len(unfinished))
            return len(unfinished)
        return 0


class PublicError(RuntimeError):
    """A failure whose message holds no customer content and may be stored with the dead letter."""
