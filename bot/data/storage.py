"""Atomic file writes, CSV rows with their line numbers, and the record of bad input rows.

ML environment only (imported by the pydantic v2 modules of :mod:`bot.data`).
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, TextIO, Tuple, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


@contextlib.contextmanager
def atomic_write(path: Path | str, newline: Optional[str] = None) -> Iterator[TextIO]:
    """Open a temporary file next to ``path`` for writing text; on success replace ``path`` with it.

    If the block raises, the temporary file is removed and ``path`` is left untouched,
    so a failed run never leaves half-written output.

    Args:
        path: the final file.
        newline: passed to ``open`` (use ``""`` for CSV files).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def write_json(path: Path | str, payload: Any) -> None:
    """Write ``payload`` as indented JSON, atomically."""
    with atomic_write(path) as handle:
        json.dump(payload, handle, indent=2, ensure_ascii=False, sort_keys=False, default=str)
        handle.write("\n")


def csv_rows(reader: "csv.DictReader", report: Callable[[int, str], None]) -> Iterator[Tuple[int, Dict[str, Any]]]:
    """``(line, row)`` for each readable row of ``reader``; an unreadable one goes to ``report(line, reason)``.

    Open the reader with ``strict=True``: the lenient default reads a quote that is never closed
    as the start of one long field and silently glues the following rows into one message.
    ``line`` is the row's last line; an unreadable row is reported at its first line, with the
    lines it spans.
    """
    lines_read = reader.reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # DictReader.line_num is not updated on an error; the underlying reader's is
            first, last = lines_read + 1, reader.reader.line_num
            span = f"line {first}" if first == last else f"lines {first}-{last}"
            hint = "" if "field limit" in str(error) else "; check its quotes"
            report(first, f"unreadable CSV row ({span}: {error}){hint}")
            lines_read = last
            continue
        lines_read = reader.reader.line_num
        yield lines_read, row


def load_json(text: str) -> Any:
    """``json.loads`` that reports nesting too deep for Python as invalid JSON instead of crashing."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None


def named_decode_errors(path: Path | str, items: Iterable[T]) -> Iterator[T]:
    """Yield from ``items`` (read lazily from ``path``); a file that is not UTF-8 raises a ``ValueError`` naming it."""
    try:
        yield from items
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{path}: not UTF-8 text (byte 0x{error.object[error.start]:02x} cannot be decoded); save the file as UTF-8"
        ) from error


@dataclass(frozen=True)
class BadRecord:
    """One input record that was skipped: where it is and why (never its content)."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class IssueLog:
    """Collects skipped records so a run can report and count them."""

    records: List[BadRecord] = field(default_factory=list)

    def add(self, file: Path | str, line: int, reason: str) -> None:
        """Record a skipped input row; the reason must not contain personal data."""
        record = BadRecord(str(file), line, reason)
        self.records.append(record)
        logger.warning("skipped %s", record)

    def __len__(self) -> int:
        return len(self.records)

    def to_dicts(self) -> list[dict[str, Any]]:
        """The records as plain dicts (for the run report)."""
        return [{"file": r.file, "line": r.line, "reason": r.reason} for r in self.records]
