"""Fake Slack Web API: ``POST /api/chat.postMessage`` with bearer token check."""

from __future__ import annotations

import time

from aiohttp import web

from tests.fakes.base import FakeApi, form_or_json


class FakeSlack(FakeApi):
    """Records every Web API call (``chat.postMessage`` params: channel, text, blocks, thread_ts)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self._ts = 0

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api"

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/api/{method}", self._handle)

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params, _ = await form_or_json(request)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            self.record(method, params, 401)
            return web.json_response({"ok": False, "error": "invalid_auth"})
        failure = self.take_failure(method)
        if failure is not None:
            self.record(method, params, failure.status)
            return web.json_response({"ok": False, "error": "injected", **failure.body}, status=failure.status,
                                     headers=failure.headers)
        self._ts += 1
        ts = f"{int(time.time())}.{self._ts:06d}"
        self.record(method, params, 200)
        return web.json_response({"ok": True, "channel": params.get("channel"), "ts": ts,
                                  "message": {"text": params.get("text"), "ts": ts}})
