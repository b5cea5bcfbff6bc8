"""The product database: one SQLAlchemy engine factory for every Switchboard store.

SQLite under ``var/`` by default (``var/switchboard.db``); ``SWITCHBOARD_DATABASE_URL`` selects
another database (e.g. ``postgresql://...``). Works with SQLAlchemy 1.4 (Rasa environment) and 2.x
(ML environment). Both servers open the same database: SQLite runs in WAL mode with a busy
timeout, so readers never block the writer and two processes wait for each other's locks
instead of failing.
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any

from bot import paths


def database_url() -> str:
    """The SQLAlchemy URL of the product database."""
    return os.environ.get("SWITCHBOARD_DATABASE_URL") or f"sqlite:///{paths.var_dir() / 'switchboard.db'}"


def engine_url(url: str) -> str:
    """``url`` with a PostgreSQL driver that is installed in this environment.

    SQLAlchemy 2 reads a bare ``postgresql://`` as psycopg 3 and SQLAlchemy 1.4 as psycopg2;
    both environments have psycopg2, so one ``SWITCHBOARD_DATABASE_URL`` serves both servers.
    """
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        if importlib.util.find_spec("psycopg") is None and importlib.util.find_spec("psycopg2") is not None:
            return "postgresql+psycopg2://" + url.split("://", 1)[1]
    return url


def create_engine(url: str) -> Any:
    """An engine for ``url``; for SQLite the folder is created and WAL mode switched on."""
    import sqlalchemy as sa

    connect_args: dict[str, Any] = {}
    if url.startswith("sqlite"):
        path = url[len("sqlite:///"):]
        if path and path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        connect_args = {"timeout": 30, "check_same_thread": False}
    engine = sa.create_engine(engine_url(url), future=True, connect_args=connect_args, pool_pre_ping=True)
    if url.startswith("sqlite") and ":memory:" not in url:
        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # durable against a killed process; fsync at checkpoints
            cursor.close()
    return engine


def add_missing_columns(engine: Any, table: Any) -> list[str]:
    """Add the columns of ``table`` that an older database lacks (nullable, no default); returns their names.

    Stores grow by adding nullable columns only; this brings a database created by an earlier
    release up to date without losing rows.
    """
    import sqlalchemy as sa

    inspector = sa.inspect(engine)
    if not inspector.has_table(table.name):
        return []
    present = {column["name"] for column in inspector.get_columns(table.name)}
    added = []
    with engine.begin() as connection:
        for column in table.columns:
            if column.name in present:
                continue
            kind = column.type.compile(dialect=engine.dialect)
            connection.execute(sa.text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}'))
            added.append(column.name)
    return added
