"""Precision and recall of the redactor on a labelled file (``tests/bot/data/fixtures/pii_eval.jsonl``).

ML environment only. Each line: ``{"text": ..., "spans": [{"start", "end", "type"}], "group": ...}``.

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


_FAMILY = {"ORDER_ID": "ID", "ACCOUNT_ID": "ID"}


def _family(kind: str) -> str:
    return _FAMILY.get(kind, kind)


def load_eval(path: Path | str, groups: Optional[Iterable[str]] = None) -> List[Dict[str, Any]]:
    """Read the labelled sentences, optionally only some groups ("dev", "heldout")."""
    wanted = set(groups) if groups else None
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if wanted is None or r.get("group") in wanted]


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
