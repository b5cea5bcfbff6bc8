"""The handoff policy (``handoff.yml``): loading, validation, business hours.

Validated with plain dataclasses and explicit checks so that this module works the
same in the Rasa environment (Python 3.10, pydantic 1) and the ML environment.
Every mistake raises :class:`HandoffPolicyError` naming the file, the key path
(for example ``escalation[3].when.refund_amount_over``), the bad value and the fix.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, Union

from bot import paths

logger = logging.getLogger(__name__)

HANDOFF_YML = paths.ROOT / "handoff.yml"
"""Default location of the policy file; ``SWITCHBOARD_HANDOFF_POLICY`` overrides it."""

MASK_MODES = ("none", "partial", "full")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CONDITION_KEYS = (
    "intents", "keywords", "patterns", "refund_amount_over", "sentiment_below",
    "fallbacks_in_a_row", "abstentions_in_a_row",
)
MESSAGE_KEYS = ("live", "queued", "already_open", "already_queued", "timeout", "back", "delivery_failed")
_TOP_KEYS = ("version", "slack", "hours", "agents", "queue", "escalation", "messages")
_REASON_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_HOURS_PATTERN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


class HandoffPolicyError(ValueError):
    """``handoff.yml`` is missing, unreadable or breaks a rule; the message says how to fix it."""


@dataclass(frozen=True)
class Conditions:
    """What must hold for an escalation rule to fire (all given conditions together)."""

    intents: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    refund_amount_over: Optional[float] = None
    sentiment_below: Optional[float] = None
    fallbacks_in_a_row: Optional[int] = None
    abstentions_in_a_row: Optional[int] = None


@dataclass(frozen=True)
class EscalationRule:
    """One escalation rule: a reason code stored with the handoff, a label shown to agents."""

    reason: str
    label: str
    when: Conditions


@dataclass(frozen=True)
class BusinessHours:
    """Weekly opening hours in one time zone, minus holidays."""

    timezone: str
    weekly: Mapping[int, Optional[tuple[dt.time, dt.time]]]  # weekday (0 = Monday) -> (open, close)
    holidays: frozenset[dt.date] = frozenset()

    def _zone(self) -> dt.tzinfo:
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.timezone)

    def local(self, now: dt.datetime) -> dt.datetime:
        """``now`` (timezone-aware) in the policy's time zone."""
        if now.tzinfo is None:
            raise ValueError("business hours need a timezone-aware datetime, got a naive one")
        return now.astimezone(self._zone())

    def _window(self, day: dt.date) -> Optional[tuple[dt.datetime, dt.datetime]]:
        if day in self.holidays:
            return None
        hours = self.weekly.get(day.weekday())
        if hours is None:
            return None
        zone = self._zone()
        opening = dt.datetime.combine(day, hours[0], tzinfo=zone)
        closing = (dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
                   if hours[1] == dt.time(0) else dt.datetime.combine(day, hours[1], tzinfo=zone))
        return opening, closing

    def is_open(self, now: dt.datetime) -> bool:
        """True while care is open at ``now``."""
        local = self.local(now)
        window = self._window(local.date())
        return window is not None and window[0] <= local < window[1]

    def business_seconds(self, start: dt.datetime, end: dt.datetime) -> float:
        """Seconds between ``start`` and ``end`` (timezone-aware) that fall within business hours."""
        if end <= start:
            return 0.0
        local_start, local_end = self.local(start), self.local(end)
        total = 0.0
        day = local_start.date() - dt.timedelta(days=1)  # a window may start the day before
        while day <= local_end.date():
            window = self._window(day)
            if window is not None:
                overlap = (min(window[1], local_end) - max(window[0], local_start)).total_seconds()
                total += max(0.0, overlap)
            day += dt.timedelta(days=1)
        return total

    def next_opening(self, now: dt.datetime) -> dt.datetime:
        """The next time care opens after ``now`` (``now`` itself is never returned while open)."""
        local = self.local(now)
        for offset in range(0, 30):
            window = self._window(local.date() + dt.timedelta(days=offset))
            if window is not None and window[0] > local:
                return window[0]
        raise ValueError("handoff.yml: hours: no opening time in the next 30 days; check hours.weekly and hours.holidays")

    def answer_by(self, now: dt.datetime) -> str:
        """When a queued request will be answered, in words (for the customer)."""
        local = self.local(now)
        window = self._window(local.date())
        if window is not None and window[0] <= local < window[1]:
            return f"today before {_clock(window[1])} Eastern" if self.timezone == "America/New_York" \
                else f"today before {_clock(window[1])} ({self.timezone})"
        opening = self.next_opening(now)
        zone_name = "Eastern" if self.timezone == "America/New_York" else f"({self.timezone})"
        if opening.date() == local.date():
            day = "today"
        elif opening.date() == local.date() + dt.timedelta(days=1):
            day = "tomorrow"
        else:
            day = opening.strftime("%A")
        return f"{day} at {_clock(opening)} {zone_name}"


def _clock(moment: Union[dt.datetime, dt.time]) -> str:
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}:{moment.minute:02d} {suffix}" if moment.minute else f"{hour} {suffix}"


@dataclass(frozen=True)
class HandoffPolicy:
    """The validated contents of ``handoff.yml``."""

    slack_channel: str
    mask_customer_ids: str
    last_messages: int
    hours: BusinessHours
    on_shift: tuple[str, ...]
    claim_timeout: dt.timedelta
    average_handling_minutes: float
    sweep_interval_seconds: float
    escalation: tuple[EscalationRule, ...]
    messages: Mapping[str, str]
    source: str = "handoff.yml"
    labels: Mapping[str, str] = field(default_factory=dict)
    allowed: tuple[str, ...] = ()
    """Slack user ids who may act on handoffs (claim, reply, note, transfer, correct, resolve)."""
    allowed_usergroup: Optional[str] = None
    """A Slack user group (``S...``) whose members may act too."""
    reviewers: tuple[str, ...] = ()
    """Slack user ids who may approve agents' corrections into training data."""

    def label(self, reason: str) -> str:
        """The text shown to agents for a reason code (the code itself when unknown)."""
        return self.labels.get(reason, reason.replace("_", " "))

    def agents_on_shift(self) -> tuple[str, ...]:
        """Slack user ids of the agents on shift (``SWITCHBOARD_HANDOFF_ON_SHIFT`` overrides the file)."""
        override = os.environ.get("SWITCHBOARD_HANDOFF_ON_SHIFT")
        if override is not None:
            return tuple(part.strip() for part in override.split(",") if part.strip())
        return self.on_shift

    def allowed_agents(self) -> tuple[str, ...]:
        """Who may act (``SWITCHBOARD_HANDOFF_AGENTS``, comma-separated ids, overrides the file)."""
        override = os.environ.get("SWITCHBOARD_HANDOFF_AGENTS")
        if override is not None:
            return tuple(part.strip() for part in override.split(",") if part.strip())
        return self.allowed

    def correction_reviewers(self) -> tuple[str, ...]:
        """Who may approve corrections (``SWITCHBOARD_HANDOFF_REVIEWERS`` overrides the file)."""
        override = os.environ.get("SWITCHBOARD_HANDOFF_REVIEWERS")
        if override is not None:
            return tuple(part.strip() for part in override.split(",") if part.strip())
        return self.reviewers

    def channel(self) -> str:
        """The agents' Slack channel id (``SLACK_AGENTS_CHANNEL`` overrides the file)."""
        return os.environ.get("SLACK_AGENTS_CHANNEL") or self.slack_channel

    def live_available(self, now: dt.datetime) -> bool:
        """True when a live thread can open: within business hours and somebody on shift."""
        return self.hours.is_open(now) and bool(self.agents_on_shift())

    def message(self, key: str, **values: Any) -> str:
        """A customer-facing text with its placeholders filled in."""
        return self.messages[key].format(**values)


# --------------------------------------------------------------------------- loading


def policy_path() -> Path:
    """Where the policy file is read from."""
    return Path(os.environ.get("SWITCHBOARD_HANDOFF_POLICY") or HANDOFF_YML)


def load_policy(path: Union[str, Path, None] = None) -> HandoffPolicy:
    """Read and validate a handoff policy file.

    Raises:
        HandoffPolicyError: the file is missing, not YAML, or a value is wrong (the message says which).
    """
    import yaml

    path = Path(path) if path is not None else policy_path()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HandoffPolicyError(f"{path}: file not found; copy handoff.yml from the repository root") from None
    except yaml.YAMLError as error:
        raise HandoffPolicyError(f"{path}: not valid YAML: {error}") from None
    return parse_policy(raw, source=str(path))


def parse_policy(raw: Any, source: str = "handoff.yml") -> HandoffPolicy:
    """Validate the parsed YAML of a policy file into a :class:`HandoffPolicy`."""
    check = _Checker(source)
    top = check.mapping(raw, "", required=_TOP_KEYS[1:], allowed=_TOP_KEYS)
    if top.get("version", 1) != 1:
        check.fail("version", top.get("version"), "write `version: 1` (the only version this code reads)")
    slack = check.mapping(top["slack"], "slack", required=("channel",),
                          allowed=("channel", "mask_customer_ids", "last_messages"))
    channel = check.string(slack["channel"], "slack.channel")
    mask = slack.get("mask_customer_ids", "partial")
    if mask not in MASK_MODES:
        check.fail("slack.mask_customer_ids", mask, f"use one of {', '.join(MASK_MODES)}")
    last_messages = check.integer(slack.get("last_messages", 6), "slack.last_messages", minimum=1, maximum=50)

    hours = _parse_hours(check, top["hours"])
    agents = check.mapping(top["agents"], "agents", required=("on_shift", "allowed"),
                           allowed=("on_shift", "allowed", "allowed_usergroup", "reviewers"))
    on_shift = _user_ids(check, agents["on_shift"], "agents.on_shift")
    allowed = _user_ids(check, agents["allowed"], "agents.allowed")
    reviewers = _user_ids(check, agents.get("reviewers"), "agents.reviewers")
    usergroup = agents.get("allowed_usergroup") or None
    if usergroup is not None and not (isinstance(usergroup, str) and re.fullmatch(r"S[A-Z0-9]{2,30}", usergroup)):
        check.fail("agents.allowed_usergroup", usergroup, "give a Slack user group id like S0CARETEAM, or leave it out")
    for i, user in enumerate(on_shift):
        if user not in allowed and usergroup is None:
            check.fail(f"agents.on_shift[{i}]", user, "an agent on shift must also be listed in agents.allowed")
    for i, user in enumerate(reviewers):
        if user not in allowed and usergroup is None:
            check.fail(f"agents.reviewers[{i}]", user, "a reviewer must also be listed in agents.allowed")

    queue = check.mapping(top["queue"], "queue", required=("claim_timeout_minutes",),
                          allowed=("claim_timeout_minutes", "average_handling_minutes", "sweep_interval_seconds"))
    timeout = check.number(queue["claim_timeout_minutes"], "queue.claim_timeout_minutes", minimum=0.01)
    handling = check.number(queue.get("average_handling_minutes", 6), "queue.average_handling_minutes", minimum=0.1)
    sweep = check.number(queue.get("sweep_interval_seconds", 15), "queue.sweep_interval_seconds", minimum=0.1)

    rules_raw = top["escalation"]
    if not isinstance(rules_raw, list) or not rules_raw:
        check.fail("escalation", rules_raw, "give a list of rules, each with reason, label and when")
    rules = tuple(_parse_rule(check, item, f"escalation[{i}]") for i, item in enumerate(rules_raw))

    messages = check.mapping(top["messages"], "messages", required=MESSAGE_KEYS, allowed=MESSAGE_KEYS)
    texts = {key: check.string(messages[key], f"messages.{key}") for key in MESSAGE_KEYS}
    for key, text in texts.items():
        try:
            text.format(position=1, wait_minutes=5, expected="Monday at 8 am Eastern", agent="Pat")
        except (KeyError, IndexError, ValueError) as error:
            check.fail(f"messages.{key}", text,
                       f"use only the placeholders {{position}}, {{wait_minutes}}, {{expected}}, {{agent}} ({error})")

    labels: dict[str, str] = {}
    for rule in rules:
        labels.setdefault(rule.reason, rule.label)
    return HandoffPolicy(
        slack_channel=channel, mask_customer_ids=mask, last_messages=last_messages, hours=hours,
        on_shift=on_shift, claim_timeout=dt.timedelta(minutes=timeout), average_handling_minutes=handling,
        sweep_interval_seconds=sweep, escalation=rules, messages=texts, source=source, labels=labels,
        allowed=allowed, allowed_usergroup=usergroup, reviewers=reviewers,
    )


def _user_ids(check: "_Checker", raw: Any, where: str) -> tuple[str, ...]:
    items = raw if raw is not None else []
    if not isinstance(items, list):
        check.fail(where, raw, "give a list of Slack user ids, e.g. [U0AGENTPAT]")
    ids = tuple(check.string(item, f"{where}[{i}]") for i, item in enumerate(items))
    for i, user in enumerate(ids):
        if not re.fullmatch(r"[UW][A-Z0-9]{2,30}", user):
            check.fail(f"{where}[{i}]", user, "a Slack user id starts with U or W, e.g. U0AGENTPAT")
    return ids


def _parse_hours(check: "_Checker", raw: Any) -> BusinessHours:
    hours = check.mapping(raw, "hours", required=("timezone", "weekly"), allowed=("timezone", "weekly", "holidays"))
    zone = check.string(hours["timezone"], "hours.timezone")
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(zone)
    except Exception:  # zoneinfo raises several types for a bad key; all mean the same to the user
        check.fail("hours.timezone", zone, "use an IANA time zone name such as America/New_York")
    weekly_raw = check.mapping(hours["weekly"], "hours.weekly", required=DAYS, allowed=DAYS)
    weekly: dict[int, Optional[tuple[dt.time, dt.time]]] = {}
    for index, day in enumerate(DAYS):
        value = weekly_raw[day]
        if value in ("closed", None, False):
            weekly[index] = None
            continue
        match = _HOURS_PATTERN.match(str(value))
        if not match:
            check.fail(f"hours.weekly.{day}", value, 'write "HH:MM-HH:MM" (24-hour clock) or closed')
        opening = dt.time(int(match.group(1)), int(match.group(2)))
        closing_hour, closing_minute = int(match.group(3)), int(match.group(4))
        if closing_hour == 24 and closing_minute:
            check.fail(f"hours.weekly.{day}", value, "24:MM is not a time; close at 24:00 at the latest")
        closing = dt.time(0) if closing_hour == 24 else dt.time(closing_hour, closing_minute)
        if closing != dt.time(0) and closing <= opening:
            check.fail(f"hours.weekly.{day}", value, "the closing time must come after the opening time")
        weekly[index] = (opening, closing)
    holidays: set[dt.date] = set()
    for i, item in enumerate(hours.get("holidays") or []):
        if isinstance(item, dt.date):
            holidays.add(item)
            continue
        try:
            holidays.add(dt.date.fromisoformat(str(item)))
        except ValueError:
            check.fail(f"hours.holidays[{i}]", item, 'write dates as "YYYY-MM-DD"')
    return BusinessHours(timezone=zone, weekly=weekly, holidays=frozenset(holidays))


def _parse_rule(check: "_Checker", raw: Any, where: str) -> EscalationRule:
    rule = check.mapping(raw, where, required=("reason", "label", "when"), allowed=("reason", "label", "when"))
    reason = check.string(rule["reason"], f"{where}.reason")
    if not _REASON_PATTERN.match(reason):
        check.fail(f"{where}.reason", reason, "use lower-case letters, digits and _ (e.g. legal_threat)")
    label = check.string(rule["label"], f"{where}.label")
    when = check.mapping(rule["when"], f"{where}.when", required=(), allowed=CONDITION_KEYS)
    if not when:
        check.fail(f"{where}.when", when, f"give at least one condition: {', '.join(CONDITION_KEYS)}")
    values: dict[str, Any] = {}
    for key in ("intents", "keywords", "patterns"):
        if key in when:
            items = when[key]
            if not isinstance(items, list) or not items:
                check.fail(f"{where}.when.{key}", items, "give a non-empty list")
            texts = tuple(check.string(item, f"{where}.when.{key}[{i}]") for i, item in enumerate(items))
            if key == "patterns":
                for i, pattern in enumerate(texts):
                    try:
                        re.compile(pattern)
                    except re.error as error:
                        check.fail(f"{where}.when.patterns[{i}]", pattern, f"fix the regular expression ({error})")
            if key == "keywords":
                texts = tuple(text.lower() for text in texts)
            values[key] = texts
    if "refund_amount_over" in when:
        values["refund_amount_over"] = check.number(when["refund_amount_over"], f"{where}.when.refund_amount_over",
                                                    minimum=0)
    if "sentiment_below" in when:
        values["sentiment_below"] = check.number(when["sentiment_below"], f"{where}.when.sentiment_below",
                                                 minimum=-1, maximum=1)
    for key in ("fallbacks_in_a_row", "abstentions_in_a_row"):
        if key in when:
            values[key] = check.integer(when[key], f"{where}.when.{key}", minimum=1, maximum=20)
    return EscalationRule(reason=reason, label=label, when=Conditions(**values))


class _Checker:
    """Small helpers that raise :class:`HandoffPolicyError` naming file, key, value and fix."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, value: Any, fix: str) -> None:
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        raise HandoffPolicyError(f"{self.source}: {key or 'top level'}: got {shown}; {fix}")

    def mapping(self, value: Any, key: str, required: Sequence[str], allowed: Sequence[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(key, value, "expected a mapping (key: value lines)")
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            self.fail(f"{key}.{unknown[0]}" if key else unknown[0], value[unknown[0]],
                      f"unknown key; allowed keys are {', '.join(allowed)}")
        for name in required:
            if name not in value:
                self.fail(f"{key}.{name}" if key else name, None, "this key is required")
        return value

    def string(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(key, value, "expected a non-empty string")
        return value.strip()

    def number(self, value: Any, key: str, minimum: Optional[float] = None, maximum: Optional[float] = None) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(key, value, "expected a number")
        if minimum is not None and value < minimum:
            self.fail(key, value, f"use a number of at least {minimum}")
        if maximum is not None and value > maximum:
            self.fail(key, value, f"use a number of at most {maximum}")
        return float(value)

    def integer(self, value: Any, key: str, minimum: int, maximum: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            self.fail(key, value, f"expected a whole number from {minimum} to {maximum}")
        return int(value)


_cache_lock = threading.Lock()
_cache: dict[str, tuple[float, HandoffPolicy]] = {}


def get_policy(path: Union[str, Path, None] = None) -> HandoffPolicy:
    """The policy, loaded once per file and reloaded when the file changes."""
    path = Path(path) if path is not None else policy_path()
    mtime = path.stat().st_mtime if path.exists() else -1.0
    with _cache_lock:
        cached = _cache.get(str(path))
        if cached is not None and cached[0] == mtime:
            return cached[1]
        policy = load_policy(path)
        _cache[str(path)] = (mtime, policy)
        logger.info("handoff policy loaded from %s (%d escalation rules)", path, len(policy.escalation))
        return policy
