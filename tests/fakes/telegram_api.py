"""Fake Telegram Bot API: ``/bot<token>/<method>`` with token check, getUpdates long polling, 429 injection."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Dict, List

from aiohttp import web

from tests.fakes.base import FakeApi, form_or_json

JSON_FIELDS = ("reply_markup", "allowed_updates")


class FakeTelegram(FakeApi):
    """Records ``sendMessage``, ``answerCallbackQuery``, ``setWebhook``... as :class:`ApiCall` s."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self._message_id = 0
        self._updates: List[Dict[str, Any]] = []
        self._updates_changed: "asyncio.Condition | None" = None
        self._closing = False

    def routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self._handle)

    def push_update(self, update: Dict[str, Any]) -> None:
        """Queue an update for ``getUpdates`` (thread-safe)."""
        async def add() -> None:
            condition = self._condition_for_updates()
            async with condition:
                self._updates.append(update)
                condition.notify_all()

        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(add(), self._loop).result(10)

    def stop(self) -> None:
        """Answer the waiting long polls first, so the server shuts down without pending requests."""
        async def release() -> None:
            condition = self._condition_for_updates()
            async with condition:
                self._closing = True
                condition.notify_all()

        if self._loop is not None:
            asyncio.run_coroutine_threadsafe(release(), self._loop).result(10)
        super().stop()

    def _condition_for_updates(self) -> asyncio.Condition:
        if self._updates_changed is None:
            self._updates_changed = asyncio.Condition()
        return self._updates_changed

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params, _ = await form_or_json(request)
        for key in JSON_FIELDS:
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        if request.match_info["token"] != self.token:
            self.record(method, params, 401)
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        failure = self.take_failure(method)
        if failure is not None:
            self.record(method, params, failure.status)
            body = {"ok": False, "error_code": failure.status, "description": "injected failure", **failure.body}
            return web.json_response(body, status=failure.status, headers=failure.headers)
        if method == "getUpdates":
            result: Any = await self._get_updates(params)
        elif method == "getMe":
            result = {"id": 7000001, "is_bot": True, "first_name": "Pip", "username": "harborandpine_bot",
                      "can_join_groups": False, "can_read_all_group_messages": False,
                      "supports_inline_queries": False}
        elif method in ("sendMessage", "sendPhoto"):
            self._message_id += 1
            result = {"message_id": self._message_id, "date": int(time.time()),
                      "chat": {"id": int(params.get("chat_id", 0)), "type": "private"},
                      "text": params.get("text", "")}
        else:  # answerCallbackQuery, setWebhook, deleteWebhook, ...
            result = True
        self.record(method, params, 200)
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: Dict[str, Any]) -> List[Dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        condition = self._condition_for_updates()
        async with condition:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and timeout > 0:
                try:
                    await asyncio.wait_for(condition.wait_for(lambda: bool(self._updates) or self._closing), timeout)
                except asyncio.TimeoutError:
                    pass
            return list(self._updates)


def text_update(update_id: int, chat_id: int, text: str) -> Dict[str, Any]:
    """A Bot API ``Update`` with a private text message."""
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Test"}}}


def button_update(update_id: int, chat_id: int, data: str) -> Dict[str, Any]:
    """A Bot API ``Update`` with a callback query (inline keyboard button press)."""
    return {"update_id": update_id, "callback_query": {
        "id": f"cb{update_id}", "chat_instance": "ci", "data": data,
        "from": {"id": chat_id, "is_bot": False, "first_name": "Test"},
        "message": {"message_id": 1, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"}}}}
