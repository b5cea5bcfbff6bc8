"""bot/orders_lockout.py on a real database (SQLite in tmp_path, and the local PostgreSQL when it runs)."""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path
from typing import Iterator

import pytest

from bot.orders_lockout import (
    FORGET_AFTER,
    LOCK_DURATION,
    LOCK_MINUTES,
    MAX_WRONG_TRIES,
    TABLE_NAME,
    OrderLookupLockout,
    client_subject,
    lock_state,
)

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
START = dt.datetime(2026, 12, 7, 15, 0, tzinfo=dt.timezone.utc)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.at = START

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


def _postgres_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'var' / 'switchboard.db'}"
        return
    if not _postgres_running():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    OrderLookupLockout(POSTGRES_URL).drop_all()
    yield POSTGRES_URL
    OrderLookupLockout(POSTGRES_URL).drop_all()


@pytest.fixture
def lockout(url: str, clock: FakeClock) -> Iterator[OrderLookupLockout]:
    store = OrderLookupLockout(url, now=clock)
    yield store
    store.close()


def test_the_thresholds_are_those_of_docs_company_md() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "company.md").read_text(encoding="utf-8")
    assert (MAX_WRONG_TRIES, LOCK_DURATION, LOCK_MINUTES) == (5, dt.timedelta(minutes=15), 15)
    assert "After five wrong tries an order number is locked for 15 minutes" in " ".join(text.split())


def test_five_wrong_tries_lock_the_order_and_15_minutes_later_it_is_unlocked(
        lockout: OrderLookupLockout, clock: FakeClock) -> None:
    for attempt in range(1, MAX_WRONG_TRIES):
        # A different client each time: only the order's count reaches five.
        assert lockout.record_wrong_try(f"client-{attempt}", "HP-482913") is False
        assert lockout.order_state("HP-482913").tries_left == MAX_WRONG_TRIES - attempt
        clock.advance(seconds=30)
    assert lockout.record_wrong_try("client-5", "HP-482913") is True
    assert lockout.order_state("HP-482913").locked_until == clock.at + LOCK_DURATION
    assert lockout.locked("someone-else", "HP-482913")
    assert not lockout.locked("someone-else", "HP-519004")  # other orders are not affected
    assert not lockout.locked("client-5")  # nor is any client, with one wrong try each

    clock.advance(minutes=14, seconds=59)
    assert lockout.order_state("HP-482913").locked
    clock.advance(seconds=1)
    state = lockout.order_state("HP-482913")
    assert (state.locked, state.tries_left) == (False, MAX_WRONG_TRIES)  # a fresh count after the lock


def test_five_wrong_tries_of_one_client_lock_the_client_whatever_the_order_or_conversation(
        lockout: OrderLookupLockout, clock: FakeClock) -> None:
    # The client key is what the channel gives (a hash of the web client's address), so these
    # tries may come from five different conversations: nothing here knows about conversations.
    client = "webchat-client-key-1f3a"
    for order_number in ("HP-000001", "HP-000002", None, "HP-482913"):
        assert lockout.record_wrong_try(client, order_number) is False
    assert lockout.client_state(client).tries_left == 1
    assert lockout.record_wrong_try(client) is True  # an order number that does not exist counts too
    assert lockout.locked(client)
    assert lockout.locked(client, "HP-519004")  # locked for every order
    assert not lockout.locked("another-client", "HP-482913")  # HP-482913 had one wrong try only
    clock.advance(minutes=15)
    assert not lockout.locked(client)


def test_the_lock_is_in_the_database_not_in_the_process(url: str, clock: FakeClock) -> None:
    first = OrderLookupLockout(url, now=clock)
    for _ in range(MAX_WRONG_TRIES):
        first.record_wrong_try("sms:+15550100", "HP-300117")
    first.close()
    restarted = OrderLookupLockout(url, now=clock)  # e.g. another action-server process
    assert restarted.locked("sms:+15550100") and restarted.locked("anyone", "HP-300117")
    restarted.close()


def test_a_right_answer_resets_the_counts_of_the_order_and_the_client(
        lockout: OrderLookupLockout, clock: FakeClock) -> None:
    for _ in range(MAX_WRONG_TRIES - 1):
        lockout.record_wrong_try("client-a", "HP-208466")
    lockout.record_wrong_try("client-b", "HP-771250")
    lockout.record_success("client-a", "HP-208466")
    assert lockout.client_state("client-a").tries_left == MAX_WRONG_TRIES
    assert lockout.order_state("HP-208466").tries_left == MAX_WRONG_TRIES
    assert lockout.client_state("client-b").tries_left == MAX_WRONG_TRIES - 1  # others keep theirs
    assert lockout.order_state("HP-771250").tries_left == MAX_WRONG_TRIES - 1
    # After the reset it takes five new wrong tries again.
    for _ in range(MAX_WRONG_TRIES - 1):
        assert lockout.record_wrong_try("client-a", "HP-208466") is False
    assert lockout.record_wrong_try("client-a", "HP-208466") is True


def test_order_and_client_locks_are_separate(lockout: OrderLookupLockout, clock: FakeClock) -> None:
    # The client locks first, from wrong tries on several orders...
    for order_number in ("HP-111111", "HP-222222", "HP-333333", "HP-444444", "HP-615842"):
        lockout.record_wrong_try("client-x", order_number)
    assert lockout.client_state("client-x").locked
    assert not lockout.order_state("HP-615842").locked
    # ...then the order locks from five clients.
    clock.advance(minutes=1)
    for n in range(MAX_WRONG_TRIES):
        lockout.record_wrong_try(f"client-{n}", "HP-519004")
    assert lockout.order_state("HP-519004").locked
    assert lockout.order_state("HP-519004").locked_until == START + dt.timedelta(minutes=1) + LOCK_DURATION
    # Both end 15 minutes after the try that set them off.
    clock.advance(minutes=14)
    assert not lockout.locked("client-x") and lockout.locked("client-y", "HP-519004")
    clock.advance(minutes=1)
    assert not lockout.locked("client-y", "HP-519004")


def test_tries_while_locked_do_not_extend_the_lock(lockout: OrderLookupLockout, clock: FakeClock) -> None:
    for _ in range(MAX_WRONG_TRIES):
        lockout.record_wrong_try("client-z")
    until = lockout.client_state("client-z").locked_until
    clock.advance(minutes=10)
    assert lockout.record_wrong_try("client-z") is True
    assert lockout.client_state("client-z").locked_until == until


def test_old_wrong_tries_are_forgotten_and_pruned(lockout: OrderLookupLockout, clock: FakeClock) -> None:
    for _ in range(MAX_WRONG_TRIES - 1):
        lockout.record_wrong_try("client-old", "HP-482913")
    clock.advance(seconds=FORGET_AFTER.total_seconds() + 1)
    assert lockout.record_wrong_try("client-old", "HP-482913") is False
    assert lockout.client_state("client-old").tries_left == MAX_WRONG_TRIES - 1
    with lockout.engine.connect() as connection:
        rows = connection.execute(lockout.table.select()).all()
    assert len(rows) == 2  # the four old tries of each subject were deleted


def test_clients_are_stored_as_keyed_hashes_only(lockout: OrderLookupLockout) -> None:
    import hashlib

    from bot.security.keys import IDENTITY_KEY, secret_key

    lockout.record_wrong_try("+15550101001", "HP-482913")
    with lockout.engine.connect() as connection:
        subjects = sorted(row.subject for row in connection.execute(lockout.table.select()))
    assert subjects == sorted([client_subject("+15550101001", secret_key(IDENTITY_KEY)), "order:HP-482913"])
    assert not any("15550101001" in subject for subject in subjects)
    # not a plain hash: hashing candidate numbers does not find the client
    assert "client:" + hashlib.sha256(b"+15550101001").hexdigest() not in subjects
    assert client_subject("+15550101001", b"k" * 32) != client_subject("+15550101001", b"j" * 32)


def test_the_default_database_is_switchboard_db_under_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SWITCHBOARD_DATABASE_URL", raising=False)
    monkeypatch.setenv("SWITCHBOARD_VAR_DIR", str(tmp_path / "var"))
    store = OrderLookupLockout()
    store.record_wrong_try("client")
    store.close()
    import sqlite3

    with sqlite3.connect(tmp_path / "var" / "switchboard.db") as connection:
        assert connection.execute(f"SELECT count(*) FROM {TABLE_NAME}").fetchone() == (1,)


@pytest.mark.parametrize(("minutes", "locked_until", "counted"), [
    ([0, 1, 2, 3], None, 4),
    ([0, 1, 2, 3, 4], 4 + 15, 0),
    ([0, 1, 2, 3, 4, 10], 4 + 15, 0),  # a try during the lock is not counted
    ([0, 1, 2, 3, 4, 19], None, 1),  # the first try after the lock starts a new count
    ([0, 1, 2, 3, 4, 19, 20, 21, 22, 23], 23 + 15, 0),
])
def test_lock_state_from_the_tries(minutes: list[int], locked_until, counted: int) -> None:
    now = START + dt.timedelta(minutes=minutes[-1])
    state = lock_state([START + dt.timedelta(minutes=m) for m in reversed(minutes)], now)
    expected = START + dt.timedelta(minutes=locked_until) if locked_until is not None else None
    assert (state.locked_until, state.wrong_tries) == (expected, counted)


@pytest.mark.parametrize("call", [
    lambda store: store.record_wrong_try(""),
    lambda store: store.order_state(""),
    lambda store: store.client_state(""),
])
def test_empty_keys_are_refused(lockout: OrderLookupLockout, call) -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        call(lockout)
