"""Evaluate knowledge retrieval: ``python -m bot eval-kb --docs DOCS --qa QA --out OUT.json``.

- DOCS: a knowledge folder (document id = path relative to the folder; a row of a
  CSV inside the folder is ``<path>#<id>`` and also matches the id ``<path>``) or
  one CSV file with columns id,text[,title] (document id = the ``id`` column).
- QA: a CSV file with columns question,doc_ids[,answer]; ``doc_ids`` holds one or
  more relevant document ids separated by ``|``.

A fresh index is built in a temporary folder (the bot's ``models/knowledge`` is
never touched), every question is retrieved with the bot's hybrid retriever, and
hits are counted at document level: the ranked passages are reduced to their
documents in rank order, and a question is a hit at k when one of its documents
is among the first k. The same run measures two baselines on the same passages:
dense only (MiniLM + exact FAISS flat inner product, questions as asked, whatever encoder
the retriever uses) and BM25 only.

With ``--generate`` the first ``--limit`` questions are also answered through
``bot.generation.answer.answer_for_eval(question, passages) -> (answer, abstained,
n_tokens)``, the function the bot's answering code provides; generation metrics
are added (see :func:`generation_metrics`). When that function cannot be
imported the command fails instead of reporting numbers.

Exit codes: 0 success, 2 bad arguments or unusable input files.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from bot.knowledge.documents import KnowledgeSourceError
from bot.knowledge.facts import unsupported_facts

logger = logging.getLogger(__name__)

AnswerFn = Callable[[str, list[Any]], tuple[str, bool, int]]
"""answer_fn(question, passages) -> (answer_text, abstained, n_tokens)."""

RANK_DEPTH = 10
"""Documents considered per question (MRR@10)."""
GENERATION_TOP_K = 5
"""Passages handed to the answer function."""


class EvalInputError(ValueError):
    """The QA or docs input is unusable; the message names the file and line."""


@dataclass(frozen=True)
class QAItem:
    """One evaluation question."""

    question: str
    doc_ids: tuple[str, ...]
    answer: str = ""


def read_qa(path: Path) -> list[QAItem]:
    """Read a QA CSV (question,doc_ids[,answer]).

    Raises:
        EvalInputError: missing file or columns, empty cells, no rows.
    """
    if not path.is_file():
        raise EvalInputError(f"QA file {path} does not exist")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EvalInputError(f"QA file {path} is not UTF-8 (byte {exc.start})") from None
    items: list[QAItem] = []
    problems: list[str] = []
    try:
        reader = csv.DictReader(text.splitlines(), strict=True)
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        missing = [c for c in ("question", "doc_ids") if c not in fields]
        if missing:
            raise EvalInputError(
                f"QA file {path}: header must have columns question,doc_ids[,answer]; missing "
                f"{', '.join(missing)} (found: {', '.join(fields) or 'nothing'})"
            )
        reader.fieldnames = fields
        for row in reader:
            question = (row.get("question") or "").strip()
            ids = tuple(i.strip().removeprefix("./") for i in (row.get("doc_ids") or "").split("|") if i.strip())
            if not question or not ids:
                problems.append(f"line {reader.line_num}: empty {'question' if not question else 'doc_ids'}")
                continue
            items.append(QAItem(question, ids, (row.get("answer") or "").strip()))
    except csv.Error as exc:
        raise EvalInputError(f"QA file {path}: malformed CSV: {exc}") from None
    if problems:
        raise EvalInputError(f"QA file {path}: " + "; ".join(problems[:10]))
    if not items:
        raise EvalInputError(f"QA file {path} has no questions")
    return items


def doc_matches(retrieved: str, expected: str) -> bool:
    """A retrieved document id matches an expected id (``file.csv`` matches ``file.csv#row``)."""
    return retrieved == expected or retrieved.startswith(expected + "#")


def rank_documents(passages: Sequence[Any], depth: int = RANK_DEPTH) -> list[str]:
    """Distinct document ids of ranked passages, in rank order, at most ``depth``."""
    seen: list[str] = []
    for passage in passages:
        if passage.doc_id not in seen:
            seen.append(passage.doc_id)
            if len(seen) == depth:
                break
    return seen


def first_hit_rank(ranked_docs: Sequence[str], expected: Sequence[str]) -> Optional[int]:
    """1-based rank of the first relevant document, or None."""
    for rank, doc in enumerate(ranked_docs, start=1):
        if any(doc_matches(doc, e) for e in expected):
            return rank
    return None


def hit_metrics(ranks: Sequence[Optional[int]]) -> dict[str, float]:
    """hit_at_1, hit_at_5 and mrr_at_10 from first-hit ranks."""
    n = len(ranks)
    return {
        "hit_at_1": sum(1 for r in ranks if r is not None and r <= 1) / n,
        "hit_at_5": sum(1 for r in ranks if r is not None and r <= 5) / n,
        "mrr_at_10": sum(1.0 / r for r in ranks if r is not None and r <= 10) / n,
    }


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (linear interpolation), 0.0 for no values."""
    if not values:
        return 0.0
    import numpy as np

    return float(np.percentile(np.asarray(values, dtype="float64"), q))


def evaluate_ranking(retriever: Any, items: Sequence[QAItem], fusion: Any = None,
                     query_vectors: Any = None) -> tuple[list[Optional[int]], list[list[str]]]:
    """First-hit rank and ranked documents of every question for one fusion setting.

    ``query_vectors`` (one normalized row per question) avoids re-embedding during sweeps.
    """
    cfg = fusion or retriever.fusion
    depth = max(cfg.candidates * 2, 50)
    ranks, ranked = [], []
    for i, item in enumerate(items):
        if query_vectors is None:
            result = retriever.retrieve(item.question, depth, fusion=cfg)
        else:
            result = retriever.retrieve_with_vector(item.question, query_vectors[i : i + 1], depth, fusion=cfg)
        docs = rank_documents(result.passages)
        ranked.append(docs)
        ranks.append(first_hit_rank(docs, item.doc_ids))
    return ranks, ranked


def evaluate(docs: Path, qa: Path, *, answer_fn: Optional[AnswerFn] = None, limit: int = 200,
             progress: bool = False) -> dict[str, Any]:
    """Build a fresh index from ``docs`` in a temporary folder and evaluate retrieval on ``qa``.

    Args:
        docs: knowledge folder or CSV (id,text[,title]).
        qa: CSV question,doc_ids[,answer].
        answer_fn: when given, generation metrics are added for the first ``limit`` questions.
        limit: maximum number of questions answered by ``answer_fn``.
        progress: show the embedding progress bar.

    Returns:
        The metrics dictionary written by the CLI.

    Raises:
        EvalInputError, KnowledgeSourceError, FileNotFoundError: unusable inputs.
    """
    from bot.knowledge import store
    from bot.knowledge.embedder import MODEL_NAME, get_embedder, get_retrieval_embedder
    from bot.knowledge.indexer import build_index
    from bot.knowledge.retriever import FusionConfig, HybridRetriever

    items = read_qa(qa)
    if not docs.exists():
        raise EvalInputError(f"DOCS {docs} does not exist")
    started = time.perf_counter()
    embedder = get_retrieval_embedder()
    minilm = get_embedder()
    model_seconds = time.perf_counter() - started
    workdir = Path(tempfile.mkdtemp(prefix="switchboard-eval-kb-"))
    try:
        started = time.perf_counter()
        report = build_index(docs, workdir / "index", progress=progress)
        index_seconds = time.perf_counter() - started
        stored = store.load_index(workdir / "index")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    retriever = HybridRetriever.from_store(stored, embedder=embedder)

    known_docs = {p.doc_id for p in stored.passages}
    unknown = sorted({e for item in items for e in item.doc_ids
                      if not any(doc_matches(d, e) for d in known_docs)})
    if unknown:
        logger.warning("%d expected doc id(s) are not in DOCS, e.g. %s", len(unknown), ", ".join(unknown[:5]))
    answerable = sum(1 for item in items if any(any(doc_matches(d, e) for d in known_docs) for e in item.doc_ids))
    if answerable < len(items) / 2:
        raise EvalInputError(
            f"Only {answerable} of {len(items)} questions name a document that exists in {docs} "
            f"(e.g. unknown ids: {', '.join(unknown[:5])}); check that QA matches DOCS"
        )

    retriever.retrieve("warm-up query", 5)  # first call pays one-off allocation costs
    search_ms, embed_ms, ranks = [], [], []
    misses: list[dict[str, Any]] = []
    depth = max(retriever.fusion.candidates * 2, 50)
    query_vectors = []
    for item in items:
        t0 = time.perf_counter()
        query = retriever.prepare_query(item.question)
        vector = embedder.encode_query(query)
        t1 = time.perf_counter()
        result = retriever.retrieve_with_vector(query, vector, depth)
        t2 = time.perf_counter()
        query_vectors.append(vector[0])
        embed_ms.append((t1 - t0) * 1000)
        search_ms.append((t2 - t0) * 1000)
        docs_ranked = rank_documents(result.passages)
        rank = first_hit_rank(docs_ranked, item.doc_ids)
        ranks.append(rank)
        if rank is None or rank > 5:
            misses.append({"question": item.question, "expected": list(item.doc_ids), "top_docs": docs_ranked[:5]})

    import numpy as np

    vectors = np.vstack(query_vectors).astype("float32")
    # The plain dense baseline is always MiniLM + exact flat search on the same passages, with
    # the questions as asked (no spelling correction): the reference the retriever is judged by.
    baseline_index_seconds = None
    if embedder.name == MODEL_NAME:
        plain_vectors, plain_queries = stored.vectors, np.vstack(
            [minilm.encode_query(item.question)[0] for item in items]).astype("float32")
    else:
        started = time.perf_counter()
        plain_vectors = minilm.encode([p.indexed_text for p in stored.passages], progress=progress)
        plain_queries = minilm.encode([item.question for item in items])
        baseline_index_seconds = round(time.perf_counter() - started, 3)
    baseline_retriever = HybridRetriever(stored.passages, plain_vectors,
                                         store.build_faiss_index(plain_vectors, hnsw_threshold=10**12)[0], minilm,
                                         FusionConfig(spelling=False))
    dense_ranks, _ = evaluate_ranking(baseline_retriever, items, FusionConfig(method="dense", spelling=False),
                                      plain_queries)
    bm25_ranks, _ = evaluate_ranking(retriever, items, FusionConfig(method="bm25"), vectors)
    dense_metrics = hit_metrics(dense_ranks)
    bm25_metrics = hit_metrics(bm25_ranks)

    metrics: dict[str, Any] = {
        **hit_metrics(ranks),
        "n_questions": len(items),
        "index_seconds": round(index_seconds, 3),
        "search_ms_p50": round(percentile(search_ms, 50), 3),
        "search_ms_p95": round(percentile(search_ms, 95), 3),
        "baseline_dense_hit_at_5": dense_metrics["hit_at_5"],
        "baseline_bm25_hit_at_5": bm25_metrics["hit_at_5"],
        "baseline_dense_hit_at_1": dense_metrics["hit_at_1"],
        "baseline_dense_mrr_at_10": dense_metrics["mrr_at_10"],
        "baseline_bm25_hit_at_1": bm25_metrics["hit_at_1"],
        "baseline_bm25_mrr_at_10": bm25_metrics["mrr_at_10"],
        "query_embed_ms_p50": round(percentile(embed_ms, 50), 3),
        "n_documents": report.n_documents,
        "n_passages": report.n_passages,
        "index_type": report.index_type,
        "model_load_seconds": round(model_seconds, 3),
        "retrieval_model": embedder.name,
        "baseline_dense_model": MODEL_NAME,
        "baseline_dense_index_seconds": baseline_index_seconds,
        "n_unknown_doc_ids": len(unknown),
        "retriever": {k: v for k, v in retriever.fusion.__dict__.items()},
        "notes": "search_ms includes query embedding; hits are counted at document level",
        "misses_at_5": misses[:50],
    }
    if answer_fn is not None:
        metrics.update(generation_metrics(retriever, items[:limit], answer_fn, minilm))
    return metrics


def _call_answer_fn(answer_fn: Any, question: str, passages: list[Any], retriever: Any) -> dict[str, Any]:
    """Call ``answer_fn`` and normalise what it returns.

    An answer function returns ``(text, abstained, n_tokens)`` or an object with ``text``,
    ``abstained``, ``n_tokens`` and optionally ``raw_text``, ``body``, ``mode`` and
    ``passage_texts`` (``bot.generation.answer.AnswerResult``). It gets ``retriever=`` when its
    signature takes it (so a multi-part question can be retrieved per part).
    """
    import inspect

    try:
        takes_retriever = "retriever" in inspect.signature(answer_fn).parameters
    except (TypeError, ValueError):
        takes_retriever = False
    result = answer_fn(question, passages, retriever=retriever) if takes_retriever else answer_fn(question, passages)
    if isinstance(result, tuple):
        text, abstained, n_tokens = result
        return {"text": text or "", "abstained": bool(abstained), "n_tokens": int(n_tokens), "raw_text": None,
                "body": text or "", "mode": None, "passage_texts": (), "reason": None}
    return {
        "text": result.text or "",
        "abstained": bool(result.abstained),
        "n_tokens": int(result.n_tokens),
        "raw_text": getattr(result, "raw_text", None),
        "body": getattr(result, "body", "") or result.text or "",
        "mode": getattr(result, "mode", None),
        "passage_texts": tuple(getattr(result, "passage_texts", ()) or ()),
        "reason": getattr(result, "reason", None),
    }


def answer_key_fact_recall(reference: str, answer: str) -> Optional[float]:
    """Share of the reference answer's facts (numbers, amounts, links, emails, phone numbers)
    that the answer states; None when the reference has none."""
    from bot.knowledge.facts import extract_facts

    facts = {f.text for f in extract_facts(reference)}
    if not facts:
        return None
    missing = set(unsupported_facts(reference, [answer]))
    return (len(facts) - len(missing & facts)) / len(facts)


def generation_metrics(retriever: Any, items: Sequence[QAItem], answer_fn: AnswerFn, embedder: Any) -> dict[str, Any]:
    """Answer ``items`` with ``answer_fn`` and measure the answers.

    - ``answer_similarity``: mean cosine (MiniLM) between answer and reference answer,
      over questions that have a reference (None when none has).
    - ``unsupported_fact_rate``: share of answers with a number, URL or email that is in
      neither the question nor the passages retrieved for it (bot.knowledge.facts); the
      passages of every part of a multi-part question count.
    - ``raw_unsupported_fact_rate``: the same on the generator's raw output, before any check or
      replacement, over the questions where the generator ran (``n_raw``); None when the answer
      function does not report its raw output.
    - ``extractive_rate``: share of answers quoting the passages instead of the generated text
      (wholly, or for one part of a multi-part question); None when not reported.
    - ``fragment_rate``: share of answers (abstentions excluded) that are not complete sentences,
      only an apology, or share no content word with the question while carrying no number,
      address or link of the passages (``bot.generation.adequacy.is_fragment`` on the answer
      without citation and disclaimers).
    - ``answer_key_fact_recall``: mean share of the reference answer's facts (numbers, amounts,
      links, emails, phones) present in the answer, over questions whose reference has any
      (``n_answer_key``); None when none has.
    - ``abstain_rate``: share of questions the answer function abstained on.
    - ``gen_seconds_p50/p95``: wall time of answer_fn per question.
    - ``tokens_per_second``: generated tokens / generation seconds, over all questions.
    - ``answers``: every question with its answer, raw generation, mode and reason.
    """
    from bot.generation.adequacy import is_fragment

    seconds, similarities, recalls = [], [], []
    unsupported = abstained_count = tokens = 0
    raw_unsupported = raw_count = extractive = answered = fragments = 0
    reported_mode = False
    samples = []
    for item in items:
        passages = retriever.search(item.question, GENERATION_TOP_K)
        t0 = time.perf_counter()
        out = _call_answer_fn(answer_fn, item.question, passages, retriever)
        seconds.append(time.perf_counter() - t0)
        answer = out["text"]
        tokens += out["n_tokens"]
        abstained_count += out["abstained"]
        sources = [item.question] + [f"{p.heading}\n{p.text}" for p in passages] + list(out["passage_texts"])
        if unsupported_facts(answer, sources):
            unsupported += 1
        if out["raw_text"]:
            raw_count += 1
            raw_unsupported += bool(unsupported_facts(out["raw_text"], sources))
        if out["mode"] is not None:
            reported_mode = True
            extractive += out["mode"] in ("extractive", "mixed")
        if not out["abstained"]:
            answered += 1
            fragments += is_fragment(out["body"], item.question, sources[1:])
        if item.answer:
            vectors = embedder.encode([answer or "", item.answer])
            similarities.append(float(vectors[0] @ vectors[1]))
            recall = answer_key_fact_recall(item.answer, out["body"])
            if recall is not None:
                recalls.append(recall)
        samples.append({"question": item.question, "answer": answer, "raw": out["raw_text"], "mode": out["mode"],
                        "reason": out["reason"], "reference": item.answer or None})
    n = len(items)
    total = sum(seconds)
    return {
        "answer_similarity": round(statistics.fmean(similarities), 4) if similarities else None,
        "unsupported_fact_rate": round(unsupported / n, 4) if n else None,
        "raw_unsupported_fact_rate": round(raw_unsupported / raw_count, 4) if raw_count else None,
        "n_raw": raw_count,
        "extractive_rate": round(extractive / n, 4) if n and reported_mode else None,
        "fragment_rate": round(fragments / answered, 4) if answered else None,
        "answer_key_fact_recall": round(statistics.fmean(recalls), 4) if recalls else None,
        "n_answer_key": len(recalls),
        "abstain_rate": round(abstained_count / n, 4) if n else None,
        "gen_seconds_p50": round(percentile(seconds, 50), 3),
        "gen_seconds_p95": round(percentile(seconds, 95), 3),
        "tokens_per_second": round(tokens / total, 2) if total > 0 else None,
        "n_generated": n,
        "answers": samples,
    }


def load_answer_fn() -> AnswerFn:
    """The bot's answer function for evaluation (``bot.generation.answer.answer_for_eval_detailed``,
    or ``answer_for_eval`` where it does not exist).

    Raises:
        RuntimeError: when it cannot be imported (generation not installed or broken).
    """
    try:
        from bot.generation import answer as answering
    except ImportError as exc:
        raise RuntimeError(
            f"--generate needs bot.generation.answer.answer_for_eval, which cannot be imported ({exc}); "
            "no generation metrics were computed"
        ) from exc
    return getattr(answering, "answer_for_eval_detailed", None) or answering.answer_for_eval


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m bot eval-kb``."""
    parser.add_argument("--docs", type=Path, required=True, help="knowledge folder, or CSV with columns id,text[,title]")
    parser.add_argument("--qa", type=Path, required=True, help="CSV with columns question,doc_ids[,answer] (ids separated by |)")
    parser.add_argument("--out", type=Path, required=True, help="where to write the metrics JSON")
    parser.add_argument("--generate", action="store_true", help="also answer questions and add generation metrics")
    parser.add_argument("--limit", type=int, default=200, help="at most this many questions are answered (default 200)")
    parser.add_argument("--progress", action="store_true", help="show the embedding progress bar")


def run(args: argparse.Namespace) -> int:
    """Run the evaluation and write the JSON; 2 on unusable input."""
    if args.limit <= 0:
        logger.error("--limit must be > 0, got %d", args.limit)
        return 2
    answer_fn = None
    if args.generate:
        try:
            answer_fn = load_answer_fn()
        except RuntimeError as exc:
            logger.error("%s", exc)
            return 2
    try:
        metrics = evaluate(args.docs, args.qa, answer_fn=answer_fn, limit=args.limit, progress=args.progress)
    except (EvalInputError, KnowledgeSourceError, FileNotFoundError) as exc:
        logger.error("%s", exc)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    summary = {k: metrics[k] for k in ("hit_at_1", "hit_at_5", "mrr_at_10", "n_questions", "search_ms_p95",
                                       "baseline_dense_hit_at_5", "baseline_bm25_hit_at_5")}
    logger.info("Wrote %s: %s", args.out, json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in summary.items()}))
    return 0
