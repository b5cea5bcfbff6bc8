"""Slack messages of the handoff: the thread's first post (Block Kit), notices, relayed messages.

Pure functions returning ``(text, blocks)``; ``text`` is the notification fallback Slack shows
where blocks cannot be rendered. Action ids are the contract with the interactivity handler.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

from bot.handoff.store import AGENT, QUEUED, RESOLVED, WAITING, Handoff
from bot.handoff.summary import mask_id

ACTION_CLAIM = "handoff_claim"
ACTION_RESOLVE = "handoff_resolve"
ACTION_SEND_SUGGESTION = "handoff_send_suggestion"
ACTION_TRANSFER = "handoff_transfer"
SHORTCUT_MARK_WRONG = "handoff_mark_wrong"
VIEW_CORRECTION = "handoff_correction"
MAX_BLOCK_TEXT = 2900  # Slack's limit for a section's text is 3000 characters

ROLE_LABELS = {"customer": "Customer", "bot": "Bot", "agent": "Agent"}


def escape(text: str) -> str:
    """Escape text for Slack mrkdwn (``&``, ``<``, ``>``), so customer text cannot mention or link."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(text: str, limit: int = MAX_BLOCK_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def status_line(handoff: Handoff) -> str:
    """Who has the conversation now, for everyone in the channel to see."""
    if handoff.state == WAITING:
        return ":hourglass_flowing_sand: Waiting for an agent"
    if handoff.state == AGENT:
        return f":raising_hand: Claimed by <@{handoff.owner}>"
    if handoff.state == QUEUED:
        return f":inbox_tray: Queued ticket, answer by {handoff.answer_by or 'the next business morning'}"
    if handoff.state == RESOLVED:
        return f":white_check_mark: Resolved by <@{handoff.owner}>, back with the bot"
    return handoff.state


def thread_root(handoff: Handoff, mask_mode: str, reason_label: str) -> tuple[str, list[dict[str, Any]]]:
    """The first post of a handoff's thread: who, why, summary, last messages, suggestion, buttons."""
    customer = mask_id(handoff.recipient_id, mask_mode)
    header = f"{handoff.ref} \u00b7 {handoff.channel} customer {customer}"
    text = f"{header}: {reason_label}"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _clip(header, 150)}},
        {"type": "section", "fields": [
            {"type": "mrkdwn", "text": f"*Reason*\n{escape(reason_label)} (`{handoff.reason}`)"},
            {"type": "mrkdwn", "text": f"*Status*\n{status_line(handoff)}"},
        ]},
    ]
    if handoff.reason_detail:
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": _clip(f"Matched: {escape(handoff.reason_detail)}", 2000)}]})
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _clip(
        f"*Summary*\n{escape(handoff.summary)}")}})
    if handoff.context:
        lines = [f"*{ROLE_LABELS.get(turn.get('role', ''), 'Bot')}:* {escape(turn.get('text', ''))}"
                 for turn in handoff.context]
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _clip(
            "*Last messages*\n" + "\n".join(lines))}})
    if handoff.suggested_reply:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _clip(
            f"*The bot would have said*\n>{escape(handoff.suggested_reply)}")}})
    blocks.append(actions_block(handoff))
    return text, blocks


def actions_block(handoff: Handoff) -> dict[str, Any]:
    """The agent controls that fit the handoff's state."""
    value = str(handoff.id)
    elements: list[dict[str, Any]] = []
    if handoff.state in (WAITING, QUEUED):
        elements.append({"type": "button", "action_id": ACTION_CLAIM, "value": value, "style": "primary",
                         "text": {"type": "plain_text", "text": "Claim"}})
    if handoff.state in (WAITING, QUEUED, AGENT) and handoff.suggested_reply:
        elements.append({"type": "button", "action_id": ACTION_SEND_SUGGESTION, "value": value,
                         "text": {"type": "plain_text", "text": "Send suggested reply"}})
    if handoff.state == AGENT:
        elements.append({"type": "users_select", "action_id": ACTION_TRANSFER,
                         "placeholder": {"type": "plain_text", "text": "Transfer to\u2026"}})
    if handoff.state in (WAITING, QUEUED, AGENT):
        elements.append({"type": "button", "action_id": ACTION_RESOLVE, "value": value, "style": "danger",
                         "text": {"type": "plain_text", "text": "Resolve, back to bot"}})
    if not elements:
        return {"type": "context", "block_id": f"handoff_{value}",
                "elements": [{"type": "mrkdwn", "text": status_line(handoff)}]}
    return {"type": "actions", "block_id": f"handoff_{value}", "elements": elements}


def customer_message(text: str) -> str:
    """A customer's message relayed into the thread."""
    return f"*Customer:* {escape(text)}"


def correction_view(handoff_id: Optional[int], wrong_answer: str, question: str) -> dict[str, Any]:
    """The modal where an agent types the right answer to a bot answer marked wrong."""
    import json

    return {
        "type": "modal", "callback_id": VIEW_CORRECTION,
        "private_metadata": json.dumps({"handoff_id": handoff_id, "wrong": wrong_answer[:1000],
                                        "question": question[:1000]}),
        "title": {"type": "plain_text", "text": "Correct the bot"},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": _clip(f"*Bot said*\n>{escape(wrong_answer)}")}},
            {"type": "input", "block_id": "right_answer", "label": {"type": "plain_text", "text": "Right answer"},
             "element": {"type": "plain_text_input", "action_id": "value", "multiline": True}},
        ],
    }


def queue_listing(handoffs: Sequence[Handoff], mask_mode: str) -> str:
    """The open handoffs, one line each, for ``/handoff queue``."""
    if not handoffs:
        return "No open handoffs."
    lines = []
    for handoff in handoffs:
        owner = f" <@{handoff.owner}>" if handoff.owner else ""
        lines.append(f"\u2022 {handoff.ref} {handoff.state}{owner} \u00b7 {handoff.channel} "
                     f"{mask_id(handoff.recipient_id, mask_mode)} \u00b7 {handoff.reason}")
    return "\n".join(lines)
