"""Field encryption and the data key ring (bot/security/crypto.py)."""

from __future__ import annotations

import base64
import json
import os
import stat
import threading
from pathlib import Path

import pytest

from bot.security import crypto
from bot.security.crypto import DecryptionError, FieldCipher, KeyConfigError, KeyRing, key_id, load_ring

KEY = bytes(range(32))
KEY_B64 = base64.b64encode(KEY).decode()


@pytest.fixture
def cipher() -> FieldCipher:
    return FieldCipher(KeyRing.new())


# --- values --------------------------------------------------------------------------------

def test_round_trip_of_text_json_and_null(cipher: FieldCipher) -> None:
    for text in ("", "Where is my order HP-482913?", "émoji 🙂 and 中文", "x" * 20_000):
        sealed = cipher.encrypt(text, "handoff_messages.text")
        assert sealed.startswith(f"enc:v1:{cipher.ring.primary}:")
        assert cipher.decrypt(sealed, "handoff_messages.text") == text
    sealed = cipher.encrypt_json([{"text": "hi"}], "handoff_messages.context_json")
    assert cipher.decrypt_json(sealed, "handoff_messages.context_json") == [{"text": "hi"}]
    assert cipher.encrypt_optional(None, "t.c") is None and cipher.decrypt_optional(None, "t.c") is None


def test_every_value_gets_its_own_nonce(cipher: FieldCipher) -> None:
    values = {cipher.encrypt("same text", "t.c") for _ in range(50)}
    assert len(values) == 50
    nonces = {base64.b64decode(v.rsplit(":", 1)[1])[:12] for v in values}
    assert len(nonces) == 50


def test_a_changed_value_is_refused(cipher: FieldCipher) -> None:
    sealed = cipher.encrypt("refund to card 4111", "feedback.comment")
    prefix, body = sealed.rsplit(":", 1)
    raw = bytearray(base64.b64decode(body))
    for position in (0, 12, len(raw) - 1):  # nonce, ciphertext, tag
        tampered = bytearray(raw)
        tampered[position] ^= 1
        with pytest.raises(DecryptionError, match="failed its integrity check"):
            cipher.decrypt(f"{prefix}:{base64.b64encode(bytes(tampered)).decode()}", "feedback.comment")
    with pytest.raises(DecryptionError, match="not valid ciphertext"):
        cipher.decrypt(f"{prefix}:{body[:10]}", "feedback.comment")
    with pytest.raises(DecryptionError, match="not valid ciphertext"):
        cipher.decrypt(f"{prefix}:not base64!", "feedback.comment")


def test_a_value_moved_to_another_column_is_refused(cipher: FieldCipher) -> None:
    sealed = cipher.encrypt("my address is 12 Elm Street", "handoff_messages.text")
    with pytest.raises(DecryptionError, match="moved there from another column"):
        cipher.decrypt(sealed, "handoff_corrections.right_answer")


def test_plain_values_of_an_older_release_are_read_as_they_are(cipher: FieldCipher) -> None:
    assert cipher.decrypt("written before encryption", "feedback.comment") == "written before encryption"
    assert cipher.decrypt_json('[{"text": "old"}]', "handoff_messages.context_json") == [{"text": "old"}]
    assert cipher.decrypt_json("", "handoff_messages.context_json", default="[]") == []
    assert not cipher.is_current("written before encryption")


def test_a_value_under_an_unknown_key_names_the_fix() -> None:
    sealed = FieldCipher(KeyRing.new()).encrypt("hello", "t.c")
    with pytest.raises(DecryptionError, match="does not hold: restore the key file"):
        FieldCipher(KeyRing.new()).decrypt(sealed, "t.c")


def test_older_keys_of_the_ring_still_decrypt() -> None:
    old = KeyRing.new()
    sealed = FieldCipher(old).encrypt("hello", "t.c")
    rotated = FieldCipher(old.with_new_primary())
    assert rotated.decrypt(sealed, "t.c") == "hello"
    assert not rotated.is_current(sealed)
    assert rotated.is_current(rotated.encrypt("hello", "t.c"))
    assert crypto.key_id_of(sealed) == old.primary


# --- keys from the environment -------------------------------------------------------------

def test_the_environment_key_as_base64_or_hex(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWITCHBOARD_VAR_DIR", str(tmp_path))
    for text in (KEY_B64, KEY_B64.rstrip("="), base64.urlsafe_b64encode(KEY).decode(), KEY.hex(), KEY.hex().upper()):
        ring = load_ring({"SWITCHBOARD_DATA_KEY": f" {text}\n"})
        assert ring.keys == {key_id(KEY): KEY} and ring.primary == key_id(KEY) and ring.path is None
    assert not (tmp_path / "keys").exists()  # no key file when the environment has the key


@pytest.mark.parametrize("bad", ["correct horse battery staple", "x" * 40, KEY.hex()[:-2],
                                 base64.b64encode(bytes(16)).decode(), base64.b64encode(bytes(range(48))).decode()])
def test_a_passphrase_or_a_key_of_the_wrong_size_is_refused(bad: str) -> None:
    with pytest.raises(KeyConfigError, match=r"SWITCHBOARD_DATA_KEY must be 32 random bytes .*not a passphrase.*openssl rand -base64 32"):
        load_ring({"SWITCHBOARD_DATA_KEY": bad})


def test_old_environment_keys_are_read_during_a_rotation() -> None:
    old = os.urandom(32)
    sealed = FieldCipher(load_ring({"SWITCHBOARD_DATA_KEY": base64.b64encode(old).decode()})).encrypt("hi", "t.c")
    ring = load_ring({"SWITCHBOARD_DATA_KEY": KEY_B64, "SWITCHBOARD_DATA_KEY_OLD": f"{old.hex()}, "})
    assert ring.primary == key_id(KEY) and set(ring.keys) == {key_id(KEY), key_id(old)}
    assert FieldCipher(ring).decrypt(sealed, "t.c") == "hi"
    with pytest.raises(KeyConfigError, match=r"SWITCHBOARD_DATA_KEY_OLD \(entry 2\)"):
        load_ring({"SWITCHBOARD_DATA_KEY": KEY_B64, "SWITCHBOARD_DATA_KEY_OLD": f"{old.hex()},short"})


# --- the key ring file ---------------------------------------------------------------------

def test_the_embedded_profile_creates_a_private_key_ring_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("SWITCHBOARD_VAR_DIR", str(tmp_path))
    caplog.set_level("WARNING", logger="bot.security.crypto")
    first = load_ring({})
    path = tmp_path / "keys" / "data.key"
    assert first.path == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [r.getMessage() for r in caplog.records if "created the data key file" in r.getMessage()] == [
        f"created the data key file {path}: it encrypts the stored conversations; back it up with the databases "
        "(without it they cannot be read), and set SWITCHBOARD_DATA_KEY or SWITCHBOARD_DATA_KEY_FILE in production"]
    caplog.clear()
    again = load_ring({})
    assert again.keys == first.keys and again.primary == first.primary  # the same key after a restart
    assert not caplog.records  # created once, said once
    document = json.loads(path.read_text())
    assert document["primary"] == first.primary and len(base64.b64decode(document["keys"][first.primary])) == 32


def test_processes_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "data.key"
    rings: list[KeyRing] = []
    threads = [threading.Thread(target=lambda: rings.append(crypto.read_ring_file(path))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({ring.primary for ring in rings}) == 1
    assert [p.name for p in path.parent.iterdir()] == ["data.key"]  # no staging file left behind


def test_a_key_file_path_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "switchboard-data.key"
    ring = load_ring({"SWITCHBOARD_DATA_KEY_FILE": str(path)})
    assert ring.path == path and path.exists()
    assert load_ring({"SWITCHBOARD_DATA_KEY_FILE": str(path)}).primary == ring.primary


def test_an_unusable_key_file_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "data.key"
    environ = {"SWITCHBOARD_DATA_KEY_FILE": str(path)}
    load_ring(environ)
    os.chmod(path, 0o644)
    with pytest.raises(KeyConfigError, match=f"chmod 600 {path}"):
        load_ring(environ)
    os.chmod(path, 0o600)
    path.write_text("garbage")
    with pytest.raises(KeyConfigError, match="is not a Switchboard key ring: restore it from your backup"):
        load_ring(environ)
    other = KeyRing.new()
    document = json.loads(other.to_json())
    document["keys"] = {"00000000": document["keys"][other.primary]}
    document["primary"] = "00000000"
    path.write_text(json.dumps(document))
    with pytest.raises(KeyConfigError, match="does not match its id"):
        load_ring(environ)


def test_a_running_process_sees_a_rotated_ring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.security.keys import replace_private

    path = tmp_path / "data.key"
    monkeypatch.setenv("SWITCHBOARD_DATA_KEY_FILE", str(path))
    monkeypatch.delenv("SWITCHBOARD_DATA_KEY", raising=False)
    writer, reader = FieldCipher(), FieldCipher()
    before = writer.encrypt("hello", "t.c")
    assert reader.decrypt(before, "t.c") == "hello"
    rotated = crypto.read_ring_file(path).with_new_primary()
    replace_private(path, rotated.to_json())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # a value under the new key, read by a process that has not looked at the file since: re-read at once
    after = FieldCipher(rotated).encrypt("again", "t.c")
    assert reader.decrypt(after, "t.c") == "again"
    monkeypatch.setattr(crypto, "RELOAD_SECONDS", 0.0)
    assert writer.ring.primary == rotated.primary  # and writers switch to the new key
    assert writer.decrypt(before, "t.c") == "hello"
