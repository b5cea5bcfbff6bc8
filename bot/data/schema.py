"""The canonical conversation schema (versioned JSONL, one conversation per line).

ML environment only: uses pydantic v2 (the Rasa environment has pydantic 1.10).

A line looks like::

    {"schema_version": 1, "conversation_id": "abcd-3592", "channel": "abcd",
     "turns": [{"role": "customer", "text": "Hi! I need to return an item",
                "timestamp": null, "intent": "return_item", "intent_confidence": 0.93,
                "metadata": {}}],
     "metadata": {"source": "abcd", "flow": "product_defect"}}

``load_conversations(path)`` is the one way other code (NLU export, fine-tuning) should
read these files.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.data.storage import IssueLog, atomic_write, load_json, named_decode_errors

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
"""Bump when a field changes meaning; readers refuse newer versions."""

Role = Literal["customer", "agent", "bot"]
ROLES: tuple[str, ...] = ("customer", "agent", "bot")


class Turn(BaseModel):
    """One message of a conversation."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    text: str
    timestamp: Optional[datetime] = None
    intent: Optional[str] = None
    intent_confidence: Optional[float] = Field(default=None, ge=0.0, le=1.0)
    metadata: Dict[str, Any] = Field(default_factory=dict)


class Conversation(BaseModel):
    """A conversation: ordered turns plus where it came from."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = SCHEMA_VERSION
    conversation_id: str = Field(min_length=1)
    channel: str = "unknown"
    turns: List[Turn] = Field(default_factory=list)
    metadata: Dict[str, Any] = Field(default_factory=dict)

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value < 1 or value > SCHEMA_VERSION:
            raise ValueError(
                f"schema_version {value} is not supported (this code reads 1..{SCHEMA_VERSION}); "
                "upgrade Switchboard or re-export the file"
            )
        return value

    def customer_turns(self) -> Iterator[tuple[int, Turn]]:
        """(index, turn) for every customer turn."""
        for index, turn in enumerate(self.turns):
            if turn.role == "customer":
                yield index, turn

    def to_json_line(self) -> str:
        """This conversation as one JSON line (no trailing newline)."""
        return self.model_dump_json(exclude_none=False)


def load_conversations(path: Path | str, issues: Optional[IssueLog] = None) -> Iterator[Conversation]:
    """Yield the conversations of a canonical JSONL file, lazily.

    Args:
        path: a ``.jsonl`` file written by this pipeline.
        issues: where to record bad lines; when ``None`` a bad line raises instead.

    Raises:
        ValueError: the file is missing or not UTF-8, or a line is not valid JSON or not a valid
            conversation (only when ``issues`` is ``None``); the message names the file
            (and the line).
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file (a canonical JSONL written by `python -m bot data import`)")
    with path.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(named_decode_errors(path, handle), start=1):
            if not line.strip():
                continue
            try:
                yield Conversation.model_validate(load_json(line))
            except (json.JSONDecodeError, ValidationError) as error:
                reason = describe_error(error)
                if issues is None:
                    raise ValueError(f"{path}:{line_number}: {reason}") from error
                issues.add(path, line_number, reason)


def write_conversations(path: Path | str, conversations: Iterable[Conversation]) -> int:
    """Write conversations as canonical JSONL atomically; returns how many were written."""
    count = 0
    with atomic_write(path) as handle:
        for conversation in conversations:
            handle.write(conversation.to_json_line())
            handle.write("\n")
            count += 1
    return count


def describe_error(error: Exception) -> str:
    """A one-line reason for a bad record that names fields but never their values."""
    if isinstance(error, ValidationError):
        parts = []
        for item in error.errors(include_input=False, include_url=False):
            location = ".".join(str(p) for p in item.get("loc", ())) or "record"
            parts.append(f"{location}: {item.get('msg', 'invalid')}")
        return "invalid conversation: " + "; ".join(parts)
    if isinstance(error, json.JSONDecodeError):
        return f"not valid JSON ({error.msg} at column {error.colno})"
    return str(error)
