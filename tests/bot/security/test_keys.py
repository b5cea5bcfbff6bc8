"""Secret keys from the environment or a 0600 key file (bot/security/keys.py)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.security.keys import IDENTITY_KEY, KeyConfigError, key_file, secret_key


def test_the_embedded_profile_creates_a_private_key_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWITCHBOARD_VAR_DIR", str(tmp_path))
    first = secret_key(IDENTITY_KEY, environ={})
    path = key_file(IDENTITY_KEY[0])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(IDENTITY_KEY, environ={}) == first  # the same key after a restart
    assert len(first) >= 32


def test_the_environment_wins_and_must_be_long_enough(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWITCHBOARD_VAR_DIR", str(tmp_path))
    assert secret_key(IDENTITY_KEY, environ={"SWITCHBOARD_ID_KEY": "x" * 40}) == b"x" * 40
    assert not key_file(IDENTITY_KEY[0]).exists()
    with pytest.raises(KeyConfigError, match="SWITCHBOARD_ID_KEY must be at least 32 characters"):
        secret_key(IDENTITY_KEY, environ={"SWITCHBOARD_ID_KEY": "short"})


def test_a_key_file_others_can_read_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWITCHBOARD_VAR_DIR", str(tmp_path))
    secret_key(IDENTITY_KEY, environ={})
    os.chmod(key_file(IDENTITY_KEY[0]), 0o644)
    with pytest.raises(KeyConfigError, match="chmod 600"):
        secret_key(IDENTITY_KEY, environ={})
