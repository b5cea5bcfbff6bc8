"""Rasa's REST channel behind a bearer token, for tools, tests and benchmarks.

Off by default: without ``SWITCHBOARD_REST_TOKEN`` every route answers 503 and says how to turn
it on. With it, ``POST /webhooks/rest/webhook`` needs ``Authorization: Bearer <token>`` (compared
in constant time; 401 otherwise) and then behaves as Rasa defines it: the body
``{"sender": "...", "message": "...", "metadata": {...}}`` and a JSON list of the bot's messages
``[{"recipient_id": "<sender>", "text": ...}, ...]``. The conversation is ``rest:<sender>``
(:mod:`bot.identity`), so a REST call can never write into a Telegram, SMS, Slack or web chat
conversation; ``input_channel`` in the body is ignored (always ``rest``), and the metadata's
``client_key`` (who the client is, for order-lookup lockouts) is a keyed pseudonym of the client's
address unless the tool names its clients itself (the evaluation runner gives each conversation
its own); REST callers hold the token, so they are trusted with that. Everything else of the metadata is kept, e.g.
``{"evaluation": true}`` marks the traffic of evaluations and benchmarks.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import identity
from bot.security.keys import IDENTITY_KEY, secret_key
from connectors.channel_support import (
    MAX_BODY_BYTES, DisableableChannel, RasaTurns, TurnFailed, disabled_blueprint, env_values, json_error,
)

logger = logging.getLogger(__name__)

CHANNEL = "rest"
TOKEN_VARIABLE = "SWITCHBOARD_REST_TOKEN"
MIN_TOKEN_CHARS = 16
MAX_MESSAGE_CHARS = 10_000
CLIENT_KEY_PATTERN = re.compile(r"[A-Za-z0-9:._-]{1,128}")


class RestInput(DisableableChannel, InputChannel):
    """``/webhooks/rest/webhook`` with a bearer token (Rasa's request and response format)."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "RestInput":
        values, missing = env_values([TOKEN_VARIABLE])
        if missing:
            return cls.disabled(f"set {TOKEN_VARIABLE} to enable the REST channel")
        token = values[TOKEN_VARIABLE]
        if len(token) < MIN_TOKEN_CHARS:
            raise ValueError(f"{TOKEN_VARIABLE} must be at least {MIN_TOKEN_CHARS} characters "
                             "(e.g. `openssl rand -hex 24`)")
        return cls(token)


    def __init__(self, token: str) -> None:
        self.disabled_reason: Optional[str] = None
        self._token = token.encode("utf-8")
        self._identity_key = secret_key(IDENTITY_KEY)

    def authorized(self, request: Request) -> bool:
        """True when the request carries ``Authorization: Bearer <token>`` (constant-time comparison)."""
        given = request.headers.get("Authorization", "")
        if not given.lower().startswith("bearer "):
            return False
        return hmac.compare_digest(given[7:].strip().encode("utf-8", "replace"), self._token)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        if self.disabled_reason:
            return disabled_blueprint(CHANNEL, self.disabled_reason)
        rest = Blueprint("rest_webhook", __name__)
        turns = RasaTurns(on_new_message)
        turns.register(rest)

        @rest.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @rest.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.authorized(request):
                return json_error(401, "missing or wrong bearer token")
            body = request.body or b""
            if len(body) > MAX_BODY_BYTES:
                return json_error(413, f"request larger than {MAX_BODY_BYTES} bytes")
            try:
                payload = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                return json_error(400, "the body is not UTF-8 JSON")
            if not isinstance(payload, dict):
                return json_error(400, "the body must be a JSON object with 'sender' and 'message'")
            sender, text, metadata = payload.get("sender"), payload.get("message"), payload.get("metadata") or {}
            if not isinstance(sender, str) or not identity.PART_PATTERN.fullmatch(sender):
                return json_error(400, "'sender' must be 1-128 of A-Z a-z 0-9 _ . @ + -")
            if not isinstance(text, str) or not text.strip() or len(text) > MAX_MESSAGE_CHARS:
                return json_error(400, f"'message' must be a non-empty string of at most {MAX_MESSAGE_CHARS} characters")
            if not isinstance(metadata, dict):
                return json_error(400, "'metadata' must be a JSON object")
            client_key = metadata.get("client_key")
            if not (isinstance(client_key, str) and CLIENT_KEY_PATTERN.fullmatch(client_key)):
                # a tool may name its own clients (the evaluation runner: one per conversation)
                client_key = "addr:" + identity.keyed_digest(self._identity_key, request.ip or "")
            metadata = {**metadata, "client_key": client_key}
            conversation = identity.conversation_id(CHANNEL, sender)
            try:
                replies = await turns.answer(text, conversation, CHANNEL, metadata=metadata, split_paragraphs=True)
            except TurnFailed as error:
                logger.error("rest: the turn failed: %s", error)
                return json_error(503, "the assistant could not answer just now, try again")
            return response.json([{**reply, "recipient_id": sender} for reply in replies])

        return rest
