"""Web chat: a page at ``/webhooks/webchat/``, a JSON endpoint it posts to, and an inbox it polls.

The page shows the AI disclosure of guidelines.yml above the conversation before the first message
(``POST /session`` returns it as ``disclosure`` for other clients). Sessions are issued by the
server, never chosen by the page (:mod:`bot.security.sessions`): the
page's ``GET`` sets an HttpOnly cookie holding a signed token (24 hours, renewed while the
customer is active), and ``POST /webhooks/webchat/session`` issues one for clients that prefer
``Authorization: Bearer <token>``. The conversation is ``webchat:<session id>``; a request without
a valid session is refused (401), and no request can name another conversation.

``POST /webhooks/webchat/message`` takes ``{"message": "..."}`` and answers ``{"messages": [...]}``
with the bot's replies (text and buttons). Bad input (not UTF-8, not JSON, empty, too long,
binary) is answered with a 4xx and a JSON ``error`` the page shows politely; it never reaches
the dialogue.

Messages sent outside a POST (an agent's reply during a human handoff, "I'm back" when the
agent resolves) go through :class:`WebChatOutput` into a durable outbox
(:mod:`connectors.webchat_outbox`, SQLite ``var/webchat.db``). The page polls
``GET /webhooks/webchat/inbox?after=N``: the answer is
``{"messages": [{"id", "text", "from": "bot"|"agent", "buttons"?}], "after": M}``, and asking
with ``after=N`` acknowledges (deletes) the session's messages up to id ``N``.

Cross-origin use is off unless ``cors_origins`` lists the origins allowed (never ``*``).
Requests are rate-limited per session and per client address (``trusted_proxy_hops`` says how
many reverse proxies' ``X-Forwarded-For`` entries to trust; see docs/security.md) and answered
429 with ``Retry-After`` and a polite message when over the limit.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import re
import threading
import unicodedata
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Sequence, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import identity
from bot.security import sessions
from bot.security.keys import IDENTITY_KEY, SESSION_KEY, secret_key
from bot.security.ratelimit import RateLimiter, client_address
from connectors.channel_support import RasaTurns, TurnFailed, setting
from connectors.text import markdown_to_plain, split_text
from connectors.webchat_outbox import (
    DEFAULT_MAX_PER_SENDER, DEFAULT_RETENTION_HOURS, MAX_ID, MAX_TEXT_CHARS, OutboxFull, WebChatOutbox,
)

logger = logging.getLogger(__name__)

CHANNEL = "webchat"
CREDENTIALS_KEY = "connectors.webchat.WebChatInput"
PAGE = Path(__file__).parent / "static" / "webchat.html"
DEFAULT_MAX_MESSAGE_CHARS = 10_000
MAX_QUERY_BYTES = 1024
MAX_BODY_BYTES = 256 * 1024
BINARY_SHARE = 0.2  # more than this share of control/unassigned characters: binary, not text
COOKIE_NAME = "switchboard_session"
COOKIE_PATH = "/webhooks/webchat"
TOKEN_HEADER = "X-Session-Token"
RATE_LIMIT_KEYS = ("messages_per_minute_per_session", "messages_per_minute_per_client",
                   "polls_per_minute_per_session", "sessions_per_minute_per_client")
DEFAULT_RATE_LIMITS = {"messages_per_minute_per_session": 20, "messages_per_minute_per_client": 60,
                       "polls_per_minute_per_session": 90, "sessions_per_minute_per_client": 20}
SLOW_DOWN = "You're sending messages faster than I can read them. Please wait {seconds} seconds and try again."


class BadRequest(ValueError):
    """A request the channel refuses, with the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def parse_request(body: bytes, max_message_chars: int) -> str:
    """Validate a raw request body into the customer's text.

    Raises:
        BadRequest: with status 400 (malformed, or naming a sender: the server assigns the
            conversation), 413 (too long) or 415 (binary).
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
        raise BadRequest(400, "request body must be a JSON object with 'message'")
    if "sender" in payload:
        raise BadRequest(400, "'sender' is not accepted: the server assigns your conversation (its session cookie)")
    text = payload.get("message")
    if not isinstance(text, str):
        raise BadRequest(400, "'message' must be a string")
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        raise BadRequest(400, "message is empty")
    if len(text) > max_message_chars:
        raise BadRequest(413, f"message is longer than {max_message_chars} characters")
    if _looks_binary(text):
        raise BadRequest(415, "message looks like binary data, not text")
    return text


def parse_inbox_query(args: Mapping[str, Sequence[str]], query_bytes: int = 0) -> int:
    """Validate the query of ``GET /inbox`` (``after`` optional once); returns ``after``.

    Raises:
        BadRequest: with status 400 (malformed, or naming a sender) or 414 (query too long).
    """
    if query_bytes > MAX_QUERY_BYTES:
        raise BadRequest(414, f"query string is longer than {MAX_QUERY_BYTES} bytes")
    if "sender" in args:
        raise BadRequest(400, "'sender' is not accepted: the inbox is your session's")
    afters = list(args.get("after") or [])
    if len(afters) > 1:
        raise BadRequest(400, "'after' must be given at most once")
    after = afters[0] if afters else "0"
    if not (after.isascii() and after.isdigit()) or len(after) > 19 or int(after) > MAX_ID:
        raise BadRequest(400, f"'after' must be a message id from 0 to {MAX_ID}")
    return int(after)


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
        """Queue a message for the page of conversation ``webchat:<session>``; True when queued.

        Plain text (markdown markers removed, links as ``title (url)``), split under
        ``MAX_TEXT_CHARS`` with the buttons on the last part; ``from_agent`` marks a person's
        message, which the page shows as such. False (logged, no content) when the conversation
        is not a web chat one, the text empty, or the outbox full.
        """
        try:
            session_id = identity.address_on(CHANNEL, recipient_id)
        except identity.InvalidConversationId as error:
            logger.error("webchat: not queued: %s", error)
            return False
        parts = split_text(markdown_to_plain(text or ""), MAX_TEXT_CHARS)
        if not parts:
            logger.error("webchat: nothing to queue (empty message)")
            return False
        author = "agent" if from_agent else "bot"
        try:
            for number, part in enumerate(parts, start=1):
                await asyncio.to_thread(self.outbox.put, session_id, part, author,
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


def _positive_int(credentials: Mapping[str, Any], key: str, default: int) -> int:
    value = setting(credentials, key, default, int, CREDENTIALS_KEY)
    if value <= 0:
        raise ValueError(f"credentials.yml: {CREDENTIALS_KEY}.{key} must be a positive integer, got {value!r}")
    return value


def _rate_limits(credentials: Mapping[str, Any]) -> Dict[str, int]:
    given = credentials.get("rate_limits") or {}
    if not isinstance(given, dict) or set(given) - set(RATE_LIMIT_KEYS):
        raise ValueError(f"credentials.yml: {CREDENTIALS_KEY}.rate_limits takes the keys {', '.join(RATE_LIMIT_KEYS)}")
    return {key: _positive_int({**DEFAULT_RATE_LIMITS, **given}, key, DEFAULT_RATE_LIMITS[key]) for key in RATE_LIMIT_KEYS}


def _origins(credentials: Mapping[str, Any]) -> List[str]:
    origins = credentials.get("cors_origins") or []
    if not isinstance(origins, list) or not all(isinstance(o, str) for o in origins):
        raise ValueError(f"credentials.yml: {CREDENTIALS_KEY}.cors_origins must be a list of origins "
                         "like https://shop.example")
    for origin in origins:
        if origin == "*" or not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?", origin):
            raise ValueError(f"credentials.yml: {CREDENTIALS_KEY}.cors_origins: {origin!r} is not an origin "
                             "(scheme://host[:port], no path, never '*')")
    return origins


class WebChatInput(InputChannel):
    """The browser chat channel of ``make run``."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WebChatInput":
        credentials = credentials or {}
        max_chars = _positive_int(credentials, "max_message_chars", DEFAULT_MAX_MESSAGE_CHARS)
        outbox_db = setting(credentials, "outbox_db", "", str, CREDENTIALS_KEY)
        max_per_sender = _positive_int(credentials, "outbox_max_per_sender", DEFAULT_MAX_PER_SENDER)
        retention = setting(credentials, "outbox_retention_hours", DEFAULT_RETENTION_HOURS, float, CREDENTIALS_KEY)
        if retention <= 0:
            raise ValueError(f"credentials.yml: {CREDENTIALS_KEY}.outbox_retention_hours must be positive, "
                             f"got {retention!r}")
        session_hours = setting(credentials, "session_hours", 24.0, float, CREDENTIALS_KEY)
        if session_hours <= 0:
            raise ValueError(f"credentials.yml: {CREDENTIALS_KEY}.session_hours must be positive, got {session_hours!r}")
        hops = setting(credentials, "trusted_proxy_hops", 0, int, CREDENTIALS_KEY)
        if hops < 0:
            raise ValueError(f"credentials.yml: {CREDENTIALS_KEY}.trusted_proxy_hops must be 0 or more, got {hops!r}")
        secure = setting(credentials, "cookie_secure", "auto", str, CREDENTIALS_KEY)
        if secure not in ("auto", "always", "never"):
            raise ValueError(f"credentials.yml: {CREDENTIALS_KEY}.cookie_secure must be auto, always or never")
        from bot import paths

        return cls(max_message_chars=max_chars, outbox_path=(paths.ROOT / outbox_db) if outbox_db else None,
                   outbox_max_per_sender=max_per_sender, outbox_retention_hours=retention,
                   session_ttl_seconds=int(session_hours * 3600), cors_origins=_origins(credentials),
                   trusted_proxy_hops=hops, cookie_secure=secure, rate_limits=_rate_limits(credentials))

    def __init__(self, max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS, outbox_path: Optional[Path] = None,
                 outbox_max_per_sender: int = DEFAULT_MAX_PER_SENDER,
                 outbox_retention_hours: float = DEFAULT_RETENTION_HOURS,
                 session_ttl_seconds: int = sessions.DEFAULT_TTL_SECONDS, cors_origins: Sequence[str] = (),
                 trusted_proxy_hops: int = 0, cookie_secure: str = "auto",
                 rate_limits: Optional[Mapping[str, int]] = None) -> None:
        """``outbox_path`` defaults to ``var/webchat.db``; the file is opened on first use."""
        self.max_message_chars = max_message_chars
        self.outbox_path = outbox_path
        self.outbox_max_per_sender = outbox_max_per_sender
        self.outbox_retention_hours = outbox_retention_hours
        self.cors_origins = frozenset(cors_origins)
        self.trusted_proxy_hops = trusted_proxy_hops
        self.cookie_secure = cookie_secure
        self.sessions = sessions.SessionIssuer(secret_key(SESSION_KEY), ttl_seconds=session_ttl_seconds,
                                               renew_after_seconds=min(sessions.DEFAULT_RENEW_AFTER_SECONDS,
                                                                       session_ttl_seconds // 2))
        self._identity_key = secret_key(IDENTITY_KEY)
        limits = {**DEFAULT_RATE_LIMITS, **(rate_limits or {})}
        self._limits = {key: RateLimiter(limits[key]) for key in RATE_LIMIT_KEYS}
        self._outbox: Optional[WebChatOutbox] = None
        self._outbox_lock = threading.Lock()
        from bot.disclosure import load_disclosure

        self.disclosure = load_disclosure().for_channel(CHANNEL)  # a wrong guidelines.yml stops start-up
        self._page = PAGE.read_text(encoding="utf-8").replace("{{DISCLOSURE}}", html.escape(self.disclosure))

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

    # ------------------------------------------------------------------ sessions, limits, CORS

    def client_of(self, request: Request) -> str:
        """The client's address under the proxy rule (``trusted_proxy_hops``)."""
        return client_address(request.ip or "", request.headers.get("X-Forwarded-For"), self.trusted_proxy_hops)

    def client_key(self, request: Request) -> str:
        """A keyed pseudonym of the client's address (for order-lookup lockouts; never the address itself)."""
        return "addr:" + identity.keyed_digest(self._identity_key, self.client_of(request))

    def session_of(self, request: Request) -> sessions.Session:
        """The request's session, from ``Authorization: Bearer`` or the cookie.

        Raises:
            sessions.InvalidSession: none, forged or expired.
        """
        authorization = request.headers.get("Authorization", "")
        if authorization.lower().startswith("bearer "):
            return self.sessions.verify(authorization[7:].strip())
        return self.sessions.verify(request.cookies.get(COOKIE_NAME) or "")

    def _limit(self, kind: str, key: str) -> Optional[HTTPResponse]:
        decision = self._limits[kind].check(key)
        if decision.allowed:
            return None
        seconds = decision.retry_after_seconds
        return response.json({"error": SLOW_DOWN.format(seconds=seconds)}, status=429,
                             headers={"Retry-After": str(seconds)})

    def _secure_cookie(self, request: Request) -> bool:
        return self.cookie_secure == "always" or (self.cookie_secure == "auto" and request.scheme == "https") \
            or bool(self.cors_origins)

    def _with_session(self, request: Request, reply: HTTPResponse, session: sessions.Session, token: str = "",
                      fresh: bool = False) -> HTTPResponse:
        """Attach the (new or renewed) session to ``reply``: cookie, and the token header for bearer clients."""
        if not token:
            if not (fresh or self.sessions.needs_renewal(session)):
                return reply
            session, token = self.sessions.issue(session.session_id)
        reply.cookies[COOKIE_NAME] = token
        cookie = reply.cookies[COOKIE_NAME]
        cookie["httponly"] = True
        cookie["path"] = COOKIE_PATH
        cookie["max-age"] = max(0, session.expires_at - session.issued_at)
        cookie["samesite"] = "None" if self.cors_origins else "Strict"
        if self._secure_cookie(request):
            cookie["secure"] = True
        reply.headers[TOKEN_HEADER] = token
        return reply

    def _cors(self, request: Request, reply: HTTPResponse) -> HTTPResponse:
        origin = request.headers.get("Origin")
        if origin and origin in self.cors_origins:
            reply.headers["Access-Control-Allow-Origin"] = origin
            reply.headers["Access-Control-Allow-Credentials"] = "true"
            reply.headers["Access-Control-Expose-Headers"] = f"{TOKEN_HEADER}, Retry-After"
            reply.headers["Vary"] = "Origin"
        return reply

    def _foreign_origin(self, request: Request) -> bool:
        """True for a browser request from an origin that is neither this server nor in ``cors_origins``."""
        origin = request.headers.get("Origin")
        if not origin or origin in self.cors_origins:
            return False
        return origin.rstrip("/") != f"{request.scheme}://{request.host}"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webchat = Blueprint("webchat_webhook", __name__)
        turns = RasaTurns(on_new_message)  # off the server's loop: other channels' webhooks stay answered
        turns.register(webchat)

        def refused(request: Request, status: int, message: str, **headers: str) -> HTTPResponse:
            return self._cors(request, response.json({"error": message}, status=status, headers=headers or None))

        def authenticated(request: Request) -> "sessions.Session | HTTPResponse":
            if self._foreign_origin(request):
                return refused(request, 403, "this origin may not use the chat")
            try:
                return self.session_of(request)
            except sessions.InvalidSession as error:
                return refused(request, 401, f"{error}: reload the page to start a new chat")

        @webchat.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            reply = response.html(self._page, headers={"Cache-Control": "no-store"})
            try:
                return self._with_session(request, reply, self.session_of(request))
            except sessions.InvalidSession:
                limited = self._limit("sessions_per_minute_per_client", self.client_of(request))
                if limited is not None:
                    return limited
                session, token = self.sessions.issue()
                return self._with_session(request, reply, session, token)

        async def preflight(request: Request) -> HTTPResponse:
            origin = request.headers.get("Origin")
            if not origin or origin not in self.cors_origins:
                return response.empty(status=403)
            reply = self._cors(request, response.empty(status=204))
            reply.headers["Access-Control-Allow-Methods"] = "GET, POST"
            reply.headers["Access-Control-Allow-Headers"] = "Content-Type, Authorization"
            reply.headers["Access-Control-Max-Age"] = "600"
            return reply

        for path in ("message", "inbox", "session"):
            webchat.add_route(preflight, f"/{path}", methods=["OPTIONS"], name=f"webchat_preflight_{path}")

        @webchat.route("/session", methods=["POST"])
        async def new_session(request: Request) -> HTTPResponse:
            if self._foreign_origin(request):
                return refused(request, 403, "this origin may not use the chat")
            try:
                session = self.session_of(request)  # a valid session is renewed, never replaced
                session, token = self.sessions.issue(session.session_id)
            except sessions.InvalidSession:
                limited = self._limit("sessions_per_minute_per_client", self.client_of(request))
                if limited is not None:
                    return self._cors(request, limited)
                session, token = self.sessions.issue()
            reply = response.json({"token": token, "expires_at": session.expires_at, "disclosure": self.disclosure})
            return self._cors(request, self._with_session(request, reply, session, token))

        @webchat.listener("after_server_start")
        async def open_outbox(_app: Any, _loop: asyncio.AbstractEventLoop) -> None:
            await asyncio.to_thread(lambda: self.outbox)  # a broken outbox file shows at start-up

        @webchat.route("/health", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            pending = await asyncio.to_thread(self.outbox.pending)
            return response.json({"status": "ok", "outbox": {"pending": pending}})

        @webchat.route("/inbox", methods=["GET"])
        async def inbox(request: Request) -> HTTPResponse:
            session = authenticated(request)
            if isinstance(session, HTTPResponse):
                return session
            limited = self._limit("polls_per_minute_per_session", session.session_id)
            if limited is not None:
                return self._cors(request, limited)
            try:
                args = {name: request.args.getlist(name) for name in request.args}
                after = parse_inbox_query(args, len((request.query_string or "").encode("utf-8")))
            except BadRequest as error:
                logger.info("webchat: refused an inbox poll (%s): %s", error.status, error)
                return refused(request, error.status, str(error))
            messages = await asyncio.to_thread(self.outbox.fetch, session.session_id, after)
            last = messages[-1].id if messages else after
            reply = response.json({"messages": [m.to_json() for m in messages], "after": last},
                                  headers={"Cache-Control": "no-store"})
            return self._cors(request, self._with_session(request, reply, session))

        @webchat.route("/message", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            session = authenticated(request)
            if isinstance(session, HTTPResponse):
                return session
            limited = (self._limit("messages_per_minute_per_session", session.session_id)
                       or self._limit("messages_per_minute_per_client", self.client_of(request)))
            if limited is not None:
                return self._cors(request, limited)
            try:
                text = parse_request(request.body or b"", self.max_message_chars)
            except BadRequest as error:
                logger.info("webchat: refused a request (%s): %s", error.status, error)
                return refused(request, error.status, str(error))
            conversation = identity.conversation_id(CHANNEL, session.session_id)
            try:
                replies = await turns.answer(text, conversation, CHANNEL, split_paragraphs=True,
                                             metadata={"client_key": self.client_key(request)})
            except TurnFailed as error:
                logger.error("webchat: the turn failed: %s", error)
                return refused(request, 503, "the assistant could not answer just now, please try again in a moment")
            except Exception:  # the dialogue failed: answer 500, keep the server up
                logger.exception("webchat: the bot failed to handle a message")
                return refused(request, 500, "the assistant could not answer, please try again")
            reply = response.json({"messages": [_for_page(m) for m in replies]})
            return self._cors(request, self._with_session(request, reply, session))

        return webchat


def _for_page(message: Dict[str, Any]) -> Dict[str, Any]:
    """A reply as the page gets it: without the internal recipient id."""
    return {key: value for key, value in message.items() if key != "recipient_id"}
