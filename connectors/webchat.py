"""Web chat: a page at ``/webhooks/webchat/`` and a JSON endpoint it posts to.

``POST /webhooks/webchat/message`` takes ``{"sender": "...", "message": "..."}``
and answers ``{"messages": [...]}`` with the bot's replies (text and buttons).
Bad input (not UTF-8, not JSON, empty, too long, binary) is answered with a 4xx
and a JSON ``error`` the page shows politely; it never reaches the dialogue.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors.channel_support import RasaTurns

logger = logging.getLogger(__name__)

PAGE = Path(__file__).parent / "static" / "webchat.html"
SENDER_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
DEFAULT_MAX_MESSAGE_CHARS = 10_000
MAX_BODY_BYTES = 256 * 1024
BINARY_SHARE = 0.2  # more than this share of control/unassigned characters: binary, not text


class BadRequest(ValueError):
    """A request the channel refuses, with the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class WebChatRequest:
    """A validated message from the page."""

    sender: str
    text: str


def parse_request(body: bytes, max_message_chars: int) -> WebChatRequest:
    """Validate a raw request body into a :class:`WebChatRequest`.

    Raises:
        BadRequest: with status 400 (malformed), 413 (too long) or 415 (binary).
    """
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest(413, f"request body is larger than {MAX_BODY_BYTES} bytes")
    try:
        payload = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadRequest(400, "request body is not valid UTF-8") from None
    except json.JSONDecodeError:
        raise BadRequest(400, "request body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise BadRequest(400, "request body must be a JSON object with 'sender' and 'message'")
    sender, text = payload.get("sender"), payload.get("message")
    if not isinstance(sender, str) or not SENDER_PATTERN.match(sender):
        raise BadRequest(400, "'sender' must be 1-128 letters, digits, '_' or '-'")
    if not isinstance(text, str):
        raise BadRequest(400, "'message' must be a string")
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        raise BadRequest(400, "message is empty")
    if len(text) > max_message_chars:
        raise BadRequest(413, f"message is longer than {max_message_chars} characters")
    if _looks_binary(text):
        raise BadRequest(415, "message looks like binary data, not text")
    return WebChatRequest(sender=sender, text=text)


def _looks_binary(text: str) -> bool:
    suspicious = sum(
        1 for ch in text if unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs") and ch not in "\n\t\r"
    )
    return "\x00" in text or suspicious > BINARY_SHARE * len(text)


class WebChatInput(InputChannel):
    """The browser chat channel of ``make run``."""

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WebChatInput":
        credentials = credentials or {}
        max_chars = credentials.get("max_message_chars", DEFAULT_MAX_MESSAGE_CHARS)
        if not isinstance(max_chars, int) or max_chars <= 0:
            raise ValueError(
                f"credentials.yml: connectors.webchat.WebChatInput.max_message_chars must be a positive "
                f"integer, got {max_chars!r}"
            )
        return cls(max_message_chars=max_chars)

    def __init__(self, max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS) -> None:
        self.max_message_chars = max_message_chars
        self._page = PAGE.read_text(encoding="utf-8")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webchat = Blueprint("webchat_webhook", __name__)
        turns = RasaTurns(on_new_message)  # off the server's loop: other channels' webhooks stay answered
        turns.register(webchat)

        @webchat.route("/", methods=["GET"])
        async def page(_: Request) -> HTTPResponse:
            return response.html(self._page)

        @webchat.route("/health", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webchat.route("/message", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            try:
                parsed = parse_request(request.body or b"", self.max_message_chars)
            except BadRequest as error:
                logger.info("webchat: refused a request (%s): %s", error.status, error)
                return response.json({"error": str(error)}, status=error.status)
            collector = CollectingOutputChannel()
            try:
                await turns(UserMessage(parsed.text, collector, parsed.sender, input_channel=self.name()))
            except Exception:  # the dialogue failed: answer 500, keep the server up
                logger.exception("webchat: the bot failed to handle a message")
                return response.json({"error": "the assistant could not answer, please try again"}, status=500)
            return response.json({"messages": collector.messages})

        return webchat
