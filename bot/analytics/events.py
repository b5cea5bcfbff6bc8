"""Events as the analytics store keeps them, and their identity.

Rasa 3.6 events carry no id. An event's identity is a SHA-256 over its conversation id, its type,
its timestamp and the rest of its content (canonical JSON): the same event delivered twice (a
broker redelivery, an ingestion re-run, a replayed stream) has the same key and is stored once,
while two different events of one conversation never share it (Rasa stamps each with a float
timestamp, and their content differs).

An event is *evaluation traffic* when its conversation's user messages carry the metadata
``{"evaluation": true}`` (``make eval-conversations``, benchmarks): such conversations are kept
apart and never counted in KPIs nor collected for training.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

from bot import identity


def event_key(conversation_id: str, event: Mapping[str, Any]) -> str:
    """The identity of one event of one conversation (hex, 40 characters)."""
    body = json.dumps({k: v for k, v in event.items() if k != "sender_id"}, sort_keys=True, default=str,
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{conversation_id}\x1f{body}".encode("utf-8")).hexdigest()[:40]


@dataclass(frozen=True)
class AnalyticsEvent:
    """The fields of an event the KPIs need (texts only where a report must show them)."""

    key: str
    conversation_id: str
    channel: str
    type: str
    name: Optional[str]
    timestamp: float
    evaluation: bool
    text: Optional[str]
    details: Dict[str, Any]


def from_rasa(conversation_id: str, event: Mapping[str, Any]) -> Optional[AnalyticsEvent]:
    """The analytics view of a Rasa event dict, or None for events the KPIs do not use."""
    kind = str(event.get("event") or "")
    timestamp = event.get("timestamp")
    if not kind or not isinstance(timestamp, (int, float)):
        return None
    channel = identity.channel_of(conversation_id) or "unknown"
    metadata = event.get("metadata") if isinstance(event.get("metadata"), dict) else {}
    evaluation = bool(metadata.get("evaluation"))
    name: Optional[str] = None
    text: Optional[str] = None
    details: Dict[str, Any] = {}
    if kind == "user":
        parse = event.get("parse_data") if isinstance(event.get("parse_data"), dict) else {}
        intent = parse.get("intent") if isinstance(parse.get("intent"), dict) else {}
        name = intent.get("name")
        details["confidence"] = intent.get("confidence")
        text = event.get("text") if isinstance(event.get("text"), str) else None
    elif kind == "bot":
        text = event.get("text") if isinstance(event.get("text"), str) else None
        data = event.get("data") if isinstance(event.get("data"), dict) else {}
        details["buttons"] = len(data.get("buttons") or [])
        handoff = {k: v for k, v in metadata.items() if str(k).startswith("handoff_")}
        if handoff:
            details["handoff"] = handoff
    elif kind == "action":
        name = event.get("name")
    elif kind == "slot":
        name = event.get("name")
        details["value"] = event.get("value")
    elif kind == "active_loop":
        name = event.get("name")
    elif kind not in ("session_started", "restart", "action_execution_rejected"):
        return None
    return AnalyticsEvent(event_key(conversation_id, event), conversation_id, channel, kind, name, float(timestamp),
                          evaluation, text, details)
