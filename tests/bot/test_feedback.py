from __future__ import annotations

from pathlib import Path

import pytest

from bot.feedback import FeedbackStore, parse_rating


@pytest.mark.parametrize(("typed", "rating"), [
    ("4", 4), ("5/5", 5), ("1 star", 1), ("3 out of 5", 3), (" 2 ", 2),
    # words, scales and the few words people put around a rating
    ("two", 2), ("Five!", 5), ("four stars", 4), ("three out of five", 3), ("a solid four", 4),
    ("I'd give it a three", 3), ("i\u2019d say 4 stars", 4), ("my rating is one", 1), ("5 of 5, thanks", 5),
    ("4/5 stars", 4), ("maybe a two i guess", 2), ("rating: five", 5),
])
def test_ratings_are_parsed(typed: str, rating: int) -> None:
    assert parse_rating(typed) == rating


@pytest.mark.parametrize("typed", [
    "0", "6", "45", "", "4 because", "10", "ten", "zero", "4.5", "four or five", "not five",
    "this one was fine", "is shipping free over $50?", "one of my friends told me",
])
def test_non_ratings_are_refused(typed: str) -> None:
    assert parse_rating(typed) is None


def test_store_keeps_feedback_per_conversation(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    store = FeedbackStore(url)
    store.add("c1", "webchat", 4, "good")
    store.add("c2", "telegram", 2, "slow")
    store.add("c1", "webchat", 5, "x" * 5000)
    again = FeedbackStore(url)  # survives a new process-like instance
    assert [(f.rating, len(f.comment)) for f in again.for_conversation("c1")] == [(4, 4), (5, 2000)]
    with pytest.raises(ValueError, match="between 1 and 5"):
        again.add("c1", "webchat", 7, "")
