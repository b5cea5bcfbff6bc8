"""Out-of-scope detection experiments on Banking77 (cross-validation, outside Rasa).

Question: can the classifier tell "this message belongs to no trained intent" better than by
its top softmax confidence, without costing in-scope accuracy?

Every candidate is trained on the same 5 folds as ``benchmarks/nlu_banking77.py`` with the
product features (MPNet layers 8+12 + word and char n-grams, replayed as in
``benchmarks/nlu_candidates.py``). Out-of-scope messages come in three kinds:

* ``near``: Banking77 intents held out of training (fold 1, 10 intents: the product
  benchmark's near-domain test; plus folds 2-5 with other random intents for more data);
* ``retail``: customer messages of the reference bot's retail intents (``data/nlu.yml``),
  support talk of another business;
* ``offtopic``: ``benchmarks/data/nlu_offtopic.csv`` (weather, sport...).

For each candidate it reports in-scope accuracy (a fallback counts as wrong) and the recall
of each out-of-scope kind over a range of thresholds, so two confidence signals can be
compared at the same in-scope cost.

    PYTHONPATH=. .venv/ml/bin/python benchmarks/nlu_oos.py --out benchmarks/results/nlu_oos.json
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import nlu_candidates as nc  # noqa: E402
from bot.nlu.linear_model import DenseSparseModel, ModelConfig  # noqa: E402

logger = logging.getLogger("benchmarks.nlu_oos")

THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def retail_messages() -> List[str]:
    """Customer examples of the reference bot (data/nlu.yml), entity markup removed."""
    import re

    data = yaml.safe_load((ROOT / "data" / "nlu.yml").read_text(encoding="utf-8"))
    texts = []
    for block in data.get("nlu", []):
        if "intent" not in block:
            continue
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                text = re.sub(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}", lambda m: m.group(1) or m.group(2), line[2:])
                texts.append(text.strip())
    return sorted(set(t for t in texts if t))


def _caught_score(model: DenseSparseModel, proba: np.ndarray) -> np.ndarray:
    """The top confidence, or -1 where the top intent is ``oos`` (caught at every threshold)."""
    return np.where(model.classes[proba.argmax(axis=1)] == "oos", -1.0, proba.max(axis=1))


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "nlu_oos.json",
                        help="result JSON (default: benchmarks/results/nlu_oos.json)")
    parser.add_argument("--folds", type=int, default=5, help="how many of the 5 folds to run")
    parser.add_argument("--held", type=int, default=10, help="intents held out of training per fold")
    parser.add_argument("--candidates", nargs="*", default=None, choices=["softmax", "detector"],
                        help="which confidences to measure (default: both)")
    parser.add_argument("--oos-train", type=int, nargs="+", default=[0, 100],
                        help="scenarios: add this many messages of the held-out intents to training, labelled oos "
                             "(as CLINC150 ships out-of-scope training examples); 0 = none (default: 0 100)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    retail = retail_messages()
    base = nc.load_data([nc.MPNET])
    texts, labels = nc.read_csv(nc.TRAIN_CSV)
    offtopic, _ = nc.read_csv(nc.OFFTOPIC_CSV)
    retail_tokens = [nc.rasa_tokens(t) for t in retail]
    retail_layers = nc.embed_layers(nc.MPNET, retail)
    dense_all = nc.feature(base["embeddings"][nc.MPNET], "L8+L12")
    dense = dense_all[: len(labels)]
    offtopic_dense = dense_all[len(labels):]
    retail_dense = nc.feature(retail_layers, "L8+L12")
    labels_arr = base["labels"]
    intents = sorted(set(labels))

    candidates: Dict[str, ModelConfig] = {
        "softmax": replace(ModelConfig(), oos_detector=False),
        "detector": ModelConfig(),
    }
    chosen = args.candidates or list(candidates)
    results: Dict[str, dict] = {
        "description": "Banking77 train split, 5 folds (seed 0), outside Rasa with the product features; in each fold "
                       f"{args.held} random intents are held out of training and their test messages are 'near' "
                       "out-of-scope. in_scope_accuracy counts a fallback as wrong; a recall counts a message as "
                       "caught when its top confidence is below the threshold or its top intent is oos.",
        "command": "PYTHONPATH=. .venv/ml/bin/python benchmarks/nlu_oos.py " + " ".join(argv),
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "scenarios": {},
    }
    for oos_train_count in args.oos_train:
        scenario: Dict[str, dict] = {}
        key = "no oos training examples" if not oos_train_count else f"{oos_train_count} oos training examples"
        results["scenarios"][key] = scenario
        for name in chosen:
            config = candidates[name]
            rows: Dict[str, List[np.ndarray]] = {"in_conf": [], "in_ok": [], "near": [], "retail": [], "offtopic": []}
            fits = []
            for number, fold in enumerate(base["folds"][: args.folds], start=1):
                held = set(random.Random(number).sample(intents, args.held))
                test_all = np.asarray(sorted(fold))
                is_held = np.isin(labels_arr, list(held))
                train_idx = np.asarray([i for i in range(len(labels)) if i not in set(fold) and not is_held[i]])
                oos_train = []
                if oos_train_count:
                    pool = [i for i in range(len(labels)) if i not in set(fold) and is_held[i]]
                    oos_train = sorted(random.Random(number).sample(pool, min(oos_train_count, len(pool))))
                train_labels = np.concatenate([labels_arr[train_idx], np.full(len(oos_train), "oos")])
                train_idx = np.concatenate([train_idx, np.asarray(oos_train, dtype=int)])
                test_idx = np.asarray([i for i in test_all if not is_held[i]])
                near_idx = np.asarray([i for i in test_all if is_held[i]])
                cand = nc.Candidate(name, encoders=(nc.MPNET + ":L8+L12",), model=config)
                train_sparse, (test_sparse, near_sparse, off_sparse, retail_sparse) = nc.sparse_blocks(
                    cand, [base["cv_texts"][i] for i in train_idx],
                    [[base["cv_texts"][i] for i in test_idx], [base["cv_texts"][i] for i in near_idx],
                     base["oos_cv_texts"], [nc.count_vectorizer_text(t) for t in retail_tokens]],
                )
                started = time.perf_counter()
                model = DenseSparseModel(config=replace(config)).fit(
                    dense[train_idx], train_sparse, train_labels, [base["tokens"][i] for i in train_idx]
                )
                fits.append(time.perf_counter() - started)
                proba = model.predict_proba(dense[test_idx], test_sparse, [base["tokens"][i] for i in test_idx])
                rows["in_conf"].append(np.where(model.classes[proba.argmax(axis=1)] == "oos", -1.0, proba.max(axis=1)))
                rows["in_ok"].append(model.classes[proba.argmax(axis=1)] == labels_arr[test_idx])
                rows["near"].append(_caught_score(model, model.predict_proba(dense[near_idx], near_sparse,
                                                                             [base["tokens"][i] for i in near_idx])))
                rows["offtopic"].append(_caught_score(model, model.predict_proba(offtopic_dense, off_sparse, base["oos_tokens"])))
                rows["retail"].append(_caught_score(model, model.predict_proba(retail_dense, retail_sparse, retail_tokens)))
                ok = rows["in_ok"][-1]
                logger.info("%s fold %d: before fallback %.4f, at 0.3 %.4f, near recall %.3f, retail %.3f, fit %.0f s",
                            name, number, ok.mean(), np.mean(ok & (rows["in_conf"][-1] >= 0.3)),
                            np.mean(rows["near"][-1] < 0.3), np.mean(rows["retail"][-1] < 0.3), fits[-1])
            conf, ok = np.concatenate(rows["in_conf"]), np.concatenate(rows["in_ok"])
            table = {}
            for t in THRESHOLDS:
                table[str(t)] = {
                    "in_scope_accuracy": round(float(np.mean(ok & (conf >= t))), 4),
                    "in_scope_fallback_rate": round(float(np.mean(conf < t)), 4),
                    **{f"{kind}_recall": round(float(np.mean(np.concatenate(rows[kind]) < t)), 4)
                       for kind in ("near", "retail", "offtopic")},
                }
            scenario[name] = {
                "accuracy_without_fallback": round(float(ok.mean()), 4),
                "by_threshold": table,
                "n": {"in_scope": int(len(ok)), **{k: int(sum(len(a) for a in rows[k])) for k in ("near", "retail", "offtopic")}},
                "fit_seconds_mean": round(statistics.mean(fits), 1),
            }
            logger.info("%s %s", name, json.dumps(scenario[name], indent=1))
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
