"""Retrieval latency at 1k and 100k passages (``make bench-knowledge-retrieval``).

What is measured, per collection size, over the 78 questions of benchmarks/data/kb_qa.csv
(each asked 3 times, after a warm-up):

- ``search_ms_*``: one call of the bot's HybridRetriever with the query vector given:
  FAISS dense search + BM25 scoring + fusion + building the result objects.
- ``search_with_embedding_ms_*``: the same plus embedding the query with MiniLM
  (what a knowledge answer pays; independent of the collection size).
- ``query_embed_ms_*``: embedding the query alone.

Collections:
- 1k: 1,000 passages made from the knowledge base (the real passages plus
  sentence-shuffled mixtures of them), really embedded with MiniLM, exact flat index.
- 100k: 100,000 passages. Embedding 100k texts would take ~4 minutes, so the
  dense side uses synthetic normalized vectors clustered around the 1k real
  passage vectors (real vector + equal-norm Gaussian noise; HNSW32, efSearch 64,
  as the indexer builds above 20k passages) and BM25 indexes synthetic texts
  drawn from the knowledge base's vocabulary with Zipf-like word frequencies.

Results are merged into benchmarks/results/knowledge.json (other keys, written by
the generation benchmark, are kept).
"""

from __future__ import annotations

import json
import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

RESULTS = ROOT / "benchmarks" / "results" / "knowledge.json"
REPEATS = 3


def _percentiles(values: list[float]) -> tuple[float, float]:
    import numpy as np

    arr = np.asarray(values)
    return round(float(np.percentile(arr, 50)), 3), round(float(np.percentile(arr, 95)), 3)


def _measure(retriever, questions: list[str], vectors) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    search, total, embed = [], [], []
    retriever.retrieve_with_vector(questions[0], vectors[0:1], 5)  # warm-up
    for _ in range(REPEATS):
        for i, question in enumerate(questions):
            t0 = time.perf_counter()
            retriever.retrieve_with_vector(question, vectors[i : i + 1], 5)
            search.append((time.perf_counter() - t0) * 1000)
    for question in questions:
        t0 = time.perf_counter()
        vector = retriever.embedder.encode_query(question)
        t1 = time.perf_counter()
        retriever.retrieve_with_vector(question, vector, 5)
        t2 = time.perf_counter()
        embed.append((t1 - t0) * 1000)
        total.append((t2 - t0) * 1000)
    return {"search": search, "total": total, "embed": embed}


def main() -> int:
    import faiss
    import numpy as np

    from bot.knowledge.documents import Passage, load_documents, split_documents
    from bot.knowledge.embedder import get_embedder
    from bot.knowledge.evaluate import read_qa
    from bot.knowledge.retriever import HybridRetriever, tokenize
    from bot.knowledge.store import build_faiss_index

    load_before = os.getloadavg()[0]
    rng = random.Random(42)
    embedder = get_embedder()
    questions = [item.question for item in read_qa(ROOT / "benchmarks" / "data" / "kb_qa.csv")]
    query_vectors = embedder.encode(questions)
    base = split_documents(load_documents(ROOT / "data" / "knowledge"))
    results: dict[str, object] = {}

    # ---- 1k: real embeddings
    sentences = [s for p in base for s in p.text.replace("\n", " ").split(". ") if len(s.split()) > 3]
    passages = list(base)
    while len(passages) < 1000:
        picked = rng.sample(sentences, 5)
        n = len(passages)
        passages.append(Passage(f"synthetic/{n}", f"synthetic/{n}::0", "Synthetic", "Synthetic", ". ".join(picked)))
    vectors = embedder.encode([p.indexed_text for p in passages])
    index, kind_1k = build_faiss_index(vectors)
    retriever = HybridRetriever(passages, vectors, index, embedder)
    m = _measure(retriever, questions, query_vectors)
    results["search_ms_p50_1k"], results["search_ms_p95_1k"] = _percentiles(m["search"])
    results["search_with_embedding_ms_p50_1k"], results["search_with_embedding_ms_p95_1k"] = _percentiles(m["total"])
    results["query_embed_ms_p50"], results["query_embed_ms_p95"] = _percentiles(m["embed"])
    print(f"1k ({kind_1k}): search p50/p95 {results['search_ms_p50_1k']}/{results['search_ms_p95_1k']} ms", flush=True)

    # ---- 100k: random vectors, synthetic texts
    n_large = 100_000
    vocabulary = sorted({t for p in base for t in tokenize(p.indexed_text)})
    weights = [1.0 / (rank + 1) for rank in range(len(vocabulary))]
    rng.shuffle(vocabulary)
    generator = np.random.default_rng(42)
    probabilities = np.asarray(weights) / sum(weights)
    lengths = generator.integers(30, 90, size=n_large)  # tokens left after stop-word removal
    words = generator.choice(len(vocabulary), size=int(lengths.sum()), p=probabilities)
    texts, start = [], 0
    for length in lengths:
        texts.append(" ".join(vocabulary[w] for w in words[start : start + length]))
        start += length
    large_passages = [Passage(f"synthetic/{i}", f"synthetic/{i}::0", "Synthetic", "", t) for i, t in enumerate(texts)]
    # Clustered like real embeddings: each synthetic vector is one of the 1k real passage
    # vectors plus Gaussian noise of the same norm, normalized (uniform random vectors in
    # 384 dimensions have no neighbourhood structure and are a worst case for HNSW).
    centres = vectors[generator.integers(0, vectors.shape[0], size=n_large)]
    noise = generator.standard_normal((n_large, vectors.shape[1])).astype("float32")
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    large_vectors = (centres + noise).astype("float32")
    large_vectors /= np.linalg.norm(large_vectors, axis=1, keepdims=True)
    faiss.omp_set_num_threads(os.cpu_count() or 1)  # building may use every core
    t0 = time.perf_counter()
    large_index, kind_100k = build_faiss_index(large_vectors)
    build_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    large = HybridRetriever(large_passages, large_vectors, large_index, embedder)
    bm25_seconds = time.perf_counter() - t0
    m = _measure(large, questions, query_vectors)
    results["search_ms_p50_100k"], results["search_ms_p95_100k"] = _percentiles(m["search"])
    results["search_with_embedding_ms_p50_100k"], results["search_with_embedding_ms_p95_100k"] = _percentiles(m["total"])
    results["index_type_100k"] = kind_100k
    results["faiss_build_seconds_100k"] = round(build_seconds, 1)
    results["bm25_build_seconds_100k"] = round(bm25_seconds, 1)
    results["retrieval_bench_notes"] = (
        "search_ms_*: hybrid search given the query vector (FAISS + BM25 + fusion); "
        "*_with_embedding_*: plus MiniLM query embedding; 1k = real MiniLM vectors, flat index; "
        "100k = synthetic vectors clustered around the 1k real ones (HNSW32, efSearch 64) and synthetic BM25 texts; "
        f"{os.cpu_count()} CPUs, {platform.machine()}, faiss omp threads {faiss.omp_get_max_threads()}, "
        f"load average {load_before:.1f} at start / {os.getloadavg()[0]:.1f} at end"
    )
    print(f"100k ({kind_100k}): search p50/p95 {results['search_ms_p50_100k']}/{results['search_ms_p95_100k']} ms", flush=True)

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    merged = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    merged.update(results)
    RESULTS.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
