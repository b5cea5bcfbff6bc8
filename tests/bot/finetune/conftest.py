"""Helpers of the fine-tuning tests: tiny split folders written in the canonical schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from bot.paths import ROOT

PREPARED = ROOT / "data" / "finetune" / "prepared" / "splits"
SMOKE_CONFIG = ROOT / "configs" / "finetune-smoke.yml"


def write_split(folder: Path, name: str, lines: Iterable[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def shipped_lines(split: str, n: int) -> list[str]:
    """The first ``n`` conversations of a shipped split, as JSON lines."""
    return (PREPARED / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()[:n]


def conversation(cid: str, question: str, reply: str) -> str:
    return json.dumps({
        "schema_version": 1, "conversation_id": cid, "channel": "webchat",
        "turns": [{"role": "customer", "text": question}, {"role": "agent", "text": reply}],
        "metadata": {},
    })
