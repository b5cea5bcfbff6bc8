"""Group commit for the inbox: a burst of webhooks is written in one transaction, on one thread.

Each webhook must be stored before it is answered. Writing each in a transaction of its own, on the
shared thread pool, made a burst of 200 webhooks wait for each other (acknowledgement p95 0.7 s
against 6 ms for the in-memory queue it replaced). :class:`BatchedInbox` keeps a queue of messages
waiting to be written; whoever finds no write in progress writes everything queued so far in one
transaction (:meth:`bot.intake.store.InboxStore.accept_many`) on the inbox's own thread, and every
waiting webhook gets its answer when its batch is committed.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from typing import Any, Callable, Mapping, Optional, TypeVar

from bot.intake.store import InboxStore

T = TypeVar("T")


_shared: dict[str, "BatchedInbox"] = {}
_shared_lock = threading.Lock()


def shared_inbox(store_factory: Callable[[], InboxStore]) -> "BatchedInbox":
    """The process's one batching writer of the inbox database (created on first use).

    Every channel of a server writes through it: their bursts share one transaction, and SQLite
    never makes one channel's write wait for another's lock.
    """
    store = store_factory()
    with _shared_lock:
        inbox = _shared.get(store.url)
        if inbox is None or inbox.closed:
            inbox = _shared[store.url] = BatchedInbox(store)
        inbox.users += 1
        return inbox


class BatchedInbox:
    """Writes accepted messages in batches on a dedicated thread; also runs the inbox's other writes there."""

    def __init__(self, store: InboxStore, name: str = "inbox") -> None:
        self.store = store
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{name}-db")
        self._queue: list[tuple[tuple[str, str, str, Mapping[str, Any]], "asyncio.Future[bool]"]] = []
        self._writing: Optional["asyncio.Task[None]"] = None
        self.users = 0
        self.closed = False

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """Run a call of the store on the inbox's thread (reads and updates of the worker)."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    async def accept(self, channel: str, delivery_id: str, conversation_id: str,
                     payload: Mapping[str, Any]) -> bool:
        """Store one message (with whatever else is waiting); False when its delivery id was seen before."""
        loop = asyncio.get_running_loop()
        done: "asyncio.Future[bool]" = loop.create_future()
        self._queue.append(((channel, delivery_id, conversation_id, payload), done))
        if self._writing is None or self._writing.done():
            self._writing = loop.create_task(self._write())
        return await done

    async def _write(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                results = await self.run(self.store.accept_many, [message for message, _ in batch])
            except Exception as error:  # every webhook of the batch answers 503 and the platform retries
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
                continue
            for (_, done), accepted in zip(batch, results):
                if not done.done():
                    done.set_result(accepted)

    def close(self) -> None:
        """Release this user; the last one stops the inbox's thread once its calls are done."""
        with _shared_lock:
            self.users -= 1
            if self.users > 0:
                return
            self.closed = True
        self._executor.shutdown(wait=True)
