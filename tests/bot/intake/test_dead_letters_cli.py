"""`python -m bot dead-letters list|retry|drop` on a real SQLite inbox."""

from __future__ import annotations

import json
from pathlib import Path

from bot.cli import main
from bot.intake.store import DEAD, DONE, PENDING, InboxStore


def test_list_retry_and_drop(tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'switchboard.db'}"
    store = InboxStore(url)
    for sid in ("SM1", "SM2"):
        store.accept("twilio_sms", sid, f"sms:{sid}", {"from": "+15550001111", "body": "where is my parcel"})
        store.mark_dead(store.due("twilio_sms")[0].id, "TurnFailed")
    first, second = store.in_state(DEAD)

    assert main(["dead-letters", "list", "--database-url", url]) == 0
    listed = capsys.readouterr()
    assert "2 dead letter(s)" in listed.err and "TurnFailed" in listed.out
    assert "where is my parcel" not in listed.out and "+1555" not in listed.out  # no content unless asked
    assert main(["dead-letters", "list", "--json", "--show-text", "--database-url", url]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0]["payload"]["body"] == "where is my parcel"

    assert main(["dead-letters", "retry", str(first.id), "--database-url", url]) == 0
    assert store.get(first.id).state == PENDING and store.get(first.id).attempts == 0
    assert main(["dead-letters", "drop", str(second.id), "--database-url", url]) == 0
    assert store.get(second.id).state == DONE
    assert main(["dead-letters", "drop", str(second.id), "--database-url", url]) == 2
    assert "is not a dead letter" in capsys.readouterr().err
