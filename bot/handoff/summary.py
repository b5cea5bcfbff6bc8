"""What an agent sees first: masked customer id, short summary, last messages, suggested reply.

Pure functions over Rasa tracker events as plain dicts; no Slack, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional, Sequence

from bot import identity
from bot.handoff.escalation import ABSTAINED_SLOT, FALLBACK_INTENT, KNOWLEDGE_ACTION, intent_of

Event = Mapping[str, Any]

SMALL_TALK_INTENTS = frozenset({"greet", "goodbye", "thanks", "affirm", "deny", "chitchat", "stop",
                                "request_human", "inform_rating"})
MAX_TURN_CHARS = 400
MAX_SUMMARY_CHARS = 600


def mask_id(value: str, mode: str) -> str:
    """A customer id as agents may see it.

    ``none`` shows it whole, ``full`` hides it, ``partial`` keeps the last four
    characters (and a leading ``+`` of a phone number), e.g. ``+•••••••0142``. Of a conversation
    id (``telegram:700123456``) only the address is shown, masked the same way.
    """
    value = str(value or "")
    if mode == "none":
        return value
    if identity.channel_of(value) is not None:  # a conversation id: mask its address, the channel is shown anyway
        value = identity.parse(value).address
    if mode == "full" or len(value) <= 4:
        return "•" * 6
    prefix = "+" if value.startswith("+") else ""
    body = value[len(prefix):]
    return prefix + "•" * (len(body) - 4) + body[-4:]


def turns(events: Iterable[Event]) -> list[dict[str, Any]]:
    """Messages of a conversation as ``{"role", "text", "intent"?}`` dicts, oldest first.

    Bot messages sent on behalf of an agent (``metadata.handoff_agent``) get the role ``agent``.
    """
    result: list[dict[str, Any]] = []
    last_action: Optional[str] = None
    for event in events:
        kind = event.get("event")
        if kind == "action":
            last_action = event.get("name")
        elif kind == "user" and event.get("text"):
            turn: dict[str, Any] = {"role": "customer", "text": str(event["text"])[:MAX_TURN_CHARS]}
            intent = intent_of(event)
            if intent:
                turn["intent"] = intent
            result.append(turn)
        elif kind == "bot" and event.get("text"):
            metadata = event.get("metadata") or {}
            role = "agent" if metadata.get("handoff_agent") else "bot"
            turn = {"role": role, "text": str(event["text"])[:MAX_TURN_CHARS]}
            if role == "bot" and last_action:
                turn["action"] = last_action
            result.append(turn)
    return result


def summarize(history: Sequence[Mapping[str, Any]], slots: Optional[Mapping[str, Any]] = None) -> str:
    """A short extractive summary: what the customer wants, what the bot tried, key facts.

    The customer's substantive messages (not greetings or yes/no) are the summary's
    core; the first one states the issue and the latest one where it stands now.
    """
    slots = slots or {}
    substantive = [t for t in history if t["role"] == "customer" and t.get("intent") not in SMALL_TALK_INTENTS
                   and len(t["text"].split()) >= 2]
    parts: list[str] = []
    if substantive:
        parts.append(f"Customer wrote: \u201c{_clip(substantive[0]['text'], 160)}\u201d")
        if len(substantive) > 1:
            parts.append(f"latest: \u201c{_clip(substantive[-1]['text'], 160)}\u201d")
    elif any(t["role"] == "customer" for t in history):
        parts.append("Customer asked for a person without stating an issue")
    topics = []
    for turn in history:
        intent = turn.get("intent")
        if turn["role"] == "customer" and intent and intent not in SMALL_TALK_INTENTS and intent != FALLBACK_INTENT \
                and intent not in topics:
            topics.append(intent)
    if topics:
        parts.append("topics: " + ", ".join(t.replace("_", " ") for t in topics))
    misunderstood = sum(1 for t in history if t.get("intent") == FALLBACK_INTENT)
    if misunderstood:
        parts.append(f"bot did not understand {misunderstood} message{'s' if misunderstood > 1 else ''}")
    if slots.get("order_number"):
        parts.append(f"order {slots['order_number']}")
    summary = "; ".join(parts) + "." if parts else "No messages yet."
    return _clip(summary, MAX_SUMMARY_CHARS)


def last_bot_answer(history: Sequence[Mapping[str, Any]]) -> Optional[tuple[str, str]]:
    """The latest (customer question, bot answer) pair: a customer message and the bot's first reply to it.

    The first reply is the answer; what follows it in the same turn (an offer of a person, "anything
    else?") is not.
    """
    for index in range(len(history) - 2, -1, -1):
        if history[index]["role"] == "customer" and history[index + 1]["role"] == "bot":
            return history[index]["text"], history[index + 1]["text"]
    return None


def knowledge_suggestion(events: Sequence[Event]) -> Optional[str]:
    """What the knowledge action retrieved and would have said, from the tracker.

    The knowledge action may attach its draft to the bot message's metadata
    (``suggested_reply``, ``draft`` or ``answer``); otherwise its latest non-abstaining
    answer is the suggestion.
    """
    last_action: Optional[str] = None
    found: Optional[str] = None
    plain_text_of_run = False  # the current candidate is the bot's text, not a draft from metadata
    for event in events:
        kind = event.get("event")
        if kind == "action":
            last_action = event.get("name")
        elif kind == "bot" and last_action == KNOWLEDGE_ACTION:
            metadata = event.get("metadata") or {}
            for key in ("suggested_reply", "draft", "answer"):
                value = metadata.get(key)
                if isinstance(value, str) and value.strip():
                    found, plain_text_of_run = value.strip(), False
                    break
            else:
                if not metadata.get("abstained") and event.get("text"):
                    found, plain_text_of_run = str(event["text"]), True
        elif kind == "slot" and event.get("name") == ABSTAINED_SLOT and event.get("value") and plain_text_of_run \
                and last_action == KNOWLEDGE_ACTION:
            found, plain_text_of_run = None, False  # that text was an abstention, not an answer
    return found


def _clip(text: str, limit: int) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


@dataclass(frozen=True)
class Briefing:
    """Everything the first post of a thread shows."""

    summary: str
    last_messages: list[dict[str, Any]]
    suggested_reply: Optional[str]


def briefing(events: Sequence[Event], slots: Optional[Mapping[str, Any]], last_messages: int,
             suggested_reply: Optional[str] = None) -> Briefing:
    """Summary, last messages and suggested reply of a conversation about to be handed off."""
    history = turns(events)
    return Briefing(summary=summarize(history, slots), last_messages=history[-last_messages:],
                    suggested_reply=suggested_reply or knowledge_suggestion(events))
