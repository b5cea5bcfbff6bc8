"""Encryption at rest of message texts and personal fields: AES-256-GCM, one value at a time.

Every store of Switchboard (handoffs, feedback, the web chat outbox, the SMS address book, the
durable inbox) and the Rasa tracker store (:mod:`bot.tracker_store`) pass the columns that hold
customer text or personal data through :class:`FieldCipher`. A stored value is text::

    enc:v1:<key id>:<base64 of nonce (12 bytes) + ciphertext + tag (16 bytes)>

with a random 96-bit nonce per value and, as associated data, the value's *context*: a string
naming its table and column (``"handoff_messages.text"``). A value copied into another column,
changed by a single bit, or encrypted under a key the ring does not hold is refused with
:class:`DecryptionError`; it is never returned garbled. Values written by a release before
encryption (any text not starting with ``enc:``) are read as they are, and re-written encrypted by
``python -m bot privacy rotate-key``.

Keys (32 random bytes each), first match wins:

``SWITCHBOARD_DATA_KEY``
    the key, as base64 (44 characters) or hex (64 characters), e.g. ``openssl rand -base64 32``.
    Passphrases are refused: a key must be random, and the message says how to make one.
    ``SWITCHBOARD_DATA_KEY_OLD`` (optional, comma-separated, same format) lists earlier keys that
    are still read, for a rotation of environment keys.
``SWITCHBOARD_DATA_KEY_FILE``
    a key ring file at that path (created on first use if missing).
otherwise ``var/keys/data.key``
    the key ring of the embedded profile, created on first use (0600, never committed) with a log
    line saying that backups must include it.

A key ring file is JSON: ``{"version": 1, "primary": "<id>", "keys": {"<id>": "<base64>", ...}}``
(plus ``"rotating": true`` while ``rotate-key`` is re-encrypting). The primary key encrypts, every
key decrypts. A key's id is a fingerprint of it (8 hex characters), so the same key has the same id
in every process. Running servers notice a rewritten ring file within a second
(:data:`RELOAD_SECONDS`), so a rotation needs no restart.

Key material is never logged. Imported by both environments (``cryptography`` is in both).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot import paths

logger = logging.getLogger(__name__)

PREFIX = "enc:v1:"
"""Every encrypted value starts with this; anything else is a plain value of an older release."""

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_ID_CHARS = 8
RELOAD_SECONDS = 1.0
"""How often a process looks whether the key ring file changed (stat only)."""

ENV_KEY = "SWITCHBOARD_DATA_KEY"
ENV_OLD_KEYS = "SWITCHBOARD_DATA_KEY_OLD"
ENV_KEY_FILE = "SWITCHBOARD_DATA_KEY_FILE"
HOW_TO_MAKE_A_KEY = "generate one with `openssl rand -base64 32`"


class KeyConfigError(ValueError):
    """The data key is unusable; the message names the variable or file and the fix."""


class DecryptionError(Exception):
    """A stored value could not be decrypted: changed, moved from another column, or under an unknown key.

    Not a ``ValueError`` on purpose: Rasa's SQL tracker store turns any ``ValueError`` raised in a
    session into "PostgreSQL schema not found" and exits.
    """


def key_id(key: bytes) -> str:
    """The id of ``key``: a fingerprint (8 hex characters) that reveals nothing usable about it."""
    return hashlib.sha256(b"switchboard data key id\0" + key).hexdigest()[:KEY_ID_CHARS]


def parse_key(text: str, where: str) -> bytes:
    """32 key bytes from base64 or hex text.

    Args:
        text: the configured value.
        where: what to name in the error (an environment variable or a file).

    Raises:
        KeyConfigError: not base64 or hex of exactly 32 bytes.
    """
    value = text.strip()
    candidates = []
    if len(value) == 2 * KEY_BYTES:
        try:
            candidates.append(bytes.fromhex(value))
        except ValueError:
            pass
    for altchars in (None, b"-_"):  # standard and URL-safe base64, padding optional
        try:
            candidates.append(base64.b64decode(value + "=" * (-len(value) % 4), altchars=altchars, validate=True))
        except (binascii.Error, ValueError):
            continue
    for candidate in candidates:
        if len(candidate) == KEY_BYTES:
            return candidate
    raise KeyConfigError(
        f"{where} must be {KEY_BYTES} random bytes as base64 (44 characters) or hex (64 characters), "
        f"not a passphrase: {HOW_TO_MAKE_A_KEY}")


@dataclass(frozen=True)
class KeyRing:
    """Keys by id; ``primary`` encrypts, all of them decrypt."""

    primary: str
    keys: Mapping[str, bytes]
    rotating: bool = False
    path: Optional[Path] = None
    """The ring file it came from (None: from the environment, which Switchboard cannot rewrite)."""

    def __post_init__(self) -> None:
        if self.primary not in self.keys:
            raise KeyConfigError(f"the key ring's primary key {self.primary!r} is not among its keys")

    @classmethod
    def new(cls, path: Optional[Path] = None) -> "KeyRing":
        """A ring holding one fresh random key."""
        key = secrets.token_bytes(KEY_BYTES)
        return cls(key_id(key), {key_id(key): key}, path=path)

    def with_new_primary(self) -> "KeyRing":
        """This ring plus a fresh random key as primary, marked as rotating (old keys kept for reading)."""
        key = secrets.token_bytes(KEY_BYTES)
        return KeyRing(key_id(key), {**self.keys, key_id(key): key}, rotating=True, path=self.path)

    def retired(self) -> list[str]:
        """Ids of the keys that only decrypt."""
        return sorted(kid for kid in self.keys if kid != self.primary)

    def to_json(self) -> str:
        """The ring file's text."""
        document: dict[str, Any] = {
            "version": 1, "primary": self.primary,
            "keys": {kid: base64.b64encode(key).decode("ascii") for kid, key in self.keys.items()}}
        if self.rotating:
            document["rotating"] = True
        return json.dumps(document, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, path: Path) -> "KeyRing":
        """Parse a ring file.

        Raises:
            KeyConfigError: not a key ring, or a key whose id does not match it.
        """
        broken = (f"{path} is not a Switchboard key ring: restore it from your backup (without it the "
                  f"encrypted data cannot be read)")
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise KeyConfigError(broken) from error
        if not isinstance(document, dict) or document.get("version") != 1 or not isinstance(document.get("keys"), dict):
            raise KeyConfigError(broken)
        keys = {}
        for kid, encoded in document["keys"].items():
            key = parse_key(str(encoded), f"key {kid} of {path}")
            if key_id(key) != kid:
                raise KeyConfigError(f"key {kid} of {path} does not match its id: {broken}")
            keys[kid] = key
        return cls(str(document.get("primary")), keys, rotating=bool(document.get("rotating")), path=path)


def ring_path(environ: Optional[Mapping[str, str]] = None) -> Path:
    """Where the key ring file is: ``SWITCHBOARD_DATA_KEY_FILE`` or ``var/keys/data.key``."""
    environ = os.environ if environ is None else environ
    configured = environ.get(ENV_KEY_FILE, "").strip()
    return Path(configured) if configured else paths.var_dir() / "keys" / "data.key"


def read_ring_file(path: Path) -> KeyRing:
    """The key ring in ``path``, created with one random key when the file does not exist.

    Raises:
        KeyConfigError: the file is readable by other users or is not a key ring.
    """
    from bot.security.keys import create_once

    if not path.exists() and create_once(path, KeyRing.new(path).to_json()):
        logger.warning("created the data key file %s: it encrypts the stored conversations; back it up with the "
                       "databases (without it they cannot be read), and set %s or %s in production",
                       path, ENV_KEY, ENV_KEY_FILE)
    if path.stat().st_mode & 0o077:
        raise KeyConfigError(f"{path} is readable by other users: run `chmod 600 {path}`")
    return KeyRing.from_json(path.read_text(encoding="ascii"), path)


def load_ring(environ: Optional[Mapping[str, str]] = None) -> KeyRing:
    """The data keys as configured (see the module docstring).

    Raises:
        KeyConfigError: a configured key is malformed, or the ring file is unusable.
    """
    environ = os.environ if environ is None else environ
    configured = environ.get(ENV_KEY, "").strip()
    if configured:
        primary = parse_key(configured, ENV_KEY)
        keys = {key_id(primary): primary}
        for number, text in enumerate(t for t in environ.get(ENV_OLD_KEYS, "").split(",") if t.strip()):
            old = parse_key(text, f"{ENV_OLD_KEYS} (entry {number + 1})")
            keys.setdefault(key_id(old), old)
        return KeyRing(key_id(primary), keys)
    return read_ring_file(ring_path(environ))


@dataclass
class _Cached:
    ring: Optional[KeyRing] = None
    stamp: Any = None
    checked: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


class FieldCipher:
    """Encrypts and decrypts single values under a key ring.

    Args:
        ring: a fixed ring (tests, rotation); by default the configured one, re-read when its file changes.
    """

    def __init__(self, ring: Optional[KeyRing] = None) -> None:
        self._fixed = ring
        self._cached = _Cached()
        self._aead: dict[bytes, AESGCM] = {}

    # ------------------------------------------------------------------ keys

    @property
    def ring(self) -> KeyRing:
        """The key ring in force now (a ring file is looked at again at most every :data:`RELOAD_SECONDS`)."""
        if self._fixed is not None:
            return self._fixed
        cached = self._cached
        ring = cached.ring
        if ring is not None and (ring.path is None or time.monotonic() - cached.checked < RELOAD_SECONDS):
            return ring
        return self._reload(force=False)

    def _reload(self, force: bool) -> KeyRing:
        cached = self._cached
        with cached.lock:
            now = time.monotonic()
            if cached.ring is None:
                stamp = _stamp(ring_path()) if not os.environ.get(ENV_KEY, "").strip() else None
                cached.ring, cached.stamp = load_ring(), stamp
            elif cached.ring.path is not None and (force or now - cached.checked >= RELOAD_SECONDS):
                stamp = _stamp(cached.ring.path)  # taken before reading: a change meanwhile is read next time
                if stamp != cached.stamp:
                    cached.ring, cached.stamp = read_ring_file(cached.ring.path), stamp
                    logger.info("data key ring re-read: the primary key is %s", cached.ring.primary)
            cached.checked = now
            return cached.ring

    def _cipher(self, key: bytes) -> AESGCM:
        aead = self._aead.get(key)
        if aead is None:
            aead = self._aead[key] = AESGCM(key)
        return aead

    # ------------------------------------------------------------------ values

    def encrypt(self, value: str, context: str) -> str:
        """``value`` encrypted under the primary key, bound to ``context`` (e.g. ``"table.column"``)."""
        ring = self.ring
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._cipher(ring.keys[ring.primary]).encrypt(nonce, value.encode("utf-8"), context.encode("utf-8"))
        return f"{PREFIX}{ring.primary}:{base64.b64encode(nonce + sealed).decode('ascii')}"

    def decrypt(self, value: str, context: str) -> str:
        """The text of a stored value; a plain value of an older release is returned as it is.

        Raises:
            DecryptionError: the value was changed, belongs to another context (column), or was
                encrypted under a key the ring does not hold.
        """
        if not is_encrypted(value):
            return value
        kid, _, body = value[len(PREFIX):].partition(":")
        key = self.ring.keys.get(kid)
        if key is None and self._fixed is None:
            key = self._reload(force=True).keys.get(kid)  # another process may have rotated a moment ago
        if key is None:
            raise DecryptionError(
                f"a value of {context} was encrypted under key {kid}, which the data key ring does not hold: "
                f"restore the key file that was backed up with this data, or name the key in {ENV_OLD_KEYS}")
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as error:
            raise DecryptionError(f"a value of {context} is not valid ciphertext (changed in the database?)") from error
        if len(raw) < NONCE_BYTES + TAG_BYTES:
            raise DecryptionError(f"a value of {context} is not valid ciphertext (changed in the database?)")
        try:
            plain = self._cipher(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8"))
        except InvalidTag as error:
            raise DecryptionError(f"a value of {context} failed its integrity check: it was changed, or moved "
                                  f"there from another column") from error
        return plain.decode("utf-8")

    def encrypt_optional(self, value: Optional[str], context: str) -> Optional[str]:
        """:meth:`encrypt`, keeping None (SQL NULL) as None."""
        return None if value is None else self.encrypt(value, context)

    def decrypt_optional(self, value: Optional[str], context: str) -> Optional[str]:
        """:meth:`decrypt`, keeping None (SQL NULL) as None."""
        return None if value is None else self.decrypt(value, context)

    def encrypt_json(self, value: Any, context: str, **dumps: Any) -> str:
        """``value`` as JSON, encrypted."""
        return self.encrypt(json.dumps(value, **dumps), context)

    def decrypt_json(self, value: Optional[str], context: str, default: str = "null") -> Any:
        """A value written by :meth:`encrypt_json` (or plain JSON of an older release), parsed."""
        return json.loads(self.decrypt(value, context) if value else default)

    def is_current(self, value: Optional[str]) -> bool:
        """True when ``value`` is encrypted under the primary key (a rotation can skip it)."""
        return value is not None and value.startswith(f"{PREFIX}{self.ring.primary}:")


def is_encrypted(value: Optional[str]) -> bool:
    """True for a value written by :meth:`FieldCipher.encrypt`."""
    return isinstance(value, str) and value.startswith(PREFIX)


def key_id_of(value: Optional[str]) -> Optional[str]:
    """The key id an encrypted value names (None for plain values)."""
    if not is_encrypted(value):
        return None
    return str(value)[len(PREFIX):].partition(":")[0]


def _stamp(path: Optional[Path]) -> Any:
    if path is None:
        return None
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return (status.st_ino, status.st_mtime_ns, status.st_size)


_default: Optional[FieldCipher] = None
_default_lock = threading.Lock()


def data_cipher() -> FieldCipher:
    """The process's cipher under the configured keys (loaded on first use, shared by every store)."""
    global _default
    cipher = _default
    if cipher is None:
        with _default_lock:
            if _default is None:
                _default = FieldCipher()
            cipher = _default
    return cipher


def reset_data_cipher() -> None:
    """Forget the process's cipher, so the next :func:`data_cipher` reads the configuration again (tests)."""
    global _default
    with _default_lock:
        _default = None


def shared_key_environment(environ: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """Environment that gives a child process (e.g. servers started with another ``SWITCHBOARD_VAR_DIR``)
    this process's data keys, so both read what the other wrote: empty when the key comes from the
    inherited environment, else the key ring file's path."""
    environ = os.environ if environ is None else environ
    if environ.get(ENV_KEY, "").strip():
        return {}
    return {ENV_KEY_FILE: str(ring_path(environ).resolve())}
