"""Agents' corrections and replies as training data, in the data pipeline's canonical JSONL.

ML environment only (uses :mod:`bot.data.schema`, pydantic 2). The output is read by the
pipeline's ``jsonl`` reader (``bot.data.readers.read_jsonl``; format name ``jsonl``), one
conversation per line:

- a **correction** (only once a reviewer approved it) becomes a conversation ending in the customer's question and an ``agent``
  turn with the right answer; ``metadata.wrong_answer`` keeps what the bot said, so NLU and
  fine-tuning runs can learn the answer and evaluations can check the bot no longer says it.
- a **handoff with agent replies** becomes the conversation as the agent saw it: the last
  messages before the handoff, then the relayed customer messages and the agent's replies,
  in order (``agent`` turns carry ``metadata.handoff_agent``).

Customer texts are exported as they were written: run the pipeline's redaction on import, as
for every other source.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional, Sequence

from bot.handoff.store import AGENT_REPLY, APPROVED, CUSTOMER, HandoffStore

logger = logging.getLogger(__name__)

KINDS = ("corrections", "replies", "all")


def _turn(role: str, text: str, intent: Optional[str] = None, metadata: Optional[dict[str, Any]] = None) -> Any:
    from bot.data.schema import Turn

    return Turn(role=role, text=text, intent=intent, metadata=metadata or {})


def _context_turns(context: Sequence[Mapping[str, Any]]) -> list[Any]:
    turns = []
    for item in context:
        role = item.get("role")
        text = str(item.get("text") or "").strip()
        if role in ("customer", "bot", "agent") and text:
            turns.append(_turn(role, text, item.get("intent") if role == "customer" else None))
    return turns


def correction_conversations(store: HandoffStore) -> Iterator[Any]:
    """One canonical conversation per stored correction."""
    from bot.data.schema import Conversation

    for correction in store.all_corrections(status=APPROVED):
        turns = []
        # The context up to (not including) the wrong answer; then the question and the right answer.
        context = list(correction.context)
        for index in range(len(context) - 1, -1, -1):
            if context[index].get("role") == "bot" and context[index].get("text") == correction.wrong_answer:
                context = context[:index]
                break
        turns.extend(_context_turns(context))
        if correction.question and not (turns and turns[-1].role == "customer"
                                        and turns[-1].text == correction.question):
            turns.append(_turn("customer", correction.question))
        turns.append(_turn("agent", correction.right_answer,
                           metadata={"handoff_agent": correction.agent, "corrects": correction.wrong_answer}))
        yield Conversation(
            conversation_id=f"handoff-correction-{correction.id}", channel=correction.channel, turns=turns,
            metadata={"source": "handoff_correction", "kind": "correction", "handoff_id": correction.handoff_id,
                      "wrong_answer": correction.wrong_answer, "created_at": correction.created_at.isoformat()})


def reply_conversations(store: HandoffStore) -> Iterator[Any]:
    """One canonical conversation per handoff in which an agent replied to the customer."""
    from bot.data.schema import Conversation

    handoffs: dict[int, Any] = {}
    for handoff, _message in store.all_agent_replies():
        handoffs.setdefault(handoff.id, handoff)
    for handoff in handoffs.values():
        turns = _context_turns(handoff.context)
        for message in store.messages_of(handoff.id, kinds=(CUSTOMER, AGENT_REPLY)):
            if message.kind == CUSTOMER:
                turns.append(_turn("customer", message.text))
            else:
                turns.append(_turn("agent", message.text, metadata={"handoff_agent": message.author}))
        yield Conversation(
            conversation_id=f"handoff-{handoff.id}", channel=handoff.channel, turns=turns,
            metadata={"source": "handoff_replies", "kind": "agent_replies", "handoff_id": handoff.id,
                      "reason": handoff.reason, "created_at": handoff.created_at.isoformat()})


def export(store: HandoffStore, out: Path, kind: str = "all") -> dict[str, int]:
    """Write the chosen training examples to ``out`` (canonical JSONL, atomically); returns counts."""
    from bot.data.schema import write_conversations

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    counts = {"corrections": 0, "replies": 0}
    conversations: list[Any] = []
    if kind in ("corrections", "all"):
        items = list(correction_conversations(store))
        counts["corrections"] = len(items)
        conversations.extend(items)
    if kind in ("replies", "all"):
        items = list(reply_conversations(store))
        counts["replies"] = len(items)
        conversations.extend(items)
    write_conversations(out, conversations)
    logger.info("exported %d corrections and %d handoff conversations to %s", counts["corrections"],
                counts["replies"], out)
    return counts
