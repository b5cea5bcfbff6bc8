"""Grouping texts by meaning: the parameters, small cases, and the quality on Banking77's real intents."""

from __future__ import annotations

import time

import numpy as np
import pytest

from bot.analytics import clustering
from bot.analytics.clustering import DEFAULT_CONFIG, ClusteringConfig, group_texts, join_outliers


def test_the_minimum_cluster_size_grows_with_the_texts_within_bounds() -> None:
    config = ClusteringConfig(size_divisor=300, min_size=3, max_size=100)
    assert [config.min_cluster_size(n) for n in (0, 10, 3000, 12_000, 1_000_000)] == [3, 3, 10, 40, 100]


@pytest.mark.parametrize(("options", "message"), [
    ({"dimensions": -1}, "dimensions"), ({"size_divisor": 0}, "size_divisor"), ({"min_size": 1}, "min_size"),
    ({"min_size": 50, "max_size": 10}, "max_size"), ({"min_samples": 0}, "min_samples"),
    ({"join_threshold": 1.5}, "cosine"), ({"words": 0}, "words"),
])
def test_wrong_parameters_are_refused_with_the_value(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ClusteringConfig(**options)


def _points(centres: list, per: int, noise: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    vectors = np.concatenate([c + noise * rng.standard_normal((per, len(c))) for c in centres])
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def test_groups_come_largest_first_with_their_most_typical_member_first() -> None:
    axes = np.eye(8)
    vectors = np.concatenate([_points([axes[0]], 6, 0.05), _points([axes[1]], 9, 0.05, seed=1),
                              _points([axes[2]], 1, 0.0)])
    texts = [f"refund late {i}" for i in range(6)] + [f"password reset {i}" for i in range(9)] + ["weather"]
    grouping = group_texts(texts, vectors, ClusteringConfig(dimensions=0, join_threshold=None))
    assert [len(g.members) for g in grouping.groups] == [9, 6] and grouping.outliers == (15,)
    assert "password" in grouping.groups[0].name and "refund" in grouping.groups[1].name
    first = grouping.groups[0]
    similarity = vectors[list(first.members)] @ first.centroid
    assert list(similarity) == sorted(similarity, reverse=True)
    assert list(grouping.labels[:6]) == [1] * 6 and grouping.labels[15] == -1


def test_an_outlier_joins_a_group_only_when_similar_enough() -> None:
    vectors = np.array([[1, 0], [1, 0], [0.8, 0.6], [0, 1]], dtype=np.float32)
    labels = np.array([0, 0, -1, -1])
    assert list(join_outliers(vectors, labels, 0.7)) == [0, 0, 0, -1]  # cosine 0.8 joins, 0 does not
    assert list(join_outliers(vectors, labels, None)) == [0, 0, -1, -1]


def test_too_few_texts_are_all_outliers_and_nothing_is_refused() -> None:
    assert group_texts([], np.zeros((0, 4), dtype=np.float32)).groups == []
    one = group_texts(["hello"], np.ones((1, 4), dtype=np.float32) / 2)
    assert one.groups == [] and one.outliers == (0,)
    with pytest.raises(ValueError, match="2 texts but 1 vectors"):
        group_texts(["a", "b"], np.ones((1, 4), dtype=np.float32))


@pytest.mark.slow
def test_banking77_intents_are_found_with_nmi_over_0_6_and_at_most_30_percent_outliers() -> None:
    """The test sample of benchmarks/clustering_banking77.py (3,000 messages, disjoint from the tuning sample)."""
    from sklearn.metrics import normalized_mutual_info_score

    from benchmarks.clustering_banking77 import BANKING77 as data, load_samples

    if not data.is_file():
        pytest.skip(f"Banking77 is not at {data}")
    _, test = load_samples(data)
    texts = [text for text, _ in test]
    started = time.perf_counter()
    vectors = clustering.embed(texts, clustering.default_encoder())
    grouping = group_texts(texts, vectors, DEFAULT_CONFIG)
    nmi = normalized_mutual_info_score([intent for _, intent in test], grouping.labels)
    outliers = len(grouping.outliers) / len(texts)
    assert nmi >= 0.6 and outliers <= 0.30, (nmi, outliers, len(grouping.groups))
    assert 77 / 1.5 <= len(grouping.groups) <= 77 * 1.5  # about one group per intent
    assert time.perf_counter() - started < 300
