"""Fake Twilio Messages API: ``POST /2010-04-01/Accounts/<sid>/Messages.json`` with basic auth check."""

from __future__ import annotations

import base64
import secrets
from typing import Any, Dict

from aiohttp import web

from tests.fakes.base import FakeApi, form_or_json

METHOD = "Messages.create"


class FakeTwilio(FakeApi):
    """Records every message create as an :class:`ApiCall` with params To, From, Body, ..."""

    def __init__(self, account_sid: str, auth_token: str) -> None:
        super().__init__()
        self.account_sid = account_sid
        self.auth_token = auth_token

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._create)

    def _authorised(self, request: web.Request) -> bool:
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return request.headers.get("Authorization") == expected and request.match_info["sid"] == self.account_sid

    async def _create(self, request: web.Request) -> web.Response:
        params, _ = await form_or_json(request)
        if not self._authorised(request):
            self.record(METHOD, params, 401)
            return web.json_response({"code": 20003, "message": "Authenticate", "status": 401}, status=401)
        failure = self.take_failure(METHOD)
        if failure is not None:
            self.record(METHOD, params, failure.status)
            body: Dict[str, Any] = {"code": 20500, "message": "injected failure", "status": failure.status,
                                    **failure.body}
            return web.json_response(body, status=failure.status, headers=failure.headers)
        if not params.get("To") or not params.get("Body") or not (params.get("From") or params.get("MessagingServiceSid")):
            self.record(METHOD, params, 400)
            return web.json_response({"code": 21604, "message": "A 'To', 'From' and 'Body' are required",
                                      "status": 400}, status=400)
        self.record(METHOD, params, 201)
        return web.json_response({
            "sid": "SM" + secrets.token_hex(16), "account_sid": self.account_sid, "to": params["To"],
            "from": params.get("From"), "body": params["Body"], "status": "queued", "num_segments": "1",
            "direction": "outbound-api", "api_version": "2010-04-01",
        }, status=201)
