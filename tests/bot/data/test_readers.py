"""Readers: every format on fixtures, broken records reported with file, line and reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.data.readers import ReaderOptions, import_sources, read_source
from bot.data.schema import Conversation, load_conversations, write_conversations
from bot.data.storage import IssueLog, atomic_write

FIXTURES = Path(__file__).parent / "fixtures"
ABCD_SAMPLE = Path(__file__).resolve().parents[4] / "shared" / "datasets" / "abcd" / "abcd_sample.json"


def read(fmt: str, path: Path | str, **options) -> tuple[list[Conversation], IssueLog]:
    issues = IssueLog()
    conversations = list(read_source(fmt, path, ReaderOptions(**options), issues))
    return conversations, issues


def test_messages_csv_groups_rows_and_reports_bad_ones() -> None:
    conversations, issues = read(
        "csv", FIXTURES / "messages.csv",
        conversation_column="ticket", text_column="body", role_column="author", timestamp_column="sent_at",
    )
    by_id = {c.conversation_id: c for c in conversations}
    assert set(by_id) == {"T-1", "T-2"}
    # T-1 is sorted by timestamp: the "Thanks" row comes last in time though not in the file
    assert [t.role for t in by_id["T-1"].turns] == ["customer", "agent", "customer"]
    assert by_id["T-1"].turns[2].text == "Thanks, that helps"
    assert [t.role for t in by_id["T-2"].turns] == ["customer", "agent"]  # "user" mapped to customer
    assert by_id["T-2"].turns[0].timestamp is not None
    reasons = {r.line: r.reason for r in issues.records}
    assert sorted(reasons) == [5, 6, 7, 9]
    assert "ticket" in reasons[5]
    assert "unknown role" in reasons[6]
    assert "timestamp" in reasons[7]
    assert "more fields" in reasons[9]
    assert all(r.file.endswith("messages.csv") for r in issues.records)
    # reasons never carry the message text
    assert not any("unknown author kind" in r.reason or "bad timestamp" in r.reason for r in issues.records)


def test_messages_csv_reports_broken_quotes_instead_of_gluing_rows(tmp_path: Path) -> None:
    path = tmp_path / "quotes.csv"
    path.write_text(
        "ticket,author,body\n"
        'T-1,customer,My 5" screen cracked\n'  # a stray quote inside an unquoted field is fine
        'T-1,agent,"Sorry! Send a ""photo"", please"\n'
        'T-2,customer,"the quote is never closed\n'
        "T-2,agent,this row is swallowed by the broken one\n"
        'T-3,customer,"its opening quote ends the broken row"\n'
        "T-3,agent,reading goes on after it\n"
        'T-4,customer,"a last row, also broken\n',
        encoding="utf-8",
    )
    conversations, issues = read("csv", path, conversation_column="ticket", text_column="body", role_column="author")
    by_id = {c.conversation_id: [t.text for t in c.turns] for c in conversations}
    assert by_id == {
        "T-1": ['My 5" screen cracked', 'Sorry! Send a "photo", please'],
        "T-3": ["reading goes on after it"],
    }
    assert [r.line for r in issues.records] == [4, 8]
    assert "unreadable CSV row (lines 4-6: " in issues.records[0].reason
    assert "unreadable CSV row (line 8: " in issues.records[1].reason


def test_a_long_field_is_reported_without_the_quote_hint(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("ticket,body\nT-1," + "x" * 200_000 + "\nT-1,short\n", encoding="utf-8")
    conversations, issues = read("csv", path, conversation_column="ticket", text_column="body", role_column="")
    assert [[t.text for t in c.turns] for c in conversations] == [["short"]]
    assert [r.line for r in issues.records] == [2]
    assert "field larger than field limit" in issues.records[0].reason and "quotes" not in issues.records[0].reason


@pytest.mark.parametrize("fmt", ["csv", "qa-csv", "jsonl", "abcd", "rasa-tracker"])
def test_a_file_that_is_not_utf8_fails_naming_the_file(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("conversation_id,text,question,answer\nc1,caf\u00e9,a,b\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1.txt: not UTF-8 text \(byte 0xe9 cannot be decoded\); save the file as UTF-8"):
        read(fmt, path)


def test_canonical_jsonl_that_is_not_utf8_fails_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "conversations.jsonl"
    path.write_bytes(b'{"conversation_id": "caf\xe9"}\n')
    with pytest.raises(ValueError, match=r"conversations.jsonl: not UTF-8 text"):
        list(load_conversations(path))


def test_messages_csv_with_wrong_column_names_fails_clearly() -> None:
    with pytest.raises(ValueError, match=r"missing column\(s\) \['conversation_id', 'text'\].*--text-col"):
        read("csv", FIXTURES / "messages.csv")


def test_qa_csv_makes_two_turn_conversations() -> None:
    conversations, issues = read("qa-csv", FIXTURES / "qa.csv")
    assert len(conversations) == 3
    first = conversations[0]
    assert [t.role for t in first.turns] == ["customer", "agent"]
    assert first.turns[0].text == "How long do refunds take?"
    assert [r.line for r in issues.records] == [4]


def test_canonical_jsonl_skips_invalid_lines_with_line_numbers() -> None:
    conversations, issues = read("jsonl", FIXTURES / "canonical.jsonl")
    assert [c.conversation_id for c in conversations] == ["c-1", "c-4"]
    lines = {r.line: r.reason for r in issues.records}
    assert sorted(lines) == [2, 3, 4]
    assert "role" in lines[2]
    assert "not valid JSON" in lines[3]
    assert "schema_version 99" in lines[4]


def test_abcd_sample_is_read_with_roles_and_system_turns() -> None:
    conversations, issues = read("abcd", ABCD_SAMPLE)
    assert len(issues) == 0
    assert [c.conversation_id for c in conversations] == ["abcd-3592", "abcd-9489", "abcd-3695"]
    first = conversations[0]
    assert first.metadata["flow"] == "product_defect"
    assert {t.role for t in first.turns} == {"agent", "customer", "bot"}
    system = [t for t in first.turns if t.metadata.get("system")]
    assert system and all(t.role == "bot" for t in system)
    # the scenario's personal data is not copied into metadata
    assert "cminh730" not in json.dumps(first.metadata)


def test_abcd_broken_records_are_reported() -> None:
    conversations, issues = read("abcd", FIXTURES / "abcd_broken.json")
    assert [c.conversation_id for c in conversations] == ["abcd-1"]
    assert [r.line for r in issues.records] == [2, 3, 4]
    assert "unknown speaker" in issues.records[0].reason
    assert "convo_id" in issues.records[1].reason


def test_abcd_records_of_the_wrong_shape_are_reported_by_what_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "abcd.json"
    path.write_text(json.dumps({"train": [
        7,
        {"convo_id": 2, "original": "not a list"},
        {"convo_id": 3, "original": [["customer"]]},
        {"convo_id": 4, "original": [["customer", "hi"], ["agent", 5]]},
        {"convo_id": 5, "original": [["customer", "hi"], ["agent", "hello"]]},
    ]}), encoding="utf-8")
    conversations, issues = read("abcd", path)
    assert [c.conversation_id for c in conversations] == ["abcd-5"]
    assert [(r.line, r.reason) for r in issues.records] == [
        (1, "record 1: malformed record (not a JSON object)"),
        (2, "record 2: malformed record ('original' is not a list of [speaker, text] pairs)"),
        (3, "record 3: malformed record ('original' is not a list of [speaker, text] pairs)"),
        (4, "record 4: malformed record ('original' is not a list of [speaker, text] pairs)"),
    ]


@pytest.mark.parametrize("fmt", ["abcd", "rasa-tracker", "jsonl"])
def test_json_nested_too_deeply_is_invalid_json_not_a_crash(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    if fmt == "abcd":  # one JSON document: the whole file is refused
        with pytest.raises(ValueError, match="not valid JSON \\(nested too deeply"):
            read(fmt, path)
        return
    conversations, issues = read(fmt, path)
    assert conversations == []
    assert [r.line for r in issues.records] == [1] and "nested too deeply" in issues.records[0].reason


def test_rasa_tracker_whose_events_are_not_event_objects_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "trackers.jsonl"
    path.write_text("\n".join(json.dumps(t) for t in [
        {"sender_id": "a", "events": "not a list"},
        {"sender_id": "b", "events": [1, 2]},
        {"sender_id": "c", "events": [{"event": "user", "text": "hi", "timestamp": 1763632800}]},
    ]) + "\n", encoding="utf-8")
    conversations, issues = read("rasa-tracker", path)
    assert [c.conversation_id for c in conversations] == ["c"]
    assert [(r.line, r.reason) for r in issues.records] == [
        (1, "'events' is not a list of event objects"), (2, "'events' is not a list of event objects")
    ]


def test_rasa_tracker_json_single_and_jsonl() -> None:
    single, issues = read("rasa-tracker", FIXTURES / "tracker_single.json")
    assert len(issues) == 0 and len(single) == 1
    conversation = single[0]
    assert conversation.conversation_id == "sender-one"
    assert conversation.channel == "webchat"
    assert [t.role for t in conversation.turns] == ["customer", "bot", "customer", "bot"]
    assert conversation.turns[0].intent == "order_status"
    assert conversation.turns[0].intent_confidence == pytest.approx(0.91)

    both, issues = read("rasa-tracker", FIXTURES / "trackers.jsonl")
    assert len(issues) == 0
    handoff = both[1]
    assert [t.role for t in handoff.turns] == ["customer", "bot", "agent", "customer"]
    assert handoff.turns[2].metadata == {"handoff_agent": "kevin.r"}
    assert handoff.channel == "telegram"


def test_rasa_tracker_broken_lines_are_reported() -> None:
    conversations, issues = read("rasa-tracker", FIXTURES / "trackers_broken.jsonl")
    assert [c.conversation_id for c in conversations] == ["ok"]
    assert [r.line for r in issues.records] == [2, 3]


def test_rasa_sql_tracker_store_matches_the_json_export() -> None:
    from_sql, issues = read("rasa-sql", FIXTURES / "tracker_store.db")
    from_json, _ = read("rasa-tracker", FIXTURES / "trackers.jsonl")
    assert len(issues) == 0
    assert [c.model_dump(exclude={"metadata"}) for c in from_sql] == [c.model_dump(exclude={"metadata"}) for c in from_json]


def test_rasa_sql_reports_a_file_that_is_not_a_tracker_store(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "other.db"
    sqlite3.connect(db).execute("create table something (id integer)").connection.commit()
    with pytest.raises(ValueError, match="no table 'events'"):
        read("rasa-sql", db)
    with pytest.raises(ValueError, match="not found"):
        read("rasa-sql", tmp_path / "missing.db")


def test_unknown_format_and_missing_file() -> None:
    with pytest.raises(ValueError, match="unknown input format"):
        read("xml", FIXTURES / "qa.csv")
    with pytest.raises(ValueError, match="input file not found"):
        read("csv", FIXTURES / "nope.csv")


def test_import_sources_skips_duplicate_ids() -> None:
    issues = IssueLog()
    sources = [("jsonl", FIXTURES / "canonical.jsonl", None), ("jsonl", FIXTURES / "canonical.jsonl", None)]
    conversations = list(import_sources(sources, issues))
    assert [c.conversation_id for c in conversations] == ["c-1", "c-4"]
    assert sum("duplicate conversation_id" in r.reason for r in issues.records) == 2


def test_write_and_load_round_trip(tmp_path: Path) -> None:
    conversations, _ = read("abcd", ABCD_SAMPLE)
    out = tmp_path / "out.jsonl"
    assert write_conversations(out, conversations) == 3
    assert [c.model_dump() for c in load_conversations(out)] == [c.model_dump() for c in conversations]


def test_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "data.jsonl"
    target.write_text("old\n")

    def broken():
        yield Conversation(conversation_id="x")
        raise RuntimeError("reader failed half-way")

    with pytest.raises(RuntimeError):
        write_conversations(target, broken())
    assert target.read_text() == "old\n"
    assert list(tmp_path.iterdir()) == [target]  # no temp file left behind

    with pytest.raises(KeyError):
        with atomic_write(tmp_path / "new.txt") as handle:
            handle.write("partial")
            raise KeyError("boom")
    assert not (tmp_path / "new.txt").exists()


def test_rasa_sql_reads_a_postgresql_tracker_store() -> None:
    """The same events in PostgreSQL (running on these machines and in CI) read through a SQLAlchemy URL."""
    import sqlite3
    import uuid

    sa = pytest.importorskip("sqlalchemy")
    pytest.importorskip("psycopg2")
    url = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
    engine = sa.create_engine(url)
    try:
        engine.connect().close()
    except sa.exc.OperationalError:
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    table = f"events_{uuid.uuid4().hex[:8]}"
    rows = sqlite3.connect(FIXTURES / "tracker_store.db").execute(
        "select id, sender_id, type_name, timestamp, intent_name, action_name, data from events").fetchall()
    metadata = sa.MetaData()
    events = sa.Table(
        table, metadata,
        sa.Column("id", sa.Integer, primary_key=True), sa.Column("sender_id", sa.String(255)),
        sa.Column("type_name", sa.String(255)), sa.Column("timestamp", sa.Float),
        sa.Column("intent_name", sa.String(255)), sa.Column("action_name", sa.String(255)), sa.Column("data", sa.Text),
    )
    metadata.create_all(engine)
    try:
        with engine.begin() as connection:
            connection.execute(events.insert(), [dict(zip(["id", "sender_id", "type_name", "timestamp", "intent_name", "action_name", "data"], r)) for r in rows])
        from_pg, issues = read("rasa-sql", url, table=table)
        from_sqlite, _ = read("rasa-sql", FIXTURES / "tracker_store.db")
        assert len(issues) == 0
        assert [c.model_dump(exclude={"metadata"}) for c in from_pg] == [c.model_dump(exclude={"metadata"}) for c in from_sqlite]
    finally:
        metadata.drop_all(engine)
        engine.dispose()
