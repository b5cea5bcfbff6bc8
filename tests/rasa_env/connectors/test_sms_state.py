"""Opt-out and pending-options store, keywords (connectors/sms_state.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.sms_state import SmsStateStore, keyword


@pytest.mark.parametrize("body, expected", [
    ("STOP", "STOP"), (" stop ", "STOP"), ("Unsubscribe.", "STOP"), ("start", "START"), ("HELP", "HELP"),
    ("info!", "HELP"), ("yes", "START?"), ("stop sending me offers", None), ("where is my order", None),
])
def test_keywords(body: str, expected: "str | None") -> None:
    assert keyword(body) == expected


def test_opt_out_survives_a_new_store_and_start_resumes(tmp_path: Path) -> None:
    db = tmp_path / "sms.db"
    store = SmsStateStore(db)
    store.opt_out("+15550100001")
    store.opt_out("+15550100001")
    store.close()
    reopened = SmsStateStore(db)
    assert reopened.is_opted_out("+15550100001")
    assert not reopened.is_opted_out("+15550100002")
    assert reopened.opt_in("+15550100001") is True
    assert reopened.opt_in("+15550100001") is False
    assert not reopened.is_opted_out("+15550100001")


def test_options_answer_one_reply_and_stop_clears_them(tmp_path: Path) -> None:
    store = SmsStateStore(tmp_path / "sms.db")
    store.offer_options("+15550100003", ["/affirm", "/deny"])
    assert store.take_options("+15550100003") == ["/affirm", "/deny"]
    assert store.take_options("+15550100003") == []
    store.offer_options("+15550100003", ["/affirm"])
    store.opt_out("+15550100003")
    assert store.take_options("+15550100003") == []
