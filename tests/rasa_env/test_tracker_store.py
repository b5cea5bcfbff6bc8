"""The encrypted tracker store (bot/tracker_store.py) with Rasa 3.6, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from typing import Any, Iterator

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot import launcher
from bot.cli import main
from bot.security import crypto
from bot.security.crypto import DecryptionError
from bot.tracker_store import EncryptedSQLTrackerStore
from tests.support.raw_files import contains

SECRET = "my card is 4111 1111 1111 1111, I am Pat Doe"
REPLY = "Thanks Pat, your parcel went to 12 Elm Street"
DOMAIN = Domain.from_yaml("version: '3.1'\nslots:\n  email:\n    type: text\n    mappings: [{type: from_text}]\n")


def _postgres_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def data_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    ring = tmp_path / "keys" / "data.key"
    monkeypatch.setenv("SWITCHBOARD_DATA_KEY_FILE", str(ring))
    monkeypatch.delenv("SWITCHBOARD_DATA_KEY", raising=False)
    monkeypatch.setattr(crypto, "RELOAD_SECONDS", 0.0)
    crypto.reset_data_cipher()
    yield ring
    crypto.reset_data_cipher()


def _drop_events(url: str) -> None:
    engine = sa.create_engine(url)
    sa.Table("events", sa.MetaData()).drop(engine, checkfirst=True)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def config(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The endpoints.yml keys of the store, on a SQLite file and on the local PostgreSQL."""
    if request.param == "sqlite":
        yield {"dialect": "sqlite", "db": str(tmp_path / "tracker.db")}
        return
    if not _postgres_running():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    url = "postgresql://postgres@127.0.0.1:5432/test"
    _drop_events(url)
    yield {"dialect": "postgresql", "host": "127.0.0.1", "port": 5432, "db": "test", "username": "postgres"}
    _drop_events(url)


def conversation(sender: str = "telegram:42") -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
        UserUttered(SECRET, {"name": "greet", "confidence": 0.98}, metadata={"input_channel": "telegram"}),
        SlotSet("email", "pat@example.com"),
        ActionExecuted("utter_greet"), BotUttered(REPLY, metadata={"utter_action": "utter_greet"}),
        ActionExecuted("action_listen"),
    ], slots=DOMAIN.slots)


def raw_events(store: SQLTrackerStore) -> list[tuple[Any, ...]]:
    with store.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(
            "SELECT sender_id, type_name, intent_name, action_name, data FROM events ORDER BY id"))]


def texts(tracker: DialogueStateTracker) -> list[str]:
    return [event.text for event in tracker.events if isinstance(event, (UserUttered, BotUttered))]


def test_a_conversation_is_saved_encrypted_and_read_back(config: dict[str, Any]) -> None:
    store = EncryptedSQLTrackerStore(domain=DOMAIN, **config)
    tracker = conversation()
    asyncio.run(store.save(tracker))

    rows = raw_events(store)
    assert len(rows) == 8
    for sender, _, _, _, data in rows:
        assert sender == "telegram:42" and data.startswith("enc:v1:")
        for text in (SECRET, "4111", "Pat", "Elm Street", "pat@example.com"):
            assert text not in data
    assert [(r[1], r[2], r[3]) for r in rows if r[1] == "user"] == [("user", "greet", None)]  # plain, for queries
    if config["dialect"] == "sqlite":
        assert not contains(Path(config["db"]), "4111") and not contains(Path(config["db"]), "Elm Street")

    again = EncryptedSQLTrackerStore(domain=DOMAIN, **config)  # a restarted server
    loaded = asyncio.run(again.retrieve("telegram:42"))
    assert loaded is not None and texts(loaded) == [SECRET, REPLY]
    assert loaded.get_slot("email") == "pat@example.com"
    full = asyncio.run(again.retrieve_full_tracker("telegram:42"))
    assert [e.as_dict() for e in full.events] == [e.as_dict() for e in tracker.events]
    assert list(asyncio.run(again.keys())) == ["telegram:42"]

    # a second turn: only the new events are appended (Rasa counts the stored ones through the same class)
    loaded.update(UserUttered("and my order?", {"name": "order_status", "confidence": 0.9}))
    loaded.update(BotUttered("Which order?"))
    asyncio.run(again.save(loaded))
    assert len(raw_events(again)) == 10
    # a new session: retrieve gives the latest session, retrieve_full_tracker everything, both decrypted
    later = asyncio.run(again.retrieve("telegram:42"))
    for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
                  UserUttered("hello again", {"name": "greet", "confidence": 1.0})):
        later.update(event)
    asyncio.run(again.save(later))
    assert texts(asyncio.run(again.retrieve("telegram:42"))) == ["hello again"]
    assert texts(asyncio.run(again.retrieve_full_tracker("telegram:42"))) == [SECRET, REPLY, "and my order?",
                                                                              "Which order?", "hello again"]


def test_rasa_creates_it_from_the_endpoints_file_the_launcher_writes(tmp_path: Path) -> None:
    endpoints = launcher.write_endpoints(tmp_path / "endpoints.yml", "http://127.0.0.1:5055/webhook",
                                         tmp_path / "tracker.db")
    store = TrackerStore.create(read_endpoint_config(str(endpoints), "tracker_store"), DOMAIN)
    assert isinstance(store, EncryptedSQLTrackerStore)  # not Rasa's silent in-memory fallback
    asyncio.run(store.save(conversation()))
    assert not contains(tmp_path / "tracker.db", "4111")
    repository = read_endpoint_config(str(Path(__file__).parents[2] / "endpoints.yml"), "tracker_store")
    assert repository.type == "bot.tracker_store.EncryptedSQLTrackerStore"
    assert repository.kwargs == {"dialect": "sqlite", "db": "var/tracker.db"}


def test_events_of_a_plain_store_are_still_read_and_new_ones_encrypted(tmp_path: Path) -> None:
    db = str(tmp_path / "tracker.db")
    asyncio.run(SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=db).save(conversation()))  # an older release
    store = EncryptedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=db)
    tracker = asyncio.run(store.retrieve("telegram:42"))
    assert texts(tracker) == [SECRET, REPLY]
    tracker.update(UserUttered("new words", {"name": "greet", "confidence": 1.0}))
    asyncio.run(store.save(tracker))
    data = [row[4] for row in raw_events(store)]
    assert not data[0].startswith("enc:") and data[-1].startswith("enc:v1:")
    assert texts(asyncio.run(store.retrieve("telegram:42"))) == [SECRET, REPLY, "new words"]


def test_a_changed_event_is_refused(tmp_path: Path) -> None:
    db = str(tmp_path / "tracker.db")
    store = EncryptedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=db)
    asyncio.run(store.save(conversation()))
    with store.engine.begin() as connection:
        user = connection.execute(sa.text("SELECT id, data FROM events WHERE type_name = 'user'")).one()
        bot = connection.execute(sa.text("SELECT data FROM events WHERE type_name = 'bot'")).scalar_one()
        connection.execute(sa.text("UPDATE events SET data = :d WHERE id = :i"), {"d": bot, "i": user.id})
    asyncio.run(store.retrieve("telegram:42"))  # moving a whole event inside the column is not detected (docs)
    with store.engine.begin() as connection:
        connection.execute(sa.text("UPDATE events SET data = :d WHERE id = :i"),
                           {"d": user.data[:-8] + "AAAAAA==", "i": user.id})
    with pytest.raises(DecryptionError, match="events.data failed its integrity check"):
        asyncio.run(store.retrieve("telegram:42"))


def test_a_bad_data_key_stops_the_store_at_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWITCHBOARD_DATA_KEY", "a passphrase is not a key")
    crypto.reset_data_cipher()
    with pytest.raises(crypto.KeyConfigError, match="SWITCHBOARD_DATA_KEY must be 32 random bytes"):
        EncryptedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))


def test_rotate_key_re_encrypts_the_events(tmp_path: Path, data_key: Path) -> None:
    db = tmp_path / "tracker.db"
    store = EncryptedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db))
    asyncio.run(store.save(conversation()))
    asyncio.run(store.save(conversation("webchat:s1")))
    old = crypto.read_ring_file(data_key).primary
    argv = ["privacy", "rotate-key", "--database-url", f"sqlite:///{tmp_path / 'switchboard.db'}",
            "--sms-db", str(tmp_path / "sms.db"), "--webchat-db", str(tmp_path / "webchat.db"),
            "--tracker-url", f"sqlite:///{db}", "--batch", "3"]
    assert main(argv) == 0
    new = crypto.read_ring_file(data_key).primary
    assert new != old
    assert {crypto.key_id_of(row[4]) for row in raw_events(store)} == {new}
    assert texts(asyncio.run(store.retrieve("webchat:s1"))) == [SECRET, REPLY]  # the running store reads on
    assert json.loads(crypto.data_cipher().decrypt(raw_events(store)[3][4], "events.data"))["text"] == SECRET
