"""Fixtures of the handoff tests: the real policy file and a store on SQLite and on PostgreSQL."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Iterator

import pytest

from bot.handoff.policy import HandoffPolicy, load_policy
from bot.handoff.store import HandoffStore

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _postgres_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def policy() -> HandoffPolicy:
    """The repository's handoff.yml."""
    return load_policy()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HandoffStore]:
    """A fresh handoff store on SQLite (temp file) and on the local PostgreSQL server."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'handoff.db'}"
    else:
        if not _postgres_running():
            pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
        url = POSTGRES_URL
        HandoffStore(url).drop_all()
    handoffs = HandoffStore(url)
    yield handoffs
    if request.param == "postgresql":
        handoffs.drop_all()
    handoffs.engine.dispose()
