"""Escalation rules: does this conversation go to a person now, and why?

Works on Rasa tracker events as plain dicts (the JSON of ``GET /tracker``, or
``event.as_dict()`` inside the Rasa server), so the same decision is taken by the
Rasa-side policy (which predicts ``action_handoff``) and by the action (which stores
the reason code). Only events after the last ``handoff_active`` slot event count:
every handoff (live or queued) writes that slot, so counters restart after it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional, Sequence

from bot.handoff.policy import EscalationRule, HandoffPolicy

HANDOFF_SLOT = "handoff_active"
FALLBACK_INTENT = "nlu_fallback"
KNOWLEDGE_ACTION = "action_answer_question"
ABSTAINED_SLOT = "knowledge_abstained"

Event = Mapping[str, Any]


@dataclass(frozen=True)
class Escalation:
    """A rule that fired: its reason code, the label agents see, and what matched.

    ``explicit`` is true when the rule matched the customer's own words (keywords, patterns, a
    refund amount) rather than only the NLU's intent, a sentiment score or a counter: such a
    handoff ends an open form at once, while the others let the form take the message first.
    """

    reason: str
    label: str
    detail: str
    explicit: bool = False


# --------------------------------------------------------------------------- sentiment

# A small valence lexicon (-1 very negative .. +1 very positive) for customer-service text.
LEXICON: dict[str, float] = {
    "worst": -1.0, "terrible": -0.9, "horrible": -0.9, "awful": -0.9, "disgusting": -0.9, "disgraceful": -0.9,
    "furious": -0.9, "scam": -0.9, "scammed": -0.9, "hate": -0.9, "incompetent": -0.9, "pathetic": -0.9,
    "outrageous": -0.9, "appalling": -0.9, "shameful": -0.8, "unacceptable": -0.8, "useless": -0.8,
    "rubbish": -0.8, "garbage": -0.8, "livid": -0.9, "fed up": -0.8, "sick of": -0.8, "never again": -0.8,
    "ridiculous": -0.7, "angry": -0.7, "rude": -0.7, "nightmare": -0.8, "disaster": -0.8, "liars": -0.8,
    "lied": -0.7, "ripped off": -0.9, "rip off": -0.9, "ripoff": -0.9, "waste": -0.6, "joke": -0.5,
    "disappointed": -0.6, "disappointing": -0.6, "frustrated": -0.6, "frustrating": -0.6, "annoyed": -0.5,
    "upset": -0.6, "unhappy": -0.6, "bad": -0.5, "poor": -0.5, "broken": -0.5, "damaged": -0.5, "wrong": -0.4,
    "missing": -0.3, "late": -0.3, "slow": -0.3, "delayed": -0.3, "problem": -0.3, "issue": -0.2,
    "good": 0.5, "great": 0.8, "excellent": 0.9, "amazing": 0.9, "love": 0.8, "lovely": 0.7, "happy": 0.6,
    "thanks": 0.4, "thank": 0.4, "helpful": 0.6, "perfect": 0.9, "nice": 0.5, "fine": 0.2, "quick": 0.4,
    "fast": 0.4, "pleased": 0.6, "satisfied": 0.6,
}
NEGATIONS = frozenset({"not", "no", "never", "isn't", "wasn't", "aren't", "don't", "doesn't", "didn't", "can't",
                       "cannot", "won't", "hardly", "without"})
INTENSIFIERS: dict[str, float] = {"very": 1.4, "so": 1.3, "really": 1.3, "extremely": 1.6, "absolutely": 1.6,
                                  "totally": 1.4, "completely": 1.5, "utterly": 1.6, "incredibly": 1.5,
                                  "beyond": 1.5, "most": 1.3}
_WORD = re.compile(r"[a-z']+|!")
_ALPHA = 2.0  # normalisation constant: score = s / sqrt(s^2 + alpha), as in VADER


def sentiment(text: str) -> float:
    """A lexicon-based sentiment score from -1 (very negative) to 1 (very positive).

    Handles two-word phrases ("fed up"), negation within the three preceding words
    ("not good"), intensifiers ("absolutely awful"), shouting (ALL CAPS words) and
    exclamation marks. Deterministic and fast; meant for routing, not analytics.
    """
    raw = str(text or "").replace("\u2019", "'")
    shouted = {word.lower() for word in re.findall(r"\b[A-Z]{3,}\b", raw)}
    tokens = _WORD.findall(raw.lower())
    words = [t for t in tokens if t != "!"]
    total = 0.0
    index = 0
    while index < len(words):
        pair = " ".join(words[index:index + 2])
        if pair in LEXICON and index + 1 < len(words):
            valence, width = LEXICON[pair], 2
        elif words[index] in LEXICON:
            valence, width = LEXICON[words[index]], 1
        else:
            index += 1
            continue
        previous = words[max(0, index - 3):index]
        if previous and previous[-1] in INTENSIFIERS:
            valence *= INTENSIFIERS[previous[-1]]
        if any(word in NEGATIONS for word in previous):
            valence *= -0.5
        if words[index] in shouted:
            valence *= 1.3
        total += valence
        index += width
    if total < 0:
        total -= 0.15 * min(tokens.count("!"), 3)
    elif total > 0:
        total += 0.15 * min(tokens.count("!"), 3)
    return total / math.sqrt(total * total + _ALPHA) if total else 0.0


# --------------------------------------------------------------------------- amounts

_REFUND_WORDS = re.compile(r"\b(refund|refunds|refunded|money back|reimburse|reimbursement|compensation)\b", re.I)
_AMOUNT = re.compile(
    r"(?:\$|usd\s?)\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?"
    r"|(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s?(?:dollars|bucks|usd|\$)",
    re.I,
)


def refund_amount(text: str) -> Optional[float]:
    """The largest dollar amount in a message that talks about a refund, else None."""
    text = str(text or "")
    if not _REFUND_WORDS.search(text):
        return None
    amounts = []
    for match in _AMOUNT.finditer(text):
        whole = match.group(1) or match.group(3)
        cents = match.group(2) or match.group(4) or "0"
        amounts.append(float(whole.replace(",", "")) + float(f"0.{cents}"))
    return max(amounts) if amounts else None


# --------------------------------------------------------------------------- tracker reading


def events_since_last_handoff(events: Sequence[Event]) -> list[Event]:
    """The events after the last ``handoff_active`` slot event (all events when there is none)."""
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if event.get("event") == "slot" and event.get("name") == HANDOFF_SLOT:
            return list(events[index + 1:])
    return list(events)


def latest_user_event(events: Sequence[Event]) -> Optional[Event]:
    """The most recent ``user`` event, or None."""
    for event in reversed(events):
        if event.get("event") == "user":
            return event
    return None


def intent_of(event: Optional[Event]) -> Optional[str]:
    """The intent name Rasa predicted for a ``user`` event."""
    if not event:
        return None
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def fallbacks_in_a_row(events: Sequence[Event]) -> int:
    """How many of the latest user messages in a row were not understood."""
    count = 0
    for event in reversed(events):
        if event.get("event") != "user":
            continue
        if intent_of(event) != FALLBACK_INTENT:
            break
        count += 1
    return count


def abstentions_in_a_row(events: Sequence[Event]) -> int:
    """How many of the knowledge action's latest runs in a row ended in an abstention."""
    runs: list[bool] = []
    for event in events:
        if event.get("event") == "action" and event.get("name") == KNOWLEDGE_ACTION:
            runs.append(False)
        elif event.get("event") == "slot" and event.get("name") == ABSTAINED_SLOT and runs and event.get("value"):
            runs[-1] = True
    count = 0
    for abstained in reversed(runs):
        if not abstained:
            break
        count += 1
    return count


# --------------------------------------------------------------------------- evaluation


def _phrase_in(phrase: str, text: str) -> bool:
    return re.search(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])", text) is not None


def _matches(rule: EscalationRule, text: str, intent: Optional[str], events: Sequence[Event]) -> Optional[str]:
    """What made ``rule`` match, or None when one of its conditions does not hold."""
    when = rule.when
    details: list[str] = []
    lowered = text.lower().replace("\u2019", "'")
    if when.intents:
        if intent not in when.intents:
            return None
        details.append(f"intent {intent}")
    if when.keywords:
        found = next((k for k in when.keywords if _phrase_in(k, lowered)), None)
        if found is None:
            return None
        details.append(f'keyword "{found}"')
    if when.patterns:
        hit = next((p for p in when.patterns if re.search(p, lowered, re.IGNORECASE)), None)
        if hit is None:
            return None
        details.append("legal wording" if rule.reason == "legal_threat" else "pattern")
    if when.refund_amount_over is not None:
        amount = refund_amount(text)
        if amount is None or amount <= when.refund_amount_over:
            return None
        details.append(f"refund ${amount:,.2f} over ${when.refund_amount_over:,.0f}")
    if when.sentiment_below is not None:
        score = sentiment(text)
        if score >= when.sentiment_below:
            return None
        details.append(f"sentiment {score:.2f}")
    if when.fallbacks_in_a_row is not None:
        count = fallbacks_in_a_row(events)
        if count < when.fallbacks_in_a_row:
            return None
        details.append(f"{count} misunderstandings in a row")
    if when.abstentions_in_a_row is not None:
        count = abstentions_in_a_row(events)
        if count < when.abstentions_in_a_row:
            return None
        details.append(f"{count} unanswered questions in a row")
    return ", ".join(details)


def evaluate(events: Iterable[Event], policy: HandoffPolicy) -> Optional[Escalation]:
    """The first escalation rule of ``policy`` that matches the conversation now, or None.

    Message conditions (intents, keywords, patterns, amounts, sentiment) look at the
    latest customer message; counters look at the events since the last handoff.
    """
    recent = events_since_last_handoff(list(events))
    message = latest_user_event(recent)
    text = str((message or {}).get("text") or "")
    intent = intent_of(message)
    for rule in policy.escalation:
        message_rule = bool(rule.when.intents or rule.when.keywords or rule.when.patterns
                            or rule.when.refund_amount_over is not None or rule.when.sentiment_below is not None)
        if message_rule and message is None:
            continue
        detail = _matches(rule, text, intent, recent)
        if detail is not None:
            explicit = bool(rule.when.keywords or rule.when.patterns or rule.when.refund_amount_over is not None)
            return Escalation(reason=rule.reason, label=rule.label, detail=detail, explicit=explicit)
    return None
