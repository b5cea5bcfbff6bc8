"""Secret keys: from the environment in production, from a key file under ``var/`` for ``make run``.

``make run`` needs no configuration, so on first use a random 32-byte key is written to
``var/keys/<name>.key`` (permissions 0600, never committed) and a log line says so. Production
sets the environment variable instead (at least 32 characters; any string, e.g. ``openssl rand
-hex 32``). Both servers read the same key: the file is created with ``O_EXCL``, so two
processes starting together agree on one key.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Mapping, Optional

from bot import paths

logger = logging.getLogger(__name__)

MIN_KEY_CHARS = 32

IDENTITY_KEY = ("identity", "SWITCHBOARD_ID_KEY")
"""Pseudonyms of phone numbers (SMS conversation ids) and client addresses (rate limits, lockouts)."""

SESSION_KEY = ("webchat-session", "SWITCHBOARD_SESSION_KEY")
"""Signs web chat session tokens."""


class KeyConfigError(ValueError):
    """A configured key is unusable; the message names the variable and the fix."""


def key_file(name: str) -> Path:
    """Where the embedded profile keeps the key ``name``."""
    return paths.var_dir() / "keys" / f"{name}.key"


def _staged(path: Path, content: str) -> Path:
    """A new private file (0600) next to ``path`` holding ``content``, flushed to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.parent.name == "keys":
        os.chmod(path.parent, 0o700)
    staging = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    return staging


def create_once(path: Path, content: str) -> bool:
    """Write ``content`` to a new private file ``path`` unless it exists; True when this call created it.

    Atomic (written, then linked): of two processes starting together, the first one's file wins
    and the other reads it.
    """
    staging = _staged(path, content)
    try:
        os.link(staging, path)  # fails if the file exists: the first process's key wins
    except FileExistsError:
        return False
    finally:
        os.unlink(staging)
    return True


def replace_private(path: Path, content: str) -> None:
    """Replace ``path`` with a private file (0600) holding ``content``, atomically (readers see old or new)."""
    staging = _staged(path, content)
    try:
        os.replace(staging, path)
    except BaseException:
        os.unlink(staging)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a crash
    finally:
        os.close(directory)


def _create(path: Path, variable: str) -> None:
    """Write a new random key to ``path`` unless another process just did."""
    if create_once(path, secrets.token_hex(32)):
        logger.warning("created the key file %s (set %s to use your own key in production)", path, variable)


def secret_key(spec: tuple[str, str], environ: Optional[Mapping[str, str]] = None) -> bytes:
    """The key of ``spec`` = (file name, environment variable).

    Raises:
        KeyConfigError: the environment variable is set but shorter than 32 characters, or the key
            file exists but is empty or readable by others.
    """
    name, variable = spec
    environ = os.environ if environ is None else environ
    configured = environ.get(variable, "").strip()
    if configured:
        if len(configured) < MIN_KEY_CHARS:
            raise KeyConfigError(f"{variable} must be at least {MIN_KEY_CHARS} characters (e.g. `openssl rand -hex 32`)")
        return configured.encode("utf-8")
    path = key_file(name)
    if not path.exists():
        _create(path, variable)
    if path.stat().st_mode & 0o077:
        raise KeyConfigError(f"{path} is readable by other users: run `chmod 600 {path}`")
    value = path.read_text(encoding="ascii").strip()
    if len(value) < MIN_KEY_CHARS:
        raise KeyConfigError(f"{path} holds no usable key: delete it to have a new one created, or set {variable}")
    return value.encode("ascii")
