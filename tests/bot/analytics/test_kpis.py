"""KPIs of docs/monitoring.md on a small history whose every number is worked out by hand below."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.analytics.events import event_key, from_rasa
from bot.analytics.kpis import HandoffTiming, Rating, compute_kpis, conversations_from_events
from bot.analytics.store import AnalyticsStore
from bot.handoff.policy import BusinessHours

DAY = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc).timestamp()  # a Tuesday
HOURS = BusinessHours("UTC", {d: (dt.time(9), dt.time(17)) for d in range(5)}, frozenset())
NOW = DAY + 3 * 24 * 3600  # three days later: every conversation is over and 24 h have passed


def user(t: float, intent: str, text: str = "...", evaluation: bool = False) -> dict:
    return {"event": "user", "timestamp": DAY + t, "text": text, "parse_data": {"intent": {"name": intent}},
            "metadata": {"evaluation": True} if evaluation else {}}


def bot(t: float, text: str = "...", buttons: int = 0) -> dict:
    return {"event": "bot", "timestamp": DAY + t, "text": text, "data": {"buttons": [{}] * buttons}}


def action(t: float, name: str) -> dict:
    return {"event": "action", "timestamp": DAY + t, "name": name}


def slot(t: float, name: str, value) -> dict:
    return {"event": "slot", "timestamp": DAY + t, "name": name, "value": value}


def start(t: float) -> list:
    return [action(t, "action_session_start"), {"event": "session_started", "timestamp": DAY + t + 0.001}]


HISTORY = {
    # 1. answered from the knowledge base, the customer thanks the bot: contained, involved, confirmed
    "telegram:1": start(36000) + [user(36001, "greet"), bot(36001.5), user(36010, "ask_question"),
                                  action(36011, "action_answer_question"), slot(36011, "knowledge_abstained", False),
                                  bot(36012), user(36020, "thanks"), bot(36020.2)],
    # 2. the order form asks for the number and the customer never answers: abandoned
    "telegram:2": start(37000) + [user(37001, "order_status"), action(37001.2, "order_status_form"),
                                  slot(37001.2, "requested_slot", "order_number"), bot(37001.5)],
    # 3. asks for a person at once: handed off, not involved
    "sms:abc": start(38000) + [user(38001, "request_human"), action(38001.3, "action_handoff"), bot(38001.4)],
    # 4. evaluation traffic: never counted
    "rest:eval-1": start(39000) + [user(39001, "greet", evaluation=True), bot(39001.1)],
    # 5. a fallback, then a canned answer; the same customer comes back 2 hours later (session 2):
    #    not soft-resolved; session 2 asks about the knowledge base and the answer abstains, offering a person
    "telegram:3": start(40000) + [user(40001, "nlu_fallback"), action(40001.1, "action_handle_fallback"),
                                  bot(40002), user(40010, "shipping_info"), bot(40011)]
    + start(47200) + [user(47201, "ask_question"), action(47202, "action_answer_question"),
                      slot(47202, "knowledge_abstained", True), bot(47203, buttons=2)],
}


def conversations():
    events = {cid: [from_rasa(cid, e) for e in evs] for cid, evs in HISTORY.items()}
    return conversations_from_events({cid: [e for e in evs if e is not None] for cid, evs in events.items()}, NOW)


def test_conversations_are_cut_into_sessions_and_classified() -> None:
    found = {(c.conversation_id, c.started - DAY): c for c in conversations()}
    assert sorted(found) == [("sms:abc", 38001), ("telegram:1", 36001), ("telegram:2", 37001),
                             ("telegram:3", 40001), ("telegram:3", 47201)]
    assert found[("telegram:1", 36001)].contained and found[("telegram:1", 36001)].confirmed
    assert found[("telegram:2", 37001)].abandoned and not found[("telegram:2", 37001)].contained
    assert found[("sms:abc", 38001)].handed_off and not found[("sms:abc", 38001)].involved
    assert found[("telegram:3", 40001)].fallback_turns == 1 and found[("telegram:3", 40001)].contained
    assert found[("telegram:3", 47201)].abandoned  # the offer of a person (buttons) was never answered


def test_kpis_equal_the_hand_computed_values() -> None:
    handoffs = [HandoffTiming("sms:abc", "customer_request", dt.datetime.fromtimestamp(DAY + 38001, dt.timezone.utc),
                              claimed_at=dt.datetime.fromtimestamp(DAY + 38001 + 600, dt.timezone.utc),
                              resolved_at=dt.datetime.fromtimestamp(DAY + 38001 + 1800, dt.timezone.utc),
                              first_agent_reply_at=dt.datetime.fromtimestamp(DAY + 38001 + 720, dt.timezone.utc)),
                HandoffTiming("rest:eval-1", "keyword", dt.datetime.fromtimestamp(DAY + 39001, dt.timezone.utc),
                              None, None, None)]
    ratings = [Rating("telegram:1", 5, dt.datetime.fromtimestamp(DAY + 36030, dt.timezone.utc)),
               Rating("rest:eval-1", 1, dt.datetime.fromtimestamp(DAY + 39002, dt.timezone.utc))]
    overall = compute_kpis(conversations(), handoffs, ratings, HOURS, NOW)["overall"]
    # 5 conversations (evaluation traffic out); contained: telegram:1 and telegram:3's first session
    assert overall["conversations"] == 5
    assert overall["containment_rate"] == 0.4
    assert overall["escalation_rate"] == 0.2 and overall["escalation_rate_by_reason"] == {"customer_request": 0.2}
    assert overall["abandonment_rate"] == 0.4
    # customer turns: 3 + 1 + 1 + 2 + 1 = 8, one answered by a fallback
    assert overall["fallback_rate"] == round(1 / 8, 4)
    # knowledge answers: telegram:1 (answered) and telegram:3's second session (abstained)
    assert overall["knowledge_abstain_rate"] == 0.5
    # involved: all but the immediate handoff (4 of 5); confirmed: telegram:1 only
    assert overall["involvement_rate"] == 0.8 and overall["hard_resolution_rate"] == 0.25
    # soft: telegram:1 yes; telegram:2 abandoned; telegram:3 first session came back within 24 h; second abandoned
    assert overall["soft_resolution_rate"] == 0.25 and overall["automation_rate"] == 0.2
    assert (overall["csat_mean"], overall["csat_top2_share"]) == (5, 1.0)
    assert overall["csat_response_rate"] is None  # no survey was sent in this history
    # the handoff at 10:33 UTC on a Tuesday, within 09-17 business hours: 12, 20 and 30 minutes
    assert overall["first_human_reply_business_minutes_p50"] == 12.0
    assert overall["handling_business_minutes_p50"] == 20.0
    assert overall["resolution_business_minutes_p50"] == 30.0
    assert overall["reopened_within_7_days_rate"] is None  # the 7 days are not over yet
    # first reply to each customer message: 0.5, 2.0, 0.2 s (telegram:1), 0.5 (telegram:2), 0.4 (sms),
    # 1.0, 1.0 (telegram:3, first session), 2.0 (second): nearest-rank p50 0.5 s, p95 2.0 s
    assert (overall["bot_response_ms_p50"], overall["bot_response_ms_p95"]) == (500.0, 2000.0)
    by_channel = compute_kpis(conversations(), handoffs, ratings, HOURS, NOW)["by_channel"]
    assert set(by_channel) == {"telegram", "twilio_sms"}
    assert by_channel["twilio_sms"]["escalation_rate"] == 1.0 and by_channel["telegram"]["escalation_rate"] == 0.0


def test_business_hours_skip_nights_and_weekends() -> None:
    friday_4pm = dt.datetime(2026, 12, 4, 16, 0, tzinfo=dt.timezone.utc)
    monday_10am = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.timezone.utc)
    assert HOURS.business_seconds(friday_4pm, monday_10am) == 2 * 3600  # 16-17 Friday, 09-10 Monday


def test_the_store_keeps_each_event_once(tmp_path: Path) -> None:
    store = AnalyticsStore(f"sqlite:///{tmp_path / 'a.db'}")
    events = [from_rasa("telegram:1", e) for e in HISTORY["telegram:1"]]
    assert store.add(events, "source-a", 10) == len(events)
    assert store.add(events, "source-a", 20) == 0  # a replay counts once
    assert store.count() == len(events) and store.cursor("source-a") == 20
    assert event_key("telegram:1", HISTORY["telegram:1"][2]) != event_key("telegram:2", HISTORY["telegram:1"][2])
    store.add([from_rasa("rest:eval-1", e) for e in HISTORY["rest:eval-1"]])
    assert store.conversation_ids(DAY, NOW) == ["telegram:1"]  # evaluation traffic is left out
