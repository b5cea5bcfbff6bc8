"""Hybrid retrieval on a small fixture (real MiniLM model, FAISS and BM25)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.knowledge.retriever import FusionConfig, HybridRetriever, load_retriever, tokenize


@pytest.fixture(scope="module")
def retriever(built_index: tuple[Path, Path]) -> HybridRetriever:
    docs, index = built_index
    return load_retriever(index, docs)


@pytest.mark.parametrize(
    ("query", "doc_id"),
    [
        ("can I return a present without the receipt?", "policies/returns.md"),
        ("how much is delivery to Toronto", "shipping.txt"),
        ("how do I wash my cashmere sweater", "care.html"),
        ("I forgot my password", "faq.csv#pw"),
        ("what are pine points worth", "faq.csv#points"),
    ],
)
def test_right_document_comes_first(retriever: HybridRetriever, query: str, doc_id: str) -> None:
    result = retriever.retrieve(query, top_k=3)
    assert result.passages[0].doc_id == doc_id


def test_passages_carry_ids_headings_and_scores(retriever: HybridRetriever) -> None:
    passages = retriever.search("gift receipt store credit", top_k=4)
    assert len(passages) == 4
    top = passages[0]
    assert (top.doc_id, top.passage_id, top.heading) == ("policies/returns.md", "policies/returns.md::1", "Returns > Gifts")
    assert top.bm25_score > 0 and 0 < top.dense_score <= 1
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)


def test_confidence_separates_related_from_unrelated_questions(retriever: HybridRetriever) -> None:
    related = retriever.retrieve("how long does a refund take?")
    unrelated = retriever.retrieve("who won the football world cup in 1998?")
    assert related.confidence > 0.45
    assert unrelated.confidence < 0.3
    assert unrelated.low_confidence and not related.low_confidence


def test_single_signal_methods(retriever: HybridRetriever) -> None:
    dense = retriever.retrieve("Canada Post duties", fusion=FusionConfig(method="dense"))
    lexical = retriever.retrieve("Canada Post duties", fusion=FusionConfig(method="bm25"))
    assert dense.passages[0].doc_id == lexical.passages[0].doc_id == "shipping.txt"
    assert retriever.retrieve("zzzz qqqq", fusion=FusionConfig(method="bm25")).passages == []


def test_invalid_arguments(retriever: HybridRetriever) -> None:
    with pytest.raises(ValueError, match="top_k must be > 0, got 0"):
        retriever.search("refund", top_k=0)
    with pytest.raises(ValueError, match="fusion method"):
        FusionConfig(method="magic")
    assert retriever.retrieve("   ").passages == []


def test_concurrent_searches_match_sequential(retriever: HybridRetriever) -> None:
    queries = ["refund time", "wool care", "password link", "canada shipping", "gift return"] * 4
    expected = [[p.passage_id for p in retriever.search(q)] for q in queries]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda q: [p.passage_id for p in retriever.search(q)], queries))
    assert got == expected


def test_tokenizer_stems_and_drops_stop_words() -> None:
    assert tokenize("How do I return the shipped Items?") == ["return", "ship", "item"]


def test_misspelt_query_words_are_corrected_to_collection_words() -> None:
    from bot.knowledge.retriever import QuerySpeller

    speller = QuerySpeller(
        ["Reset your password with Forgot password.", "Shipping to Canada takes 7-10 days.",
         "Shipping costs $4.95. Change the delivery address in Account, or your address book."],
        known_words={"scared", "brother", "char", "forgot", "canada"},
    )
    assert speller.correct("forgot my pasword") == "forgot my password"
    assert speller.correct("how much is shiping to canada?") == "how much is shipping to canada?"
    assert speller.correct("change the adress") == "change the address"
    # English words the collection lacks, their inflections, short words and stop words stay
    assert speller.correct("I'm scared my brother lost the chars") == "I'm scared my brother lost the chars"
    assert speller.correct("wat r ur hrs") == "wat r ur hrs"
    # a collection word seen only once is no evidence
    assert speller.correct("the delivry") == "the delivry"


def test_the_retriever_searches_the_corrected_query(retriever: HybridRetriever) -> None:
    import dataclasses

    corrected = retriever.retrieve("pasword reset link", 3)
    assert corrected.query == "password reset link"
    off = dataclasses.replace(retriever.fusion, spelling=False)
    assert retriever.retrieve("pasword reset link", 3, fusion=off).query == "pasword reset link"
    assert corrected.confidence > retriever.retrieve("pasword reset link", 3, fusion=off).confidence


def test_the_retrieval_encoder_is_chosen_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.knowledge import embedder

    monkeypatch.delenv("SWITCHBOARD_RETRIEVAL_ENCODER", raising=False)
    assert embedder.retrieval_model() == ("sentence-transformers/all-mpnet-base-v2", 768)
    monkeypatch.setenv("SWITCHBOARD_RETRIEVAL_ENCODER", "minilm")
    assert embedder.retrieval_model() == (embedder.MODEL_NAME, embedder.DIMENSION)
    assert embedder.get_retrieval_embedder() is embedder.get_embedder()
    monkeypatch.setenv("SWITCHBOARD_RETRIEVAL_ENCODER", "bert")
    with pytest.raises(ValueError, match="SWITCHBOARD_RETRIEVAL_ENCODER must be one of minilm, mpnet"):
        embedder.retrieval_model()
