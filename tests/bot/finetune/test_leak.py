"""The overlap measure between splits (bot/finetune/leak.py)."""

from __future__ import annotations

import pytest

from bot.finetune.leak import NEAR_DUPLICATE_JACCARD, Index, jaccard, measure, normalise, shingles


def test_normalise_ignores_case_punctuation_entities_and_spacing() -> None:
    assert normalise("Express is $12.95 &amp; fast!") == normalise("express  is 12 95 fast")
    assert normalise("Account › Orders") == "account orders"


def test_jaccard_of_character_five_grams() -> None:
    assert jaccard(shingles("abcdef"), shingles("abcdef")) == 1.0
    assert jaccard(shingles("abcdefg"), shingles("abcdexy")) == pytest.approx(1 / 5)  # abcde shared of 5 distinct
    assert jaccard(shingles("ab"), shingles("ab")) == 1.0  # shorter than a shingle: the text itself


def test_near_duplicate_catches_a_changed_word_but_not_a_paraphrase() -> None:
    train = Index(["Refunds go to your original payment method within 5–7 business days after the warehouse receives your return."])
    changed = train.match("Refunds go to your original payment method within 5–7 business days after the warehouse gets your return.")
    assert not changed.exact and not changed.normalised and changed.jaccard >= NEAR_DUPLICATE_JACCARD
    assert changed.near_duplicate
    paraphrase = train.match("Once your parcel is back at our warehouse, expect the money on your card in 5–7 business days.")
    assert not paraphrase.near_duplicate


def test_measure_counts_exchanges_of_the_second_split() -> None:
    exchanges = {
        "train": [("q1", "Standard shipping is free from $50."), ("q2", "Express costs $12.95.")],
        "validation": [("q1", "Standard shipping is free from $50!")],
        "test": [("q3", "Express costs $12.95."), ("q3", "Express costs $12.95."), ("q4", "We ship to the US and Canada.")],
    }
    report = measure(exchanges)
    test = report["replies"]["train->test"]
    assert (test["exchanges"], test["exact"], test["near_duplicate"], test["distinct"], test["distinct_exact"]) == (3, 2, 2, 2, 1)
    validation = report["replies"]["train->validation"]
    assert (validation["exact"], validation["normalised"], validation["near_duplicate"]) == (0, 1, 1)
    assert report["questions"]["train->validation"]["exact"] == 1
    assert report["replies"]["validation->test"]["near_duplicate"] == 0
