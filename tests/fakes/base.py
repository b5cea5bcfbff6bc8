"""A real aiohttp server on 127.0.0.1 in a background thread that records every API call.

Tests assert on :attr:`FakeApi.calls` (method, params, HTTP status answered, arrival time) and
inject failures with :meth:`FakeApi.fail_next`. Needs aiohttp (Rasa environment).
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

from aiohttp import web


@dataclass
class ApiCall:
    """One request the fake received."""

    method: str
    params: Dict[str, Any]
    status: int
    received_at: float = field(default_factory=time.monotonic)


@dataclass
class Failure:
    """An injected answer for the next calls of a method."""

    status: int
    times: int
    body: Dict[str, Any]
    headers: Dict[str, str]


class FakeApi:
    """Base class: subclasses add routes in :meth:`routes` and answer through :meth:`answer`."""

    def __init__(self) -> None:
        self.calls: List[ApiCall] = []
        self.port = 0
        self._condition = threading.Condition()
        self._failures: Dict[str, List[Failure]] = {}
        self._listeners: List[Callable[[ApiCall], None]] = []
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._runner: Optional[web.AppRunner] = None
        self._thread: Optional[threading.Thread] = None

    # --- lifecycle -----------------------------------------------------------------------
    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "FakeApi":
        started = threading.Event()
        errors: List[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                app = web.Application(client_max_size=4 * 1024 * 1024)
                self.routes(app)
                self._runner = web.AppRunner(app, shutdown_timeout=1.0)
                loop.run_until_complete(self._runner.setup())
                site = web.TCPSite(self._runner, "127.0.0.1", 0)
                loop.run_until_complete(site.start())
                self.port = self._runner.addresses[0][1]
            except BaseException as error:  # reported to start()'s caller below
                errors.append(error)
                started.set()
                return
            started.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=serve, name=type(self).__name__, daemon=True)
        self._thread.start()
        started.wait(30)
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None and self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(30)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(30)

    # --- recording -----------------------------------------------------------------------
    def record(self, method: str, params: Dict[str, Any], status: int) -> ApiCall:
        call = ApiCall(method, params, status)
        with self._condition:
            self.calls.append(call)
            listeners = list(self._listeners)
            self._condition.notify_all()
        for listener in listeners:
            listener(call)
        return call

    def subscribe(self, listener: Callable[[ApiCall], None]) -> None:
        """Call ``listener(call)`` (in the server thread) for every recorded call."""
        with self._condition:
            self._listeners.append(listener)

    def delivered(self, method: str, **match: Any) -> List[ApiCall]:
        """Calls of ``method`` answered with success whose params contain ``match``."""
        with self._condition:
            return [c for c in self.calls if c.method == method and c.status < 300
                    and all(c.params.get(k) == v for k, v in match.items())]

    def wait_for(self, predicate: Callable[[List[ApiCall]], bool], timeout: float = 60.0) -> List[ApiCall]:
        """Block until ``predicate(calls)`` is true; AssertionError with the calls on timeout."""
        with self._condition:
            if not self._condition.wait_for(lambda: predicate(list(self.calls)), timeout):
                raise AssertionError(f"{type(self).__name__}: condition not met in {timeout} s; calls: "
                                     f"{[(c.method, c.status, c.params) for c in self.calls][-20:]}")
            return list(self.calls)

    def wait_delivered(self, method: str, count: int, timeout: float = 60.0, **match: Any) -> List[ApiCall]:
        """Wait until at least ``count`` successful calls of ``method`` matching ``match`` arrived."""
        self.wait_for(lambda calls: len([c for c in calls if c.method == method and c.status < 300
                                         and all(c.params.get(k) == v for k, v in match.items())]) >= count,
                      timeout)
        return self.delivered(method, **match)

    def clear(self) -> None:
        with self._condition:
            self.calls.clear()

    # --- failure injection ---------------------------------------------------------------
    def fail_next(self, method: str, status: int, times: int = 1, body: Optional[Dict[str, Any]] = None,
                  headers: Optional[Dict[str, str]] = None) -> None:
        """Answer the next ``times`` calls of ``method`` with ``status`` and ``body``."""
        with self._condition:
            self._failures.setdefault(method, []).append(Failure(status, times, body or {}, headers or {}))

    def take_failure(self, method: str) -> Optional[Failure]:
        with self._condition:
            queue = self._failures.get(method) or []
            if not queue:
                return None
            failure = queue[0]
            failure.times -= 1
            if failure.times <= 0:
                queue.pop(0)
            return failure

    def run_in_loop(self, function: Callable[[], Any]) -> None:
        """Run ``function`` in the server's event loop thread."""
        assert self._loop is not None
        self._loop.call_soon_threadsafe(function)


async def form_or_json(request: web.Request) -> Tuple[Dict[str, Any], bool]:
    """The request parameters (JSON object, urlencoded or multipart form) and whether it was JSON."""
    if request.content_type == "application/json":
        data = await request.json()
        return (data if isinstance(data, dict) else {}), True
    form = await request.post()
    return {key: value for key, value in form.items() if isinstance(value, str)}, False
