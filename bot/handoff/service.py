"""The bot's side of a handoff: open it, relay customer messages, time it out.

Called by the actions (``actions/handoff.py``) in the action server. Synchronous:
the store and the Slack client are blocking and the Rasa SDK runs sync actions in a
thread pool. The agents' side (claims, replies, resolve) is :mod:`bot.handoff.desk`.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence

from bot.handoff.escalation import Escalation
from bot.handoff.policy import HandoffPolicy
from bot.handoff.slack_api import SlackApi, SlackUnavailable
from bot.handoff.slack_ui import customer_message, thread_root
from bot.handoff.store import AGENT, CUSTOMER, LIVE_STATES, QUEUED, SYSTEM, WAITING, Handoff, HandoffStore, utcnow
from bot.handoff.summary import briefing

logger = logging.getLogger(__name__)

DEFAULT_REASON = Escalation(reason="customer_request", label="Customer asked for a person",
                            detail="accepted the offer of a person")


@dataclass(frozen=True)
class Outcome:
    """What an action tells the customer and whether the conversation is now live with an agent."""

    handoff: Optional[Handoff]
    customer_text: Optional[str]
    live: bool


def open_handoff(store: HandoffStore, policy: HandoffPolicy, slack: Optional[SlackApi], conversation_id: str,
                 channel: str, recipient_id: str, events: Sequence[Mapping[str, Any]],
                 slots: Optional[Mapping[str, Any]], escalation: Optional[Escalation],
                 suggested_reply: Optional[str] = None, now: Optional[dt.datetime] = None) -> Outcome:
    """Hand a conversation to a person: a live Slack thread in hours, a queued ticket otherwise.

    Idempotent: a conversation with an open handoff gets the "already" message and no second thread.
    """
    now = now or utcnow()
    escalation = escalation or DEFAULT_REASON
    existing = store.open_for(conversation_id)
    answer_by = policy.hours.answer_by(now)
    if existing is not None:
        if existing.state in LIVE_STATES:
            return Outcome(existing, policy.message("already_open"), True)
        return Outcome(existing, policy.message("already_queued", expected=existing.answer_by or answer_by), False)

    in_hours = policy.hours.is_open(now)
    live = in_hours and bool(policy.agents_on_shift()) and slack is not None
    info = briefing(events, slots, policy.last_messages, suggested_reply)
    handoff, created = store.open(
        conversation_id=conversation_id, channel=channel, recipient_id=recipient_id,
        state=WAITING if live else QUEUED, reason=escalation.reason, reason_detail=escalation.detail,
        summary=info.summary, suggested_reply=info.suggested_reply, context=info.last_messages,
        answer_by=None if live else answer_by, now=now)
    if not created:  # another action opened it a moment ago
        return open_handoff(store, policy, slack, conversation_id, channel, recipient_id, events, slots,
                            escalation, suggested_reply, now)
    logger.info("handoff %s opened as %s (reason %s, channel %s)", handoff.ref, handoff.state, handoff.reason,
                channel)
    if slack is not None:
        text, blocks = thread_root(handoff, policy.mask_customer_ids, escalation.label)
        try:
            ts = slack.post(policy.channel(), text, blocks)
            store.set_thread(handoff.id, policy.channel(), ts)
        except SlackUnavailable as error:
            logger.error("handoff %s: could not open the Slack thread (%s); queued as a ticket", handoff.ref, error)
            if live and store.queue(handoff.id, answer_by):
                live = False
    handoff = store.get(handoff.id) or handoff
    if live:
        position = store.position(handoff)
        wait = max(1, math.ceil(position * policy.average_handling_minutes))
        return Outcome(handoff, policy.message("live", position=position, wait_minutes=wait), True)
    key = "queued" if not in_hours else "timeout"
    return Outcome(handoff, policy.message(key, expected=answer_by), False)


def relay_customer_message(store: HandoffStore, policy: HandoffPolicy, slack: Optional[SlackApi],
                           conversation_id: str, text: str, message_id: Optional[str],
                           now: Optional[dt.datetime] = None) -> Outcome:
    """Pass a customer's message to the agents' thread; the bot says nothing.

    Returns an outcome with a customer text only when the bot must speak: the handoff
    timed out (nobody claimed in time) or no live handoff exists any more.
    """
    now = now or utcnow()
    handoff = store.open_for(conversation_id)
    if handoff is None or handoff.state not in LIVE_STATES:
        logger.warning("relay for a conversation without a live handoff; the bot takes it back")
        return Outcome(handoff, None, False)
    if handoff.state == WAITING and now - handoff.created_at >= policy.claim_timeout:
        outcome = time_out(store, policy, slack, handoff, now)
        if outcome is not None:
            _relay(store, slack, handoff, conversation_id, text, message_id)
            return outcome
        handoff = store.get(handoff.id) or handoff
    _relay(store, slack, handoff, conversation_id, text, message_id)
    return Outcome(handoff, None, True)


def _relay(store: HandoffStore, slack: Optional[SlackApi], handoff: Handoff, conversation_id: str, text: str,
           message_id: Optional[str]) -> None:
    """Store the customer's message once and post it into the thread once.

    Raises:
        SlackUnavailable: the thread exists but Slack refused the post; the caller's turn fails
            and is retried (the message is not stored twice, and posted once it goes through).
    """
    stored_key = f"relay:{conversation_id}:{message_id}" if message_id else None
    if stored_key is None or store.first_time(stored_key):
        store.add_message(handoff.id, CUSTOMER, "customer", text)
    posted_key = f"relay-posted:{conversation_id}:{message_id}" if message_id else None
    if posted_key is not None and store.recorded(posted_key):
        return
    if slack is None or not handoff.thread_ts or not handoff.slack_channel:
        logger.error("handoff %s: no Slack thread to post in; the message is stored only", handoff.ref)
        return
    slack.post(handoff.slack_channel, customer_message(text), thread_ts=handoff.thread_ts)
    if posted_key is not None:
        store.first_time(posted_key)


def time_out(store: HandoffStore, policy: HandoffPolicy, slack: Optional[SlackApi], handoff: Handoff,
             now: Optional[dt.datetime] = None) -> Optional[Outcome]:
    """Turn an unclaimed handoff into a queued ticket; None when someone else already changed it."""
    answer_by = policy.hours.answer_by(now or utcnow())
    if not store.queue(handoff.id, answer_by):
        return None
    minutes = policy.claim_timeout.total_seconds() / 60
    notice = f":alarm_clock: Nobody claimed this within {minutes:g} minutes; queued as a ticket (answer by {answer_by})."
    store.add_message(handoff.id, SYSTEM, "bot", notice)
    _post_in_thread(slack, handoff, notice)
    logger.info("handoff %s timed out unclaimed; queued", handoff.ref)
    return Outcome(store.get(handoff.id), policy.message("timeout", expected=answer_by), False)


def _post_in_thread(slack: Optional[SlackApi], handoff: Handoff, text: str) -> None:
    if slack is None or not handoff.thread_ts or not handoff.slack_channel:
        logger.error("handoff %s: no Slack thread to post in; the message is stored only", handoff.ref)
        return
    try:
        slack.post(handoff.slack_channel, text, thread_ts=handoff.thread_ts)
    except SlackUnavailable as error:
        logger.error("handoff %s: could not post in the Slack thread (%s); the message is stored", handoff.ref, error)


__all__ = ["Outcome", "open_handoff", "relay_customer_message", "time_out", "AGENT"]
