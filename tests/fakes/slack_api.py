"""Fake Slack Web API: every ``POST /api/<method>`` with a bearer token check.

``auth.test`` answers like Slack for the bot user ``bot_user_id`` (slack-bolt asks it on the first
request); ``usergroups.users.list`` answers from :attr:`FakeSlack.usergroups`; every other method
answers ``ok`` with a new message timestamp.
"""

from __future__ import annotations

import time

from aiohttp import web

from tests.fakes.base import FakeApi, form_or_json


class FakeSlack(FakeApi):
    """Records every Web API call (``chat.postMessage`` params: channel, text, blocks, thread_ts)."""

    def __init__(self, token: str, bot_user_id: str = "U0SWITCHBOT", team_id: str = "T0001") -> None:
        super().__init__()
        self.token = token
        self.bot_user_id = bot_user_id
        self.team_id = team_id
        self.usergroups: dict[str, list[str]] = {}
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
        if method == "auth.test":
            self.record(method, params, 200)
            return web.json_response({"ok": True, "url": "https://test.slack.example/", "team": "Test",
                                      "user": "switchboard", "team_id": self.team_id, "user_id": self.bot_user_id,
                                      "bot_id": "B0SWITCHBOT", "is_enterprise_install": False})
        if method == "usergroups.users.list":
            self.record(method, params, 200)
            return web.json_response({"ok": True, "users": self.usergroups.get(str(params.get("usergroup")), [])})
        self._ts += 1
        ts = f"{int(time.time())}.{self._ts:06d}"
        self.record(method, params, 200)
        return web.json_response({"ok": True, "channel": params.get("channel"), "ts": ts,
                                  "message": {"text": params.get("text"), "ts": ts}})
