"""Rasa's SQL event broker with every event encrypted at rest (Rasa environment only).

Named in ``endpoints.yml`` by module path, with the keys of Rasa's ``SQL`` broker::

    event_broker:
      type: bot.event_broker.EncryptedSQLEventBroker
      dialect: "sqlite"
      db: "var/events.db"

Rasa publishes every conversation event to it; ``python -m bot analytics ingest`` copies them into
the analytics store (docs/monitoring.md). The table is Rasa's (``events``: id, sender_id, data);
``data``, the event as JSON with the customer's text, goes through the same encrypting column type
as the tracker store (:class:`bot.tracker_store.EncryptedText`, context ``events.data``), so what
leaves through the broker is never plain customer text.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.sql import SQLEventBroker
from sqlalchemy.orm import declarative_base

from bot.tracker_store import EVENTS_CONTEXT, EncryptedText


class EncryptedSQLEventBroker(SQLEventBroker):
    """:class:`~rasa.core.brokers.sql.SQLEventBroker` whose ``events.data`` column encrypts."""

    Base: Any = declarative_base()

    class SQLBrokerEvent(Base):  # type: ignore[misc, valid-type]
        """A row of the ``events`` table, ``data`` encrypted."""

        __tablename__ = "events"
        id = sa.Column(sa.Integer, primary_key=True)
        sender_id = sa.Column(sa.String(255))
        data = sa.Column(EncryptedText(EVENTS_CONTEXT))
