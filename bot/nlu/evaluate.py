"""Train the project's NLU pipeline on a CSV and evaluate it on another (``make eval-nlu``).

``python -m bot eval-nlu --train TRAIN.csv --test TEST.csv --out RESULT.json`` runs in
the Rasa environment. It reads the ``pipeline`` of the project's ``config.yml``,
trains it (NLU only) on TRAIN in a temporary project, parses every TEST message
through the trained model exactly as the Rasa server would, and writes a JSON report.

CSV contract: a header with exactly the columns ``text`` and ``label`` (``intent``
or ``category`` are accepted as the label column's name), UTF-8, one example a row.
The label ``oos`` marks out-of-scope messages; it is trained like any other intent,
and an out-of-scope test message counts as caught when the model predicts ``oos``
or falls back (``nlu_fallback`` from the FallbackClassifier).

Metrics (fallback counts as the bot's answer, so it is wrong for an in-scope message):
``accuracy`` (an ``oos`` message is right when caught), ``macro_f1`` over the labels
of TEST (a fallback counts as ``oos`` when TEST has ``oos``), ``in_scope_accuracy``
and ``oos_recall`` when TEST has ``oos``, ``accuracy_without_fallback`` (the top
intent before the FallbackClassifier), ``train_seconds`` (featurizing included),
``predict_ms_p50``/``p95`` per message.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import logging
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from bot import paths

logger = logging.getLogger(__name__)

OOS_LABEL = "oos"
FALLBACK_INTENT = "nlu_fallback"
LABEL_COLUMN_NAMES = ("label", "intent", "category")
_SAFE_INTENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_RESERVED_INTENTS = {FALLBACK_INTENT, "out_of_scope_fallback"}


class EvalDataError(ValueError):
    """A TRAIN or TEST CSV (or the config) cannot be used; the message says why and where."""


@dataclass(frozen=True)
class Example:
    """One labelled message of a CSV."""

    text: str
    label: str


# ---------------------------------------------------------------------------- CSV
def read_examples(path: Path, role: str) -> List[Example]:
    """Read a ``text,label`` CSV strictly.

    Args:
        path: the CSV file.
        role: ``TRAIN`` or ``TEST``, used in error messages.

    Raises:
        EvalDataError: missing/empty file, bad header, unknown columns, empty cells,
            rows with the wrong number of fields, undecodable bytes.
    """
    if not path.exists():
        raise EvalDataError(f"{role} CSV {path} does not exist.")
    if not path.is_file():
        raise EvalDataError(f"{role} CSV {path} is not a file.")
    try:
        content = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise EvalDataError(f"{role} CSV {path} is not UTF-8 ({error}); save it as UTF-8.") from error
    if not content.strip():
        raise EvalDataError(f"{role} CSV {path} is empty; it needs a header 'text,label' and at least one row.")
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as error:
        raise EvalDataError(f"{role} CSV {path}: cannot parse the header ({error}).") from error
    columns = [column.strip().lower() for column in header]
    label_columns = [c for c in columns if c in LABEL_COLUMN_NAMES]
    unknown = [c for c in columns if c != "text" and c not in LABEL_COLUMN_NAMES]
    if unknown or columns.count("text") != 1 or len(label_columns) != 1:
        raise EvalDataError(
            f"{role} CSV {path}: header is {header}; expected exactly the columns 'text' and 'label' "
            f"('intent' or 'category' also name the label column)"
            + (f"; unknown column(s): {unknown}" if unknown else "")
        )
    text_index, label_index = columns.index("text"), columns.index(label_columns[0])
    examples: List[Example] = []
    try:
        for row in reader:
            line = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            if len(row) != len(columns):
                raise EvalDataError(
                    f"{role} CSV {path}, line {line}: {len(row)} fields, expected {len(columns)} "
                    f"(quote texts that contain commas)."
                )
            text, label = row[text_index].strip(), row[label_index].strip()
            if not text:
                raise EvalDataError(f"{role} CSV {path}, line {line}: empty text.")
            if not label:
                raise EvalDataError(f"{role} CSV {path}, line {line}: empty label.")
            examples.append(Example(text=text, label=label))
    except csv.Error as error:
        raise EvalDataError(f"{role} CSV {path}, line {reader.line_num}: {error}") from error
    if not examples:
        raise EvalDataError(f"{role} CSV {path} has a header but no examples.")
    return examples


def intent_names(labels: Sequence[str]) -> Dict[str, str]:
    """Map each CSV label to a Rasa-safe intent name (identity where the label is already safe).

    Unsafe labels (spaces, slashes, non-ASCII, names Rasa reserves...) become
    ``label_<n>_<ascii part>``; the mapping is one-to-one.
    """
    mapping: Dict[str, str] = {}
    used = set()
    for label in sorted(set(labels)):
        if _SAFE_INTENT.fullmatch(label) and label not in _RESERVED_INTENTS and not label.startswith("label_"):
            mapping[label] = label
            used.add(label)
    counter = 0
    for label in sorted(set(labels)):
        if label in mapping:
            continue
        ascii_part = re.sub(r"[^A-Za-z0-9]+", "_", label).strip("_")[:40]
        while True:
            counter += 1
            name = f"label_{counter}" + (f"_{ascii_part}" if ascii_part else "")
            if name not in used:
                break
        mapping[label] = name
        used.add(name)
    return mapping


# ------------------------------------------------------------------ temp project
def project_pipeline(config_path: Path) -> Tuple[str, list]:
    """The ``language`` and ``pipeline`` of the project's Rasa config.

    Raises:
        EvalDataError: when the config is missing or has no pipeline.
    """
    import yaml

    if not config_path.is_file():
        raise EvalDataError(f"Rasa config {config_path} does not exist.")
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    pipeline = config.get("pipeline")
    if not isinstance(pipeline, list) or not pipeline:
        raise EvalDataError(f"{config_path}: key 'pipeline' is missing or empty; eval-nlu trains that pipeline.")
    return str(config.get("language") or "en"), pipeline


def write_project(folder: Path, examples: Sequence[Example], mapping: Dict[str, str], language: str, pipeline: list) -> Tuple[Path, Path]:
    """Write ``config.yml`` (the project's pipeline, no policies) and ``nlu.json``.

    The training data is written in Rasa's JSON format so that texts are taken
    literally (no ``[entity](type)`` markup parsing as in YAML examples).
    """
    import yaml

    config_path = folder / "config.yml"
    config = {"recipe": "default.v1", "language": language, "assistant_id": "eval-nlu", "pipeline": pipeline, "policies": []}
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    nlu_path = folder / "nlu.json"
    data = {
        "rasa_nlu_data": {
            "common_examples": [{"text": e.text, "intent": mapping[e.label], "entities": []} for e in examples]
        }
    }
    nlu_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return config_path, nlu_path


# -------------------------------------------------------------------- metrics
def stratified_folds(labels: Sequence[str], k: int, seed: int) -> List[List[int]]:
    """Indices of ``k`` cross-validation folds, each label spread evenly over them (deterministic per seed)."""
    by_label: Dict[str, List[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        by_label[label].append(index)
    rng = random.Random(seed)
    folds: List[List[int]] = [[] for _ in range(k)]
    offset = 0
    for label in sorted(by_label):
        indices = by_label[label]
        rng.shuffle(indices)
        for position, index in enumerate(indices):
            folds[(position + offset) % k].append(index)
        offset += len(indices)
    return folds


def compute_metrics(truth: Sequence[str], predicted: Sequence[str], top_intents: Sequence[str]) -> Dict[str, float]:
    """Metrics of the contract; ``predicted`` holds CSV labels or ``nlu_fallback``.

    Args:
        truth: CSV labels of TEST.
        predicted: what the bot decided (CSV label, an unmappable intent, or ``nlu_fallback``).
        top_intents: the classifier's top CSV label before any fallback.
    """
    n = len(truth)
    has_oos = OOS_LABEL in truth

    def caught(p: str) -> bool:
        return p in (OOS_LABEL, FALLBACK_INTENT)

    def correct(t: str, p: str) -> bool:
        return caught(p) if t == OOS_LABEL else t == p

    result: Dict[str, float] = {
        "accuracy": sum(correct(t, p) for t, p in zip(truth, predicted)) / n,
        "accuracy_without_fallback": sum(correct(t, p) for t, p in zip(truth, top_intents)) / n,
        "fallback_rate": sum(p == FALLBACK_INTENT for p in predicted) / n,
    }
    # macro F1 over TEST's labels; with oos in TEST a fallback is an oos prediction
    normalized = [OOS_LABEL if (has_oos and p == FALLBACK_INTENT) else p for p in predicted]
    f1s = []
    for label in sorted(set(truth)):
        tp = sum(t == label and p == label for t, p in zip(truth, normalized))
        fp = sum(t != label and p == label for t, p in zip(truth, normalized))
        fn = sum(t == label and p != label for t, p in zip(truth, normalized))
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    result["macro_f1"] = sum(f1s) / len(f1s)
    if has_oos:
        in_scope = [(t, p) for t, p in zip(truth, predicted) if t != OOS_LABEL]
        out_scope = [p for t, p in zip(truth, predicted) if t == OOS_LABEL]
        result["oos_recall"] = sum(caught(p) for p in out_scope) / len(out_scope)
        if in_scope:
            result["in_scope_accuracy"] = sum(t == p for t, p in in_scope) / len(in_scope)
            result["in_scope_fallback_rate"] = sum(caught(p) for _, p in in_scope) / len(in_scope)
        else:
            result["in_scope_accuracy"] = None  # type: ignore[assignment]
        result["n_test_oos"] = len(out_scope)
    return result


# ---------------------------------------------------------------------- run
def evaluate(train_csv: Path, test_csv: Path, config_path: Path = paths.CONFIG_YML, keep_dir: Optional[Path] = None) -> dict:
    """Train on ``train_csv``, evaluate on ``test_csv``; return the report (see module docstring).

    Raises:
        EvalDataError: unusable CSVs or config.
        RuntimeError: when Rasa training produced no model.
    """
    train = read_examples(train_csv, "TRAIN")
    test = read_examples(test_csv, "TEST")
    train_labels = sorted({e.label for e in train})
    if len(train_labels) < 2:
        raise EvalDataError(f"TRAIN CSV {train_csv}: needs at least 2 different labels, found {train_labels}.")
    unseen = sorted({e.label for e in test} - set(train_labels) - {OOS_LABEL})
    if unseen:
        logger.warning("%d TEST label(s) never occur in TRAIN; their examples count as errors: %s", len(unseen), unseen[:10])
    language, pipeline = project_pipeline(config_path)
    mapping = intent_names(train_labels)
    back = {intent: label for label, intent in mapping.items()}

    with tempfile.TemporaryDirectory(prefix="eval-nlu-") as tmp:
        folder = keep_dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        config_file, nlu_file = write_project(folder, train, mapping, language, pipeline)
        model_path, train_seconds = train_model(config_file, nlu_file, folder / "models")
        predicted, top, latencies = predict(model_path, [e.text for e in test], back)

    truth = [e.label for e in test]
    report = {
        "description": "NLU pipeline of config.yml trained on TRAIN, evaluated on TEST (python -m bot eval-nlu)",
        **compute_metrics(truth, predicted, top),
        "n_train": len(train),
        "n_test": len(test),
        "n_train_labels": len(train_labels),
        "n_test_labels": len({e.label for e in test}),
        "train_seconds": round(train_seconds, 2),
        "predict_ms_p50": round(statistics.median(latencies), 3),
        "predict_ms_p95": round(_percentile(latencies, 95), 3),
        "train_csv": str(train_csv),
        "test_csv": str(test_csv),
        "config": str(config_path),
        "pipeline": [step.get("name") for step in pipeline if isinstance(step, dict)],
        "rasa_version": _rasa_version(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    return report


def train_model(config_file: Path, nlu_file: Path, out_dir: Path) -> Tuple[Path, float]:
    """Train NLU only with Rasa; returns the model archive and the wall-clock seconds."""
    from rasa.model_training import train_nlu

    started = time.perf_counter()
    model = train_nlu(config=str(config_file), nlu_data=str(nlu_file), output=str(out_dir), fixed_model_name="nlu")
    seconds = time.perf_counter() - started
    if not model or not Path(model).is_file():
        raise RuntimeError(f"Rasa NLU training produced no model (see the log above); config {config_file}, data {nlu_file}")
    logger.info("Trained NLU on %s in %.1f s", nlu_file.name, seconds)
    return Path(model), seconds


def predict(model_path: Path, texts: Sequence[str], back: Dict[str, str]) -> Tuple[List[str], List[str], List[float]]:
    """Parse each text with the trained model, one message at a time like the server does.

    Returns:
        The decided label (or ``nlu_fallback``), the classifier's top label before any
        fallback, and the milliseconds each parse took.
    """
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))
    predicted, top, latencies = [], [], []

    async def parse_all() -> None:
        for text in texts:
            started = time.perf_counter()
            parsed = await agent.parse_message(text)
            latencies.append((time.perf_counter() - started) * 1000.0)
            intent = (parsed.get("intent") or {}).get("name")
            ranking = [r.get("name") for r in parsed.get("intent_ranking") or [] if r.get("name") != FALLBACK_INTENT]
            predicted.append(FALLBACK_INTENT if intent == FALLBACK_INTENT else back.get(intent, str(intent)))
            first = ranking[0] if ranking else intent
            top.append(back.get(first, str(first)))

    asyncio.run(parse_all())
    return predicted, top, latencies


def _quiet_rasa(verbose: bool) -> None:
    """Keep Rasa at WARNING: its debug log prints every parsed message text."""
    from rasa.utils.log_utils import configure_structlog

    level = logging.DEBUG if verbose else logging.WARNING
    configure_structlog(level)
    for name in ("rasa", "tensorflow", "absl"):
        logging.getLogger(name).setLevel(level)


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(q / 100.0 * (len(ordered) - 1)))))
    return ordered[index]


def _rasa_version() -> Optional[str]:
    try:
        import rasa

        return rasa.__version__
    except ImportError:
        return None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m bot eval-nlu``."""
    parser.add_argument("--train", type=Path, required=True, help="training CSV with columns text,label")
    parser.add_argument("--test", type=Path, required=True, help="test CSV with columns text,label")
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON report")
    parser.add_argument("--config", type=Path, default=paths.CONFIG_YML, help="Rasa config whose pipeline is trained (default: config.yml)")
    parser.add_argument("--keep-dir", type=Path, default=None, help="keep the temporary project (config, data, model) in this folder")


def run(args: argparse.Namespace) -> int:
    """Run the evaluation; exit code 2 on unusable input (message on stderr)."""
    if "rasa" not in sys.modules:
        try:
            import rasa  # noqa: F401
        except ImportError:
            print("eval-nlu needs the Rasa environment: .venv/rasa/bin/python -m bot eval-nlu ... (or make eval-nlu)", file=sys.stderr)
            return 2
    _quiet_rasa(verbose=bool(getattr(args, "verbose", False)))
    try:  # before minutes of training, not after
        args.out.parent.mkdir(parents=True, exist_ok=True)
        if args.out.is_dir() or not os.access(args.out.parent, os.W_OK):
            raise OSError(f"cannot write {args.out}")
    except OSError as error:
        print(f"eval-nlu: OUT {args.out} is not writable ({error}); choose another path.", file=sys.stderr)
        return 2
    try:
        report = evaluate(args.train, args.test, args.config, args.keep_dir)
    except EvalDataError as error:
        print(f"eval-nlu: {error}", file=sys.stderr)
        return 2
    partial = args.out.with_name(args.out.name + ".partial")
    partial.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, args.out)
    summary = {k: report[k] for k in ("accuracy", "macro_f1", "n_train", "n_test", "train_seconds", "predict_ms_p50") if k in report}
    for key in ("in_scope_accuracy", "oos_recall"):
        if key in report:
            summary[key] = report[key]
    print(json.dumps(summary))
    logger.info("Wrote %s", args.out)
    return 0
