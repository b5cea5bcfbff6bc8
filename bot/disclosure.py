"""The AI disclosure: at the start of every conversation the customer learns they talk to an assistant.

EU AI Act Article 50(1): people must be told they are interacting with an AI system. The ``disclosure``
section of ``guidelines.yml`` holds the wording per channel (``default``, and ``sms``, ``telegram``,
``slack``, ``webchat``, ``rest`` where a channel needs its own); each says it is an automated
assistant, how to reach a person and where the privacy notice is. The SMS wording must fit one
segment (160 plain characters). The first bot message of every Rasa session is the disclosure
(``actions/session.py``); the web chat page shows its wording above the conversation instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional

from bot import identity

CHANNELS = ("default", "telegram", "sms", "slack", "webchat", "rest")
SMS_MAX_CHARS = 160
REQUIRED_WORDS = (("assistant", "automated", "bot", "ai"), ("person", "agent", "human", "colleague"),
                  ("privacy",))


class DisclosureError(ValueError):
    """The ``disclosure`` section of guidelines.yml is wrong; the message names the key and the fix."""


@dataclass(frozen=True)
class Disclosure:
    """The validated wording per channel."""

    texts: Mapping[str, str]

    def for_channel(self, channel: str) -> str:
        """The wording of a channel (``sms``, ``telegram`` ...), or the default one."""
        return self.texts.get(channel, self.texts["default"])

    def for_conversation(self, conversation_id: str) -> str:
        """The wording of the channel a conversation id names."""
        rasa_channel = identity.channel_of(conversation_id) or "default"
        return self.for_channel({"twilio_sms": "sms"}.get(rasa_channel, rasa_channel))


def parse_disclosure(raw: Any, source: str = "guidelines.yml") -> Disclosure:
    """Validate the ``disclosure`` mapping.

    Raises:
        DisclosureError: unknown channel, empty text, a text missing what it must say, an SMS text
            longer than one segment or with characters outside plain ASCII.
    """
    if not isinstance(raw, dict) or "default" not in raw:
        raise DisclosureError(f"{source}: disclosure: give a mapping with at least `default` (and per channel: "
                              f"{', '.join(CHANNELS[1:])})")
    texts = {}
    for channel, text in raw.items():
        where = f"{source}: disclosure.{channel}"
        if channel not in CHANNELS:
            raise DisclosureError(f"{where}: unknown channel; use {', '.join(CHANNELS)}")
        if not isinstance(text, str) or not text.strip():
            raise DisclosureError(f"{where}: give the text customers see")
        lowered = text.lower()
        for words in REQUIRED_WORDS:
            if not any(word in lowered for word in words):
                raise DisclosureError(f"{where}: say that it is an automated assistant, how to reach a person and "
                                      f"where the privacy notice is (none of {', '.join(words)} found)")
        if channel == "sms" and (len(text.strip()) > SMS_MAX_CHARS or not text.strip().isascii()):
            raise DisclosureError(f"{where}: {len(text.strip())} characters; the SMS wording must fit one segment "
                                  f"({SMS_MAX_CHARS} plain ASCII characters)")
        texts[channel] = " ".join(text.split())
    return Disclosure(texts)


def load_disclosure(path: Optional[Path] = None) -> Disclosure:
    """The ``disclosure`` section of guidelines.yml (or of ``path``).

    Raises:
        DisclosureError: the file is unreadable or the section is wrong.
    """
    from bot.guidelines import GuidelinesError, read_guidelines_file

    try:
        file, data = read_guidelines_file(path)
    except GuidelinesError as error:
        raise DisclosureError(str(error)) from None
    return parse_disclosure((data or {}).get("disclosure"), str(file))
