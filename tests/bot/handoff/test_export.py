"""Corrections and agent replies end up in the data pipeline's canonical JSONL."""

from __future__ import annotations

from pathlib import Path

from bot.data.readers import read_source
from bot.data.storage import IssueLog
from bot.handoff.export import export
from bot.cli import main
from bot.handoff.store import AGENT_REPLY, CUSTOMER, NOTE, WAITING, HandoffStore

CONTEXT = [
    {"role": "customer", "text": "hi", "intent": "greet"},
    {"role": "bot", "text": "Hi, I'm Pip."},
    {"role": "customer", "text": "how long do refunds take?", "intent": "ask_question"},
    {"role": "bot", "text": "Refunds take 2 days."},
    {"role": "customer", "text": "that seems wrong, a person please", "intent": "request_human"},
]


def fill(store: HandoffStore, approve: bool = True) -> None:
    handoff, _ = store.open("conv-1", "telegram", "123456789", WAITING, "customer_request", context=CONTEXT)
    store.claim(handoff.id, "U0AGENTPAT")
    store.add_message(handoff.id, CUSTOMER, "customer", "hello?")
    store.add_message(handoff.id, AGENT_REPLY, "U0AGENTPAT", "Refunds take 5-7 business days after the return arrives.")
    store.add_message(handoff.id, NOTE, "U0AGENTPAT", "customer seems upset")  # never exported
    correction = store.add_correction("conv-1", "telegram", "how long do refunds take?", "Refunds take 2 days.",
                                      "Refunds take 5-7 business days after the warehouse receives the return.",
                                      "U0AGENTPAT", handoff.id, CONTEXT)
    store.add_correction("conv-1", "telegram", "how long do refunds take?", "Refunds take 2 days.",
                         "Refunds take 3 days.", "U0AGENTSAM", handoff.id, CONTEXT)  # rejected below
    if approve:
        assert store.review_correction(correction, "U0AGENTPAT", approve=True) is False  # never one's own
        assert store.review_correction(correction, "U0AGENTSAM", approve=True) is True
    store.review_correction(correction + 1, "U0AGENTPAT", approve=False)


def read(path: Path) -> list:
    issues = IssueLog()
    conversations = list(read_source("jsonl", path, None, issues))
    assert len(issues) == 0, issues.to_dicts()
    return conversations


def test_export_is_read_by_the_pipeline(store: HandoffStore, tmp_path: Path) -> None:
    fill(store)
    out = tmp_path / "corrections.jsonl"
    counts = export(store, out)
    assert counts == {"corrections": 1, "replies": 1}
    correction, replies = read(out)

    assert correction.metadata["source"] == "handoff_correction"
    assert correction.metadata["wrong_answer"] == "Refunds take 2 days."
    assert [(t.role, t.text) for t in correction.turns] == [
        ("customer", "hi"), ("bot", "Hi, I'm Pip."), ("customer", "how long do refunds take?"),
        ("agent", "Refunds take 5-7 business days after the warehouse receives the return.")]
    assert correction.turns[-1].metadata == {"handoff_agent": "U0AGENTPAT", "corrects": "Refunds take 2 days."}

    assert replies.metadata["source"] == "handoff_replies"
    assert [t.role for t in replies.turns] == ["customer", "bot", "customer", "bot", "customer", "customer", "agent"]
    assert replies.turns[-1].text.startswith("Refunds take 5-7 business days")
    assert "customer seems upset" not in out.read_text(encoding="utf-8")


def test_corrections_wait_for_a_reviewer(store: HandoffStore, tmp_path: Path) -> None:
    fill(store, approve=False)
    out = tmp_path / "corrections.jsonl"
    assert export(store, out, kind="corrections") == {"corrections": 0, "replies": 0}
    statuses = [(c.status, c.reviewer) for c in store.all_corrections()]
    assert statuses == [("pending", None), ("rejected", "U0AGENTPAT")]
    assert [c.id for c in store.all_corrections(status="pending")] == [1]


def test_cli_export(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    fill(HandoffStore(url))
    out = tmp_path / "out.jsonl"
    assert main(["handoff", "export-corrections", "--out", str(out), "--kind", "corrections", "--database", url]) == 0
    [only] = read(out)
    assert only.turns[-1].role == "agent"


def test_cli_review_then_export(tmp_path: Path, monkeypatch, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    store = HandoffStore(url)
    fill(store, approve=False)
    monkeypatch.setenv("SWITCHBOARD_HANDOFF_REVIEWERS", "U0AGENTPAT,U0AGENTREV")
    out = tmp_path / "out.jsonl"
    assert main(["handoff", "export-corrections", "--out", str(out), "--kind", "corrections", "--database", url]) == 0
    assert read(out) == []
    assert main(["handoff", "corrections", "list", "--database", url]) == 0
    assert "C1\tU0AGENTPAT" in capsys.readouterr().out
    assert main(["handoff", "corrections", "approve", "C1", "--reviewer", "U0AGENTPAT", "--database", url]) == 2
    assert "it is yours" in capsys.readouterr().err
    assert main(["handoff", "corrections", "approve", "C1", "--reviewer", "U0NOBODY", "--database", url]) == 2
    assert main(["handoff", "corrections", "approve", "C1", "--reviewer", "U0AGENTREV", "--database", url]) == 0
    assert main(["handoff", "export-corrections", "--out", str(out), "--kind", "corrections", "--database", url]) == 0
    assert len(read(out)) == 1
    assert main(["handoff", "audit", "--database", url]) == 0
    assert "U0AGENTREV\tapprove\tconv-1" in capsys.readouterr().out
