"""Conversation ids that carry their channel.

A Rasa conversation is keyed by its sender id. Switchboard's channels never use a bare platform id
for it: the id names the channel it belongs to, so a message arriving on one channel can never
reach the conversation of another (a web chat page cannot post into a Telegram chat by naming its
chat id), and replies, handoff relays and agents' messages go to the channel the id names.

========================  ==========================================================
``telegram:<chat_id>``    Telegram chat
``sms:<pseudonym>``       SMS: a keyed HMAC of the phone number (:func:`sms_pseudonym`);
                          the number itself lives only in the SMS channel's state store
``slack:<team>:<user>``   Slack user of a workspace (customers writing to the bot)
``webchat:<session>``     web chat session issued by the server
``rest:<sender>``         Rasa's REST channel (tools, tests, benchmarks; token required)
========================  ==========================================================

Standard library only: imported by both environments.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Optional, Tuple

PART_PATTERN = re.compile(r"[A-Za-z0-9_.@+-]{1,128}")
"""What one part of a conversation id may contain (use with ``fullmatch``)."""

# Rasa input channel name -> prefix of its conversation ids, and how many parts follow the prefix.
PREFIXES: dict[str, Tuple[str, int]] = {
    "telegram": ("telegram", 1),
    "twilio_sms": ("sms", 1),
    "slack": ("slack", 2),
    "webchat": ("webchat", 1),
    "rest": ("rest", 1),
}
CHANNEL_OF_PREFIX = {prefix: channel for channel, (prefix, _) in PREFIXES.items()}


class InvalidConversationId(ValueError):
    """A conversation id that does not name a known channel, or has malformed parts."""


@dataclass(frozen=True)
class ConversationRef:
    """A parsed conversation id: the Rasa channel it belongs to and the platform address parts."""

    conversation_id: str
    channel: str
    parts: Tuple[str, ...]

    @property
    def address(self) -> str:
        """The last part: chat id, SMS pseudonym, Slack user id, web chat session, REST sender."""
        return self.parts[-1]


def conversation_id(channel: str, *parts: str) -> str:
    """The conversation id of ``parts`` on the Rasa input channel ``channel``.

    Raises:
        InvalidConversationId: unknown channel, wrong number of parts, or a part with other
            characters than letters, digits and ``_ . @ + -`` (at most 128).
    """
    if channel not in PREFIXES:
        raise InvalidConversationId(f"unknown channel {channel!r}; known: {sorted(PREFIXES)}")
    prefix, count = PREFIXES[channel]
    if len(parts) != count:
        raise InvalidConversationId(f"a {channel} conversation id has {count} part(s), got {len(parts)}")
    for part in parts:
        if not isinstance(part, str) or not PART_PATTERN.fullmatch(part):
            raise InvalidConversationId(f"a {channel} conversation id part must be 1-128 of A-Z a-z 0-9 _ . @ + -")
    return ":".join((prefix, *parts))


def parse(conversation: str) -> ConversationRef:
    """Split a conversation id into its channel and parts.

    Raises:
        InvalidConversationId: the id names no known channel or is malformed.
    """
    prefix, _, rest = str(conversation or "").partition(":")
    channel = CHANNEL_OF_PREFIX.get(prefix)
    if channel is None or not rest:
        raise InvalidConversationId("not a channel-bound conversation id")
    parts = tuple(rest.split(":"))
    conversation_id(channel, *parts)  # validates
    return ConversationRef(conversation, channel, parts)


def channel_of(conversation: str) -> Optional[str]:
    """The Rasa input channel a conversation id belongs to, or None for an id of no known channel."""
    try:
        return parse(conversation).channel
    except InvalidConversationId:
        return None


def address_on(channel: str, conversation: str) -> str:
    """The platform address of ``conversation``, which must belong to ``channel``.

    Raises:
        InvalidConversationId: the conversation belongs to another channel (or none).
    """
    ref = parse(conversation)
    if ref.channel != channel:
        raise InvalidConversationId(f"a {ref.channel} conversation cannot be reached on {channel}")
    return ref.address


def keyed_digest(key: bytes, value: str, length: int = 32) -> str:
    """A hex HMAC-SHA256 of ``value`` under ``key``, shortened to ``length`` characters."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:length]


def sms_pseudonym(phone_number: str, key: bytes) -> str:
    """The conversation id of a phone number: ``sms:`` + a keyed HMAC, so the number stays out of ids.

    The number is normalised (spaces, dashes, dots and brackets removed) before hashing, so
    ``+1 555 123 0077`` and ``+15551230077`` are one conversation.
    """
    normalised = re.sub(r"[\s().-]", "", phone_number)
    return conversation_id("twilio_sms", keyed_digest(key, normalised))
