"""Cross-validated NLU quality on Banking77's train split -> benchmarks/results/nlu_banking77.json.

Runs in the Rasa environment, with the same code path as ``make eval-nlu`` (the
``pipeline`` of config.yml, trained by Rasa in a temporary project, every test message
parsed one at a time by the loaded model). Banking77's official test split is not
available here, so these are K-fold cross-validation numbers on the train split
(stratified, seed 0). Each fold's test part is also mixed with off-topic messages
(benchmarks/data/nlu_offtopic.csv) labelled ``oos`` to measure out-of-scope
detection; accuracy/macro F1 are computed on the Banking77 part only.
Optionally (``--near-oos N``) one extra run holds N whole intents out of training
and counts their messages as out of scope (a much harder, near-domain test).

    PYTHONPATH=. .venv/rasa/bin/python benchmarks/nlu_banking77.py --folds 5
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Sequence

from bot import paths
from bot.nlu import evaluate as ev

logger = logging.getLogger("benchmarks.nlu_banking77")

DEFAULT_TRAIN = paths.ROOT.parent / "shared" / "datasets" / "banking77" / "train.csv"
OFFTOPIC = paths.ROOT / "benchmarks" / "data" / "nlu_offtopic.csv"
RESULT = paths.ROOT / "benchmarks" / "results" / "nlu_banking77.json"


def run_once(train: Sequence[ev.Example], test: Sequence[ev.Example], oos: Sequence[ev.Example], config: Path, workdir: Path) -> dict:
    """Train on ``train``; metrics on ``test`` alone and with ``oos`` mixed in."""
    language, pipeline = ev.project_pipeline(config)
    mapping = ev.intent_names(sorted({e.label for e in train}))
    back = {intent: label for label, intent in mapping.items()}
    config_file, nlu_file = ev.write_project(workdir, train, mapping, language, pipeline)
    model, train_seconds = ev.train_model(config_file, nlu_file, workdir / "models")
    texts = [e.text for e in test] + [e.text for e in oos]
    predicted, top, latencies = ev.predict(model, texts, back)
    n = len(test)
    in_scope = ev.compute_metrics([e.label for e in test], predicted[:n], top[:n])
    mixed = ev.compute_metrics([e.label for e in test] + [ev.OOS_LABEL] * len(oos), predicted, top)
    return {
        "accuracy": in_scope["accuracy"],
        "macro_f1": in_scope["macro_f1"],
        "accuracy_without_fallback": in_scope["accuracy_without_fallback"],
        "fallback_rate": in_scope["fallback_rate"],
        "oos_recall": mixed["oos_recall"],
        "in_scope_accuracy": mixed["in_scope_accuracy"],
        "n_train": len(train),
        "n_test": n,
        "n_test_oos": len(oos),
        "train_seconds": round(train_seconds, 2),
        "predict_ms_p50": round(statistics.median(latencies), 3),
    }


def main(argv: Sequence[str] = ()) -> int:
    """Run the cross-validation and write the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, default=DEFAULT_TRAIN)
    parser.add_argument("--config", type=Path, default=paths.CONFIG_YML)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--max-folds", type=int, default=None, help="run only the first N folds (time budget)")
    parser.add_argument("--near-oos", type=int, default=0, help="extra run holding out N intents as out of scope")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULT)
    args = parser.parse_args(list(argv))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ev._quiet_rasa(verbose=False)

    examples = ev.read_examples(args.train, "TRAIN")
    offtopic = ev.read_examples(OFFTOPIC, "OOS")
    folds = ev.stratified_folds([e.label for e in examples], args.folds, args.seed)
    results = []
    for number, fold in enumerate(folds[: args.max_folds or args.folds], start=1):
        held = set(fold)
        train = [e for i, e in enumerate(examples) if i not in held]
        test = [examples[i] for i in fold]
        with tempfile.TemporaryDirectory(prefix="nlu-cv-") as tmp:
            started = time.monotonic()
            result = run_once(train, test, offtopic, args.config, Path(tmp))
        result["fold"] = number
        logger.info("fold %d/%d: %s (%.0f s)", number, args.folds, json.dumps(result), time.monotonic() - started)
        results.append(result)
        _write(args, results, None)

    near = None
    if args.near_oos:
        labels = sorted({e.label for e in examples})
        held_labels = set(random.Random(args.seed + 1).sample(labels, args.near_oos))
        fold = set(folds[0])
        train = [e for i, e in enumerate(examples) if i not in fold and e.label not in held_labels]
        test = [examples[i] for i in sorted(fold) if examples[i].label not in held_labels]
        oos = [ev.Example(e.text, ev.OOS_LABEL) for i, e in enumerate(examples) if i in fold and e.label in held_labels]
        with tempfile.TemporaryDirectory(prefix="nlu-near-oos-") as tmp:
            near = run_once(train, test, oos, args.config, Path(tmp))
        near["held_out_intents"] = sorted(held_labels)
        logger.info("near-domain oos: %s", json.dumps(near))
    _write(args, results, near)
    return 0


def _write(args: argparse.Namespace, results: List[dict], near: object) -> None:
    keys = ("accuracy", "macro_f1", "accuracy_without_fallback", "fallback_rate", "oos_recall", "in_scope_accuracy",
            "train_seconds", "predict_ms_p50")
    mean = {k: round(statistics.mean(r[k] for r in results), 4) for k in keys}
    report = {
        "description": (
            f"Banking77 train split, {args.folds}-fold stratified cross-validation (seed {args.seed}) through the "
            f"eval-nlu code path with the pipeline of {args.config.name}. NOT the official test split (not available). "
            f"accuracy/macro_f1 on the Banking77 part (a fallback counts as wrong); oos_recall on "
            f"{OFFTOPIC.relative_to(paths.ROOT)} mixed into each fold's test part."
        ),
        "evaluation": "cross-validation on train split",
        "folds_run": len(results),
        "folds": args.folds,
        **mean,
        "n_train_per_fold": results[0]["n_train"],
        "n_test_per_fold": results[0]["n_test"],
        "per_fold": results,
        "near_domain_oos": near,
        "pipeline": [step.get("name") for step in ev.project_pipeline(args.config)[1]],
        "pipeline_config": ev.project_pipeline(args.config)[1],
        "command": "PYTHONPATH=. .venv/rasa/bin/python benchmarks/nlu_banking77.py " + " ".join(sys.argv[1:]),
        "machine": "2 CPU cores shared with other jobs (timings are upper bounds)",
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
