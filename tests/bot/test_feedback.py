from __future__ import annotations

from pathlib import Path

import pytest

from bot.feedback import FeedbackStore, parse_rating


@pytest.mark.parametrize(("typed", "rating"), [("4", 4), ("5/5", 5), ("1 star", 1), ("3 out of 5", 3), (" 2 ", 2)])
def test_ratings_are_parsed(typed: str, rating: int) -> None:
    assert parse_rating(typed) == rating


@pytest.mark.parametrize("typed", ["0", "6", "45", "four", "", "4 because"])
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
