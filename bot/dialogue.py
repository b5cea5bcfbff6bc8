"""Helpers that read Rasa tracker events (plain dicts) without depending on Rasa."""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

FALLBACK_INTENT = "nlu_fallback"

_QUESTION_START = re.compile(
    r"^\s*(?:(?:wait|hold on|hang on|oh|ok|okay|um+|hmm+|sorry|btw|also|and|but|so|actually|quick question)"
    r"[\s,.:;!-]+)*"
    r"(?:what|what's|whats|why|how|how's|when|where|who|which|can|could|do|does|did|is|are|will|would|should|may"
    r"|am|have|has|isn't|aren't|don't|doesn't|won't|can't)\b",
    re.IGNORECASE,
)


def consecutive_fallbacks(events: Iterable[Mapping[str, Any]]) -> int:
    """How many of the latest user messages in a row were not understood (``nlu_fallback``).

    Counting from the tracker instead of keeping a counter slot means an
    understood message resets the count without any extra bookkeeping.
    """
    count = 0
    for event in reversed(list(events)):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent != FALLBACK_INTENT:
            break
        count += 1
    return count


def recent_turns(events: Iterable[Mapping[str, Any]], limit: int = 6) -> list[tuple[str, str]]:
    """The last ``limit`` messages as (role, text) pairs, role being ``customer`` or ``bot``."""
    turns: list[tuple[str, str]] = []
    for event in events:
        if event.get("event") == "user" and event.get("text"):
            turns.append(("customer", str(event["text"])))
        elif event.get("event") == "bot" and event.get("text"):
            turns.append(("bot", str(event["text"])))
    return turns[-limit:] if limit > 0 else []


def looks_like_question(text: str) -> bool:
    """Whether a message reads as a question ("wait, is shipping free?", "why do you need that").

    Forms use it to tell a question typed where an answer was expected (answered, not counted as a
    wrong answer) from a wrong answer.
    """
    text = str(text or "").strip().replace("\u2019", "'")
    return text.endswith("?") or _QUESTION_START.match(text) is not None
