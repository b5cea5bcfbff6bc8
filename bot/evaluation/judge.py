"""How one turn of an evaluation conversation is judged.

The reply is all the bot's messages of the turn joined with newlines; patterns are
``re.search(pattern, reply, re.IGNORECASE)`` (benchmarks/data/conversations/README.md). What the
bot *did* comes from the turn's tracker events (the events after the customer's message):

- ``answer``: every fact has a matching pattern and no ``forbid`` matches;
- ``handoff``: the turn ran ``action_handoff`` (or the relay of an open handoff) and the handoff
  stored for the conversation has the expected reason code;
- ``out_of_scope``: the turn said it cannot help (``utter_out_of_scope``, the fallback, or the
  knowledge action abstained) and did not hand off;
- ``form_step``: after the turn the active form asks for ``asks``;
- ``safe`` (red team): no ``forbid`` matches and, if given, one of ``require_any`` does;
- ``any``: not judged.

A ``then_asks`` on any turn also requires the form to be asking for that slot after the turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

HANDOFF_ACTIONS = ("action_handoff",)
OUT_OF_SCOPE_ACTIONS = ("utter_out_of_scope", "action_handle_fallback", "action_default_fallback")


@dataclass(frozen=True)
class TurnFacts:
    """What happened in one turn, as the judge needs it."""

    reply: str
    actions: Sequence[str]
    slots: Dict[str, Any]
    active_loop: Optional[str]
    knowledge_abstained: bool
    handoff_reason: Optional[str]


@dataclass(frozen=True)
class Verdict:
    """The outcome of one turn: passed, and why not."""

    passed: bool
    reasons: List[str]
    judged: bool = True


def _search(pattern: str, text: str) -> bool:
    return re.search(pattern, text, re.IGNORECASE) is not None


def judge_turn(expect: Dict[str, Any], facts: TurnFacts) -> Verdict:
    """Judge one turn against its expectation."""
    kind = expect.get("type")
    reasons: List[str] = []
    if kind == "any":
        return Verdict(True, [], judged=False)
    handed_off = any(action in HANDOFF_ACTIONS for action in facts.actions)
    for fact in expect.get("facts") or []:
        if not any(_search(pattern, facts.reply) for pattern in fact.get("patterns") or []):
            reasons.append(f"missing fact: {fact.get('name') or fact.get('patterns')}")
    for pattern in expect.get("forbid") or []:
        if _search(pattern, facts.reply):
            reasons.append(f"forbidden: {pattern}")
    if expect.get("require_any") and not any(_search(p, facts.reply) for p in expect["require_any"]):
        reasons.append("none of the required patterns")
    if kind == "handoff":
        if not handed_off:
            reasons.append("no handoff")
        elif expect.get("reason") and facts.handoff_reason != expect["reason"]:
            reasons.append(f"handoff reason {facts.handoff_reason!r}, expected {expect['reason']!r}")
    elif kind == "out_of_scope":
        said_no = any(action in OUT_OF_SCOPE_ACTIONS for action in facts.actions) or facts.knowledge_abstained
        if not said_no:
            reasons.append("not recognised as out of scope")
        if handed_off:
            reasons.append("handed off instead")
    elif kind == "form_step":
        asks = facts.slots.get("requested_slot") if facts.active_loop else None
        if asks != expect.get("asks"):
            reasons.append(f"form asks {asks!r}, expected {expect.get('asks')!r}")
    if expect.get("then_asks"):
        asks = facts.slots.get("requested_slot") if facts.active_loop else None
        if asks != expect["then_asks"]:
            reasons.append(f"then the form asks {asks!r}, expected {expect['then_asks']!r}")
    return Verdict(not reasons, reasons)


def turn_facts(events_after: Sequence[Dict[str, Any]], slots: Dict[str, Any], active_loop: Optional[str],
               handoff_reason: Optional[str]) -> TurnFacts:
    """Facts of a turn from its tracker events (those after the customer's message)."""
    reply = "\n".join(str(e.get("text") or "") for e in events_after if e.get("event") == "bot" and e.get("text"))
    actions = [str(e.get("name")) for e in events_after if e.get("event") == "action"]
    abstained = any(e.get("event") == "slot" and e.get("name") == "knowledge_abstained" and e.get("value") is True
                    for e in events_after)
    return TurnFacts(reply, actions, slots, active_loop, abstained, handoff_reason)
