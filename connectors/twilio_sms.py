"""SMS through Twilio: signed webhook in, Messages API out.

Environment (secrets only from here; see docs/connectors.md):

- ``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``: the account; the token also checks signatures.
- ``TWILIO_FROM_NUMBER`` (E.164) or ``TWILIO_MESSAGING_SERVICE_SID``: who the replies come from.
  Missing any of these: the channel is disabled (one log line, 503).
- ``TWILIO_PUBLIC_BASE_URL``: the public scheme://host[:port] Twilio calls (behind a reverse
  proxy the URL Twilio signed differs from the one this server sees); default: the request URL.
- ``TWILIO_API_BASE_URL``: Twilio API root (default ``https://api.twilio.com``; tests use a fake).

Every request to ``/webhooks/twilio_sms/webhook`` is checked with twilio's ``RequestValidator``
before anything else, then written to the durable inbox (a ``MessageSid`` seen before is refused
there for ``seen_retention_hours``, also after a restart: Twilio requests carry no timestamp, so a
captured request could otherwise be replayed); the webhook answers an empty TwiML document and the
inbox's worker runs the turn. A conversation is ``sms:<HMAC of the number>``
(:func:`bot.identity.sms_pseudonym`, keyed with :data:`bot.security.keys.IDENTITY_KEY`); the number
lives only in the channel's state store. Replies go out through the Messages API as plain text (no
markdown, typographic punctuation made GSM-7), at most 1600 characters per body, buttons as
numbered options (a numeric answer is mapped back to the button's payload). STOP/START/HELP are
handled here: an opted-out number receives nothing (also not from :meth:`SmsOutput.send_to`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import identity
from bot.intake.store import InboxItem
from bot.security.keys import IDENTITY_KEY, secret_key
from connectors.channel_support import (
    MAX_BODY_BYTES, ChannelIntake, DisableableChannel, IntakeUnavailable, RasaTurns, delivery_failed_text,
    disabled_blueprint, env_values, json_error, setting,
)
from connectors.delivery import DeliveryStats, PerLoop, send_with_retry
from connectors.sms_state import SmsStateStore, keyword
from connectors.sms_text import MAX_BODY_CHARS, parse_choice, sms_bodies, sms_bodies_with_options, to_sms_text

logger = logging.getLogger(__name__)

CHANNEL = "twilio_sms"
CREDENTIALS_KEY = "connectors.twilio_sms.TwilioSmsInput"
SIGNATURE_HEADER = "X-Twilio-Signature"
DEFAULT_API_BASE_URL = "https://api.twilio.com"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
MESSAGE_SID = re.compile(r"^(SM|MM)[0-9a-fA-F]{32}$")
DEFAULT_HELP_TEXT = (
    "Harbor & Pine support: ask about an order, returns, shipping or your account. "
    "Call us on 1-800-555-0142. Reply STOP to unsubscribe. Msg&data rates may apply."
)
DEFAULT_START_TEXT = "You're subscribed again to Harbor & Pine support messages. Reply HELP for help, STOP to unsubscribe."


class BadSms(ValueError):
    """A signed webhook whose fields are missing or malformed (answered 400)."""


@dataclass(frozen=True)
class InboundSms:
    """A validated incoming SMS."""

    message_sid: str
    sender: str
    body: str


def parse_sms(params: Dict[str, str], account_sid: str) -> InboundSms:
    """Validate the webhook's form fields into an :class:`InboundSms`.

    Raises:
        BadSms: missing/malformed ``MessageSid`` or ``From``, another account, body too long.
    """
    sid = params.get("MessageSid") or params.get("SmsSid") or ""
    if not MESSAGE_SID.match(sid):
        raise BadSms("MessageSid is missing or malformed")
    if params.get("AccountSid") != account_sid:
        raise BadSms("AccountSid does not match this account")
    sender = params.get("From", "").strip()
    if not sender or len(sender) > 64:
        raise BadSms("From is missing or too long")
    body = params.get("Body", "")
    if len(body) > MAX_BODY_CHARS:
        raise BadSms(f"Body is longer than {MAX_BODY_CHARS} characters")
    return InboundSms(sid, sender, body.strip())


def _classify(error: BaseException) -> Optional[float]:
    import aiohttp
    from twilio.base.exceptions import TwilioRestException

    if isinstance(error, TwilioRestException):
        return 0.0 if error.status == 429 or error.status >= 500 else None
    if isinstance(error, (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError)):
        return 0.0
    return None


def _describe(error: BaseException) -> str:
    from twilio.base.exceptions import TwilioRestException

    if isinstance(error, TwilioRestException):  # its message quotes the phone number: leave it out
        return f"TwilioRestException HTTP {error.status} code {error.code}"
    return type(error).__name__


class TwilioSender:
    """Twilio Messages API client (async), with retries, counters and the opt-out check.

    twilio's async HTTP client holds an aiohttp session bound to the event loop that created
    it; the sender keeps one client per loop (the server's and the dialogue thread's).
    """

    def __init__(self, account_sid: str, auth_token: str, store: SmsStateStore, from_number: Optional[str] = None,
                 messaging_service_sid: Optional[str] = None, api_base_url: str = DEFAULT_API_BASE_URL,
                 stats: Optional[DeliveryStats] = None, attempts: int = 5, backoff_seconds: float = 0.5) -> None:
        if not from_number and not messaging_service_sid:
            raise ValueError("set TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID")
        self._account_sid = account_sid
        self._auth_token = auth_token
        self.store = store
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        self.api_base_url = api_base_url.rstrip("/")
        self.stats = stats or DeliveryStats()
        self.attempts = attempts
        self.backoff_seconds = backoff_seconds
        self._clients: PerLoop[Any] = PerLoop(self._new_client, lambda client: client.http_client.close())

    async def _new_client(self) -> Any:
        from twilio.http.async_http_client import AsyncTwilioHttpClient
        from twilio.rest import Client

        client = Client(self._account_sid, self._auth_token, http_client=AsyncTwilioHttpClient(timeout=15.0))
        client.api.base_url = self.api_base_url
        return client

    async def send_body(self, to: str, body: str) -> bool:
        """Send one SMS body (at most 1600 characters); False when suppressed or failed (counted)."""
        if self.store.is_opted_out(to):
            self.stats.suppressed += 1
            return False
        sender = {"messaging_service_sid": self.messaging_service_sid} if self.messaging_service_sid else {
            "from_": self.from_number}
        async def create() -> Any:
            client = await self._clients.get()
            return await client.messages.create_async(to=to, body=body, **sender)

        result = await send_with_retry(create, _classify, self.stats, "twilio Messages.create", self.attempts,
                                       self.backoff_seconds, describe=_describe)
        return result is not None

    async def send(self, to: str, text: str, buttons: Optional[List[Dict[str, Any]]] = None) -> bool:
        """Shape ``text`` for SMS and send it (several bodies if needed); buttons become numbered options."""
        if self.store.is_opted_out(to):
            self.stats.suppressed += 1
            return False
        if buttons:
            bodies = sms_bodies_with_options(text, buttons)
            self.store.offer_options(to, [str(b.get("payload") or b.get("title") or "") for b in buttons])
        else:
            bodies = sms_bodies(to_sms_text(text))
        delivered = True
        for body in bodies:
            delivered = await self.send_body(to, body) and delivered
        return delivered

    async def close(self) -> None:
        """Close the HTTP sessions (of every event loop)."""
        await self._clients.close()


class SmsOutput(OutputChannel):
    """Sends the bot's replies as SMS; also usable outside a turn via :meth:`send_to`."""

    def __init__(self, sender: TwilioSender) -> None:
        self.sender = sender

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_env(cls, state_db: Optional[Path] = None) -> "SmsOutput":
        """An output channel from the same environment variables as the input channel.

        Raises:
            ValueError: naming the missing variables.
        """
        config = _env_config()
        if isinstance(config, str):
            raise ValueError(f"SMS is not configured: {config}")
        return cls(_sender(config, state_db or _default_state_db(), DeliveryStats()))

    async def send_to(self, recipient_id: Text, text: Text, buttons: Optional[List[Dict[str, Any]]] = None,
                      **kwargs: Any) -> bool:
        """Send an SMS to the number of conversation ``sms:<pseudonym>`` (human handoff); False when not sent.

        Not sent: the id is not an SMS conversation, its number is unknown, the number opted out,
        or Twilio refused. Other keywords (``from_agent``) are hints for channels that can show them.
        """
        number = self._number(recipient_id)
        return number is not None and await self.sender.send(number, text, buttons)

    def _number(self, conversation_id: str) -> Optional[str]:
        try:
            identity.address_on(CHANNEL, conversation_id)
        except identity.InvalidConversationId as error:
            logger.error("twilio_sms: not sent: %s", error)
            return None
        number = self.sender.store.number_of(conversation_id)
        if number is None:
            logger.error("twilio_sms: not sent: no phone number is known for this conversation")
        return number

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_to(recipient_id, text)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[str, Any]],
                                     **kwargs: Any) -> None:
        await self.send_to(recipient_id, text, buttons)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self.send_to(recipient_id, image)


def _check_public_base_url(url: Optional[str]) -> None:
    if url and not re.match(r"^https?://[^/\s]+$", url.rstrip("/")):
        raise ValueError(f"TWILIO_PUBLIC_BASE_URL must look like https://host[:port], got {url!r}")


def _default_state_db() -> Path:
    from bot import paths

    return paths.var_dir() / "sms.db"


def _env_config() -> "Dict[str, str] | str":
    values, missing = env_values(["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER",
                                  "TWILIO_MESSAGING_SERVICE_SID", "TWILIO_PUBLIC_BASE_URL", "TWILIO_API_BASE_URL"])
    needed = [name for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN") if name in missing]
    if needed:
        return "set " + " and ".join(needed)
    if "TWILIO_FROM_NUMBER" in missing and "TWILIO_MESSAGING_SERVICE_SID" in missing:
        return "set TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID"
    return values


def _sender(config: Dict[str, str], state_db: Path, stats: DeliveryStats) -> TwilioSender:
    return TwilioSender(
        config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"], SmsStateStore(state_db),
        from_number=config.get("TWILIO_FROM_NUMBER"), messaging_service_sid=config.get("TWILIO_MESSAGING_SERVICE_SID"),
        api_base_url=config.get("TWILIO_API_BASE_URL", DEFAULT_API_BASE_URL), stats=stats)


class TwilioSmsInput(DisableableChannel, InputChannel):
    """Twilio SMS channel (``/webhooks/twilio_sms/webhook``, ``/webhooks/twilio_sms/health``)."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TwilioSmsInput":
        help_text = setting(credentials, "help_text", DEFAULT_HELP_TEXT, str, CREDENTIALS_KEY)
        start_text = setting(credentials, "start_text", DEFAULT_START_TEXT, str, CREDENTIALS_KEY)
        state_db = setting(credentials, "state_db", "", str, CREDENTIALS_KEY)
        seen_hours = setting(credentials, "seen_retention_hours", 90 * 24.0, float, CREDENTIALS_KEY)
        config = _env_config()
        if isinstance(config, str):
            return cls.disabled(config)
        from bot import paths

        _check_public_base_url(config.get("TWILIO_PUBLIC_BASE_URL"))  # before the database is created
        db_path = (paths.ROOT / state_db) if state_db else _default_state_db()
        stats = DeliveryStats()
        return cls(_sender(config, db_path, stats), config["TWILIO_AUTH_TOKEN"], config["TWILIO_ACCOUNT_SID"],
                   public_base_url=config.get("TWILIO_PUBLIC_BASE_URL"), help_text=help_text,
                   start_text=start_text, seen_retention_hours=seen_hours)


    def __init__(self, sender: TwilioSender, auth_token: str, account_sid: str,
                 public_base_url: Optional[str] = None, help_text: str = DEFAULT_HELP_TEXT,
                 start_text: str = DEFAULT_START_TEXT, seen_retention_hours: float = 90 * 24.0,
                 identity_key: Optional[bytes] = None) -> None:
        from twilio.request_validator import RequestValidator

        _check_public_base_url(public_base_url)
        self.disabled_reason: Optional[str] = None
        self.sender = sender
        self.stats = sender.stats
        self.account_sid = account_sid
        self._validator = RequestValidator(auth_token)
        self.public_base_url = public_base_url.rstrip("/") if public_base_url else None
        self.help_text = help_text
        self.start_text = start_text
        self._identity_key = identity_key or secret_key(IDENTITY_KEY)
        self.intake = ChannelIntake(CHANNEL, self._handle, self._tell_failed, seen_retention_hours=seen_retention_hours)
        self._turns: Optional[RasaTurns] = None

    def get_output_channel(self) -> Optional[OutputChannel]:
        return None if self.disabled_reason else SmsOutput(self.sender)

    def signed_url(self, request: Request) -> str:
        """The URL Twilio signed: the public base URL (if set) + path + query."""
        if not self.public_base_url:
            return request.url
        query = f"?{request.query_string}" if request.query_string else ""
        return f"{self.public_base_url}{request.path}{query}"

    async def _handle(self, item: InboxItem) -> None:
        assert self._turns is not None
        store = self.sender.store
        number, body = str(item.payload["from"]), str(item.payload["body"])
        word = keyword(body)
        if word == "STOP":
            store.opt_out(number)  # the carrier/Twilio confirms the opt-out; we send nothing
            return
        opted_out = store.is_opted_out(number)
        if word == "START" or (word == "START?" and opted_out):
            store.opt_in(number)
            await self.sender.send(number, self.start_text)
            return
        if opted_out:
            self.stats.suppressed += 1
            return
        if word == "HELP":
            await self.sender.send(number, self.help_text)
            return
        if not body:
            return
        options = store.take_options(number)
        choice = parse_choice(body, len(options))
        text = options[choice] if choice is not None else body
        output = SmsOutput(self.sender)
        await self._turns.answer(text, item.conversation_id, CHANNEL, message_id=f"{CHANNEL}:{item.delivery_id}",
                                 deliver=lambda replies: self.intake.deliver(output, item, replies))
        self.stats.processed += 1

    async def _tell_failed(self, item: InboxItem) -> None:
        await SmsOutput(self.sender).send_to(item.conversation_id, delivery_failed_text())

    async def accept(self, sms_in: InboundSms) -> bool:
        """Write a validated SMS to the inbox (and its number to the address book); False for a seen MessageSid.

        Raises:
            IntakeUnavailable: the inbox cannot take it now (answer 503; Twilio retries).
        """
        conversation = identity.sms_pseudonym(sms_in.sender, self._identity_key)
        self.sender.store.remember(conversation, sms_in.sender)
        return await self.intake.accept(sms_in.message_sid, conversation, {"from": sms_in.sender, "body": sms_in.body})

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        if self.disabled_reason:
            return disabled_blueprint(CHANNEL, self.disabled_reason)
        self._turns = RasaTurns(on_new_message)
        sms = Blueprint("twilio_sms_webhook", __name__)
        self._turns.register(sms)
        self.intake.register(sms)

        @sms.listener("before_server_stop")
        async def stop(_app: Any, _loop: asyncio.AbstractEventLoop) -> None:
            await self.sender.close()

        @sms.route("/health", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "intake": await self.intake.health(), "counters": self.stats.as_dict()})

        @sms.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            body = request.body or b""
            if len(body) > MAX_BODY_BYTES:
                self.stats.rejected += 1
                return json_error(413, f"request larger than {MAX_BODY_BYTES} bytes")
            signature = request.headers.get(SIGNATURE_HEADER)
            if not signature:
                self.stats.rejected += 1
                return json_error(401, f"missing {SIGNATURE_HEADER}")
            try:
                params = dict(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            except UnicodeDecodeError:
                params = None
            if params is None or not self._validator.validate(self.signed_url(request), params, signature):
                self.stats.rejected += 1
                logger.warning("twilio_sms: refused a request with an invalid signature")
                return json_error(403, "invalid signature")
            try:
                sms_in = parse_sms(params, self.account_sid)
                if await self.accept(sms_in):
                    self.stats.received += 1
                else:
                    self.stats.duplicates += 1
            except BadSms as error:
                return json_error(400, str(error))
            except IntakeUnavailable as error:
                return json_error(503, str(error))
            except Exception:  # keep the server up; Twilio logs the failed webhook
                logger.exception("twilio_sms: the webhook failed")
                return json_error(500, "internal error")
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return sms
