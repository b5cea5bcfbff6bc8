"""Sentence-level support checks of generated answers (real MiniLM embeddings)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.generation.support import check_sentences, has_negation, supported_answer

PASSAGE = (
    "Returns from the United States are free with our prepaid label. Returns from Canada cost $7.95, "
    "deducted from your refund. Points expire after 12 months without a purchase."
)


@pytest.fixture(scope="module")
def embed() -> Any:
    from bot.knowledge.embedder import get_embedder

    return get_embedder().encode


def test_negation_words_are_recognised() -> None:
    assert has_negation("We can't ship to France.") and has_negation("No, it is not free.")
    assert has_negation("Returns aren’t free from Canada.")  # typographic apostrophe
    assert not has_negation("Returns from the United States are free.")
    assert not has_negation("Notes on knots")  # words that merely start with "no"


def test_a_faithful_paraphrase_is_kept(embed: Any) -> None:
    answer = "US returns are free with the prepaid label."
    assert supported_answer(answer, "is the return label free?", [PASSAGE], embed) == answer


def test_a_flipped_policy_is_refused(embed: Any) -> None:
    assert supported_answer("The return label is not free.", "is the return label free?", [PASSAGE], embed) == ""
    assert supported_answer("No, points do not expire.", "do points expire?", [PASSAGE], embed) == ""


def test_restating_the_question_is_not_an_answer(embed: Any) -> None:
    [check] = check_sentences("The vase came smashed in the box.", "the vase came smashed in the box", [PASSAGE], embed)
    assert check.echoes_question and not check.ok
    # "yes"/"no" answers repeat the question's words and still answer it
    [check] = check_sentences("Yes, returns from the United States are free.",
                              "are returns from the United States free?", [PASSAGE], embed)
    assert check.ok


def test_an_unrelated_or_dangling_later_sentence_is_dropped(embed: Any) -> None:
    answer = "US returns are free with the prepaid label. Our shop in Paris sells croissants. To return, follow these steps:"
    assert supported_answer(answer, "is the return label free?", [PASSAGE], embed) == (
        "US returns are free with the prepaid label.")


def test_nothing_to_compare_with_supports_nothing(embed: Any) -> None:
    assert supported_answer("Returns are free.", "free returns?", [], embed) == ""
    assert supported_answer("", "free returns?", [PASSAGE], embed) == ""


def test_without_is_not_a_negation() -> None:
    # "Points expire after 12 months without a purchase" states that points do expire
    assert not has_negation("Points expire after 12 months without a purchase.")
