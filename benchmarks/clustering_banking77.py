"""How well the report's clustering finds intents: Banking77 -> benchmarks/results/clustering_banking77.json.

The report groups unanswered customer messages and feedback comments with
``bot.analytics.clustering`` (MiniLM embeddings, optional PCA, HDBSCAN, outliers joined to a
near group). Banking77's training messages carry their true intent (77 of them), so the groups
can be scored against it: NMI (normalised mutual information, arithmetic mean; the outliers
count as one more group, so leaving messages out costs), the share of outliers, homogeneity
and completeness.

Two disjoint samples of the train split, drawn once (shuffle with seed 0): the first
``--size`` messages are the development sample, on which the grid below picks the parameters;
the next ``--size`` messages are the test sample, measured once with the chosen parameters
(tests/bot/analytics/test_clustering.py asserts the same on the same test sample with
``DEFAULT_CONFIG``).

The choice: the highest development NMI among the grid points with at most 30 % outliers, a
number of clusters within 50 % of the number of true intents, and a dimensionality reduction.
NMI alone rewards splitting every intent in two (the smallest clusters reached the best NMI
with twice as many clusters as intents), which makes a report list each topic twice; and
HDBSCAN on the raw 384 dimensions is several times slower (the JSON has the median time per
dimension), too slow for the 10,000 and more messages of a busy month.

    PYTHONPATH=. .venv/ml/bin/python benchmarks/clustering_banking77.py [--size 3000]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import asdict, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional, Sequence

from bot import paths
from bot.analytics import clustering

BANKING77 = paths.ROOT.parent / "shared" / "datasets" / "banking77" / "train.csv"
RESULT = paths.ROOT / "benchmarks" / "results" / "clustering_banking77.json"
SEED = 0
SIZE = 3000
MAX_OUTLIERS = 0.30
MAX_CLUSTER_RATIO = 1.5
GRID = {
    "dimensions": (0, 15, 25, 40),
    "size_divisor": (150, 300, 600),
    "min_samples": (2, 5),
    "join_threshold": (None, 0.7, 0.6, 0.5),
}


def load_samples(path: Path = BANKING77, size: int = SIZE, seed: int = SEED) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(development, test): two disjoint samples of ``size`` (text, intent) rows of Banking77's train split."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [(row["text"], row.get("category") or row["label"]) for row in csv.DictReader(handle)]
    random.Random(seed).shuffle(rows)
    if len(rows) < 2 * size:
        raise ValueError(f"{path} has {len(rows)} rows, fewer than two samples of {size}")
    return rows[:size], rows[size:2 * size]


def score(labels: Sequence[int], truth: Sequence[str]) -> dict:
    """NMI (outliers as one group), outlier share, homogeneity, completeness, group count."""
    from sklearn.metrics import completeness_score, homogeneity_score, normalized_mutual_info_score

    found = [int(label) for label in labels]
    return {
        "nmi": round(float(normalized_mutual_info_score(truth, found)), 4),
        "outlier_share": round(sum(1 for label in found if label == clustering.OUTLIER) / len(found), 4),
        "clusters": len(set(found) - {clustering.OUTLIER}),
        "homogeneity": round(float(homogeneity_score(truth, found)), 4),
        "completeness": round(float(completeness_score(truth, found)), 4),
    }


def tune(vectors, truth: Sequence[str]) -> tuple[clustering.ClusteringConfig, list[dict]]:
    """Every grid point on the development sample, and the chosen config (see the module docstring)."""
    trials = []
    for dimensions, divisor, min_samples in itertools.product(GRID["dimensions"], GRID["size_divisor"],
                                                              GRID["min_samples"]):
        config = replace(clustering.DEFAULT_CONFIG, dimensions=dimensions, size_divisor=divisor, min_samples=min_samples)
        started = time.perf_counter()
        dense = clustering.dense_labels(vectors, config)
        seconds = time.perf_counter() - started
        for join in GRID["join_threshold"]:  # the joining step is cheap: one HDBSCAN run serves every threshold
            labels = clustering.join_outliers(vectors, dense, join)
            trial = {"dimensions": dimensions, "size_divisor": divisor, "min_samples": min_samples,
                     "join_threshold": join, "seconds": round(seconds, 2), **score(labels, truth)}
            trials.append(trial)
            print(json.dumps(trial), file=sys.stderr, flush=True)
    intents = len(set(truth))
    allowed = [t for t in trials if t["outlier_share"] <= MAX_OUTLIERS and t["dimensions"] > 0
               and intents / MAX_CLUSTER_RATIO <= t["clusters"] <= intents * MAX_CLUSTER_RATIO]
    best = max(allowed, key=lambda t: (t["nmi"], -t["seconds"]))
    chosen = replace(clustering.DEFAULT_CONFIG, dimensions=best["dimensions"], size_divisor=best["size_divisor"],
                     min_samples=best["min_samples"], join_threshold=best["join_threshold"])
    return chosen, trials


def measure(rows: Sequence[tuple[str, str]], config: clustering.ClusteringConfig, encode: clustering.EncodeFn,
            vectors=None) -> dict:
    """Embed (unless ``vectors`` are given), group and score ``rows`` with ``config``."""
    texts = [text for text, _ in rows]
    truth = [intent for _, intent in rows]
    started = time.perf_counter()
    if vectors is None:
        vectors = clustering.embed(texts, encode, progress=True)
    embedded = time.perf_counter()
    grouping = clustering.group_texts(texts, vectors, config)
    grouped = time.perf_counter()
    result = score(grouping.labels, truth)
    examples = []
    for group in grouping.groups[:8]:
        intents = Counter(truth[i] for i in group.members)
        intent, count = intents.most_common(1)[0]
        examples.append({"name": group.name, "size": len(group.members), "majority_intent": intent,
                         "majority_share": round(count / len(group.members), 3)})
    return {**result, "n": len(rows), "min_cluster_size": grouping.min_cluster_size,
            "embed_seconds": round(embedded - started, 1), "cluster_seconds": round(grouped - embedded, 1),
            "largest_clusters": examples}


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Tune on the development sample, measure on the test sample, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--data", type=Path, default=BANKING77, help="Banking77 train.csv (text,category)")
    parser.add_argument("--size", type=int, default=SIZE, help="messages per sample (default %(default)s)")
    parser.add_argument("--out", type=Path, default=RESULT, help="result JSON (default %(default)s)")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    dev, test = load_samples(args.data, args.size)
    encode = clustering.default_encoder()
    started = time.perf_counter()
    dev_vectors = clustering.embed([t for t, _ in dev], encode, progress=True)
    dev_embed = time.perf_counter() - started
    chosen, trials = tune(dev_vectors, [i for _, i in dev])
    if chosen != clustering.DEFAULT_CONFIG:
        print(f"note: the grid chose {chosen}, but DEFAULT_CONFIG is {clustering.DEFAULT_CONFIG}; "
              "update bot/analytics/clustering.py", file=sys.stderr)
    development = measure(dev, chosen, encode, dev_vectors)
    development["embed_seconds"] = round(dev_embed, 1)
    test_result = measure(test, chosen, encode)
    result = {
        "description": "bot.analytics.clustering on Banking77 train messages against their true intents "
                       "(NMI with outliers as one group); parameters chosen on the development sample, "
                       "measured once on the disjoint test sample",
        "data": str(args.data.relative_to(paths.ROOT.parent)) if args.data.is_relative_to(paths.ROOT.parent)
        else str(args.data),
        "samples": {"seed": SEED, "size": args.size, "development": "rows 0..size of the shuffled split",
                    "test": "rows size..2*size"},
        "selection": f"highest development NMI with at most {MAX_OUTLIERS:.0%} outliers, between "
                     f"1/{MAX_CLUSTER_RATIO:g} and {MAX_CLUSTER_RATIO:g} times as many clusters as intents, and a "
                     "dimensionality reduction (PCA)",
        "median_cluster_seconds_by_dimensions": {
            str(d): statistics.median(t["seconds"] for t in trials if t["dimensions"] == d) for d in GRID["dimensions"]},
        "chosen_config": asdict(chosen),
        "default_config_matches": chosen == clustering.DEFAULT_CONFIG,
        "test": test_result,
        "development": development,
        "grid": trials,
        "command": "PYTHONPATH=. .venv/ml/bin/python benchmarks/clustering_banking77.py",
        "machine": {"cpus": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2),
                    "python": platform.python_version()},
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"test: NMI {test_result['nmi']}, outliers {test_result['outlier_share']:.1%}, "
          f"{test_result['clusters']} clusters, embedding {test_result['embed_seconds']} s, "
          f"clustering {test_result['cluster_seconds']} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
