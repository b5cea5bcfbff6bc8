"""The KPIs of docs/monitoring.md, computed from the analytics store, the handoff store and feedback.

:func:`conversations_from_events` cuts each conversation id's events into conversations (Rasa
sessions) and classifies them (handed off, abandoned, finished by the bot, involved, confirmed);
:func:`compute_kpis` aggregates them per day, per channel and overall. Everything takes ``now``
(the tests use a fake clock); evaluation traffic is excluded before anything is counted.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from bot.analytics.events import AnalyticsEvent

SESSION_EXPIRY_SECONDS = 60 * 60
SOFT_RESOLUTION_SECONDS = 24 * 3600
REOPEN_SECONDS = 7 * 24 * 3600
FALLBACK_ACTIONS = ("action_default_fallback", "action_handle_fallback")
FALLBACK_INTENTS = ("nlu_fallback",)
CONFIRM_INTENTS = ("thanks", "goodbye", "affirm")
SURVEY_ACTION = "utter_ask_feedback_rating"
KNOWLEDGE_ACTION = "action_answer_question"


@dataclass
class Conversation:
    """One Rasa session of one conversation id, classified."""

    conversation_id: str
    channel: str
    started: float
    ended: float
    customer_turns: int = 0
    fallback_turns: int = 0
    knowledge_answers: int = 0
    knowledge_abstained: int = 0
    handed_off: bool = False
    handoff_at: Optional[float] = None
    involved: bool = False
    confirmed: bool = False
    asked_at_end: bool = False
    surveys: int = 0
    response_ms: List[float] = field(default_factory=list)
    over: bool = True
    """False while the conversation may still go on (its session has not expired yet)."""

    @property
    def abandoned(self) -> bool:
        return self.over and not self.handed_off and self.asked_at_end

    @property
    def contained(self) -> bool:
        return self.over and not self.handed_off and not self.asked_at_end

    @property
    def day(self) -> str:
        return dt.datetime.fromtimestamp(self.started, dt.timezone.utc).strftime("%Y-%m-%d")


def _sessions(events: Sequence[AnalyticsEvent]) -> List[List[AnalyticsEvent]]:
    sessions: List[List[AnalyticsEvent]] = []
    current: List[AnalyticsEvent] = []
    for event in events:
        starts = event.type == "session_started" or (
            current and event.timestamp - current[-1].timestamp > SESSION_EXPIRY_SECONDS)
        if starts and any(e.type == "user" for e in current):
            sessions.append(current)
            current = []
        current.append(event)
    if any(e.type == "user" for e in current):
        sessions.append(current)
    return sessions


def classify(events: Sequence[AnalyticsEvent], now: float) -> Conversation:
    """Classify one session's events (time order) as docs/monitoring.md defines."""
    first_user = next(e for e in events if e.type == "user")
    conversation = Conversation(first_user.conversation_id, first_user.channel, first_user.timestamp,
                                events[-1].timestamp)
    conversation.over = now - conversation.ended > SESSION_EXPIRY_SECONDS
    waiting_since: Optional[float] = None
    last_user_intent: Optional[str] = None
    answered_since_last_user = False
    requested: Optional[str] = None
    last_bot_buttons = 0
    turn_fallback = False
    last_action: Optional[str] = None
    for event in events:
        if event.type == "user":
            conversation.customer_turns += 1
            last_user_intent = event.name
            waiting_since = event.timestamp
            answered_since_last_user = False
            turn_fallback = event.name in FALLBACK_INTENTS
            if turn_fallback:
                conversation.fallback_turns += 1
            last_bot_buttons = 0
        elif event.type == "action":
            last_action = event.name
            if event.name in FALLBACK_ACTIONS and not turn_fallback and waiting_since is not None:
                turn_fallback = True
                conversation.fallback_turns += 1
            if event.name == "action_handoff" and not conversation.handed_off:
                conversation.handed_off, conversation.handoff_at = True, event.timestamp
            if event.name == KNOWLEDGE_ACTION:
                conversation.knowledge_answers += 1
            if event.name == SURVEY_ACTION:
                conversation.surveys += 1
        elif event.type == "slot":
            if event.name == "requested_slot":
                requested = event.details.get("value")
            if event.name == "knowledge_abstained" and event.details.get("value") is True \
                    and last_action == KNOWLEDGE_ACTION:
                conversation.knowledge_abstained += 1
        elif event.type == "active_loop" and event.name is None:
            requested = None
        elif event.type == "bot":
            if waiting_since is not None and not answered_since_last_user:
                conversation.response_ms.append((event.timestamp - waiting_since) * 1000)
                answered_since_last_user = True
            if waiting_since is not None and not conversation.handed_off and "handoff" not in event.details:
                conversation.involved = True
            last_bot_buttons = int(event.details.get("buttons") or 0)
    conversation.asked_at_end = bool(requested) or last_bot_buttons > 0
    conversation.confirmed = (conversation.involved and not conversation.handed_off
                              and last_user_intent in CONFIRM_INTENTS)
    return conversation


def conversations_from_events(events_by_id: Mapping[str, Sequence[AnalyticsEvent]], now: float) -> List[Conversation]:
    """Every conversation (session with a customer message) of these ids, evaluation traffic left out."""
    found = []
    for events in events_by_id.values():
        if any(e.evaluation for e in events):
            continue
        found += [classify(session, now) for session in _sessions(sorted(events, key=lambda e: e.timestamp))]
    return found


def _rate(numerator: int, denominator: int) -> Optional[float]:
    return round(numerator / denominator, 4) if denominator else None


def _percentile(values: Sequence[float], share: float) -> Optional[float]:
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(round(share * len(ordered) + 0.5)) - 1))
    return round(ordered[index], 1)


@dataclass(frozen=True)
class HandoffTiming:
    """What the KPIs need of one handoff (from the handoff store)."""

    conversation_id: str
    reason: str
    created_at: dt.datetime
    claimed_at: Optional[dt.datetime]
    resolved_at: Optional[dt.datetime]
    first_agent_reply_at: Optional[dt.datetime]


@dataclass(frozen=True)
class Rating:
    """One feedback rating."""

    conversation_id: str
    rating: int
    created_at: dt.datetime


def _soft_resolved(conversation: Conversation, next_start: Optional[float], now: float) -> Optional[bool]:
    """True/False once 24 hours have passed after the conversation; None before."""
    if not conversation.involved or conversation.handed_off or conversation.abandoned:
        return False
    if next_start is not None and next_start - conversation.ended <= SOFT_RESOLUTION_SECONDS:
        return False
    if now - conversation.ended < SOFT_RESOLUTION_SECONDS:
        return None
    return True


def _group(conversations: Sequence[Conversation], handoffs: Sequence[HandoffTiming], ratings: Sequence[Rating],
           next_starts: Mapping[int, Optional[float]], hours: Any, now: float) -> Dict[str, Any]:
    over = [c for c in conversations if c.over]
    involved = [c for c in over if c.involved]
    soft = [(c, _soft_resolved(c, next_starts.get(id(c)), now)) for c in involved]
    soft_known = [value for _, value in soft if value is not None]
    reasons: Dict[str, int] = {}
    for handoff in handoffs:
        reasons[handoff.reason] = reasons.get(handoff.reason, 0) + 1
    turns = sum(c.customer_turns for c in conversations)
    knowledge = sum(c.knowledge_answers for c in conversations)
    response = [ms for c in conversations for ms in c.response_ms]
    surveys = sum(c.surveys for c in conversations)
    involvement = _rate(len(involved), len(over))
    soft_rate = _rate(sum(soft_known), len(soft_known))

    def minutes(start: Optional[dt.datetime], end: Optional[dt.datetime]) -> Optional[float]:
        if start is None or end is None or hours is None:
            return None
        return hours.business_seconds(start, end) / 60

    first_reply = [m for m in (minutes(h.created_at, h.first_agent_reply_at) for h in handoffs) if m is not None]
    handling = [m for m in (minutes(h.claimed_at, h.resolved_at) for h in handoffs) if m is not None]
    resolution = [m for m in (minutes(h.created_at, h.resolved_at) for h in handoffs) if m is not None]
    resolved = [h for h in handoffs if h.resolved_at is not None
                and now - h.resolved_at.timestamp() >= REOPEN_SECONDS]
    later = {}
    for h in handoffs:
        later.setdefault(h.conversation_id, []).append(h.created_at)
    reopened = [h for h in resolved if any(h.resolved_at < t <= h.resolved_at + dt.timedelta(seconds=REOPEN_SECONDS)
                                           for t in later.get(h.conversation_id, []))]
    values = [r.rating for r in ratings]
    return {
        "conversations": len(conversations),
        "conversations_over": len(over),
        "containment_rate": _rate(sum(c.contained for c in over), len(over)),
        "escalation_rate": _rate(sum(c.handed_off for c in over), len(over)),
        "escalation_rate_by_reason": {reason: _rate(count, len(over)) for reason, count in sorted(reasons.items())},
        "abandonment_rate": _rate(sum(c.abandoned for c in over), len(over)),
        "fallback_rate": _rate(sum(c.fallback_turns for c in conversations), turns),
        "knowledge_abstain_rate": _rate(sum(c.knowledge_abstained for c in conversations), knowledge),
        "involvement_rate": involvement,
        "hard_resolution_rate": _rate(sum(c.confirmed for c in involved), len(involved)),
        "soft_resolution_rate": soft_rate,
        "automation_rate": round(involvement * soft_rate, 4) if involvement is not None and soft_rate is not None
        else None,
        "csat_mean": round(statistics.mean(values), 3) if values else None,
        "csat_top2_share": _rate(sum(1 for v in values if v >= 4), len(values)),
        "csat_response_rate": _rate(len(values), surveys),
        "bot_response_ms_p50": _percentile(response, 0.5),
        "bot_response_ms_p95": _percentile(response, 0.95),
        "first_human_reply_business_minutes_p50": _percentile(first_reply, 0.5),
        "handling_business_minutes_p50": _percentile(handling, 0.5),
        "resolution_business_minutes_p50": _percentile(resolution, 0.5),
        "reopened_within_7_days_rate": _rate(len(reopened), len(resolved)),
    }


def compute_kpis(conversations: Sequence[Conversation], handoffs: Iterable[HandoffTiming],
                 ratings: Iterable[Rating], hours: Any, now: float) -> Dict[str, Any]:
    """KPIs overall, per channel and per day (``by_day`` -> day -> overall and per channel)."""
    by_id: Dict[str, List[Conversation]] = {}
    for conversation in sorted(conversations, key=lambda c: c.started):
        by_id.setdefault(conversation.conversation_id, []).append(conversation)
    next_starts: Dict[int, Optional[float]] = {}
    for sessions in by_id.values():
        for index, conversation in enumerate(sessions):
            next_starts[id(conversation)] = sessions[index + 1].started if index + 1 < len(sessions) else None
    counted = {c.conversation_id for c in conversations}
    handoffs = [h for h in handoffs if h.conversation_id in counted]
    ratings = [r for r in ratings if r.conversation_id in counted]
    channel_of = {c.conversation_id: c.channel for c in conversations}

    def day_of(moment: dt.datetime) -> str:
        return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d")

    def section(keep_conversation: Any, keep_time: Any) -> Dict[str, Any]:
        chosen = [c for c in conversations if keep_conversation(c)]
        return _group(chosen, [h for h in handoffs if keep_time(h.conversation_id, h.created_at)],
                      [r for r in ratings if keep_time(r.conversation_id, r.created_at)], next_starts, hours, now)

    channels = sorted({c.channel for c in conversations})
    days = sorted({c.day for c in conversations})
    return {
        "overall": section(lambda c: True, lambda conversation_id, moment: True),
        "by_channel": {ch: section(lambda c, ch=ch: c.channel == ch,
                                   lambda conversation_id, moment, ch=ch: channel_of.get(conversation_id) == ch)
                       for ch in channels},
        "by_day": {day: {"overall": section(lambda c, day=day: c.day == day,
                                            lambda conversation_id, moment, day=day: day_of(moment) == day),
                         "by_channel": {ch: section(
                             lambda c, day=day, ch=ch: c.day == day and c.channel == ch,
                             lambda conversation_id, moment, day=day, ch=ch: day_of(moment) == day
                             and channel_of.get(conversation_id) == ch)
                             for ch in channels}}
                   for day in days},
    }
