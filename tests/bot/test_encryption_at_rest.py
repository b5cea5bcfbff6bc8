"""Encryption at rest in every Switchboard store, and `python -m bot privacy rotate-key`.

Each store is written through its own API; the test then reads what an attacker holding a copy
of the database would read (the raw SQLite files, or the raw PostgreSQL columns) and checks that
the customer's words are not there, that the API reads them back, that rows written by a release
before encryption are still read, and that a rotation re-encrypts everything under a new key.
"""

from __future__ import annotations

import json
import socket
import sqlite3
from pathlib import Path
from typing import Any, Iterator

import pytest

from bot.cli import main
from bot.feedback import FeedbackStore
from bot.handoff.store import AGENT_REPLY, CUSTOMER, WAITING, HandoffStore
from bot.intake.store import InboxStore
from bot.security import crypto
from bot.security.crypto import FieldCipher, KeyRing
from bot.security.rotation import encrypted_fields, rotate
from connectors.sms_state import SmsStateStore, number_digest
from connectors.webchat_outbox import WebChatOutbox
from tests.support.raw_files import contains

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
SECRET = "Pat Doe, 12 Elm Street, card 4111 1111"
NUMBER = "+15550107788"
IDENTITY_KEY = b"i" * 32
EVENTS = """CREATE TABLE events (id INTEGER NOT NULL, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,
timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT, PRIMARY KEY (id))"""


def _postgres_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def data_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A key ring of this test's own, read by the stores' default cipher, re-read at once when it changes."""
    ring = tmp_path / "keys" / "data.key"
    monkeypatch.setenv("SWITCHBOARD_DATA_KEY_FILE", str(ring))
    monkeypatch.delenv("SWITCHBOARD_DATA_KEY", raising=False)
    monkeypatch.delenv("SWITCHBOARD_DATA_KEY_OLD", raising=False)
    monkeypatch.setattr(crypto, "RELOAD_SECONDS", 0.0)
    crypto.reset_data_cipher()
    yield ring
    crypto.reset_data_cipher()


def _drop_product_tables(url: str) -> None:
    import sqlalchemy as sa

    from bot.db import create_engine

    HandoffStore(url).drop_all()
    InboxStore(url).drop_all()
    engine = create_engine(url)
    for table in ("feedback", "analytics_events", "analytics_cursors"):
        sa.Table(table, sa.MetaData()).drop(engine, checkfirst=True)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def product_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The product database on a SQLite file and on the local PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'switchboard.db'}"
        return
    if not _postgres_running():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    _drop_product_tables(POSTGRES_URL)
    yield POSTGRES_URL
    _drop_product_tables(POSTGRES_URL)


def raw_values(url: str, table: str) -> list[Any]:
    """Every value of every row of ``table``, as stored."""
    import sqlalchemy as sa

    from bot.db import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text(f"SELECT * FROM {table}")).all()  # test tables only
    finally:
        engine.dispose()
    return [value for row in rows for value in row]


def assert_not_stored_in_clear(url: str, tables: list[str], *texts: str) -> None:
    """No stored value of ``tables`` (nor, for SQLite, any byte of the file) holds one of ``texts``."""
    for table in tables:
        for value in raw_values(url, table):
            for text in texts:
                assert text not in str(value), f"{table} holds {text!r} in clear"
    if url.startswith("sqlite:///"):
        for text in texts:
            assert not contains(Path(url[len("sqlite:///"):]), text)


def fill_handoff(store: HandoffStore) -> int:
    handoff, _ = store.open("telegram:42", "telegram", "telegram:42", WAITING, "customer_request",
                            summary=f"Customer {SECRET} wants a refund", suggested_reply=f"Hello {SECRET}",
                            context=[{"role": "customer", "text": f"I am {SECRET}"}])
    store.add_message(handoff.id, CUSTOMER, "customer", f"my name is {SECRET}", context=[{"text": SECRET}])
    store.add_message(handoff.id, AGENT_REPLY, "U1", f"Thanks {SECRET}")
    store.add_correction("telegram:42", "telegram", f"question of {SECRET}", f"wrong for {SECRET}",
                         f"right for {SECRET}", "U1", handoff.id, context=[{"text": SECRET}])
    return handoff.id


# --- each store writes ciphertext and reads it back ------------------------------------------

def test_the_handoff_store_keeps_texts_encrypted(product_url: str) -> None:
    store = HandoffStore(product_url)
    handoff_id = fill_handoff(store)
    assert_not_stored_in_clear(product_url, ["handoff_conversations", "handoff_messages", "handoff_corrections"],
                               SECRET, "refund", "Thanks")
    again = HandoffStore(product_url)  # another process
    handoff = again.get(handoff_id)
    assert handoff is not None and handoff.summary == f"Customer {SECRET} wants a refund"
    assert handoff.suggested_reply == f"Hello {SECRET}" and handoff.context == [{"role": "customer", "text": f"I am {SECRET}"}]
    assert [(m.text, m.context) for m in again.messages_of(handoff_id)] == [
        (f"my name is {SECRET}", [{"text": SECRET}]), (f"Thanks {SECRET}", [])]
    [correction] = again.all_corrections()
    assert (correction.question, correction.wrong_answer, correction.right_answer, correction.context) == (
        f"question of {SECRET}", f"wrong for {SECRET}", f"right for {SECRET}", [{"text": SECRET}])
    assert [m.text for _, m in again.all_agent_replies()] == [f"Thanks {SECRET}"]
    # queries by ids and states still work: nothing filters on the encrypted columns
    assert again.open_for("telegram:42").id == handoff_id and again.in_state(WAITING)[0].id == handoff_id
    again.log_action("U1", "claim", "telegram:42", handoff_id, detail="claimed")
    assert [e.action for e in again.audit_log(conversation_id="telegram:42")] == ["claim"]


def test_a_value_moved_to_another_column_is_refused(product_url: str) -> None:
    import sqlalchemy as sa

    from bot.db import create_engine
    from bot.security.crypto import DecryptionError

    store = HandoffStore(product_url)
    handoff_id = fill_handoff(store)
    engine = create_engine(product_url)
    with engine.begin() as connection:  # someone with write access to the database copies a text elsewhere
        text = connection.execute(sa.text("SELECT text FROM handoff_messages ORDER BY id LIMIT 1")).scalar_one()
        connection.execute(sa.text("UPDATE handoff_conversations SET summary = :t"), {"t": text})
    engine.dispose()
    with pytest.raises(DecryptionError, match="handoff_conversations.summary failed its integrity check"):
        store.get(handoff_id)


def test_feedback_comments_are_encrypted(product_url: str) -> None:
    store = FeedbackStore(product_url)
    store.add("webchat:s1", "webchat", 2, f"the courier lost it, {SECRET}")
    assert_not_stored_in_clear(product_url, ["feedback"], SECRET, "courier")
    [item] = FeedbackStore(product_url).for_conversation("webchat:s1")
    assert (item.rating, item.comment) == (2, f"the courier lost it, {SECRET}")


def test_the_durable_inbox_keeps_payloads_encrypted(product_url: str) -> None:
    store = InboxStore(product_url)
    assert store.accept("twilio_sms", "SM1", "sms:abc", {"from": NUMBER, "body": f"hi, {SECRET}"})
    assert store.accept_many([("telegram", "7", "telegram:7", {"text": f"also {SECRET}"})]) == [True]
    assert_not_stored_in_clear(product_url, ["intake_messages"], SECRET, NUMBER)
    due = {item.channel: item.payload for item in store.due("twilio_sms") + store.due("telegram")}
    assert due == {"twilio_sms": {"from": NUMBER, "body": f"hi, {SECRET}"}, "telegram": {"text": f"also {SECRET}"}}
    item_id = store.due("telegram")[0].id
    store.mark_done(item_id)
    assert store.get(item_id).payload == {}


def test_the_sms_state_keeps_numbers_encrypted_and_opt_outs_as_keyed_digests(tmp_path: Path) -> None:
    path = tmp_path / "sms.db"
    store = SmsStateStore(path, identity_key=IDENTITY_KEY)
    store.remember("sms:pseudonym1", NUMBER)
    store.opt_out("+15550100001")
    store.offer_options(NUMBER, ["/affirm", "/deny"])
    for number in (NUMBER, "+15550100001", "5550107788", "15550100001"):
        assert not contains(path, number)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT number_hmac FROM opt_outs").fetchall() == [(number_digest("+15550100001", IDENTITY_KEY),)]
        [(stored,)] = db.execute("SELECT number FROM addresses").fetchall()
    assert stored.startswith("enc:v1:")
    reopened = SmsStateStore(path, identity_key=IDENTITY_KEY)
    assert reopened.number_of("sms:pseudonym1") == NUMBER
    assert reopened.is_opted_out("+1 (555) 010-0001") and not reopened.is_opted_out(NUMBER)  # normalised
    assert reopened.take_options(NUMBER) == ["/affirm", "/deny"]
    assert not SmsStateStore(path, identity_key=b"o" * 32).is_opted_out("+15550100001")  # keyed: the key matters


def test_the_webchat_outbox_reads_plain_rows_of_an_older_release(tmp_path: Path) -> None:
    path = tmp_path / "webchat.db"
    WebChatOutbox(path).put("web-a", "encrypted one")
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO outbox (sender, author, text, buttons, created_at) VALUES ('web-a', 'agent', "
                   "'plain one', '[{\"title\": \"Yes\", \"payload\": \"/affirm\"}]', strftime('%s','now'))")
    messages = WebChatOutbox(path).fetch("web-a")
    assert [(m.text, m.buttons) for m in messages] == [
        ("encrypted one", []), ("plain one", [{"title": "Yes", "payload": "/affirm"}])]


# --- rows of a release before encryption ---------------------------------------------------

def write_legacy_rows(product_url: str, sms_db: Path) -> None:
    """Rows as the release before encryption wrote them: texts and numbers in clear."""
    import sqlalchemy as sa

    from bot.db import create_engine

    HandoffStore(product_url), FeedbackStore(product_url), InboxStore(product_url)  # create the tables
    engine = create_engine(product_url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO handoff_conversations (conversation_id, open_key, channel, recipient_id, state, reason, "
            "reason_detail, summary, suggested_reply, context_json, created_at, updated_at) VALUES ('telegram:9', "
            "'telegram:9', 'telegram', 'telegram:9', 'waiting_agent', 'customer_request', '', :s, NULL, :c, "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"s": f"old summary {SECRET}", "c": json.dumps([{"text": SECRET}])})
        handoff_id = connection.execute(sa.text("SELECT id FROM handoff_conversations")).scalar_one()
        connection.execute(sa.text(
            "INSERT INTO handoff_messages (handoff_id, kind, author, text, context_json, created_at) VALUES "
            "(:h, 'customer', 'customer', :t, '[]', CURRENT_TIMESTAMP)"), {"h": handoff_id, "t": f"old text {SECRET}"})
        connection.execute(sa.text(
            "INSERT INTO feedback (conversation_id, channel, rating, comment, created_at) VALUES ('telegram:9', "
            "'telegram', 3, :c, CURRENT_TIMESTAMP)"), {"c": f"old comment {SECRET}"})
        connection.execute(sa.text(
            "INSERT INTO intake_messages (channel, delivery_id, conversation_id, payload, state, attempts, "
            "next_attempt_at, received_at) VALUES ('telegram', 'u1', 'telegram:9', :p, 'pending', 0, 0, 0)"),
            {"p": json.dumps({"text": f"old payload {SECRET}"})})
    engine.dispose()
    legacy = sqlite3.connect(sms_db)
    legacy.execute("CREATE TABLE opt_out (number TEXT PRIMARY KEY, since REAL NOT NULL)")
    legacy.execute("CREATE TABLE pending_options (number TEXT PRIMARY KEY, payloads TEXT NOT NULL, offered_at REAL NOT NULL)")
    legacy.execute("CREATE TABLE addresses (conversation_id TEXT PRIMARY KEY, number TEXT NOT NULL, last_seen REAL NOT NULL)")
    legacy.execute("INSERT INTO opt_out VALUES (?, 1)", ("+15550100009",))
    legacy.execute("INSERT INTO pending_options VALUES (?, '[\"/affirm\"]', 1)", (NUMBER,))
    legacy.execute("INSERT INTO addresses VALUES ('sms:old', ?, 1)", (NUMBER,))
    legacy.commit()
    legacy.close()


def read_everything(product_url: str, sms_db: Path) -> dict[str, Any]:
    handoffs = HandoffStore(product_url)
    [handoff] = handoffs.for_conversation("telegram:9")
    sms = SmsStateStore(sms_db, identity_key=IDENTITY_KEY)
    return {
        "summary": handoff.summary, "context": handoff.context,
        "messages": [m.text for m in handoffs.messages_of(handoff.id)],
        "feedback": [f.comment for f in FeedbackStore(product_url).for_conversation("telegram:9")],
        "inbox": [i.payload for i in InboxStore(product_url).due("telegram")],
        "number": sms.number_of("sms:old"), "opted_out": sms.is_opted_out("+15550100009"),
    }


EXPECTED = {
    "summary": f"old summary {SECRET}", "context": [{"text": SECRET}], "messages": [f"old text {SECRET}"],
    "feedback": [f"old comment {SECRET}"], "inbox": [{"text": f"old payload {SECRET}"}],
    "number": NUMBER, "opted_out": True,
}


def test_rows_of_a_release_before_encryption_are_read_and_then_encrypted_by_rotate_key(
        product_url: str, tmp_path: Path, data_key: Path) -> None:
    sms_db = tmp_path / "sms.db"
    write_legacy_rows(product_url, sms_db)
    assert read_everything(product_url, sms_db) == EXPECTED  # plain rows read; the SMS file converted on open
    assert not contains(sms_db, "+15550100009")  # the opt-out is now a keyed digest (its free pages overwritten)
    if product_url.startswith("sqlite:///"):
        assert contains(Path(product_url[len("sqlite:///"):]), f"old comment {SECRET}")  # the check does see clear text
    fields = encrypted_fields(product_url, sms_db, tmp_path / "webchat.db", tracker_url=None)
    report = rotate(fields, progress=lambda line: None)
    assert report.ok and report.plain_left == 0
    assert_not_stored_in_clear(product_url, ["handoff_conversations", "handoff_messages", "feedback", "intake_messages"],
                               SECRET)
    assert not contains(sms_db, NUMBER)
    assert read_everything(product_url, sms_db) == EXPECTED


# --- rotate-key ----------------------------------------------------------------------------

def make_tracker(path: Path, cipher: FieldCipher) -> None:
    """A tracker store in Rasa's schema: one event encrypted as bot/tracker_store.py writes it, one plain."""
    db = sqlite3.connect(path)
    db.execute(EVENTS)
    user = json.dumps({"event": "user", "text": f"tracker {SECRET}", "input_channel": "telegram", "timestamp": 1.0})
    db.execute("INSERT INTO events (sender_id, type_name, timestamp, intent_name, data) VALUES ('telegram:9', 'user', "
               "1, 'greet', ?)", (cipher.encrypt(user, "events.data"),))
    db.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES ('telegram:9', 'bot', 2, ?)",
               (json.dumps({"event": "bot", "text": f"plain bot {SECRET}", "timestamp": 2.0}),))
    db.commit()
    db.close()


def key_ids(url: str, table: str, column: str) -> set[Any]:
    import sqlalchemy as sa

    from bot.db import create_engine

    engine = create_engine(url)
    with engine.connect() as connection:
        values = [row[0] for row in connection.execute(sa.text(f"SELECT {column} FROM {table}"))]  # test tables only
    engine.dispose()
    return {crypto.key_id_of(value) for value in values if value is not None and value != "{}"}


def test_rotate_key_re_encrypts_every_store_and_the_tracker_under_a_new_key(tmp_path: Path, data_key: Path) -> None:
    url = f"sqlite:///{tmp_path / 'switchboard.db'}"
    sms_db, webchat_db, tracker_db = tmp_path / "sms.db", tmp_path / "webchat.db", tmp_path / "tracker.db"
    handoffs = HandoffStore(url)
    handoff_id = fill_handoff(handoffs)
    FeedbackStore(url).add("telegram:42", "telegram", 5, f"great, {SECRET}")
    InboxStore(url).accept("telegram", "1", "telegram:42", {"text": SECRET})
    SmsStateStore(sms_db, identity_key=IDENTITY_KEY).remember("sms:p", NUMBER)
    WebChatOutbox(webchat_db).put("web-a", f"agent says {SECRET}")
    old = crypto.read_ring_file(data_key)
    make_tracker(tracker_db, FieldCipher(old))
    assert key_ids(url, "handoff_messages", "text") == {old.primary}

    argv = ["privacy", "rotate-key", "--database-url", url, "--sms-db", str(sms_db), "--webchat-db", str(webchat_db),
            "--tracker-url", f"sqlite:///{tracker_db}", "--batch", "2"]
    assert main(argv) == 0
    new = crypto.read_ring_file(data_key)
    assert new.primary != old.primary and list(new.keys) == [new.primary] and not new.rotating  # old key removed
    for db, table, column in ((url, "handoff_conversations", "summary"), (url, "handoff_messages", "text"),
                              (url, "handoff_corrections", "right_answer"), (url, "feedback", "comment"),
                              (url, "intake_messages", "payload"), (f"sqlite:///{sms_db}", "addresses", "number"),
                              (f"sqlite:///{webchat_db}", "outbox", "text"), (f"sqlite:///{tracker_db}", "events", "data")):
        assert key_ids(db, table, column) == {new.primary}, f"{table}.{column}"
    assert not contains(tracker_db, SECRET)
    # everything still reads, through the stores opened before the rotation too
    assert [m.text for m in handoffs.messages_of(handoff_id)] == [f"my name is {SECRET}", f"Thanks {SECRET}"]
    assert [f.comment for f in FeedbackStore(url).for_conversation("telegram:42")] == [f"great, {SECRET}"]
    assert SmsStateStore(sms_db, identity_key=IDENTITY_KEY).number_of("sms:p") == NUMBER
    assert [m.text for m in WebChatOutbox(webchat_db).fetch("web-a")] == [f"agent says {SECRET}"]
    with sqlite3.connect(tracker_db) as db:
        events = [json.loads(FieldCipher(new).decrypt(row[0], "events.data")) for row in db.execute("SELECT data FROM events")]
    assert [e["text"] for e in events] == [f"tracker {SECRET}", f"plain bot {SECRET}"]

    # idempotent: a second run rotates again but finds nothing of the old key left to read
    report = rotate(encrypted_fields(url, sms_db, webchat_db, f"sqlite:///{tracker_db}"), progress=lambda line: None)
    assert report.ok and all(r.failed == [] for r in report.fields.values())


def test_an_interrupted_rotation_resumes_without_a_new_key(tmp_path: Path, data_key: Path) -> None:
    url = f"sqlite:///{tmp_path / 'switchboard.db'}"
    store = FeedbackStore(url)
    for number in range(5):
        store.add(f"c{number}", "webchat", 4, f"comment {number} {SECRET}")
    from bot.security.keys import replace_private

    rotating = crypto.read_ring_file(data_key).with_new_primary()  # as a rotation leaves it when killed
    replace_private(data_key, rotating.to_json())
    store.add("c5", "webchat", 4, "written by a server after the new key")  # under the new key already
    fields = [f for f in encrypted_fields(url, tmp_path / "sms.db", tmp_path / "webchat.db", None) if f.store == "feedback"]
    report = rotate(fields, progress=lambda line: None)
    assert report.primary == rotating.primary  # resumed: no further key
    result = report.fields["feedback: feedback.comment"]
    assert (result.reencrypted, result.current) == (5, 1)
    assert crypto.read_ring_file(data_key).keys.keys() == {rotating.primary}
    assert [f.comment for f in store.for_conversation("c3")] == [f"comment 3 {SECRET}"]


def test_an_unreadable_value_stops_the_rotation_before_the_old_key_is_removed(tmp_path: Path, data_key: Path,
                                                                             capsys: pytest.CaptureFixture) -> None:
    url = f"sqlite:///{tmp_path / 'switchboard.db'}"
    store = FeedbackStore(url)
    store.add("c1", "webchat", 4, "fine")
    store.add("c2", "webchat", 4, "will be tampered with")
    with sqlite3.connect(tmp_path / "switchboard.db") as db:
        [(value,)] = db.execute("SELECT comment FROM feedback WHERE conversation_id = 'c2'").fetchall()
        db.execute("UPDATE feedback SET comment = ? WHERE conversation_id = 'c2'", (value[:-6] + "AAAA==",))
    old = crypto.read_ring_file(data_key)
    argv = ["privacy", "rotate-key", "--database-url", url, "--sms-db", str(tmp_path / "sms.db"),
            "--webchat-db", str(tmp_path / "webchat.db"), "--tracker-url", f"sqlite:///{tmp_path / 'none.db'}"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "unreadable: feedback.comment row 2: a value of feedback.comment failed its integrity check" in err
    assert "not finished" in err
    ring = crypto.read_ring_file(data_key)
    assert ring.rotating and old.primary in ring.keys  # the old key stays until everything is re-encrypted
    assert [f.comment for f in store.for_conversation("c1")] == ["fine"]


def test_rotate_key_with_environment_keys_re_encrypts_to_the_new_one(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import base64

    old_key, new_key = b"o" * 32, b"n" * 32
    url = f"sqlite:///{tmp_path / 'switchboard.db'}"
    FeedbackStore(url, cipher=FieldCipher(KeyRing(crypto.key_id(old_key), {crypto.key_id(old_key): old_key}))).add(
        "c1", "webchat", 4, SECRET)
    monkeypatch.setenv("SWITCHBOARD_DATA_KEY", base64.b64encode(new_key).decode())
    monkeypatch.setenv("SWITCHBOARD_DATA_KEY_OLD", old_key.hex())
    crypto.reset_data_cipher()
    fields = [f for f in encrypted_fields(url, tmp_path / "sms.db", tmp_path / "webchat.db", None) if f.store == "feedback"]
    report = rotate(fields, progress=lambda line: None)
    assert report.ok and report.primary == crypto.key_id(new_key) and report.retired == []
    assert key_ids(url, "feedback", "comment") == {crypto.key_id(new_key)}
    monkeypatch.delenv("SWITCHBOARD_DATA_KEY_OLD")  # the old key can go now
    crypto.reset_data_cipher()
    assert [f.comment for f in FeedbackStore(url).for_conversation("c1")] == [SECRET]


# --- readers of the tracker store outside Rasa ---------------------------------------------

def test_the_data_pipeline_reads_the_encrypted_tracker_store(tmp_path: Path) -> None:
    from bot.data.readers import ReaderOptions, read_rasa_sql
    from bot.data.storage import IssueLog

    tracker_db = tmp_path / "tracker.db"
    make_tracker(tracker_db, crypto.data_cipher())
    with sqlite3.connect(tracker_db) as db:  # and one event under a key this machine does not hold
        db.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES ('telegram:9', 'bot', 3, ?)",
                   (FieldCipher(KeyRing.new()).encrypt('{"event": "bot", "text": "x"}', "events.data"),))
    issues = IssueLog()
    [conversation] = list(read_rasa_sql(str(tracker_db), ReaderOptions(), issues))
    assert [turn.text for turn in conversation.turns] == [f"tracker {SECRET}", f"plain bot {SECRET}"]
    [issue] = issues.records
    assert "events row 3" in str(issue) and "does not hold" in str(issue)


def test_migrate_conversation_ids_reads_encrypted_events(tmp_path: Path) -> None:
    from bot.identity_migration import migrate

    tracker_db = tmp_path / "tracker.db"
    db = sqlite3.connect(tracker_db)
    db.execute(EVENTS)
    user = json.dumps({"event": "user", "text": "hi", "input_channel": "telegram"})
    db.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES ('42', 'user', 1, ?)",
               (crypto.data_cipher().encrypt(user, "events.data"),))
    db.commit()
    db.close()
    report = migrate(tracker_db, f"sqlite:///{tmp_path / 'switchboard.db'}", IDENTITY_KEY, sms_state=tmp_path / "sms.db")
    assert report.renamed == {"42": "telegram:42"}


def test_the_analytics_store_keeps_texts_and_details_encrypted_and_ingests_the_encrypted_tracker(
        product_url: str, tmp_path: Path) -> None:
    from bot.analytics.ingest import ingest
    from bot.analytics.store import AnalyticsStore

    tracker_db = tmp_path / "tracker.db"
    make_tracker(tracker_db, crypto.data_cipher())
    with sqlite3.connect(tracker_db) as db:
        slot = json.dumps({"event": "slot", "name": "email", "value": "pat@example.com", "timestamp": 3})
        db.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES ('telegram:9', 'slot', 3, ?)",
                   (crypto.data_cipher().encrypt(slot, "events.data"),))
    store = AnalyticsStore(product_url)
    assert ingest(store, f"sqlite:///{tracker_db}") == (3, 3)  # nothing dropped as unreadable
    assert_not_stored_in_clear(product_url, ["analytics_events"], SECRET, "pat@example.com")
    events = store.events_of(["telegram:9"])["telegram:9"]
    assert [e.text for e in events if e.type in ("user", "bot")] == [f"tracker {SECRET}", f"plain bot {SECRET}"]
    assert [e.details for e in events if e.type == "slot"] == [{"value": "pat@example.com"}]
