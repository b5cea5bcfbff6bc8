"""Telegram channel: webhook (or long polling for local development) in, Bot API out.

Environment (secrets only from here; see docs/connectors.md):

- ``TELEGRAM_BOT_TOKEN``: the bot's token. Missing: the channel is disabled (one log line, 503).
- ``TELEGRAM_WEBHOOK_URL``: the public URL of ``/webhooks/telegram/webhook``. Set: the channel
  registers it with ``setWebhook`` at start-up and needs ``TELEGRAM_WEBHOOK_SECRET``, which every
  update must carry in ``X-Telegram-Bot-Api-Secret-Token``. Unset: long polling (``getUpdates``)
  in a background task, for development without a public URL; the webhook route answers 404.
- ``TELEGRAM_API_BASE_URL``: Bot API root (default ``https://api.telegram.org``; tests use a fake).

The webhook authenticates (constant-time), validates, writes the update to the durable inbox
(:class:`~connectors.channel_support.ChannelIntake`; an ``update_id`` seen before is refused
there, also after a restart) and answers 200; the inbox's worker runs the dialogue in order per
chat, retries a failed turn with backoff, and sends the replies with ``sendMessage`` (plain text,
split under 4096 characters, buttons as an inline keyboard, 429 ``retry_after`` honoured, other
transient errors retried with backoff). Conversations are ``telegram:<chat_id>``
(:mod:`bot.identity`); replies only ever go to the chat the conversation id names.
"""

from __future__ import annotations

import asyncio
import datetime
import hmac
import json
import logging
import re
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import identity
from bot.intake.store import InboxItem
from connectors.channel_support import (
    MAX_BODY_BYTES, ChannelIntake, DisableableChannel, IntakeUnavailable, RasaTurns, delivery_failed_text,
    disabled_blueprint, env_values, json_error, setting,
)
from connectors.delivery import DeliveryStats, PerLoop, send_with_retry
from connectors.text import markdown_to_plain, split_text, utf16_length

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
CREDENTIALS_KEY = "connectors.telegram.TelegramInput"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_API_BASE_URL = "https://api.telegram.org"
MAX_TEXT_CHARS = 4096
MAX_CALLBACK_DATA_BYTES = 64
ALLOWED_UPDATES = ("message", "callback_query")


class BadUpdate(ValueError):
    """An update the webhook refuses with 400."""


@dataclass(frozen=True)
class TelegramInbound:
    """A text message or a button press, parsed from an update."""

    update_id: int
    chat_id: int
    text: str
    callback_query_id: Optional[str] = None


def _int(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadUpdate(f"{where} must be an integer")
    return value


def parse_update(payload: Any) -> Optional[TelegramInbound]:
    """Validate a Bot API ``Update`` into a :class:`TelegramInbound`.

    Returns:
        None for well-formed updates the bot does not handle (edits, stickers, channel posts...).

    Raises:
        BadUpdate: not an object, or ``update_id``/chat id/text of the wrong type or size.
    """
    if not isinstance(payload, dict):
        raise BadUpdate("the update must be a JSON object")
    update_id = _int(payload.get("update_id"), "update_id")
    if "callback_query" in payload:
        query = payload["callback_query"]
        if not isinstance(query, dict) or not isinstance(query.get("id"), str):
            raise BadUpdate("callback_query.id must be a string")
        message = query.get("message")
        data = query.get("data")
        if not isinstance(message, dict) or not isinstance(message.get("chat"), dict):
            return None  # a button of an inline-mode message: no chat to answer in
        if not isinstance(data, str) or not data.strip():
            return None
        chat_id = _int(message["chat"].get("id"), "callback_query.message.chat.id")
        return TelegramInbound(update_id, chat_id, data.strip()[:MAX_TEXT_CHARS], query["id"])
    message = payload.get("message")
    if message is None:
        return None
    if not isinstance(message, dict) or not isinstance(message.get("chat"), dict):
        raise BadUpdate("message.chat must be an object")
    chat_id = _int(message["chat"].get("id"), "message.chat.id")
    text = message.get("text")
    if text is None:
        return None
    if not isinstance(text, str):
        raise BadUpdate("message.text must be a string")
    if utf16_length(text) > MAX_TEXT_CHARS:
        raise BadUpdate(f"message.text is longer than {MAX_TEXT_CHARS} characters")
    if not text.strip():
        return None
    return TelegramInbound(update_id, chat_id, text.strip())


def _classify(error: BaseException) -> Optional[float]:
    from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter

    if isinstance(error, RetryAfter):
        wait = error.retry_after
        return wait.total_seconds() if isinstance(wait, datetime.timedelta) else float(wait)
    if isinstance(error, (BadRequest, Forbidden, InvalidToken, ChatMigrated)):
        return None  # BadRequest subclasses NetworkError: test it first
    if isinstance(error, NetworkError):  # includes TimedOut and 5xx answers
        return 0.0
    return None


def _callback_data(button: Dict[str, Any]) -> str:
    payload = str(button.get("payload") or button.get("title") or "")
    if len(payload.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
        return payload
    # Telegram caps callback_data at 64 bytes; the title is then sent back and understood by NLU.
    return str(button.get("title", "")).encode("utf-8")[:MAX_CALLBACK_DATA_BYTES].decode("utf-8", "ignore")


class TelegramSender:
    """The Bot API client of one bot token, with retries and delivery counters.

    python-telegram-bot's ``Bot`` sends through an httpx client bound to the event loop that
    created it; the sender keeps one per loop (the server's and the dialogue thread's).
    """

    def __init__(self, token: str, api_base_url: str = DEFAULT_API_BASE_URL,
                 stats: Optional[DeliveryStats] = None, attempts: int = 5, backoff_seconds: float = 0.5) -> None:
        self._token = token
        self.api_base_url = api_base_url.rstrip("/")
        self.stats = stats or DeliveryStats()
        self.attempts = attempts
        self.backoff_seconds = backoff_seconds
        self._bots: PerLoop[Any] = PerLoop(self._new_bot, lambda bot: bot.shutdown())

    async def _new_bot(self) -> Any:
        from telegram import Bot
        from telegram.request import HTTPXRequest

        bot = Bot(self._token, base_url=f"{self.api_base_url}/bot", base_file_url=f"{self.api_base_url}/file/bot",
                  request=HTTPXRequest(connection_pool_size=64),
                  get_updates_request=HTTPXRequest(connection_pool_size=2, read_timeout=10.0))
        await bot.initialize()
        return bot

    async def bot(self) -> Any:
        """The initialised ``telegram.Bot`` of the running event loop (created there on first use)."""
        return await self._bots.get()

    async def _call(self, what: str, send: Callable[[Any], Awaitable[Any]]) -> Any:
        async def attempt() -> Any:
            return await send(await self.bot())

        return await send_with_retry(attempt, _classify, self.stats, f"telegram {what}", self.attempts,
                                     self.backoff_seconds)

    async def send_text(self, chat_id: Text, text: Text, buttons: Optional[Sequence[Dict[str, Any]]] = None) -> bool:
        """Send ``text`` (split under 4096 characters) with ``buttons`` as an inline keyboard on the last part.

        Returns:
            True when every part was delivered (failures are logged and counted).
        """
        from telegram import InlineKeyboardButton, InlineKeyboardMarkup

        parts = split_text(markdown_to_plain(text), MAX_TEXT_CHARS, utf16_length) or ([""] if buttons else [])
        keyboard = None
        if buttons:
            keyboard = InlineKeyboardMarkup(
                [[InlineKeyboardButton(str(b.get("title", "")), callback_data=_callback_data(b))] for b in buttons]
            )
            if parts == [""]:
                parts = ["Choose one:"]
        delivered = True
        for index, part in enumerate(parts):
            markup = keyboard if index == len(parts) - 1 else None
            result = await self._call("sendMessage", lambda bot, part=part, markup=markup: bot.send_message(
                chat_id=chat_id, text=part, reply_markup=markup))
            delivered = delivered and result is not None
        return delivered

    async def answer_callback(self, callback_query_id: str) -> None:
        """Stop the button's loading spinner in the user's app."""
        await self._call("answerCallbackQuery", lambda bot: bot.answer_callback_query(callback_query_id))

    async def close(self) -> None:
        """Close the HTTP connections (of every event loop)."""
        await self._bots.close()


class TelegramOutput(OutputChannel):
    """Sends the bot's replies to a Telegram chat; also usable outside a turn via :meth:`send_to`."""

    def __init__(self, sender: TelegramSender) -> None:
        self.sender = sender

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_env(cls) -> "TelegramOutput":
        """An output channel built from the same environment variables as the input channel.

        Raises:
            ValueError: ``TELEGRAM_BOT_TOKEN`` is not set.
        """
        values, missing = env_values(["TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL"])
        if "TELEGRAM_BOT_TOKEN" in missing:
            raise ValueError("Telegram is not configured: set TELEGRAM_BOT_TOKEN")
        return cls(TelegramSender(values["TELEGRAM_BOT_TOKEN"], values.get("TELEGRAM_API_BASE_URL", DEFAULT_API_BASE_URL)))

    async def send_to(self, recipient_id: Text, text: Text, buttons: Optional[List[Dict[str, Any]]] = None,
                      **kwargs: Any) -> bool:
        """Send a message to a conversation ``telegram:<chat_id>`` proactively (human handoff); True when delivered.

        A conversation id of another channel is refused (logged, False). Other keywords
        (``from_agent``) are hints for channels that can show them; ignored here.
        """
        chat_id = chat_of(recipient_id)
        return chat_id is not None and await self.sender.send_text(chat_id, text, buttons)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_to(recipient_id, text)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[str, Any]],
                                     **kwargs: Any) -> None:
        await self.send_to(recipient_id, text, buttons)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        chat_id = chat_of(recipient_id)
        if chat_id is not None:
            await self.sender._call("sendPhoto", lambda bot: bot.send_photo(chat_id=chat_id, photo=image))


def chat_of(conversation_id: str) -> Optional[str]:
    """The chat id of a ``telegram:<chat_id>`` conversation; None (logged) for any other id."""
    try:
        return identity.address_on(CHANNEL, conversation_id)
    except identity.InvalidConversationId as error:
        logger.error("telegram: not sent: %s", error)
        return None


class TelegramInput(DisableableChannel, InputChannel):
    """Telegram Bot API channel (``/webhooks/telegram/webhook``, ``/webhooks/telegram/health``)."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TelegramInput":
        poll_timeout = setting(credentials, "poll_timeout_seconds", 25, int, CREDENTIALS_KEY)
        seen_hours = setting(credentials, "seen_retention_hours", 24.0, float, CREDENTIALS_KEY)
        values, missing = env_values(
            ["TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_API_BASE_URL"])
        if "TELEGRAM_BOT_TOKEN" in missing:
            return cls.disabled("set TELEGRAM_BOT_TOKEN")
        if "TELEGRAM_WEBHOOK_URL" in values and "TELEGRAM_WEBHOOK_SECRET" in missing:
            return cls.disabled("TELEGRAM_WEBHOOK_URL is set: set TELEGRAM_WEBHOOK_SECRET too")
        return cls(
            token=values["TELEGRAM_BOT_TOKEN"],
            api_base_url=values.get("TELEGRAM_API_BASE_URL", DEFAULT_API_BASE_URL),
            webhook_url=values.get("TELEGRAM_WEBHOOK_URL"),
            webhook_secret=values.get("TELEGRAM_WEBHOOK_SECRET"),
            poll_timeout_seconds=poll_timeout,
            seen_retention_hours=seen_hours,
        )


    def __init__(self, token: str, api_base_url: str = DEFAULT_API_BASE_URL, webhook_url: Optional[str] = None,
                 webhook_secret: Optional[str] = None, poll_timeout_seconds: int = 25,
                 seen_retention_hours: float = 24.0) -> None:
        if webhook_url and not webhook_secret:
            raise ValueError("a Telegram webhook needs a secret token: set TELEGRAM_WEBHOOK_SECRET")
        if webhook_secret and not re.match(r"^[A-Za-z0-9_-]{1,256}$", webhook_secret):
            raise ValueError("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and - "
                             "(Telegram refuses other secrets)")
        if poll_timeout_seconds < 0:
            raise ValueError(f"poll_timeout_seconds must be >= 0, got {poll_timeout_seconds}")
        self.disabled_reason: Optional[str] = None
        self.stats = DeliveryStats()
        self.sender = TelegramSender(token, api_base_url, self.stats)
        self.webhook_url = webhook_url
        self._secret = webhook_secret.encode("utf-8") if webhook_secret else b""
        self.poll_timeout_seconds = poll_timeout_seconds
        self.intake = ChannelIntake(CHANNEL, self._handle, self._tell_failed, seen_retention_hours=seen_retention_hours)
        self._poll_task: Optional["asyncio.Task[None]"] = None
        self._turns: Optional[RasaTurns] = None

    @property
    def polling(self) -> bool:
        """Long polling instead of a webhook (no ``TELEGRAM_WEBHOOK_URL``)."""
        return not self.webhook_url

    def get_output_channel(self) -> Optional[OutputChannel]:
        return None if self.disabled_reason else TelegramOutput(self.sender)

    async def accept(self, update: Any) -> str:
        """Parse one update and write it to the inbox; returns ``"queued"``, ``"duplicate"`` or ``"ignored"``.

        Raises:
            BadUpdate: malformed update.
            IntakeUnavailable: the inbox cannot take it now (answer 503; Telegram retries).
        """
        inbound = parse_update(update)
        if inbound is None:
            return "ignored"
        conversation = identity.conversation_id(CHANNEL, str(inbound.chat_id))
        payload = {"chat_id": inbound.chat_id, "text": inbound.text, "callback_query_id": inbound.callback_query_id}
        if not await self.intake.accept(str(inbound.update_id), conversation, payload):
            self.stats.duplicates += 1
            return "duplicate"
        self.stats.received += 1
        return "queued"

    async def _handle(self, item: InboxItem) -> None:
        assert self._turns is not None
        payload = item.payload
        if payload.get("callback_query_id") and item.attempts == 0:
            await self.sender.answer_callback(payload["callback_query_id"])
        output = TelegramOutput(self.sender)
        await self._turns.answer(str(payload["text"]), item.conversation_id, CHANNEL,
                                 message_id=f"{CHANNEL}:{item.delivery_id}",
                                 metadata={"telegram_chat_id": payload["chat_id"]},
                                 deliver=lambda replies: self.intake.deliver(output, item, replies))
        self.stats.processed += 1

    async def _tell_failed(self, item: InboxItem) -> None:
        await TelegramOutput(self.sender).send_to(item.conversation_id, delivery_failed_text())

    async def poll(self) -> None:
        """Long-poll ``getUpdates`` forever, feeding updates to :meth:`accept` (cancel to stop)."""
        from telegram.error import Forbidden, InvalidToken

        bot = await self.sender.bot()
        await bot.delete_webhook()
        offset: Optional[int] = None
        pause = 1.0
        logger.info("telegram: long polling getUpdates (no TELEGRAM_WEBHOOK_URL)")
        while True:
            try:
                updates = await bot.get_updates(offset=offset, timeout=self.poll_timeout_seconds,
                                                allowed_updates=list(ALLOWED_UPDATES))
                pause = 1.0
            except (InvalidToken, Forbidden) as error:
                logger.error("telegram: polling stopped, the token was refused (%s)", type(error).__name__)
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:  # network trouble: retry with growing pauses
                logger.warning("telegram: getUpdates failed (%s), retrying in %.0f s", type(error).__name__, pause)
                await asyncio.sleep(pause)
                pause = min(30.0, pause * 2)
                continue
            for update in updates:
                offset = update.update_id + 1
                while True:
                    try:
                        await self.accept(update.to_dict())
                        break
                    except BadUpdate as error:
                        logger.warning("telegram: skipped a malformed polled update: %s", error)
                        break
                    except IntakeUnavailable:
                        await asyncio.sleep(0.5)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        if self.disabled_reason:
            return disabled_blueprint(CHANNEL, self.disabled_reason)
        self._turns = RasaTurns(on_new_message)
        telegram = Blueprint("telegram_webhook", __name__)
        self._turns.register(telegram)
        self.intake.register(telegram)

        @telegram.listener("after_server_start")
        async def start(_app: Any, loop: asyncio.AbstractEventLoop) -> None:
            if self.polling:
                self._poll_task = loop.create_task(self.poll())
                return
            ok = await self.sender._call("setWebhook", lambda bot: bot.set_webhook(
                url=self.webhook_url, secret_token=self._secret.decode(), allowed_updates=list(ALLOWED_UPDATES)))
            if ok is None:
                logger.error("telegram: setWebhook failed; updates will not arrive until it succeeds")

        @telegram.listener("before_server_stop")
        async def stop(_app: Any, _loop: asyncio.AbstractEventLoop) -> None:
            if self._poll_task is not None:
                self._poll_task.cancel()
                await asyncio.gather(self._poll_task, return_exceptions=True)
            await self.sender.close()

        @telegram.route("/health", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            mode = "polling" if self.polling else "webhook"
            return response.json({"status": "ok", "mode": mode, "intake": await self.intake.health(),
                                  "counters": self.stats.as_dict()})

        @telegram.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if self.polling:
                return json_error(404, "this bot uses long polling; set TELEGRAM_WEBHOOK_URL to use the webhook")
            given = request.headers.get(SECRET_HEADER)
            if given is None:
                self.stats.rejected += 1
                return json_error(401, f"missing {SECRET_HEADER}")
            if not hmac.compare_digest(given.encode("utf-8", "replace"), self._secret):
                self.stats.rejected += 1
                logger.warning("telegram: refused an update with a wrong secret token")
                return json_error(403, "wrong secret token")
            try:
                body = request.body or b""
                if len(body) > MAX_BODY_BYTES:
                    return json_error(413, f"update larger than {MAX_BODY_BYTES} bytes")
                try:
                    update = json.loads(body.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError):
                    return json_error(400, "the update is not UTF-8 JSON")
                outcome = await self.accept(update)
            except BadUpdate as error:
                return json_error(400, str(error))
            except IntakeUnavailable as error:
                return json_error(503, str(error))
            except Exception:  # keep the server up, let Telegram retry
                logger.exception("telegram: the webhook failed")
                return json_error(500, "internal error")
            return response.json({"ok": True, "outcome": outcome})

        return telegram
