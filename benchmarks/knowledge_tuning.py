"""Sweep the retriever's fusion settings on the development QA sets (not part of make bench).

Usage: PYTHONPATH=. .venv/ml/bin/python benchmarks/knowledge_tuning.py [--sets dev,kb,kbpass]

Sets (all in benchmarks/data):
- ``faq-dev``: faq_docs.csv (45 answer-only FAQ paragraphs) + faq_qa_dev.csv (45 questions).
- ``faq-test``: same docs + faq_qa_test.csv: held out, only reported, never tuned on.
- ``kb``: data/knowledge (folder) + kb_qa.csv (78 questions).
- ``kbpass``: every passage of data/knowledge as an answer-only CSV row (no title, no
  heading: imitates FAQ data where questions are matched against answer text only),
  ids ``<document>#<n>`` so kb_qa.csv's document ids still match + kb_qa.csv.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.knowledge import store  # noqa: E402
from bot.knowledge.documents import load_documents, split_documents  # noqa: E402
from bot.knowledge.embedder import get_embedder  # noqa: E402
from bot.knowledge.evaluate import evaluate_ranking, hit_metrics, read_qa  # noqa: E402
from bot.knowledge.indexer import build_index  # noqa: E402
from bot.knowledge.retriever import FusionConfig, HybridRetriever  # noqa: E402

DATA = ROOT / "benchmarks" / "data"


def passages_as_answers_csv(target: Path) -> Path:
    """Write the KB's passages as an answer-only CSV (id,text) and return its path."""
    passages = split_documents(load_documents(ROOT / "data" / "knowledge"))
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        for i, p in enumerate(passages):
            writer.writerow([f"{p.doc_id.split('#')[0]}#{i}", p.text])
    return target


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default="faq-dev,faq-test,kb,kbpass")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    embedder = get_embedder()
    work = Path(tempfile.mkdtemp(prefix="kb-tune-"))
    sets = {
        "faq-dev": (DATA / "faq_docs.csv", DATA / "faq_qa_dev.csv"),
        "faq-test": (DATA / "faq_docs.csv", DATA / "faq_qa_test.csv"),
        "kb": (ROOT / "data" / "knowledge", DATA / "kb_qa.csv"),
        "kbpass": (passages_as_answers_csv(work / "kb_passages.csv"), DATA / "kb_qa.csv"),
    }
    chosen = args.sets.split(",")
    prepared = {}
    for name in chosen:
        docs, qa = sets[name]
        build_index(docs, work / name, progress=False)
        stored = store.load_index(work / name)
        items = read_qa(qa)
        vectors = embedder.encode([i.question for i in items])
        prepared[name] = (HybridRetriever.from_store(stored, embedder), items, vectors)

    configs = [FusionConfig(method="dense"), FusionConfig(method="bm25")]
    for k, w in itertools.product((5, 10, 30, 60), (0.3, 0.5, 0.7, 1.0)):
        configs.append(FusionConfig(method="rrf", rrf_k=k, bm25_weight=w))
    for w in (0.05, 0.1, 0.15, 0.2, 0.3):
        configs.append(FusionConfig(method="mix", bm25_weight=w))
    for w in (0.1, 0.2, 0.3):
        configs.append(FusionConfig(method="mix", bm25_weight=0.1, title_weight=w))
        configs.append(FusionConfig(method="rrf", rrf_k=60, bm25_weight=0.5, title_weight=w / 10))
    rows = []
    for cfg in configs:
        row = {"config": f"{cfg.method} k={cfg.rrf_k} wb={cfg.bm25_weight} wt={cfg.title_weight}"}
        for name, (retriever, items, vectors) in prepared.items():
            ranks, _ = evaluate_ranking(retriever, items, cfg, vectors)
            m = hit_metrics(ranks)
            row[name] = (round(m["hit_at_1"], 3), round(m["hit_at_5"], 3), round(m["mrr_at_10"], 3))
        rows.append(row)
        print(json.dumps(row), flush=True)
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
