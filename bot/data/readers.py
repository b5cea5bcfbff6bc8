"""Readers that turn exported support history into canonical conversations.

ML environment only (pydantic v2, SQLAlchemy 2).

Formats (``FORMATS``):

* ``csv``: one message per row with a conversation-id column; column names are options.
* ``qa-csv``: two columns, question and answer; each row becomes a two-turn conversation.
* ``jsonl``: the canonical schema (:mod:`bot.data.schema`).
* ``abcd``: ASAPP's ABCD JSON (a list of conversations, or the full ``{"train": [...], ...}`` file).
* ``rasa-tracker``: the JSON of Rasa's ``GET /conversations/<id>/tracker``, a JSON list of
  such trackers, or a JSONL file with one tracker per line.
* ``rasa-sql``: the ``events`` table of a Rasa SQL tracker store, read through SQLAlchemy
  (``path`` is a SQLAlchemy URL such as ``sqlite:///var/tracker.db`` or a path to a SQLite file);
  events encrypted by Switchboard's tracker store (:mod:`bot.tracker_store`) are decrypted with
  the configured data key (:mod:`bot.security.crypto`), plain ones are read as they are.

Rasa events: ``user`` events become customer turns (with the intent Rasa predicted);
``bot`` events become bot turns, except those whose ``metadata`` holds ``handoff_agent``:
a human agent's message relayed through the bot (how :mod:`bot.handoff` stores them), which
becomes an ``agent`` turn with ``metadata.handoff_agent`` (and ``handoff_id``) kept. Other events (actions, slots) are ignored.

Every reader yields valid conversations and records each skipped row in an
:class:`~bot.data.storage.IssueLog` with file, line (or record number) and reason.
"""

from __future__ import annotations

import csv
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional

from pydantic import ValidationError

from bot.data.schema import ROLES, Conversation, Turn, describe_error, load_conversations
from bot.data.storage import IssueLog, csv_rows, load_json, named_decode_errors

logger = logging.getLogger(__name__)

DEFAULT_ROLE_MAP: Dict[str, str] = {
    "customer": "customer",
    "user": "customer",
    "client": "customer",
    "human": "customer",
    "visitor": "customer",
    "agent": "agent",
    "operator": "agent",
    "staff": "agent",
    "support": "agent",
    "bot": "bot",
    "assistant": "bot",
    "system": "bot",
}


@dataclass
class ReaderOptions:
    """Options of the readers; each reader uses the ones it needs.

    Attributes:
        channel: channel name to record when the source has none.
        conversation_column, text_column, role_column, timestamp_column, intent_column:
            column names of the ``csv`` format (role/timestamp/intent may be absent).
        default_role: role used by ``csv`` when the file has no role column.
        role_map: lower-cased source role -> canonical role.
        question_column, answer_column, answer_role: the ``qa-csv`` format.
        table: the events table of ``rasa-sql``.
        delimiter: CSV delimiter.
    """

    channel: Optional[str] = None
    conversation_column: str = "conversation_id"
    text_column: str = "text"
    role_column: Optional[str] = "role"
    timestamp_column: Optional[str] = "timestamp"
    intent_column: Optional[str] = None
    default_role: str = "customer"
    role_map: Dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ROLE_MAP))
    question_column: str = "question"
    answer_column: str = "answer"
    answer_role: str = "agent"
    table: str = "events"
    delimiter: str = ","

    @classmethod
    def from_dict(cls, values: Dict[str, Any], where: str = "reader options") -> "ReaderOptions":
        """Build options from a config mapping; unknown keys raise ``ValueError`` naming them."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"{where}: unknown option(s) {unknown}; known options: {sorted(known)}")
        options = cls(**values)
        if options.default_role not in ROLES or options.answer_role not in ROLES:
            raise ValueError(f"{where}: default_role/answer_role must be one of {list(ROLES)}")
        return options


def parse_timestamp(value: Any) -> Optional[datetime]:
    """Parse an ISO 8601 string or a Unix epoch (seconds) into an aware datetime; empty -> None.

    Raises:
        ValueError: the value is neither.
    """
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    text = str(value).strip()
    try:
        return datetime.fromtimestamp(float(text), tz=timezone.utc)
    except ValueError:
        pass
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as error:
        raise ValueError("timestamp is neither ISO 8601 nor a Unix epoch") from error
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


# --------------------------------------------------------------------------- CSV


def _open_csv(path: Path, options: ReaderOptions, required: List[str], issues: IssueLog):
    handle = path.open(encoding="utf-8-sig", newline="")
    reader = csv.DictReader(handle, delimiter=options.delimiter, strict=True)  # strict: see csv_rows
    header = reader.fieldnames or []
    missing = [c for c in required if c not in header]
    if missing:
        handle.close()
        raise ValueError(
            f"{path}: missing column(s) {missing}; the header has {header}. "
            "Name the right columns with the reader options (e.g. --text-col)."
        )
    return handle, reader


def read_messages_csv(path: Path, options: ReaderOptions, issues: IssueLog) -> Iterator[Conversation]:
    """Read a CSV of single messages grouped into conversations by the conversation column.

    Rows keep their file order within a conversation; when every turn of a conversation has
    a timestamp, turns are sorted by it (stable).
    """
    required = [options.conversation_column, options.text_column]
    handle, reader = _open_csv(path, options, required, issues)
    has_role = bool(options.role_column) and options.role_column in (reader.fieldnames or [])
    has_time = bool(options.timestamp_column) and options.timestamp_column in (reader.fieldnames or [])
    has_intent = bool(options.intent_column) and options.intent_column in (reader.fieldnames or [])
    grouped: "OrderedDict[str, List[Turn]]" = OrderedDict()
    with handle:
        for line, row in csv_rows(reader, lambda line, reason: issues.add(path, line, reason)):
            if None in row:
                issues.add(path, line, "row has more fields than the header")
                continue
            conversation_id = (row.get(options.conversation_column) or "").strip()
            text = row.get(options.text_column)
            if not conversation_id:
                issues.add(path, line, f"empty {options.conversation_column!r}")
                continue
            if text is None:
                issues.add(path, line, f"row has fewer fields than the header (no {options.text_column!r})")
                continue
            role = options.default_role
            if has_role:
                raw_role = (row.get(options.role_column) or "").strip().lower()
                role = options.role_map.get(raw_role, "")
                if not role:
                    issues.add(path, line, f"unknown role {raw_role[:20]!r}; known: {sorted(options.role_map)}")
                    continue
            try:
                timestamp = parse_timestamp(row.get(options.timestamp_column)) if has_time else None
                turn = Turn(
                    role=role,
                    text=text,
                    timestamp=timestamp,
                    intent=(row.get(options.intent_column) or None) if has_intent else None,
                    metadata={"source_line": line},
                )
            except (ValueError, ValidationError) as error:
                issues.add(path, line, describe_error(error))
                continue
            grouped.setdefault(conversation_id, []).append(turn)
    channel = options.channel or "csv"
    for conversation_id, turns in grouped.items():
        if all(t.timestamp is not None for t in turns):
            turns.sort(key=lambda t: t.timestamp)  # type: ignore[arg-type,return-value]
        yield Conversation(
            conversation_id=conversation_id,
            channel=channel,
            turns=turns,
            metadata={"source": path.name, "format": "csv"},
        )


def read_qa_csv(path: Path, options: ReaderOptions, issues: IssueLog) -> Iterator[Conversation]:
    """Read a two-column question/answer CSV: each row is a customer question and its answer."""
    required = [options.question_column, options.answer_column]
    handle, reader = _open_csv(path, options, required, issues)
    with handle:
        for line, row in csv_rows(reader, lambda line, reason: issues.add(path, line, reason)):
            question = (row.get(options.question_column) or "").strip()
            answer = (row.get(options.answer_column) or "").strip()
            if not question or not answer:
                issues.add(path, line, "question or answer is empty")
                continue
            yield Conversation(
                conversation_id=f"{path.stem}-{line}",
                channel=options.channel or "qa",
                turns=[
                    Turn(role="customer", text=question),
                    Turn(role=options.answer_role, text=answer),  # type: ignore[arg-type]
                ],
                metadata={"source": path.name, "format": "qa-csv", "source_line": line},
            )


# --------------------------------------------------------------------------- JSONL


def read_jsonl(path: Path, options: ReaderOptions, issues: IssueLog) -> Iterator[Conversation]:
    """Read canonical JSONL, recording invalid lines."""
    yield from load_conversations(path, issues=issues)


# --------------------------------------------------------------------------- ABCD

ABCD_ROLES = {"customer": "customer", "agent": "agent", "action": "bot"}


def read_abcd(path: Path, options: ReaderOptions, issues: IssueLog) -> Iterator[Conversation]:
    """Read ABCD conversations (``original`` turns). Record numbers stand in for line numbers.

    ``action`` turns (the agent's tool actions, e.g. "Account has been pulled up for ...") become
    ``bot`` turns marked ``metadata.system = true`` so cleaning can drop them. The scenario's
    personal data is *not* copied into metadata; only flow and subflow are.
    """
    try:
        payload = load_json(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON ({error.msg} at line {error.lineno}); is it ABCD?") from error
    if isinstance(payload, dict):
        records = [(split, r) for split, items in payload.items() if isinstance(items, list) for r in items]
    elif isinstance(payload, list):
        records = [(None, r) for r in payload]
    else:
        raise ValueError(f"{path}: expected a list of ABCD conversations or a dict of splits")
    for number, (split, record) in enumerate(records, start=1):
        try:
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
            conversation_id = record["convo_id"]
            original = record["original"]
            if not isinstance(original, list) or not all(
                isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair)
                for pair in original
            ):
                raise ValueError("'original' is not a list of [speaker, text] pairs")
            turns = []
            for speaker, text in original:
                role = ABCD_ROLES.get(speaker)
                if role is None:
                    raise ValueError(f"unknown speaker {speaker[:20]!r}")
                metadata: Dict[str, Any] = {"system": True, "abcd_speaker": speaker} if speaker == "action" else {}
                turns.append(Turn(role=role, text=text, metadata=metadata))  # type: ignore[arg-type]
            scenario = record.get("scenario") or {}
            metadata = {"source": path.name, "format": "abcd"}
            for key in ("flow", "subflow"):
                if scenario.get(key):
                    metadata[key] = scenario[key]
            if split:
                metadata["abcd_split"] = split
            yield Conversation(
                conversation_id=f"abcd-{conversation_id}",
                channel=options.channel or "abcd",
                turns=turns,
                metadata=metadata,
            )
        except (KeyError, TypeError, ValueError, ValidationError) as error:
            reason = describe_error(error) if isinstance(error, ValidationError) else (
                f"missing key {error}" if isinstance(error, KeyError) else f"malformed record ({error})"
            )
            issues.add(path, number, f"record {number}: {reason}")


# --------------------------------------------------------------------------- Rasa trackers


def events_to_conversation(sender_id: str, events: Any, channel: Optional[str], source: str) -> Conversation:
    """Build a conversation from Rasa events (a list of dicts, as in the tracker JSON).

    Raises:
        ValueError: ``events`` is not a list of JSON objects.
    """
    if not isinstance(events, list) or not all(isinstance(event, dict) for event in events):
        raise ValueError("'events' is not a list of event objects")
    turns: List[Turn] = []
    input_channel: Optional[str] = None
    for event in events:
        kind = event.get("event")
        if kind not in ("user", "bot"):
            continue
        text = event.get("text")
        if text is None:  # buttons/images without text carry nothing to learn from
            continue
        timestamp = parse_timestamp(event.get("timestamp"))
        if kind == "user":
            input_channel = input_channel or event.get("input_channel")
            intent = (event.get("parse_data") or {}).get("intent") or {}
            confidence = intent.get("confidence")
            turns.append(
                Turn(
                    role="customer",
                    text=text,
                    timestamp=timestamp,
                    intent=intent.get("name"),
                    intent_confidence=float(confidence) if confidence is not None else None,
                    metadata={"label_source": "tracker"} if intent.get("name") else {},
                )
            )
        else:
            metadata = event.get("metadata") or {}
            agent = metadata.get("handoff_agent")
            if agent:
                kept = {"handoff_agent": str(agent)}
                if metadata.get("handoff_id") is not None:
                    kept["handoff_id"] = str(metadata["handoff_id"])
                turns.append(Turn(role="agent", text=text, timestamp=timestamp, metadata=kept))
            else:
                turns.append(Turn(role="bot", text=text, timestamp=timestamp))
    return Conversation(
        conversation_id=sender_id,
        channel=channel or input_channel or "rasa",
        turns=turns,
        metadata={"source": source, "format": "rasa-tracker"},
    )


def read_rasa_tracker(path: Path, options: ReaderOptions, issues: IssueLog) -> Iterator[Conversation]:
    """Read tracker JSON exports: one tracker object, a JSON list of them, or JSONL."""
    text = path.read_text(encoding="utf-8")
    entries: List[tuple[int, Any]]
    try:
        payload = load_json(text)
        entries = [(i, t) for i, t in enumerate(payload, start=1)] if isinstance(payload, list) else [(1, payload)]
    except json.JSONDecodeError:
        entries = []
        for line_number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                entries.append((line_number, load_json(line)))
            except json.JSONDecodeError as error:
                issues.add(path, line_number, f"not valid JSON ({error.msg} at column {error.colno})")
    for number, tracker in entries:
        try:
            if not isinstance(tracker, dict) or "events" not in tracker or "sender_id" not in tracker:
                raise ValueError("not a Rasa tracker (needs 'sender_id' and 'events')")
            yield events_to_conversation(str(tracker["sender_id"]), tracker["events"], options.channel, path.name)
        except (ValueError, TypeError, AttributeError, ValidationError) as error:
            issues.add(path, number, describe_error(error) if isinstance(error, ValidationError) else str(error))


def read_rasa_sql(url_or_path: str, options: ReaderOptions, issues: IssueLog) -> Iterator[Conversation]:
    """Read conversations straight from a Rasa SQL tracker store's ``events`` table.

    Args:
        url_or_path: a SQLAlchemy URL, or a path to a SQLite file.
    """
    import sqlalchemy as sa

    from bot.security.crypto import DecryptionError, data_cipher

    cipher = data_cipher()
    url = url_or_path if "://" in url_or_path else f"sqlite:///{Path(url_or_path).resolve()}"
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        raise ValueError(f"{url_or_path}: SQLite file not found")
    engine = sa.create_engine(url)
    source = url.rsplit("/", 1)[-1]
    try:
        table = sa.Table(options.table, sa.MetaData(), autoload_with=engine)
        query = (
            sa.select(table.c.id, table.c.sender_id, table.c.type_name, table.c.data)
            .where(table.c.type_name.in_(["user", "bot"]))
            .order_by(table.c.sender_id, table.c.id)
        )
        current: Optional[str] = None
        events: List[Dict[str, Any]] = []
        with engine.connect() as connection:
            for row in connection.execute(query):
                if row.sender_id != current:
                    if current is not None:
                        yield events_to_conversation(current, events, options.channel, source)
                    current, events = row.sender_id, []
                try:
                    event = load_json(cipher.decrypt(row.data, "events.data") if row.data else row.data)
                    if not isinstance(event, dict):
                        raise ValueError("event data is not a JSON object")
                except DecryptionError as error:
                    issues.add(source, row.id, f"events row {row.id}: {error}")
                    continue
                except (json.JSONDecodeError, TypeError, ValueError) as error:
                    issues.add(source, row.id, f"events row {row.id}: unreadable data ({error.__class__.__name__})")
                    continue
                events.append(event)
            if current is not None:
                yield events_to_conversation(current, events, options.channel, source)
    except sa.exc.NoSuchTableError as error:
        raise ValueError(f"{url_or_path}: no table {options.table!r}; is this a Rasa SQL tracker store?") from error
    finally:
        engine.dispose()


Reader = Callable[[Any, ReaderOptions, IssueLog], Iterator[Conversation]]

FORMATS: Dict[str, Reader] = {
    "csv": read_messages_csv,
    "qa-csv": read_qa_csv,
    "jsonl": read_jsonl,
    "abcd": read_abcd,
    "rasa-tracker": read_rasa_tracker,
    "rasa-sql": read_rasa_sql,
}


def read_source(fmt: str, path: str | Path, options: Optional[ReaderOptions], issues: IssueLog) -> Iterator[Conversation]:
    """Read one input with the reader of ``fmt``.

    Raises:
        ValueError: unknown format, missing file, or a file that is unreadable as a whole
            (not UTF-8, for example; raised while iterating).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown input format {fmt!r}; choose one of {sorted(FORMATS)}")
    options = options or ReaderOptions()
    if fmt == "rasa-sql":
        return FORMATS[fmt](str(path), options, issues)
    file_path = Path(path)
    if not file_path.is_file():
        raise ValueError(f"{file_path}: {'is a folder, not a file' if file_path.is_dir() else 'input file not found'}")
    return named_decode_errors(file_path, FORMATS[fmt](file_path, options, issues))


def import_sources(sources: Iterable[tuple[str, str | Path, Optional[ReaderOptions]]], issues: IssueLog) -> Iterator[Conversation]:
    """Read several inputs; a conversation id seen before is reported and skipped."""
    seen: set[str] = set()
    for fmt, path, options in sources:
        for conversation in read_source(fmt, path, options, issues):
            if conversation.conversation_id in seen:
                issues.add(path, 0, "duplicate conversation_id (already read from an earlier record or input); skipped")
                continue
            seen.add(conversation.conversation_id)
            yield conversation
