"""Web chat: a page at ``/webhooks/webchat/``, a JSON endpoint it posts to, and an inbox it polls.

``POST /webhooks/webchat/message`` takes ``{"sender": "...", "message": "..."}``
and answers ``{"messages": [...]}`` with the bot's replies (text and buttons).
Bad input (not UTF-8, not JSON, empty, too long, binary) is answered with a 4xx
and a JSON ``error`` the page shows politely; it never reaches the dialogue.

Messages sent outside a POST (an agent's reply during a human handoff, "I'm back" when the
agent resolves) go through :class:`WebChatOutput` into a durable outbox
(:mod:`connectors.webchat_outbox`, SQLite ``var/webchat.db``). The page polls
``GET /webhooks/webchat/inbox?sender=...&after=N``: the answer is
``{"messages": [{"id", "text", "from": "bot"|"agent", "buttons"?}], "after": M}``, and asking
with ``after=N`` acknowledges (deletes) the sender's messages up to id ``N``. The sender id is
the conversation's only key, so the page makes an unguessable one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Sequence, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors.channel_support import RasaTurns, setting
from connectors.text import markdown_to_plain, split_text
from connectors.webchat_outbox import (
    DEFAULT_MAX_PER_SENDER, DEFAULT_RETENTION_HOURS, MAX_ID, MAX_TEXT_CHARS, SENDER_PATTERN, OutboxFull, WebChatOutbox,
)

logger = logging.getLogger(__name__)

CHANNEL = "webchat"
CREDENTIALS_KEY = "connectors.webchat.WebChatInput"
PAGE = Path(__file__).parent / "static" / "webchat.html"
DEFAULT_MAX_MESSAGE_CHARS = 10_000
MAX_QUERY_BYTES = 1024
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
    if not isinstance(sender, str) or not SENDER_PATTERN.fullmatch(sender):
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


@dataclass(frozen=True)
class InboxQuery:
    """A validated poll of the page: whose messages, and the last id it has shown."""

    sender: str
    after: int


def parse_inbox_query(args: Mapping[str, Sequence[str]], query_bytes: int = 0) -> InboxQuery:
    """Validate the query of ``GET /inbox`` (``sender`` required once, ``after`` optional once).

    Raises:
        BadRequest: with status 400 (malformed) or 414 (query too long).
    """
    if query_bytes > MAX_QUERY_BYTES:
        raise BadRequest(414, f"query string is longer than {MAX_QUERY_BYTES} bytes")
    senders, afters = list(args.get("sender") or []), list(args.get("after") or [])
    if len(senders) != 1 or not SENDER_PATTERN.fullmatch(senders[0]):
        raise BadRequest(400, "'sender' must be given once, 1-128 letters, digits, '_' or '-'")
    if len(afters) > 1:
        raise BadRequest(400, "'after' must be given at most once")
    after = afters[0] if afters else "0"
    if not (after.isascii() and after.isdigit()) or len(after) > 19 or int(after) > MAX_ID:
        raise BadRequest(400, f"'after' must be a message id from 0 to {MAX_ID}")
    return InboxQuery(sender=senders[0], after=int(after))


def _looks_binary(text: str) -> bool:
    suspicious = sum(
        1 for ch in text if unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs") and ch not in "\n\t\r"
    )
    return "\x00" in text or suspicious > BINARY_SHARE * len(text)


class WebChatOutput(OutputChannel):
    """Queues messages for the page in the outbox: what is sent outside a POST (human handoff)."""

    def __init__(self, outbox: WebChatOutbox) -> None:
        self.outbox = outbox

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    async def send_to(self, recipient_id: Text, text: Text, buttons: Optional[List[Dict[str, Any]]] = None,
                      from_agent: bool = False, **kwargs: Any) -> bool:
        """Queue a message for the page of ``recipient_id`` (the sender id); True when queued.

        Plain text (markdown markers removed, links as ``title (url)``), split under
        ``MAX_TEXT_CHARS`` with the buttons on the last part; ``from_agent`` marks a person's
        message, which the page shows as such. False (logged, no content) when the recipient id
        is invalid, the text empty, or the outbox full.
        """
        parts = split_text(markdown_to_plain(text or ""), MAX_TEXT_CHARS)
        if not parts:
            logger.error("webchat: nothing to queue (empty message)")
            return False
        author = "agent" if from_agent else "bot"
        try:
            for number, part in enumerate(parts, start=1):
                await asyncio.to_thread(self.outbox.put, recipient_id, part, author,
                                        buttons if number == len(parts) else None)
        except (OutboxFull, ValueError) as error:  # their messages never contain the text
            logger.error("webchat: message not queued: %s", error)
            return False
        return True

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_to(recipient_id, text)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[str, Any]],
                                     **kwargs: Any) -> None:
        await self.send_to(recipient_id, text, buttons)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self.send_to(recipient_id, image)


class WebChatInput(InputChannel):
    """The browser chat channel of ``make run``."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WebChatInput":
        credentials = credentials or {}
        max_chars = credentials.get("max_message_chars", DEFAULT_MAX_MESSAGE_CHARS)
        if not isinstance(max_chars, int) or isinstance(max_chars, bool) or max_chars <= 0:
            raise ValueError(
                f"credentials.yml: {CREDENTIALS_KEY}.max_message_chars must be a positive "
                f"integer, got {max_chars!r}"
            )
        outbox_db = setting(credentials, "outbox_db", "", str, CREDENTIALS_KEY)
        max_per_sender = setting(credentials, "outbox_max_per_sender", DEFAULT_MAX_PER_SENDER, int, CREDENTIALS_KEY)
        retention = setting(credentials, "outbox_retention_hours", DEFAULT_RETENTION_HOURS, float, CREDENTIALS_KEY)
        for key, value in (("outbox_max_per_sender", max_per_sender), ("outbox_retention_hours", retention)):
            if value <= 0:
                raise ValueError(f"credentials.yml: {CREDENTIALS_KEY}.{key} must be positive, got {value!r}")
        from bot import paths

        return cls(max_message_chars=max_chars, outbox_path=(paths.ROOT / outbox_db) if outbox_db else None,
                   outbox_max_per_sender=max_per_sender, outbox_retention_hours=retention)

    def __init__(self, max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS, outbox_path: Optional[Path] = None,
                 outbox_max_per_sender: int = DEFAULT_MAX_PER_SENDER,
                 outbox_retention_hours: float = DEFAULT_RETENTION_HOURS) -> None:
        """``outbox_path`` defaults to ``var/webchat.db``; the file is opened on first use."""
        self.max_message_chars = max_message_chars
        self.outbox_path = outbox_path
        self.outbox_max_per_sender = outbox_max_per_sender
        self.outbox_retention_hours = outbox_retention_hours
        self._outbox: Optional[WebChatOutbox] = None
        self._outbox_lock = threading.Lock()
        self._page = PAGE.read_text(encoding="utf-8")

    @property
    def outbox(self) -> WebChatOutbox:
        """The outbox the page polls (opened, and created if missing, on first use)."""
        with self._outbox_lock:
            if self._outbox is None:
                if self.outbox_path is None:
                    from bot import paths

                    self.outbox_path = paths.var_dir() / "webchat.db"
                self._outbox = WebChatOutbox(self.outbox_path, max_per_sender=self.outbox_max_per_sender,
                                             retention_hours=self.outbox_retention_hours)
            return self._outbox

    def get_output_channel(self) -> Optional[OutputChannel]:
        """Sends to a page outside a POST (human handoff, reminders): through the outbox."""
        return WebChatOutput(self.outbox)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webchat = Blueprint("webchat_webhook", __name__)
        turns = RasaTurns(on_new_message)  # off the server's loop: other channels' webhooks stay answered
        turns.register(webchat)

        @webchat.route("/", methods=["GET"])
        async def page(_: Request) -> HTTPResponse:
            return response.html(self._page)

        @webchat.listener("after_server_start")
        async def open_outbox(_app: Any, _loop: asyncio.AbstractEventLoop) -> None:
            await asyncio.to_thread(lambda: self.outbox)  # a broken outbox file shows at start-up

        @webchat.route("/health", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            pending = await asyncio.to_thread(self.outbox.pending)
            return response.json({"status": "ok", "outbox": {"pending": pending}})

        @webchat.route("/inbox", methods=["GET"])
        async def inbox(request: Request) -> HTTPResponse:
            try:
                args = {name: request.args.getlist(name) for name in request.args}
                query = parse_inbox_query(args, len((request.query_string or "").encode("utf-8")))
            except BadRequest as error:
                logger.info("webchat: refused an inbox poll (%s): %s", error.status, error)
                return response.json({"error": str(error)}, status=error.status)
            messages = await asyncio.to_thread(self.outbox.fetch, query.sender, query.after)
            after = messages[-1].id if messages else query.after
            return response.json({"messages": [m.to_json() for m in messages], "after": after},
                                 headers={"Cache-Control": "no-store"})

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
