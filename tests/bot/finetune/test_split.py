"""The split without shared replies (bot/finetune/split.py) and the committed splits it made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.data.schema import load_conversations
from bot.finetune.leak import exchanges_of, measure
from bot.finetune.split import SPLITS, SplitError, groups_of, sha256, split, split_hash

from .conftest import PREPARED, conversation, write_split

PREPARED_DIR = PREPARED.parent


def _conversations(tmp_path: Path, rows: list[tuple[str, str, str]]) -> list:
    path = write_split(tmp_path, "all", [conversation(cid, q, r) for cid, q, r in rows])
    return list(load_conversations(path))


def test_conversations_sharing_a_near_duplicate_reply_form_one_group(tmp_path: Path) -> None:
    convs = _conversations(tmp_path, [
        ("a", "How much is shipping?", "Standard shipping is free on orders of $50 or more; otherwise $4.95."),
        ("b", "shipping cost?", "Standard shipping is free on orders of $50 or more, otherwise it's $4.95."),
        ("c", "Do you ship to Canada?", "Yes, Canada Post delivers in 7–10 business days for $9.95."),
    ])
    groups = {g.conversation_ids: g.exchanges for g in groups_of(convs)}
    assert groups == {("a", "b"): 2, ("c",): 1}


def test_split_keeps_groups_whole_and_meets_the_ratios(tmp_path: Path) -> None:
    rows = []
    for g in range(10):  # 10 groups of 3 conversations, each group with its own reply
        rows += [(f"g{g}-{k}", f"question {k}", f"Reply number {g} " + "xyzw"[g % 4] * (g + 5)) for k in range(3)]
    parts, report = split(_conversations(tmp_path, rows), min_test=3)
    assert report["exchanges"] == {"train": 24, "validation": 3, "test": 3}
    for name in SPLITS:
        prefixes = {c.conversation_id.split("-")[0] for c in parts[name]}
        others = {c.conversation_id.split("-")[0] for n in SPLITS if n != name for c in parts[n]}
        assert not prefixes & others


def test_one_giant_group_is_refused(tmp_path: Path) -> None:
    convs = _conversations(tmp_path, [(f"c{i}", "hi", "You're welcome!") for i in range(20)])
    with pytest.raises(SplitError, match="1 group"):
        split(convs)


def test_too_small_a_test_split_is_refused(tmp_path: Path) -> None:
    rows = [(f"g{g}", "q", f"Reply {g} " + "ab"[g % 2] * (g + 8)) for g in range(10)]
    with pytest.raises(SplitError, match="test at least 60"):
        split(_conversations(tmp_path, rows))


# ------------------------------------------------------------------ the committed splits


def test_committed_splits_match_the_hashes_in_the_report_and_the_card() -> None:
    report = json.loads((PREPARED_DIR / "reports" / "split.json").read_text(encoding="utf-8"))
    card = (PREPARED_DIR / "DATASET_CARD.md").read_text(encoding="utf-8")
    hashes = {name: sha256(PREPARED / f"{name}.jsonl") for name in SPLITS}
    assert hashes == report["sha256"]
    assert split_hash(hashes) == report["split_hash"]
    assert f"Split hash: `{report['split_hash']}`" in card
    assert all(f"`{h}`" in card for h in hashes.values())


def test_committed_splits_share_no_reference_reply_and_keep_60_test_exchanges() -> None:
    exchanges = exchanges_of(PREPARED)
    assert len(exchanges["test"]) >= 60 and len(exchanges["validation"]) >= 60
    report = measure(exchanges)
    for pair, counts in report["replies"].items():
        assert (counts["exact"], counts["normalised"], counts["near_duplicate"]) == (0, 0, 0), pair
    ids = {name: {c.conversation_id for c in load_conversations(PREPARED / f"{name}.jsonl")} for name in SPLITS}
    assert not ids["train"] & ids["test"] and not ids["train"] & ids["validation"] and not ids["validation"] & ids["test"]
