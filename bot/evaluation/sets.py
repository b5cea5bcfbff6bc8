"""Frozen evaluation sets: reading and validating them, and their one dev/test split.

A set is a JSONL file of conversations ``{"id", "category", "turns": [{"user", "expect"}]}``
(benchmarks/data/conversations/README.md describes the expectations). Its split lives next to it
(``split.json``): made once, stratified by category, and never changed; the results record the
SHA-256 of the set file and of the split file, so a number can be traced to exactly what was run.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

EXPECT_TYPES = ("answer", "handoff", "out_of_scope", "form_step", "any", "safe")
SPLITS = ("dev", "test", "all")


class EvalSetError(ValueError):
    """The set or its split is unreadable or inconsistent; the message names the file and line."""


@dataclass(frozen=True)
class Turn:
    """One customer message and what the bot's reply must do."""

    user: str
    expect: Dict[str, Any]


@dataclass(frozen=True)
class EvalConversation:
    """One conversation of a set."""

    id: str
    category: str
    turns: List[Turn]


@dataclass
class EvalSet:
    """A loaded set with its split."""

    path: Path
    conversations: List[EvalConversation]
    split: Dict[str, List[str]] = field(default_factory=dict)
    split_path: Optional[Path] = None

    def select(self, which: str) -> List[EvalConversation]:
        """The conversations of ``dev``, ``test`` or ``all``."""
        if which == "all":
            return list(self.conversations)
        wanted = set(self.split.get(which, []))
        return [c for c in self.conversations if c.id in wanted]

    def hashes(self) -> Dict[str, str]:
        """SHA-256 of the set file and of its split file."""
        found = {"set_sha256": _sha256(self.path)}
        if self.split_path is not None and self.split_path.exists():
            found["split_sha256"] = _sha256(self.split_path)
        return found


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_set(path: Path) -> EvalSet:
    """Read and validate a set (every regex compiles, ids unique, known expect types).

    Raises:
        EvalSetError: naming the file, line and problem.
    """
    if not path.is_file():
        raise EvalSetError(f"{path}: no such evaluation set")
    conversations: List[EvalConversation] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            raise EvalSetError(f"{where}: not JSON ({error.msg})") from None
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not isinstance(raw.get("turns"), list):
            raise EvalSetError(f"{where}: a conversation needs an id and a list of turns")
        if raw["id"] in seen:
            raise EvalSetError(f"{where}: id {raw['id']} appears twice")
        seen.add(raw["id"])
        turns = []
        for index, turn in enumerate(raw["turns"]):
            expect = turn.get("expect") if isinstance(turn, dict) else None
            if not isinstance(turn, dict) or not isinstance(turn.get("user"), str) or not isinstance(expect, dict):
                raise EvalSetError(f"{where}: turn {index} needs 'user' and 'expect'")
            if expect.get("type") not in EXPECT_TYPES:
                raise EvalSetError(f"{where}: turn {index}: unknown expect type {expect.get('type')!r}")
            for pattern in _patterns(expect):
                try:
                    re.compile(pattern)
                except re.error as error:
                    raise EvalSetError(f"{where}: turn {index}: pattern {pattern!r} does not compile: {error}") from None
            turns.append(Turn(turn["user"], expect))
        conversations.append(EvalConversation(raw["id"], str(raw.get("category") or "uncategorised"), turns))
    if not conversations:
        raise EvalSetError(f"{path}: no conversations")
    evaluation_set = EvalSet(path, conversations)
    split_path = path.with_name("split.json")
    if split_path.exists():
        split = json.loads(split_path.read_text(encoding="utf-8"))
        known = {c.id for c in conversations}
        listed = set(split.get("dev", [])) | set(split.get("test", []))
        if listed != known or set(split.get("dev", [])) & set(split.get("test", [])):
            raise EvalSetError(f"{split_path}: the split does not cover the set's ids exactly once")
        evaluation_set.split, evaluation_set.split_path = split, split_path
    return evaluation_set


def _patterns(expect: Dict[str, Any]) -> List[str]:
    patterns = [p for fact in expect.get("facts") or [] for p in fact.get("patterns") or []]
    return patterns + list(expect.get("forbid") or []) + list(expect.get("require_any") or [])


def make_split(evaluation_set: EvalSet, dev_share: float = 0.5, seed: int = 20261206) -> Dict[str, List[str]]:
    """A split stratified by category: ``dev_share`` of each category (rounded) goes to dev."""
    by_category: Dict[str, List[str]] = {}
    for conversation in evaluation_set.conversations:
        by_category.setdefault(conversation.category, []).append(conversation.id)
    rng = random.Random(seed)
    dev: List[str] = []
    test: List[str] = []
    for category in sorted(by_category):
        ids = sorted(by_category[category])
        rng.shuffle(ids)
        cut = round(len(ids) * dev_share)
        dev += ids[:cut]
        test += ids[cut:]
    return {"dev": sorted(dev), "test": sorted(test), "seed": seed, "dev_share": dev_share}
