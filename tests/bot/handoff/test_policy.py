"""handoff.yml: validation errors name key and fix; business hours follow docs/company.md."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import yaml

from bot.handoff.policy import HANDOFF_YML, HandoffPolicyError, load_policy, parse_policy

ET = dt.timezone(dt.timedelta(hours=-5))  # Eastern Standard Time (late November .. March)


def raw() -> dict:
    return yaml.safe_load(HANDOFF_YML.read_text(encoding="utf-8"))


def test_repository_policy_is_valid(policy) -> None:
    reasons = [rule.reason for rule in policy.escalation]
    assert reasons[:3] == ["account_security", "account_security", "legal_threat"]
    # a plain request for a person comes after every specific reason (docs/handoff.md)
    assert reasons.index("customer_request") > reasons.index("keyword")
    assert policy.label("legal_threat") == "Legal threat"
    assert policy.claim_timeout == dt.timedelta(minutes=10)


@pytest.mark.parametrize("moment, open_", [
    (dt.datetime(2026, 11, 30, 7, 59, tzinfo=ET), False),   # Monday before 8 am
    (dt.datetime(2026, 11, 30, 8, 0, tzinfo=ET), True),     # Monday 8 am
    (dt.datetime(2026, 11, 30, 19, 59, tzinfo=ET), True),
    (dt.datetime(2026, 11, 30, 20, 0, tzinfo=ET), False),   # Monday 8 pm: closed
    (dt.datetime(2026, 12, 5, 9, 30, tzinfo=ET), True),     # Saturday 9 am-5 pm
    (dt.datetime(2026, 12, 5, 17, 0, tzinfo=ET), False),
    (dt.datetime(2026, 12, 6, 12, 0, tzinfo=ET), False),    # Sunday closed
    (dt.datetime(2026, 12, 25, 12, 0, tzinfo=ET), False),   # Christmas Day (a Friday)
])
def test_business_hours(policy, moment: dt.datetime, open_: bool) -> None:
    assert policy.hours.is_open(moment) is open_


def test_answer_by_names_the_next_opening(policy) -> None:
    saturday_evening = dt.datetime(2026, 12, 5, 18, 0, tzinfo=ET)
    assert policy.hours.answer_by(saturday_evening) == "Monday at 8 am Eastern"
    friday_night = dt.datetime(2026, 12, 4, 21, 0, tzinfo=ET)
    assert policy.hours.answer_by(friday_night) == "tomorrow at 9 am Eastern"
    monday_noon = dt.datetime(2026, 11, 30, 12, 0, tzinfo=ET)
    assert policy.hours.answer_by(monday_noon) == "today before 8 pm Eastern"


def test_nobody_on_shift_means_no_live_handoff(policy, monkeypatch: pytest.MonkeyPatch) -> None:
    monday_noon = dt.datetime(2026, 11, 30, 12, 0, tzinfo=ET)
    assert policy.live_available(monday_noon)
    monkeypatch.setenv("SWITCHBOARD_HANDOFF_ON_SHIFT", "")
    assert not policy.live_available(monday_noon)
    monkeypatch.setenv("SWITCHBOARD_HANDOFF_ON_SHIFT", "U1, U2")
    assert policy.agents_on_shift() == ("U1", "U2")


@pytest.mark.parametrize("change, message", [
    (lambda r: r["slack"].update(mask_customer_ids="some"), "slack.mask_customer_ids: got 'some'; use one of none"),
    (lambda r: r["hours"]["weekly"].update(mon="8-20"), 'hours.weekly.mon: got \'8-20\'; write "HH:MM-HH:MM"'),
    (lambda r: r["hours"]["weekly"].update(tue="20:00-08:00"), "closing time must come after"),
    (lambda r: r["hours"].update(timezone="Mars/Olympus"), "hours.timezone: got 'Mars/Olympus'; use an IANA"),
    (lambda r: r["queue"].update(claim_timeout_minutes="ten"), "queue.claim_timeout_minutes: got 'ten'; expected a number"),
    (lambda r: r["escalation"][3]["when"].update(refund_amount_over=-5), "escalation[3].when.refund_amount_over"),
    (lambda r: r["escalation"][0]["when"].update(mood="sad"), "escalation[0].when.mood: got 'sad'; unknown key"),
    (lambda r: r["escalation"][2]["when"].update(patterns=["(unclosed"]), "escalation[2].when.patterns[0]"),
    (lambda r: r["escalation"][0].update(reason="Customer Request"), "escalation[0].reason"),
    (lambda r: r["messages"].update(live="You are {place} in line"), "messages.live"),
    (lambda r: r.pop("agents"), "agents: got None; this key is required"),
])
def test_invalid_policies_name_key_and_fix(change, message: str) -> None:
    broken = copy.deepcopy(raw())
    change(broken)
    with pytest.raises(HandoffPolicyError) as error:
        parse_policy(broken, source="handoff.yml")
    assert message in str(error.value)
    assert str(error.value).startswith("handoff.yml: ")


def test_missing_file(tmp_path) -> None:
    with pytest.raises(HandoffPolicyError, match="file not found"):
        load_policy(tmp_path / "nope.yml")
