"""95 % intervals for the evaluation metrics.

- A share of answers (the unsupported-fact rate): the Wilson score interval, which stays inside
  [0, 1] and behaves at 0 of n, where the normal approximation gives a zero-width interval.
- Means and ratios (answer similarity, perplexity) and every base vs fine-tuned difference: a
  percentile bootstrap that resamples *clusters* of exchanges, not exchanges. Exchanges with the
  same reference reply (the same topic answered in several conversations) are not independent;
  resampling them one by one would give intervals that are too narrow. Differences are paired:
  both models are scored on the same resampled exchanges.
"""

from __future__ import annotations

import math
from typing import Callable, Hashable, Sequence

Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of ``successes`` of ``n`` (``(nan, nan)`` when n is 0).

    Raises:
        ValueError: ``successes`` outside 0..n.
    """
    if not 0 <= successes <= max(n, 0):
        raise ValueError(f"successes must be in 0..{n}, got {successes}")
    if n == 0:
        return float("nan"), float("nan")
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def cluster_bootstrap(
    clusters: Sequence[Hashable],
    statistic: Callable[[Sequence[int]], float],
    samples: int = 2000,
    seed: int = 13,
    confidence: float = 0.95,
) -> tuple[float, float]:
    """Percentile interval of ``statistic`` over resamples of whole clusters.

    Args:
        clusters: the cluster of each item (e.g. its reference reply).
        statistic: maps the item indices of one resample (with repeats) to a number.
        samples: bootstrap resamples.
        seed: of the resampling (the interval is deterministic for a seed).
        confidence: coverage of the interval.

    Raises:
        ValueError: no items, or ``samples`` < 1.
    """
    import numpy as np

    if not clusters:
        raise ValueError("cluster_bootstrap needs at least one item")
    if samples < 1:
        raise ValueError(f"samples must be >= 1, got {samples}")
    members: dict[Hashable, list[int]] = {}
    for index, cluster in enumerate(clusters):
        members.setdefault(cluster, []).append(index)
    groups = list(members.values())
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(samples):
        picked = rng.integers(0, len(groups), len(groups))
        values.append(statistic([i for g in picked for i in groups[g]]))
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(np.asarray(values, dtype=float), [tail, 100 - tail])
    return float(low), float(high)
