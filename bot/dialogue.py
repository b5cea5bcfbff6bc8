"""Helpers that read Rasa tracker events (plain dicts) without depending on Rasa."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

FALLBACK_INTENT = "nlu_fallback"


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
