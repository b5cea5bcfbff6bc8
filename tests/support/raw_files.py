"""What an attacker who copies the database files would read: the raw bytes of a SQLite database.

SQLite in WAL mode keeps recent writes in ``<file>-wal`` until a checkpoint, so a test that asserts
a text is *not* on disk must read the main file and its journals together. Standard library only.
"""

from __future__ import annotations

from pathlib import Path


def sqlite_bytes(path: Path) -> bytes:
    """The database file and its ``-wal`` and ``-journal`` files, concatenated."""
    parts = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")]
    return b"".join(part.read_bytes() for part in parts if part.exists())


def contains(path: Path, text: str) -> bool:
    """True when ``text`` (UTF-8, also UTF-16 as SQLite may store it) appears anywhere in the files of ``path``."""
    raw = sqlite_bytes(path)
    return any(text.encode(encoding) in raw for encoding in ("utf-8", "utf-16-le", "utf-16-be"))
