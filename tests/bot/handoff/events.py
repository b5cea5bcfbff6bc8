"""Rasa tracker events as plain dicts, the way the tracker JSON holds them."""

from __future__ import annotations

from typing import Any, Optional


def user(text: str, intent: str, confidence: float = 0.9, message_id: Optional[str] = None) -> dict[str, Any]:
    return {"event": "user", "text": text, "message_id": message_id,
            "parse_data": {"intent": {"name": intent, "confidence": confidence}, "entities": [], "text": text}}


def action(name: str) -> dict[str, Any]:
    return {"event": "action", "name": name}


def bot(text: str, **metadata: Any) -> dict[str, Any]:
    return {"event": "bot", "text": text, "metadata": metadata}


def slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


def turn(text: str, intent: str, *after: dict[str, Any]) -> list[dict[str, Any]]:
    """A customer message and what the bot did after it."""
    return [action("action_listen"), user(text, intent), *after]


def knowledge(question: str, answer: str, abstained: bool) -> list[dict[str, Any]]:
    return turn(question, "ask_question", action("action_answer_question"), bot(answer),
                slot("knowledge_abstained", abstained))
