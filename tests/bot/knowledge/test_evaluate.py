"""The eval-kb command on a tiny fixture (real model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.knowledge.evaluate import (
    doc_matches,
    first_hit_rank,
    generation_metrics,
    hit_metrics,
    read_qa,
    EvalInputError,
)
from bot.knowledge.retriever import HybridRetriever, load_retriever

from .conftest import write_knowledge

REQUIRED = ["hit_at_1", "hit_at_5", "mrr_at_10", "n_questions", "index_seconds", "search_ms_p50",
            "search_ms_p95", "baseline_dense_hit_at_5", "baseline_bm25_hit_at_5"]

QA = """question,doc_ids,answer
can I return a present without a receipt,policies/returns.md,You get store credit at the lowest price of the last 90 days.
how long until my refund arrives,policies/returns.md,Within 5-7 business days after the warehouse receives it.
what does shipping to Canada cost,shipping.txt|faq.csv,It costs $9.95 with duties included.
how should I wash wool,care.html,Hand wash in cold water or dry clean.
reset link for my password,faq.csv,The link is valid for 30 minutes.
how many points per dollar,faq.csv#points,1 point per dollar.
"""


def test_eval_kb_on_a_folder_writes_every_metric(tmp_path: Path) -> None:
    docs = write_knowledge(tmp_path / "kb")
    qa = tmp_path / "qa.csv"
    qa.write_text(QA, encoding="utf-8")
    out = tmp_path / "out" / "metrics.json"
    assert main(["eval-kb", "--docs", str(docs), "--qa", str(qa), "--out", str(out)]) == 0
    metrics = json.loads(out.read_text())
    for key in REQUIRED:
        assert key in metrics, key
    assert metrics["n_questions"] == 6
    assert metrics["hit_at_5"] == 1.0
    assert 0.5 <= metrics["hit_at_1"] <= metrics["hit_at_5"]
    assert metrics["hit_at_1"] <= metrics["mrr_at_10"] <= 1.0
    assert 0 <= metrics["baseline_bm25_hit_at_5"] <= 1 and 0 <= metrics["baseline_dense_hit_at_5"] <= 1
    assert 0 < metrics["search_ms_p50"] <= metrics["search_ms_p95"] < 5000
    assert metrics["index_seconds"] > 0
    assert not (tmp_path / "kb" / "index").exists()


def test_eval_kb_on_a_csv_of_answers(tmp_path: Path) -> None:
    docs = tmp_path / "answers.csv"
    docs.write_text(
        "id,text\nr1,Refunds reach your card within 5-7 business days.\n"
        "s1,Parcels to Canada cost $9.95 with duties included.\n"
        "p1,The reset link is valid for 30 minutes.\n",
        encoding="utf-8",
    )
    qa = tmp_path / "qa.csv"
    qa.write_text("question,doc_ids\nwhen do I get my money back,r1\nshipping price to canada,s1|p1\n", encoding="utf-8")
    out = tmp_path / "m.json"
    assert main(["eval-kb", "--docs", str(docs), "--qa", str(qa), "--out", str(out)]) == 0
    metrics = json.loads(out.read_text())
    assert metrics["n_questions"] == 2 and metrics["hit_at_1"] == 1.0 and metrics["n_documents"] == 3


@pytest.mark.parametrize(
    ("qa_text", "message"),
    [
        ("question,answer\nq,a\n", "missing doc_ids"),
        ("question,doc_ids\nq,\n", "line 2: empty doc_ids"),
        ("question,doc_ids\n", "has no questions"),
    ],
)
def test_bad_qa_files_fail(tmp_path: Path, qa_text: str, message: str, caplog: pytest.LogCaptureFixture) -> None:
    qa = tmp_path / "qa.csv"
    qa.write_text(qa_text, encoding="utf-8")
    with pytest.raises(EvalInputError, match=message):
        read_qa(qa)
    docs = write_knowledge(tmp_path / "kb")
    assert main(["eval-kb", "--docs", str(docs), "--qa", str(qa), "--out", str(tmp_path / "o.json")]) == 2
    assert not (tmp_path / "o.json").exists()


def test_missing_docs_and_unmatched_ids_fail(tmp_path: Path) -> None:
    qa = tmp_path / "qa.csv"
    qa.write_text("question,doc_ids\nwhere is it,nothing.md\n", encoding="utf-8")
    out = tmp_path / "o.json"
    assert main(["eval-kb", "--docs", str(tmp_path / "none"), "--qa", str(qa), "--out", str(out)]) == 2
    docs = write_knowledge(tmp_path / "kb")
    assert main(["eval-kb", "--docs", str(docs), "--qa", str(qa), "--out", str(out)]) == 2
    assert not out.exists()


def test_rank_helpers() -> None:
    assert doc_matches("faq.csv#pw", "faq.csv") and not doc_matches("faq.csv2", "faq.csv")
    assert first_hit_rank(["a", "b", "c"], ["c", "x"]) == 3
    assert first_hit_rank(["a"], ["b"]) is None
    assert hit_metrics([1, 3, None, 6]) == {"hit_at_1": 0.25, "hit_at_5": 0.5, "mrr_at_10": (1 + 1 / 3 + 1 / 6) / 4}


def test_generation_metrics_with_answer_functions(tmp_path: Path, built_index: tuple[Path, Path]) -> None:
    from bot.knowledge.embedder import get_embedder

    docs, index = built_index
    retriever: HybridRetriever = load_retriever(index, docs)
    qa = tmp_path / "qa.csv"
    qa.write_text(QA, encoding="utf-8")
    items = read_qa(qa)

    def extractive(question: str, passages: list) -> tuple[str, bool, int]:
        text = passages[0].text.split(". ")[0]
        return text, False, len(text.split())

    def inventive(question: str, passages: list) -> tuple[str, bool, int]:
        return "Call 1-800-555-0199 and pay $3.50.", False, 9

    def abstaining(question: str, passages: list) -> tuple[str, bool, int]:
        return "Let me get a colleague for you.", True, 7

    good = generation_metrics(retriever, items, extractive, get_embedder())
    assert good["unsupported_fact_rate"] == 0.0 and good["abstain_rate"] == 0.0
    assert 0.3 < good["answer_similarity"] <= 1.0
    assert good["tokens_per_second"] > 0 and good["gen_seconds_p50"] <= good["gen_seconds_p95"]
    bad = generation_metrics(retriever, items, inventive, get_embedder())
    assert bad["unsupported_fact_rate"] == 1.0 and bad["answer_similarity"] < good["answer_similarity"]
    assert generation_metrics(retriever, items[:2], abstaining, get_embedder())["abstain_rate"] == 1.0
