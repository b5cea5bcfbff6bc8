"""Interval helpers of the evaluation (bot/finetune/stats.py)."""

from __future__ import annotations

import pytest

from bot.finetune.stats import cluster_bootstrap, wilson


def test_wilson_known_values() -> None:
    assert wilson(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    low, high = wilson(0, 10)
    assert low == 0.0 and high == pytest.approx(0.2775, abs=1e-4)  # not the zero-width normal interval
    assert wilson(10, 10)[1] == pytest.approx(1.0)


def test_wilson_refuses_impossible_counts() -> None:
    with pytest.raises(ValueError, match="successes must be in 0..3"):
        wilson(4, 3)


def test_cluster_bootstrap_is_deterministic_and_covers_the_mean() -> None:
    values = [0.1, 0.2, 0.3, 0.9, 0.8, 0.7, 0.5, 0.4]
    clusters = list(range(len(values)))

    def mean(idx):
        return sum(values[i] for i in idx) / len(idx)

    first = cluster_bootstrap(clusters, mean, samples=500, seed=1)
    assert first == cluster_bootstrap(clusters, mean, samples=500, seed=1)
    assert first[0] < mean(range(len(values))) < first[1]


def test_resampling_clusters_widens_the_interval_of_repeated_items() -> None:
    # The same 4 values, each repeated 5 times (like one reference reply in 5 conversations):
    # as independent items the interval is too narrow; as clusters it is the honest width.
    values = [v for v in (0.2, 0.4, 0.6, 0.8) for _ in range(5)]

    def mean(idx):
        return sum(values[i] for i in idx) / len(idx)

    independent = cluster_bootstrap(list(range(20)), mean, samples=1000, seed=2)
    clustered = cluster_bootstrap([i // 5 for i in range(20)], mean, samples=1000, seed=2)
    assert clustered[1] - clustered[0] > 1.5 * (independent[1] - independent[0])
