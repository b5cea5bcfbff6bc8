"""Precision and recall of the redactor on labelled files (``tests/bot/data/fixtures/pii_*.jsonl``).

Each line: ``{"text": ..., "spans": [{"start", "end", "type"}], "group": ...}``. ``pii_eval.jsonl``
holds the 24 groups of the original types; ``pii_national_dev.jsonl`` (``natid_dev``) and
``pii_national_blind.jsonl`` (``natid_blind``) hold national identifiers and dates of birth.

Scoring, per entity type:

* a labelled span is *found* when a detection of the same type (``ORDER_ID`` and
  ``ACCOUNT_ID`` count as one identifier family) overlaps it and the detections together cover
  every letter and digit of it (nothing of the value is left readable);
* a detection is *correct* when it overlaps a labelled span of the same type (family).

recall = found / labelled, precision = correct / detections.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

from bot.privacy.detection import Detection, ENTITY_TYPES
from bot.privacy.redactor import Redactor


EVAL_DIR = Path("tests/bot/data/fixtures")
"""The labelled files, relative to the repository root (where ``python -m bot`` runs)."""
EVAL_FILE = EVAL_DIR / "pii_eval.jsonl"
"""The default set: the original eight types, 9,101 sentences."""
TYPE_ALIASES = {"CARD": "CARD_NUMBER"}
"""Type names that other authors' label files use for ours (the natid sets write "CARD")."""

_FAMILY = {"ORDER_ID": "ID", "ACCOUNT_ID": "ID"}


def _family(kind: str) -> str:
    return _FAMILY.get(kind, kind)


def load_eval(path: Path | str, groups: Optional[Iterable[str]] = None) -> List[Dict[str, Any]]:
    """Read the labelled sentences, optionally only some groups ("dev", "heldout"); span types through ``TYPE_ALIASES``."""
    wanted = set(groups) if groups else None
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if wanted is None or r.get("group") in wanted]
    for row in rows:
        for span in row["spans"]:
            span["type"] = TYPE_ALIASES.get(span["type"], span["type"])
    return rows


def eval_files(groups: Optional[Iterable[str]] = None, folder: Path = EVAL_DIR) -> List[Path]:
    """The labelled files holding ``groups``: ``pii_eval.jsonl`` when no group is named (or none is found),
    else every ``pii_*.jsonl`` of ``folder`` that holds one of them ("natid_blind" -> ``pii_national_blind.jsonl``)."""
    if not groups:
        return [folder / EVAL_FILE.name]
    wanted = set(groups)
    found = []
    for path in sorted(folder.glob("pii_*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            if any(json.loads(line).get("group") in wanted for line in handle if line.strip()):
                found.append(path)
    return found or [folder / EVAL_FILE.name]


def evaluate(redactor: Redactor, rows: Iterable[Dict[str, Any]]) -> Dict[str, Dict[str, Any]]:
    """Per-type counts and scores; also returns the misses under ``"_errors"`` (texts of the test set)."""
    counts: Dict[str, Dict[str, int]] = defaultdict(lambda: {"gold": 0, "found": 0, "predicted": 0, "correct": 0})
    errors: List[Dict[str, Any]] = []
    for row in rows:
        text = row["text"]
        detections: List[Detection] = redactor.detect(text)
        covered = set()
        for d in detections:
            covered.update(range(d.start, d.end))
        for span in row["spans"]:
            counts[span["type"]]["gold"] += 1
            overlapping = [d for d in detections if d.start < span["end"] and span["start"] < d.end
                           and _family(d.type) == _family(span["type"])]
            alnum = [i for i in range(span["start"], span["end"]) if text[i].isalnum()]
            if overlapping and all(i in covered for i in alnum):
                counts[span["type"]]["found"] += 1
            else:
                errors.append({"kind": "missed", "type": span["type"], "text": text, "value": text[span["start"]:span["end"]]})
        for d in detections:
            counts[d.type]["predicted"] += 1
            if any(d.start < s["end"] and s["start"] < d.end and _family(d.type) == _family(s["type"]) for s in row["spans"]):
                counts[d.type]["correct"] += 1
            else:
                errors.append({"kind": "false_positive", "type": d.type, "text": text, "value": text[d.start:d.end], "recogniser": d.recogniser})
    result: Dict[str, Dict[str, Any]] = {}
    for kind in ENTITY_TYPES:
        c = counts[kind]
        result[kind] = {
            **c,
            "recall": round(c["found"] / c["gold"], 4) if c["gold"] else None,
            "precision": round(c["correct"] / c["predicted"], 4) if c["predicted"] else None,
        }
    result["_errors"] = errors  # type: ignore[assignment]
    return result
