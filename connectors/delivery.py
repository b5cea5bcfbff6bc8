"""Plumbing shared by the messaging channels: dedupe, ordered background work, retried sends.

Nothing here knows about Rasa or a platform:

- :class:`SeenCache` remembers delivery ids (Telegram ``update_id``, Twilio ``MessageSid``,
  Slack ``event_id``) so a retried webhook is processed once. It is bounded and in memory:
  one process only, and a restart inside a platform's retry window may process a retry again.
- :class:`OrderedDispatcher` runs work per key (one conversation) strictly in arrival order,
  while different keys run concurrently; the webhook handler only enqueues and answers.
- :func:`send_with_retry` retries transient send failures with exponential backoff (or the
  wait the platform asked for) and logs and counts permanent failures in :class:`DeliveryStats`.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from dataclasses import asdict, dataclass
from typing import Awaitable, Callable, Deque, Dict, Generic, Hashable, Optional, Set, TypeVar

logger = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")

DEFAULT_SEEN_MAX_ITEMS = 100_000
DEFAULT_SEEN_TTL_SECONDS = 24 * 3600.0
DEFAULT_MAX_PENDING = 10_000
DEFAULT_MAX_CONCURRENT = 4
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


class SeenCache:
    """A bounded set of recently seen ids (oldest forgotten first, or after ``ttl_seconds``)."""

    def __init__(self, max_items: int = DEFAULT_SEEN_MAX_ITEMS, ttl_seconds: float = DEFAULT_SEEN_TTL_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if max_items <= 0:
            raise ValueError(f"max_items must be > 0, got {max_items}")
        if ttl_seconds <= 0:
            raise ValueError(f"ttl_seconds must be > 0, got {ttl_seconds}")
        self.max_items = max_items
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._seen: "collections.OrderedDict[Hashable, float]" = collections.OrderedDict()

    def check_and_add(self, key: Hashable) -> bool:
        """Record ``key``; return True if it was already seen (a duplicate)."""
        now = self._clock()
        while self._seen:
            oldest_key, seen_at = next(iter(self._seen.items()))
            if now - seen_at < self.ttl_seconds and len(self._seen) < self.max_items:
                break
            del self._seen[oldest_key]
        if key in self._seen:
            return True
        self._seen[key] = now
        return False

    def forget(self, key: Hashable) -> None:
        """Drop ``key`` again (its message could not be queued, so a retry must be processed)."""
        self._seen.pop(key, None)

    def __len__(self) -> int:
        return len(self._seen)


class Overloaded(RuntimeError):
    """The dispatcher holds ``max_pending`` items already; the caller should answer 503."""


class OrderedDispatcher(Generic[K, T]):
    """Run ``handler(item)`` for each submitted item, in order per key, keys concurrently.

    A worker task exists only while its key has pending items, so idle conversations cost
    nothing. A failing item is logged and counted; the next item of the key still runs.

    At most ``max_concurrent`` items run at once (first come, first served). Rasa runs NLU and
    policies synchronously on the server's event loop; without this bound, hundreds of ready
    turns would queue in front of every incoming webhook and delay its acknowledgement.
    """

    def __init__(self, handler: Callable[[T], Awaitable[None]], stats: Optional[DeliveryStats] = None,
                 max_pending: int = DEFAULT_MAX_PENDING, name: str = "dispatcher",
                 max_concurrent: int = DEFAULT_MAX_CONCURRENT) -> None:
        if max_pending <= 0:
            raise ValueError(f"max_pending must be > 0, got {max_pending}")
        if max_concurrent <= 0:
            raise ValueError(f"max_concurrent must be > 0, got {max_concurrent}")
        self._slots = asyncio.Semaphore(max_concurrent)
        self._handler = handler
        self._stats = stats or DeliveryStats()
        self._max_pending = max_pending
        self._name = name
        self._queues: Dict[K, Deque[T]] = {}
        self._tasks: Set["asyncio.Task[None]"] = set()
        self._pending = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def pending(self) -> int:
        """Items submitted and not finished yet."""
        return self._pending

    def submit(self, key: K, item: T) -> None:
        """Queue ``item`` behind the earlier items of ``key`` (call from the event loop).

        Raises:
            Overloaded: ``max_pending`` items are waiting already.
        """
        if self._pending >= self._max_pending:
            self._stats.overloaded += 1
            raise Overloaded(f"{self._name}: {self._pending} messages pending (max_pending={self._max_pending})")
        self._pending += 1
        self._idle.clear()
        queue = self._queues.get(key)
        if queue is not None:
            queue.append(item)
            return
        self._queues[key] = collections.deque([item])
        task = asyncio.get_running_loop().create_task(self._drain(key))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self, key: K) -> None:
        queue = self._queues[key]
        while queue:
            item = queue[0]
            try:
                async with self._slots:
                    await self._handler(item)
                self._stats.processed += 1
            except asyncio.CancelledError:
                raise
            except Exception:  # one bad message must not stop the conversation's queue
                self._stats.processing_errors += 1
                logger.exception("%s: handling a message failed", self._name)
            finally:
                queue.popleft()
                self._pending -= 1
        del self._queues[key]
        if self._pending == 0:
            self._idle.set()

    async def join(self) -> None:
        """Wait until every submitted item has been handled."""
        await self._idle.wait()

    async def close(self) -> None:
        """Cancel the running workers (server shutdown)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


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
