"""`python -m bot migrate-conversation-ids`: stored conversations get channel-bound ids."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from bot import identity
from bot.cli import main
from bot.feedback import FeedbackStore
from bot.handoff.store import WAITING, HandoffStore
from bot.identity_migration import migrate
from connectors.sms_state import SmsStateStore

KEY = b"i" * 32
SCHEMA = """CREATE TABLE events (id INTEGER NOT NULL, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,
timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT, PRIMARY KEY (id))"""


def tracker_db(path: Path, conversations: dict[str, str | None]) -> Path:
    """A tracker store in Rasa's SQL schema: a session start and one user message per conversation."""
    db = sqlite3.connect(path)
    db.execute(SCHEMA)
    for sender, channel in conversations.items():
        db.execute("INSERT INTO events (sender_id, type_name, timestamp, action_name, data) VALUES (?, 'action', 1, "
                   "'action_session_start', ?)", (sender, json.dumps({"event": "action", "name": "action_session_start"})))
        user = {"event": "user", "text": "hi", "input_channel": channel, "message_id": "m1"}
        db.execute("INSERT INTO events (sender_id, type_name, timestamp, intent_name, data) VALUES (?, 'user', 2, "
                   "'greet', ?)", (sender, json.dumps(user)))
    db.commit()
    db.close()
    return path


def senders(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT DISTINCT sender_id FROM events")}


def test_every_channel_is_migrated_and_a_second_run_finds_nothing(tmp_path: Path) -> None:
    trackers = tracker_db(tmp_path / "tracker.db", {
        "700123": "telegram", "+15551230077": "twilio_sms", "U0CUST": "slack", "web-abc": "webchat",
        "tool-1": "rest", "mystery": None, "telegram:42": "telegram"})
    url = f"sqlite:///{tmp_path / 'switchboard.db'}"
    store = HandoffStore(url)
    handoff, _ = store.open("+15551230077", "twilio_sms", "+15551230077", WAITING, "customer_request")
    FeedbackStore(url).add("700123", "telegram", 5, "great")

    report = migrate(trackers, url, KEY, slack_team="T0001", sms_state=tmp_path / "sms.db")

    sms = identity.sms_pseudonym("+15551230077", KEY)
    assert senders(trackers) == {"telegram:700123", sms, "slack:T0001:U0CUST", "webchat:web-abc", "rest:tool-1",
                                 "mystery", "telegram:42"}
    assert report.skipped == {"mystery": "no user message says its channel (none)"}
    moved = store.get(handoff.id)
    assert (moved.conversation_id, moved.recipient_id) == (sms, sms)
    assert store.open_for(sms) is not None  # still the one open handoff of that conversation
    assert [f.rating for f in FeedbackStore(url).for_conversation("telegram:700123")] == [5]
    assert SmsStateStore(tmp_path / "sms.db").number_of(sms) == "+15551230077"  # replies still reach the phone
    assert "15551230077" not in report.summary()

    again = migrate(trackers, url, KEY, slack_team="T0001", sms_state=tmp_path / "sms.db")
    assert again.renamed == {} and set(again.skipped) == {"mystery"}


def test_slack_needs_its_team_and_a_taken_id_is_left_alone(tmp_path: Path) -> None:
    trackers = tracker_db(tmp_path / "tracker.db", {"U0CUST": "slack", "42": "telegram", "telegram:42": "telegram"})
    report = migrate(trackers, f"sqlite:///{tmp_path / 'p.db'}", KEY, dry_run=False)
    assert report.skipped == {"U0CUST": "a Slack conversation: give --slack-team",
                              "42": "its new id holds a conversation already"}
    assert senders(trackers) == {"U0CUST", "42", "telegram:42"}


def test_the_command_reports_and_refuses_bad_input(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("SWITCHBOARD_VAR_DIR", str(tmp_path))
    trackers = tracker_db(tmp_path / "tracker.db", {"700": "telegram"})
    assert main(["migrate-conversation-ids", "--tracker-db", str(trackers), "--dry-run"]) == 0
    assert "dry run: renamed 1 conversation(s) (telegram 1)" in capsys.readouterr().out
    assert senders(trackers) == {"700"}
    assert main(["migrate-conversation-ids", "--tracker-db", str(trackers)]) == 0
    assert senders(trackers) == {"telegram:700"}
    assert main(["migrate-conversation-ids", "--tracker-db", str(tmp_path / "missing.db")]) == 2
    assert "no such tracker database" in capsys.readouterr().err
