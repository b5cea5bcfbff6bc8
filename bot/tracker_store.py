"""Rasa's SQL tracker store with every event encrypted at rest (Rasa environment only).

Named in ``endpoints.yml`` by module path, with the keys of Rasa's ``SQL`` store::

    tracker_store:
      type: bot.tracker_store.EncryptedSQLTrackerStore
      dialect: "sqlite"          # or "postgresql", with host, port, username, password
      db: "var/tracker.db"

It is Rasa's :class:`~rasa.core.tracker_store.SQLTrackerStore`, unchanged but for one thing: the
``data`` column of the ``events`` table (each event serialised as JSON: the customer's text, the
bot's replies, slots, entities) goes through :class:`EncryptedText`, a SQLAlchemy column type that
encrypts on every write and decrypts on every read (:mod:`bot.security.crypto`, context
``events.data``). Every path Rasa has to the events (``save``, ``retrieve``,
``retrieve_full_tracker``, the count in ``_additional_events``, ``keys``) goes through the same
mapped class, so no path can write or read clear text by going around an override; the class and
its table definition are this module's own (a separate declarative base), so Rasa's plain
``SQL`` store keeps working unchanged in the same process.

``sender_id``, ``type_name``, ``timestamp``, ``intent_name`` and ``action_name`` stay plain: Rasa
queries by them and they hold no customer text (the sender id is a channel-bound pseudonym or
session id, :mod:`bot.identity`). Rows written before encryption are read as they are and
encrypted by ``python -m bot privacy rotate-key``.
"""

from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, _create_sequence
from sqlalchemy.orm import declarative_base

from bot.security.crypto import FieldCipher, data_cipher

EVENTS_CONTEXT = "events.data"
"""The associated data of every encrypted event (the table and column it belongs to)."""


class EncryptedText(sa.types.TypeDecorator):
    """A text column whose values are stored encrypted under the data key (``None`` stays NULL)."""

    impl = sa.Text
    cache_ok = True

    def __init__(self, context: str, cipher: Optional[FieldCipher] = None) -> None:
        super().__init__()
        self.context = context
        self._cipher = cipher

    @property
    def cipher(self) -> FieldCipher:
        """The cipher in use: the process's data cipher unless one was given."""
        return self._cipher or data_cipher()

    def process_bind_param(self, value: Optional[str], dialect: Any) -> Optional[str]:
        return None if value is None else self.cipher.encrypt(value, self.context)

    def process_result_value(self, value: Optional[str], dialect: Any) -> Optional[str]:
        return None if value is None else self.cipher.decrypt(value, self.context)


EncryptedBase: Any = declarative_base()


class EncryptedSQLEvent(EncryptedBase):  # type: ignore[misc, valid-type]
    """Rasa's ``events`` table (same name, columns and index), with ``data`` encrypted."""

    __tablename__ = "events"

    id = sa.Column(sa.Integer, _create_sequence(__tablename__), primary_key=True)
    sender_id = sa.Column(sa.String(255), nullable=False, index=True)
    type_name = sa.Column(sa.String(255), nullable=False)
    timestamp = sa.Column(sa.Float)
    intent_name = sa.Column(sa.String(255))
    action_name = sa.Column(sa.String(255))
    data = sa.Column(EncryptedText(EVENTS_CONTEXT))


class EncryptedSQLTrackerStore(SQLTrackerStore):
    """:class:`SQLTrackerStore` whose event data is encrypted at rest; same configuration keys."""

    Base = EncryptedBase
    SQLEvent = EncryptedSQLEvent

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Rasa's arguments; the data key is loaded first, so a bad key stops the server at start.

        Raises:
            bot.security.crypto.KeyConfigError: the data key is malformed or its file unusable.
        """
        data_cipher().ring  # noqa: B018 (loads, or on the first start creates, the key ring)
        super().__init__(*args, **kwargs)
