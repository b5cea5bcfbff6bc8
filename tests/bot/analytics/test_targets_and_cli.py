"""kpis.yml validation and the analytics commands on an empty and a filled store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.analytics.events import from_rasa
from bot.analytics.ingest import ingest
from bot.analytics.store import AnalyticsStore
from bot.analytics.targets import TargetsError, against_targets, load_targets, parse_targets
from bot.cli import main


def test_the_shipped_targets_are_valid_and_compare_both_ways() -> None:
    targets = load_targets()
    assert targets["containment_rate"].met(0.8) and not targets["containment_rate"].met(0.5)
    assert targets["fallback_rate"].met(0.05) and not targets["fallback_rate"].met(0.2)
    report = against_targets({"containment_rate": None}, {"containment_rate": targets["containment_rate"]})
    assert report["containment_rate"]["met"] is None


@pytest.mark.parametrize(("raw", "message"), [
    ({"kpis": {}}, "version: 1"),
    ({"version": 1, "kpis": {"happiness": {"target": 1, "direction": "higher"}}}, "unknown KPI"),
    ({"version": 1, "kpis": {"containment_rate": {"target": 70, "direction": "higher"}}}, "between 0 and 1"),
    ({"version": 1, "kpis": {"csat_mean": {"target": 4, "direction": "up"}}}, "higher or lower"),
    ({"version": 1, "kpis": {"csat_mean": {"target": 4}}}, "direction"),
])
def test_a_wrong_file_names_the_key_and_the_fix(raw, message: str) -> None:
    with pytest.raises(TargetsError, match=message):
        parse_targets(raw)


def _broker_table(path: Path, events: list) -> str:
    import sqlite3

    db = sqlite3.connect(path)
    db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), data TEXT)")
    db.executemany("INSERT INTO events (sender_id, data) VALUES (?, ?)",
                   [(e["sender_id"], json.dumps(e)) for e in events])
    db.commit()
    db.close()
    return f"sqlite:///{path}"


def test_ingestion_is_incremental_and_idempotent(tmp_path: Path) -> None:
    events = [{"sender_id": "telegram:9", "event": "user", "timestamp": 1_800_000_000 + n, "text": f"message {n}",
               "parse_data": {"intent": {"name": "greet"}}, "metadata": {}} for n in range(25)]
    source = _broker_table(tmp_path / "events.db", events[:20])
    store = AnalyticsStore(f"sqlite:///{tmp_path / 'p.db'}")
    assert ingest(store, source, batch=7) == (20, 20)
    assert ingest(store, source, batch=7) == (0, 0)  # nothing new since the cursor
    import sqlite3

    db = sqlite3.connect(tmp_path / "events.db")
    db.executemany("INSERT INTO events (sender_id, data) VALUES (?, ?)",
                   [(e["sender_id"], json.dumps(e)) for e in events[15:]])  # a replay of 5 and 5 new ones
    db.commit()
    db.close()
    assert ingest(store, source, batch=7) == (10, 5)
    assert store.count() == 25 and from_rasa("telegram:9", events[0]) is not None


def test_the_commands_run_on_an_empty_and_a_filled_store(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("SWITCHBOARD_VAR_DIR", str(tmp_path))
    assert main(["analytics", "kpis", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["overall"]["conversations"] == 0
    _broker_table(tmp_path / "events.db", [{"sender_id": "telegram:9", "event": "user", "timestamp": 1e12,
                                            "parse_data": {"intent": {"name": "greet"}}}])
    assert main(["analytics", "ingest"]) == 0
    assert "1 events read" in capsys.readouterr().err
    with pytest.raises(SystemExit) as refused:
        main(["analytics", "kpis", "--since", "soon"])
    assert refused.value.code == 2 and "30d or 12h" in capsys.readouterr().err
