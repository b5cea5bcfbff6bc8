"""Re-encryption of every encrypted field under a new data key (``python -m bot privacy rotate-key``).

Where the encrypted fields are (:func:`encrypted_fields`): the product database (handoffs,
feedback, the durable inbox, analytics), the SMS channel's state file, the web chat outbox and the Rasa
tracker store's ``events.data``. Each store declares its own columns (``ENCRYPTED_COLUMNS``);
the locations come from the same configuration the servers read (``SWITCHBOARD_DATABASE_URL``,
``credentials.yml``, ``endpoints.yml``).

A rotation (:func:`rotate`):

1. With a key ring file: a new random key becomes the primary key and the ring is marked
   ``rotating``; the old keys stay in the ring, so everything stays readable. Running servers
   re-read the ring within a second and encrypt with the new key from then on, which this waits
   for. With keys from the environment nothing is generated (Switchboard cannot change the
   environment): the target is ``SWITCHBOARD_DATA_KEY``, the old keys come from
   ``SWITCHBOARD_DATA_KEY_OLD``.
2. Every row of every field, in batches by primary key: a value under an older key, or a plain
   value of a release before encryption, is decrypted and encrypted under the primary key; the
   update is conditional on the value being unchanged (a row a server rewrote meanwhile already
   holds a value under the new key). Each batch is committed, with progress.
3. Each SQLite file is compacted (``VACUUM``, then the WAL truncated, with ``secure_delete`` on):
   an ``UPDATE`` leaves the old value, and a ``DELETE`` of an older release its clear text, in free
   space of the file until it is overwritten. A file in use at that moment is reported, not
   waited for. (PostgreSQL keeps old row versions until ``VACUUM FULL``; see docs/security.md.)
4. A check that no value is left under an older key; then the old keys are removed from the ring
   (unless ``keep_old_keys``) and the ``rotating`` mark is cleared.

Interrupted anywhere, it is resumed by running it again: a ring marked ``rotating`` is not
rotated again, and values already under the primary key are skipped (idempotent).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Optional

from bot.security import crypto
from bot.security.crypto import DecryptionError, FieldCipher, KeyRing

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class EncryptedField:
    """One encrypted column: where it is, how its rows are keyed, and the context it is encrypted with."""

    store: str
    url: str
    table: str
    key: str
    column: str
    plain_as_is: frozenset = frozenset()
    """Plain values the store writes on purpose (a cleared payload ``{}``); left as they are."""

    @property
    def context(self) -> str:
        """The associated data of its values (``"<table>.<column>"``)."""
        return f"{self.table}.{self.column}"


@dataclass
class FieldResult:
    """What one pass did to one field."""

    rows: int = 0
    reencrypted: int = 0
    current: int = 0
    changed_meanwhile: int = 0
    failed: list[str] = field(default_factory=list)


@dataclass
class RotationReport:
    """The outcome of :func:`rotate`."""

    primary: str
    retired: list[str]
    fields: dict[str, FieldResult]
    left_under_old_keys: int
    plain_left: int
    not_compacted: list[str] = field(default_factory=list)
    """SQLite files that could not be compacted (in use); their free pages may hold old values."""

    @property
    def ok(self) -> bool:
        """True when every value is readable and none is left under an older key."""
        return self.left_under_old_keys == 0 and not any(result.failed for result in self.fields.values())


def tracker_store_url(endpoints: Path, root: Path) -> Optional[str]:
    """The SQLAlchemy URL of the SQL tracker store ``endpoints`` names (None: not a SQL tracker store).

    Relative SQLite paths are relative to ``root``, where the Rasa server runs.
    """
    import yaml

    document = yaml.safe_load(os.path.expandvars(endpoints.read_text(encoding="utf-8"))) or {}
    config = document.get("tracker_store") or {}
    kind = str(config.get("type") or "")
    if kind != "SQL" and not kind.endswith("SQLTrackerStore"):
        return None
    dialect = str(config.get("dialect") or "sqlite")
    db = str(config.get("db") or "rasa.db")
    host = config.get("url") or config.get("host")
    if host and "://" in str(host):
        return str(host)
    if dialect == "sqlite":
        path = Path(db)
        return f"sqlite:///{path if path.is_absolute() else root / path}"
    import sqlalchemy as sa

    url = sa.engine.URL.create(dialect, username=config.get("username"), password=config.get("password"),
                               host=host, port=config.get("port"), database=db)
    return url.render_as_string(hide_password=False)


def _credential(credentials: Path, channel: str, key: str) -> str:
    import yaml

    document = yaml.safe_load(credentials.read_text(encoding="utf-8")) or {}
    return str((document.get(channel) or {}).get(key) or "")


def encrypted_fields(database_url: Optional[str] = None, sms_db: Optional[Path] = None,
                     webchat_db: Optional[Path] = None, tracker_url: Optional[str] = None) -> list[EncryptedField]:
    """Every encrypted column of every store, at the locations the servers use (or the ones given)."""
    from bot import paths
    from bot.analytics.store import ENCRYPTED_COLUMNS as ANALYTICS
    from bot.db import database_url as product_url
    from bot.feedback import ENCRYPTED_COLUMNS as FEEDBACK
    from bot.handoff.store import ENCRYPTED_COLUMNS as HANDOFF
    from bot.intake.store import CLEARED
    from bot.intake.store import ENCRYPTED_COLUMNS as INTAKE
    from connectors.sms_state import ENCRYPTED_COLUMNS as SMS
    from connectors.sms_state import KEY_COLUMNS as SMS_KEYS
    from connectors.webchat_outbox import ENCRYPTED_COLUMNS as OUTBOX

    if sms_db is None:
        configured = _credential(paths.CREDENTIALS_YML, "connectors.twilio_sms.TwilioSmsInput", "state_db")
        sms_db = paths.ROOT / configured if configured else paths.var_dir() / "sms.db"
    if webchat_db is None:
        configured = _credential(paths.CREDENTIALS_YML, "connectors.webchat.WebChatInput", "outbox_db")
        webchat_db = paths.ROOT / configured if configured else paths.var_dir() / "webchat.db"
    if tracker_url is None:
        tracker_url = tracker_store_url(paths.ENDPOINTS_YML, paths.ROOT)
    product = database_url or product_url()
    fields: list[EncryptedField] = []
    for store, url, columns, keys in (
        ("handoff", product, HANDOFF, {}), ("feedback", product, FEEDBACK, {}), ("inbox", product, INTAKE, {}),
        ("analytics", product, ANALYTICS, {}),
        ("sms", f"sqlite:///{sms_db}", SMS, SMS_KEYS), ("webchat outbox", f"sqlite:///{webchat_db}", OUTBOX, {}),
        ("tracker store", tracker_url, {"events": ("data",)}, {}),
    ):
        if url is None:
            continue
        for table, names in columns.items():
            for column in names:
                as_is = frozenset({CLEARED}) if (table, column) == ("intake_messages", "payload") else frozenset()
                fields.append(EncryptedField(store, url, table, keys.get(table, "id"), column, as_is))
    return fields


class _Engines:
    """One engine per database URL; SQLite files that do not exist are not created."""

    def __init__(self) -> None:
        self._engines: dict[str, Any] = {}

    def get(self, url: str) -> Any:
        if url not in self._engines:
            if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
                self._engines[url] = None
            else:
                from bot.db import create_engine

                engine = self._engines[url] = create_engine(url)
                if url.startswith("sqlite"):
                    import sqlalchemy as sa

                    @sa.event.listens_for(engine, "connect")
                    def _overwrite_deleted(connection: Any, _record: Any) -> None:
                        connection.execute("PRAGMA secure_delete=ON")  # replaced values do not linger in the file
        return self._engines[url]

    def sqlite_files(self) -> list[Path]:
        """The SQLite files that exist among the databases opened."""
        return [Path(url[len("sqlite:///"):]) for url, engine in self._engines.items()
                if engine is not None and url.startswith("sqlite:///")]

    def dispose(self) -> None:
        for engine in self._engines.values():
            if engine is not None:
                engine.dispose()


def _table(engine: Any, item: EncryptedField) -> Any:
    """The table of ``item``, or None when the store never created it."""
    import sqlalchemy as sa

    if engine is None or not sa.inspect(engine).has_table(item.table):
        return None
    return sa.table(item.table, sa.column(item.key), sa.column(item.column))


def reencrypt_field(engine: Any, item: EncryptedField, cipher: FieldCipher, batch: int = 500,
                    progress: Optional[Progress] = None) -> FieldResult:
    """Bring every value of one column under the cipher's primary key; one committed transaction per batch."""
    import sqlalchemy as sa

    result = FieldResult()
    table = _table(engine, item)
    if table is None:
        return result
    key, column = table.c[item.key], table.c[item.column]
    with engine.connect() as connection:
        total = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    update = (table.update().where((key == sa.bindparam("row_key")) & (column == sa.bindparam("old_value")))
              .values({item.column: sa.bindparam("new_value")}))
    last: Any = None
    started = time.monotonic()
    while True:
        query = sa.select(key, column).order_by(key).limit(batch)
        if last is not None:
            query = query.where(key > last)
        with engine.connect() as connection:
            rows = connection.execute(query).all()
        if not rows:
            break
        last = rows[-1][0]
        changes = []
        for row_key, value in rows:
            result.rows += 1
            if value is None or cipher.is_current(value) or (value in item.plain_as_is):
                result.current += 1
                continue
            try:
                plain = cipher.decrypt(value, item.context)
            except DecryptionError as error:
                result.failed.append(f"{item.context} row {row_key}: {error}")
                continue
            changes.append({"row_key": row_key, "old_value": value,
                            "new_value": cipher.encrypt(plain, item.context)})
        if changes:
            with engine.begin() as connection:
                updated = sum(connection.execute(update, change).rowcount or 0 for change in changes)
            result.reencrypted += updated
            result.changed_meanwhile += len(changes) - updated
        if progress is not None and time.monotonic() - started > 5:
            progress(f"  {item.store}: {item.context}: {result.rows:,} of about {total:,} rows")
            started = time.monotonic()
    return result


def count_old(engine: Any, item: EncryptedField, ring: KeyRing) -> tuple[int, int]:
    """How many values of one column are under a key other than the primary, and how many are plain."""
    import sqlalchemy as sa

    table = _table(engine, item)
    if table is None:
        return 0, 0
    column = table.c[item.column]
    current = f"{crypto.PREFIX}{ring.primary}:%"
    with engine.connect() as connection:
        old = connection.execute(sa.select(sa.func.count()).select_from(table).where(
            column.like(f"{crypto.PREFIX}%") & ~column.like(current))).scalar_one()
        is_plain = column.isnot(None) & ~column.like(f"{crypto.PREFIX}%")
        if item.plain_as_is:
            is_plain = is_plain & column.notin_(sorted(item.plain_as_is))
        plain = connection.execute(sa.select(sa.func.count()).select_from(table).where(is_plain)).scalar_one()
    return int(old), int(plain)


def compact_sqlite(path: Path) -> Optional[str]:
    """Rebuild a SQLite file without free pages and truncate its WAL; returns why it could not, or None."""
    import sqlite3

    connection = sqlite3.connect(str(path), timeout=10, isolation_level=None)
    try:
        connection.execute("PRAGMA secure_delete=ON")
        connection.execute("VACUUM")
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return "the WAL is in use by another process" if busy else None
    except sqlite3.OperationalError as error:
        return str(error)
    finally:
        connection.close()


def start_rotation(ring: KeyRing, progress: Progress) -> KeyRing:
    """Make a new primary key (ring file) or take the environment's key as the target; returns the ring to use."""
    from bot.security.keys import replace_private

    if ring.path is None:
        progress(f"the data key comes from {crypto.ENV_KEY}: re-encrypting everything under it (key {ring.primary}); "
                 f"older keys are read from {crypto.ENV_OLD_KEYS} ({len(ring.retired())} given)")
        return ring
    if ring.rotating:
        progress(f"resuming the rotation to key {ring.primary} (older keys kept for reading: "
                 f"{', '.join(ring.retired()) or 'none'})")
        return ring
    rotated = ring.with_new_primary()
    replace_private(ring.path, rotated.to_json())
    progress(f"new data key {rotated.primary} written to {ring.path}; older keys kept for reading until every "
             f"value is re-encrypted: {', '.join(rotated.retired())}")
    time.sleep(2 * crypto.RELOAD_SECONDS)  # running servers re-read the ring and write with the new key
    return rotated


def finish_rotation(ring: KeyRing, keep_old_keys: bool, progress: Progress) -> list[str]:
    """Clear the ``rotating`` mark and (unless ``keep_old_keys``) remove the old keys; returns the removed ids."""
    from bot.security.keys import replace_private

    if ring.path is None:
        return []
    retired = [] if keep_old_keys else ring.retired()
    keys = dict(ring.keys) if keep_old_keys else {ring.primary: ring.keys[ring.primary]}
    replace_private(ring.path, KeyRing(ring.primary, keys, path=ring.path).to_json())
    if retired:
        progress(f"removed the old keys {', '.join(retired)} from {ring.path}: backups taken before this rotation "
                 "need the key file backed up with them")
    return retired


def rotate(fields: Iterable[EncryptedField], environ: Optional[Mapping[str, str]] = None, batch: int = 500,
           keep_old_keys: bool = False, compact: bool = True, progress: Progress = logger.info) -> RotationReport:
    """Rotate the data key and re-encrypt ``fields`` under it (see the module docstring).

    Raises:
        KeyConfigError: the configured data key is unusable.
    """
    fields = list(fields)
    ring = start_rotation(crypto.load_ring(environ), progress)
    cipher = FieldCipher(ring)
    engines = _Engines()
    results: dict[str, FieldResult] = {}
    try:
        for item in fields:
            engine = engines.get(item.url)
            result = reencrypt_field(engine, item, cipher, batch, progress)
            results[f"{item.store}: {item.context}"] = result
            if result.rows:
                progress(f"{item.store}: {item.context}: {result.reencrypted:,} re-encrypted, {result.current:,} "
                         f"already current, {len(result.failed):,} unreadable ({result.rows:,} rows)")
        old = plain = 0
        for item in fields:
            counted = count_old(engines.get(item.url), item, ring)
            old, plain = old + counted[0], plain + counted[1]
        files = engines.sqlite_files()
    finally:
        engines.dispose()
    not_compacted = []
    for path in files if compact else []:
        reason = compact_sqlite(path)
        if reason is not None:
            not_compacted.append(path)
            progress(f"could not compact {path} ({reason}): old values may remain in its free pages until "
                     f"`python -m bot privacy rotate-key` runs again with the servers stopped")
    report = RotationReport(ring.primary, [], results, old, plain, [str(p) for p in not_compacted])
    if report.ok:
        report.retired = finish_rotation(ring, keep_old_keys, progress)
    return report
