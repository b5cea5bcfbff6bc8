"""Intent labelling: auto-label customer turns with the trained Rasa NLU model, review CSVs, nlu.yml.

ML environment only (pydantic v2). The ML environment has no Rasa, so predictions come from
either

* :class:`SubprocessRasaParser`: spawns ``.venv/rasa/bin/python -m bot.data.rasa_worker`` which
  loads the model with ``rasa.core.agent.Agent`` (no server needed), or
* :class:`HttpRasaParser`: ``POST /model/parse`` of a running ``rasa run --enable-api``.

Label provenance is kept in ``turn.metadata["label_source"]``: ``model`` (this step), ``human``
(imported review CSV) or ``tracker`` (the intent Rasa predicted live, from tracker imports).
A model label below the threshold is kept but marked ``metadata["needs_review"] = True``.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import re
import subprocess
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Protocol, Sequence, Tuple

from bot import paths
from bot.data.schema import Conversation
from bot.data.storage import atomic_write, csv_rows

logger = logging.getLogger(__name__)

REVIEW_COLUMNS = ["conversation_id", "turn_index", "text", "predicted_intent", "confidence", "label"]
FALLBACK_INTENTS = frozenset({"nlu_fallback"})


@dataclass(frozen=True)
class Prediction:
    """An intent and its confidence (``intent`` is None when the model gave none)."""

    intent: Optional[str]
    confidence: float


class IntentParser(Protocol):
    """Anything that predicts intents for a batch of texts."""

    def parse(self, texts: Sequence[str]) -> List[Prediction]:
        """Predict one intent per text, in order."""
        ...


class SubprocessRasaParser:
    """Predicts with a Rasa model by running :mod:`bot.data.rasa_worker` in the Rasa environment."""

    def __init__(self, model: Path | str, python: Optional[Path | str] = None, timeout_s: float = 1800.0) -> None:
        self.model = resolve_model(model)
        self.python = Path(python) if python else paths.rasa_python()
        self.timeout_s = timeout_s
        if not self.python.exists():
            raise ValueError(f"{self.python}: Rasa environment not found; run `make envs` or use --rasa-url")

    def parse(self, texts: Sequence[str]) -> List[Prediction]:
        """Send all texts to one worker process and read back its predictions."""
        if not texts:
            return []
        payload = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts))
        env = {**os.environ, "PYTHONPATH": str(paths.ROOT), "HF_HUB_OFFLINE": "1", "RASA_TELEMETRY_ENABLED": "false"}
        completed = subprocess.run(
            [str(self.python), "-m", "bot.data.rasa_worker", "--model", str(self.model)],
            input=payload, capture_output=True, text=True, timeout=self.timeout_s, cwd=paths.ROOT, env=env,
        )
        if completed.returncode != 0:
            tail = "\n".join(completed.stderr.strip().splitlines()[-15:])
            raise RuntimeError(f"Rasa worker failed (exit {completed.returncode}) for model {self.model}:\n{tail}")
        results: Dict[int, Prediction] = {}
        for line in completed.stdout.splitlines():
            item = json.loads(line)
            results[int(item["id"])] = Prediction(item.get("intent"), float(item.get("confidence") or 0.0))
        if len(results) != len(texts):
            raise RuntimeError(f"Rasa worker returned {len(results)} predictions for {len(texts)} texts")
        return [results[i] for i in range(len(texts))]


class HttpRasaParser:
    """Predicts with a running Rasa server (``rasa run --enable-api``) through ``POST /model/parse``."""

    def __init__(self, url: str, token: Optional[str] = None, timeout_s: float = 30.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"rasa_url must start with http:// or https://, got {url!r}")
        self.url = url.rstrip("/") + "/model/parse" + (f"?token={token}" if token else "")
        self.timeout_s = timeout_s

    def parse(self, texts: Sequence[str]) -> List[Prediction]:
        """One request per text (the endpoint takes one message)."""
        predictions = []
        for text in texts:
            request = urllib.request.Request(
                self.url, data=json.dumps({"text": text}).encode("utf-8"),
                headers={"Content-Type": "application/json"}, method="POST",
            )
            try:
                # an http(s) URL (checked in __init__): no file: or custom schemes
                with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # nosec B310
                    body = json.loads(response.read().decode("utf-8"))
            except urllib.error.URLError as error:
                raise RuntimeError(f"Rasa server at {self.url.split('?')[0]} did not answer: {error}") from error
            intent = body.get("intent") or {}
            predictions.append(Prediction(intent.get("name"), float(intent.get("confidence") or 0.0)))
        return predictions


def resolve_model(model: Path | str) -> Path:
    """``latest`` -> newest ``models/rasa/*.tar.gz`` (or ``models/*.tar.gz``); else the given file.

    Raises:
        ValueError: no such model.
    """
    if str(model) == "latest":
        candidates = sorted(
            list(paths.RASA_MODELS_DIR.glob("*.tar.gz")) + list(paths.MODELS_DIR.glob("*.tar.gz")),
            key=lambda p: p.stat().st_mtime,
        )
        if not candidates:
            raise ValueError(f"no trained Rasa model in {paths.RASA_MODELS_DIR}; run `make train` or pass --model")
        return candidates[-1]
    path = Path(model)
    if not path.is_file():
        raise ValueError(f"{path}: Rasa model not found; run `make train` or pass the .tar.gz path")
    return path


@dataclass
class LabellingReport:
    """Counts of the labelling step."""

    customer_turns: int = 0
    labelled: int = 0
    low_confidence: int = 0
    kept_existing: int = 0
    intents: Counter = field(default_factory=Counter)

    def to_dict(self) -> Dict[str, Any]:
        """Plain dict for the run report."""
        return {
            "customer_turns": self.customer_turns,
            "labelled_by_model": self.labelled,
            "low_confidence": self.low_confidence,
            "kept_existing_labels": self.kept_existing,
            "intents": dict(sorted(self.intents.items())),
        }


def auto_label(
    conversations: Sequence[Conversation], parser: IntentParser, threshold: float, relabel: bool = False,
    batch_size: int = 256,
) -> Tuple[List[Conversation], LabellingReport]:
    """Label customer turns with ``parser``; low-confidence ones get ``needs_review``.

    Human labels are never overwritten; other existing labels only with ``relabel``.
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"labelling threshold must be in [0, 1], got {threshold}")
    report = LabellingReport()
    todo: List[Tuple[int, int]] = []
    for c_index, conversation in enumerate(conversations):
        for t_index, turn in conversation.customer_turns():
            report.customer_turns += 1
            source = turn.metadata.get("label_source")
            if turn.intent and (source == "human" or not relabel):
                report.kept_existing += 1
                continue
            todo.append((c_index, t_index))
    predictions: List[Prediction] = []
    for start in range(0, len(todo), batch_size):
        batch = todo[start:start + batch_size]
        predictions += parser.parse([conversations[c].turns[t].text for c, t in batch])
    updated = [c.model_copy(deep=True) for c in conversations]
    for (c_index, t_index), prediction in zip(todo, predictions):
        turn = updated[c_index].turns[t_index]
        low = prediction.intent is None or prediction.intent in FALLBACK_INTENTS or prediction.confidence < threshold
        turn.intent = prediction.intent
        turn.intent_confidence = max(0.0, min(1.0, prediction.confidence))
        turn.metadata["label_source"] = "model"
        if low:
            turn.metadata["needs_review"] = True
            report.low_confidence += 1
        else:
            turn.metadata.pop("needs_review", None)
            report.labelled += 1
            report.intents[prediction.intent] += 1
    return updated, report


def export_review_csv(conversations: Iterable[Conversation], path: Path | str) -> int:
    """Write turns marked ``needs_review`` to a CSV for people; returns the row count."""
    count = 0
    with atomic_write(path, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REVIEW_COLUMNS)
        for conversation in conversations:
            for index, turn in conversation.customer_turns():
                if turn.metadata.get("needs_review"):
                    confidence = "" if turn.intent_confidence is None else f"{turn.intent_confidence:.4f}"
                    writer.writerow([conversation.conversation_id, index, turn.text, turn.intent or "", confidence, ""])
                    count += 1
    return count


def domain_intents(domain_path: Path | str = paths.DOMAIN_YML) -> List[str]:
    """The intents declared in a Rasa domain file (names of dict entries included).

    Raises:
        ValueError: the file is missing or has no ``intents`` list.
    """
    import yaml

    path = Path(domain_path)
    if not path.is_file():
        raise ValueError(f"{path}: domain file not found")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    intents = data.get("intents")
    if not isinstance(intents, list):
        raise ValueError(f"{path}: no 'intents' list")
    return [next(iter(i)) if isinstance(i, dict) else str(i) for i in intents]


@dataclass
class LabelImportResult:
    """Outcome of importing a reviewed CSV."""

    applied: int = 0
    unlabelled: int = 0
    errors: List[str] = field(default_factory=list)


def import_review_csv(
    conversations: Sequence[Conversation], csv_path: Path | str, allowed_intents: Iterable[str]
) -> Tuple[List[Conversation], LabelImportResult]:
    """Apply the ``label`` column of a reviewed CSV; every bad row is reported with its line.

    A label must be one of ``allowed_intents``; the row's conversation id and turn index must
    exist and its text must still match the turn. Rows with an empty label are counted as
    unlabelled and left alone. Valid rows are applied even when others are bad; callers decide
    whether errors are fatal.
    """
    allowed = set(allowed_intents)
    result = LabelImportResult()
    updated = [c.model_copy(deep=True) for c in conversations]
    by_id = {c.conversation_id: c for c in updated}
    path = Path(csv_path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, strict=True)
        missing = [c for c in ("conversation_id", "turn_index", "text", "label") if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {missing}; expected the columns {REVIEW_COLUMNS}")
        for line, row in csv_rows(reader, lambda line, reason: result.errors.append(f"{path}:{line}: {reason}")):
            label = (row.get("label") or "").strip()
            if not label:
                result.unlabelled += 1
                continue
            if label not in allowed:
                result.errors.append(f"{path}:{line}: label {label[:40]!r} is not an intent of the domain")
                continue
            conversation = by_id.get((row.get("conversation_id") or "").strip())
            try:
                index = int(row.get("turn_index") or "")
            except ValueError:
                result.errors.append(f"{path}:{line}: turn_index is not a number")
                continue
            if conversation is None or not 0 <= index < len(conversation.turns):
                result.errors.append(f"{path}:{line}: no such conversation/turn in the data")
                continue
            turn = conversation.turns[index]
            if turn.role != "customer" or turn.text != row.get("text"):
                result.errors.append(f"{path}:{line}: text differs from the data (was the CSV made from another file?)")
                continue
            turn.intent = label
            turn.intent_confidence = 1.0
            turn.metadata["label_source"] = "human"
            turn.metadata.pop("needs_review", None)
            result.applied += 1
    return updated, result


def training_examples(
    conversations: Iterable[Conversation], min_confidence: float = 0.0, allowed_intents: Optional[Iterable[str]] = None
) -> Dict[str, List[str]]:
    """intent -> unique example texts from labelled customer turns.

    A turn counts when it has an intent, is not marked ``needs_review``, and is a human label or
    has at least ``min_confidence``.
    """
    allowed = set(allowed_intents) if allowed_intents is not None else None
    examples: Dict[str, List[str]] = defaultdict(list)
    seen: set[Tuple[str, str]] = set()
    for conversation in conversations:
        for _, turn in conversation.customer_turns():
            if not turn.intent or turn.metadata.get("needs_review") or turn.intent in FALLBACK_INTENTS:
                continue
            if allowed is not None and turn.intent not in allowed:
                continue
            human = turn.metadata.get("label_source") == "human"
            if not human and (turn.intent_confidence is not None and turn.intent_confidence < min_confidence):
                continue
            text = nlu_example_text(turn.text)
            if text and (turn.intent, text.lower()) not in seen:
                seen.add((turn.intent, text.lower()))
                examples[turn.intent].append(text)
    return dict(sorted(examples.items()))


def nlu_example_text(text: str) -> str:
    """One line of a Rasa ``examples: |`` block: single line, no accidental entity markup."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\]\s*([({\[])", r"] \1", text)


def write_nlu_yaml(examples: Dict[str, List[str]], path: Path | str) -> int:
    """Write Rasa 3.x ``nlu.yml`` atomically; returns the number of examples."""
    count = 0
    with atomic_write(path) as handle:
        handle.write('version: "3.1"\n\nnlu:\n')
        for intent, texts in examples.items():
            handle.write(f"- intent: {intent}\n  examples: |\n")
            for text in texts:
                handle.write(f"    - {text}\n")
                count += 1
    return count
