"""Incremental, idempotent ingestion into the analytics store.

Sources are tables in Rasa's shape ``events(id, sender_id, data)``: the SQL event broker's table
(``event_broker: type: SQL`` in endpoints.yml, ``var/events.db`` by default) or a SQL tracker
store's ``events`` table. Rows are read in id order from where the last run stopped (the cursor is
stored with the rows, in one transaction); every event is stored under its identity, so a replayed
stream or a re-run counts each event once.

  python -m bot analytics ingest [--source sqlite:///var/events.db] [--batch 1000]
"""

from __future__ import annotations

import json
import logging
from typing import Any, Callable, Iterator, Optional

from bot.analytics.events import AnalyticsEvent, from_rasa
from bot.analytics.store import AnalyticsStore

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 1000


def _decoded(data: Any) -> Optional[dict]:
    from bot.security.crypto import data_cipher

    if not isinstance(data, str):
        return None
    try:  # Switchboard's tracker store encrypts each event (bot/tracker_store.py); the broker's table is plain
        value = json.loads(data_cipher().decrypt(data, "events.data"))
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def rows_after(source_url: str, position: int, batch: int) -> Iterator[tuple[int, str, Optional[dict]]]:
    """(id, sender id, event dict) of the source's rows after ``position``, in id order, ``batch`` at a time."""
    import sqlalchemy as sa

    from bot.db import create_engine

    engine = create_engine(source_url)
    if not sa.inspect(engine).has_table("events"):
        return
    table = sa.Table("events", sa.MetaData(), autoload_with=engine)
    while True:
        with engine.connect() as connection:
            rows = connection.execute(sa.select(table.c.id, table.c.sender_id, table.c.data)
                                      .where(table.c.id > position).order_by(table.c.id).limit(batch)).all()
        if not rows:
            return
        for row in rows:
            yield int(row.id), str(row.sender_id), _decoded(row.data)
        position = int(rows[-1].id)


def ingest(store: AnalyticsStore, source_url: str, batch: int = DEFAULT_BATCH,
           progress: Optional[Callable[[int, int], None]] = None) -> tuple[int, int]:
    """Ingest what the source holds beyond the cursor; returns (rows read, events newly stored)."""
    position = store.cursor(source_url)
    read = added = 0
    pending: list[AnalyticsEvent] = []
    last = position
    for row_id, sender, data in rows_after(source_url, position, batch):
        read += 1
        last = row_id
        if data is not None:
            event = from_rasa(str(data.get("sender_id") or sender), data)
            if event is not None:
                pending.append(event)
        if read % batch == 0:
            added += store.add(pending, source_url, last)
            pending = []
            if progress is not None:
                progress(read, added)
    if read % batch:
        added += store.add(pending, source_url, last)
        if progress is not None:
            progress(read, added)
    return read, added
