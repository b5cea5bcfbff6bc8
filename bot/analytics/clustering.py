"""Group short customer texts by meaning: sentence embeddings, HDBSCAN, groups named by c-TF-IDF.

Used by the report (``python -m bot report``) for the unanswered questions and the feedback
themes, and measured on Banking77 by ``benchmarks/clustering_banking77.py``.

How a list of texts becomes groups (:func:`group_texts`):

1. The caller embeds the texts (MiniLM, L2-normalised: inner product is cosine).
2. When there are more than ``4 x dimensions`` texts, PCA reduces the vectors to ``dimensions``
   components, and the reduced vectors are normalised again (so euclidean distance still ranks
   like cosine). Density-based clustering works poorly in 384 dimensions, and is slower there.
3. HDBSCAN (scikit-learn) finds the dense groups; ``min_cluster_size`` grows with the number of
   texts (``n / size_divisor``, at least ``min_size``, at most ``max_size``), so a report over a
   day and one over a quarter both find groups of a readable size. Texts in no dense group are
   outliers.
4. An outlier whose cosine to a group's centroid (in the full embedding space) is at least
   ``join_threshold`` joins its nearest group: HDBSCAN leaves a third of short messages as noise
   although most of them clearly belong to a group (measured on Banking77).
5. Each group is named by its most distinctive words, c-TF-IDF (class-based TF-IDF, as in
   BERTopic): the frequency of a word (or two-word phrase) in the group, times
   ``log(1 + A / f)`` where ``A`` is the average number of words per group and ``f`` the word's
   frequency over all groups and the outliers. Words every group uses weigh little.

The parameters (:data:`DEFAULT_CONFIG`) were chosen on a development sample of Banking77 and
measured on a distinct test sample: benchmarks/clustering_banking77.py and
benchmarks/results/clustering_banking77.json.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

logger = logging.getLogger(__name__)

OUTLIER = -1

EXTRA_STOP_WORDS = frozenset("""hi hello hey please thanks thank thx ok okay yes yeah just like want wanted need
    needs know help does did doing got get getting going hi im ive id dont doesnt didnt cant wont isnt
    would could really also still way thing things something anything let tell""".split())
"""Fillers of customer messages that name no topic, on top of scikit-learn's English stop words."""

_TOKEN_PATTERN = r"(?u)\b[a-zA-Z][a-zA-Z]+\b"


@dataclass(frozen=True)
class ClusteringConfig:
    """How texts are grouped; the defaults were chosen on Banking77 (see the module docstring)."""

    dimensions: int = 40
    """PCA components before HDBSCAN (0: none)."""
    size_divisor: int = 600
    """``min_cluster_size`` is the number of texts divided by this..."""
    min_size: int = 3
    """...but at least this many..."""
    max_size: int = 100
    """...and at most this many."""
    min_samples: int = 5
    """HDBSCAN's ``min_samples`` (how conservative the density estimate is), at most ``min_cluster_size``."""
    join_threshold: Optional[float] = 0.5
    """Cosine to a group's centroid from which an outlier joins that group (None: never)."""
    words: int = 3
    """How many distinctive words name a group."""

    def __post_init__(self) -> None:
        if self.dimensions < 0:
            raise ValueError(f"dimensions must be >= 0, got {self.dimensions}")
        if self.size_divisor < 1:
            raise ValueError(f"size_divisor must be >= 1, got {self.size_divisor}")
        if not 2 <= self.min_size <= self.max_size:
            raise ValueError(f"need 2 <= min_size <= max_size, got {self.min_size} and {self.max_size}")
        if self.min_samples < 1:
            raise ValueError(f"min_samples must be >= 1, got {self.min_samples}")
        if self.join_threshold is not None and not -1.0 <= self.join_threshold <= 1.0:
            raise ValueError(f"join_threshold is a cosine between -1 and 1, got {self.join_threshold}")
        if self.words < 1:
            raise ValueError(f"words must be >= 1, got {self.words}")

    def min_cluster_size(self, n: int) -> int:
        """HDBSCAN's ``min_cluster_size`` for ``n`` texts."""
        return max(self.min_size, min(self.max_size, round(n / self.size_divisor)))


DEFAULT_CONFIG = ClusteringConfig()


@dataclass(frozen=True)
class Group:
    """Texts that say the same thing."""

    members: tuple[int, ...]
    """Indices into the texts given to :func:`group_texts`, most typical (nearest the centroid) first."""
    words: tuple[str, ...]
    """The most distinctive words, most distinctive first."""
    centroid: "np.ndarray"
    """Normalised mean of the members' vectors (full embedding space)."""

    @property
    def name(self) -> str:
        """The distinctive words as a label, e.g. ``card · arrive · delivery``."""
        return " · ".join(self.words) if self.words else "(no distinctive words)"


@dataclass(frozen=True)
class Grouping:
    """The result of :func:`group_texts`."""

    groups: list[Group]
    """Largest first."""
    outliers: tuple[int, ...]
    """Indices of the texts in no group."""
    labels: "np.ndarray"
    """One label per text: the index of its group in ``groups``, or -1 for an outlier."""
    min_cluster_size: int


def cluster_labels(vectors: "np.ndarray", config: ClusteringConfig = DEFAULT_CONFIG) -> "np.ndarray":
    """Labels (-1: outlier) of L2-normalised ``vectors``: :func:`dense_labels`, then :func:`join_outliers`.

    Labels are arbitrary integers; :func:`group_texts` renumbers them largest first.
    """
    return join_outliers(vectors, dense_labels(vectors, config), config.join_threshold)


def dense_labels(vectors: "np.ndarray", config: ClusteringConfig = DEFAULT_CONFIG) -> "np.ndarray":
    """HDBSCAN's labels (-1: outlier) of L2-normalised ``vectors``, after the optional PCA."""
    import numpy as np
    from sklearn.cluster import HDBSCAN

    n = int(vectors.shape[0])
    size = config.min_cluster_size(n)
    if n < max(size, 2):
        return np.full(n, OUTLIER, dtype=int)
    reduced = vectors
    if config.dimensions and n > 4 * config.dimensions and vectors.shape[1] > config.dimensions:
        from sklearn.decomposition import PCA

        reduced = PCA(config.dimensions, random_state=0).fit_transform(vectors)
        norms = np.linalg.norm(reduced, axis=1, keepdims=True)
        reduced = reduced / np.where(norms == 0, 1.0, norms)
    # min_samples above the cluster size would leave a small report's groups (three similar
    # comments of fifteen) without a dense core; HDBSCAN's own default is the cluster size
    return HDBSCAN(min_cluster_size=size, min_samples=min(config.min_samples, size), copy=True).fit_predict(
        np.ascontiguousarray(reduced, dtype=np.float64))


def join_outliers(vectors: "np.ndarray", labels: "np.ndarray", threshold: Optional[float]) -> "np.ndarray":
    """``labels`` with each outlier moved to the group whose centroid it is nearest, when that cosine >= ``threshold``."""
    import numpy as np

    found = sorted(set(labels.tolist()) - {OUTLIER})
    if threshold is None or not found or not (labels == OUTLIER).any():
        return labels
    centroids = _centroids(vectors, labels, found)
    outliers = np.flatnonzero(labels == OUTLIER)
    similarity = vectors[outliers] @ centroids.T
    nearest = similarity.argmax(axis=1)
    joins = similarity[np.arange(len(outliers)), nearest] >= threshold
    joined = labels.copy()
    joined[outliers[joins]] = np.asarray(found)[nearest[joins]]
    return joined


def _centroids(vectors: "np.ndarray", labels: "np.ndarray", found: Sequence[int]) -> "np.ndarray":
    import numpy as np

    centroids = np.stack([vectors[labels == label].mean(axis=0) for label in found])
    norms = np.linalg.norm(centroids, axis=1, keepdims=True)
    return centroids / np.where(norms == 0, 1.0, norms)


def distinctive_words(texts: Sequence[str], labels: Sequence[int], words: int = 3) -> dict[int, tuple[str, ...]]:
    """c-TF-IDF: the ``words`` most distinctive words or two-word phrases of each label but -1.

    The outliers take part as one more class (their words count in the frequencies), so a word
    that is everywhere names nothing. A phrase is skipped when all its words are already in the
    name, and a phrase replaces a word of it chosen before (``card`` then ``card arrive`` make
    ``card arrive``).
    """
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    classes = sorted(set(int(label) for label in labels))
    if not texts or not classes:
        return {}
    vectorizer = CountVectorizer(ngram_range=(1, 2), token_pattern=_TOKEN_PATTERN, lowercase=True,
                                 stop_words=sorted(ENGLISH_STOP_WORDS | EXTRA_STOP_WORDS))
    try:
        counts = vectorizer.fit_transform([_plain(t) for t in texts])
    except ValueError:  # nothing but stop words in every text
        return {label: () for label in classes if label != OUTLIER}
    vocabulary = vectorizer.get_feature_names_out()
    row_of = {label: row for row, label in enumerate(classes)}
    indicator = sparse.csr_matrix((np.ones(len(labels)), ([row_of[int(label)] for label in labels],
                                                          np.arange(len(labels)))),
                                  shape=(len(classes), len(labels)))
    per_class = np.asarray((indicator @ counts).todense(), dtype=float)
    totals = per_class.sum(axis=1, keepdims=True)
    tf = per_class / np.where(totals == 0, 1.0, totals)
    frequency = per_class.sum(axis=0)
    average = float(totals.mean()) or 1.0
    idf = np.log(1.0 + average / np.where(frequency == 0, 1.0, frequency))
    scores = tf * idf
    named: dict[int, tuple[str, ...]] = {}
    for label in classes:
        if label == OUTLIER:
            continue
        row = scores[row_of[label]]
        chosen: list[str] = []
        covered: set[str] = set()
        for column in np.argsort(-row, kind="stable"):
            if row[column] <= 0 or len(chosen) == words:
                break
            term = str(vocabulary[column])
            parts = set(term.split())
            if parts <= covered:
                continue
            chosen = [c for c in chosen if not set(c.split()) < parts]  # a phrase replaces its own word
            chosen.append(term)
            covered |= parts
        named[label] = tuple(chosen)
    return named


def _plain(text: str) -> str:
    return re.sub(r"['\u2019]", "", str(text or ""))


def group_texts(texts: Sequence[str], vectors: "np.ndarray",
                config: ClusteringConfig = DEFAULT_CONFIG) -> Grouping:
    """Group ``texts`` by meaning.

    Args:
        texts: the texts (duplicates allowed: each occurrence counts).
        vectors: their L2-normalised embeddings, one row per text.
        config: the clustering parameters.

    Returns:
        The groups, largest first (ties: by first member), each with its members most typical
        first and its distinctive words; and the outliers.

    Raises:
        ValueError: when ``texts`` and ``vectors`` differ in length.
    """
    import numpy as np

    if len(texts) != int(vectors.shape[0]):
        raise ValueError(f"{len(texts)} texts but {vectors.shape[0]} vectors")
    raw = cluster_labels(vectors, config) if len(texts) else np.zeros(0, dtype=int)
    found = sorted(set(raw.tolist()) - {OUTLIER},
                   key=lambda label: (-int((raw == label).sum()), int(np.flatnonzero(raw == label)[0])))
    renumber = {old: new for new, old in enumerate(found)}
    labels = np.array([renumber.get(int(label), OUTLIER) for label in raw], dtype=int)
    names = distinctive_words(texts, labels, config.words) if found else {}
    groups = []
    for label in range(len(found)):
        members = np.flatnonzero(labels == label)
        centroid = _centroids(vectors, labels, [label])[0]
        order = members[np.argsort(-(vectors[members] @ centroid), kind="stable")]
        groups.append(Group(tuple(int(i) for i in order), names.get(label, ()), centroid))
    outliers = tuple(int(i) for i in np.flatnonzero(labels == OUTLIER))
    return Grouping(groups, outliers, labels, config.min_cluster_size(len(texts)))


def normalised(text: str) -> str:
    """The key under which two texts count as the same message (case and spacing ignored)."""
    return re.sub(r"\s+", " ", str(text or "")).strip().casefold()


def typical_examples(texts: Sequence[str], members: Sequence[int], limit: int = 3) -> list[str]:
    """Up to ``limit`` distinct texts of a group, most typical first."""
    seen: set[str] = set()
    examples: list[str] = []
    for index in members:
        key = normalised(texts[index])
        if key in seen:
            continue
        seen.add(key)
        examples.append(texts[index])
        if len(examples) == limit:
            break
    return examples


EncodeFn = Callable[[Sequence[str]], "np.ndarray"]
"""Texts -> L2-normalised float32 vectors, one row per text."""

ENCODE_BATCH = 256
MAX_TOKENS = 128
"""Longer texts are truncated for grouping (customer messages rarely come close)."""


def default_encoder() -> EncodeFn:
    """MiniLM through its ONNX export (``make encoder``), or sentence-transformers when there is none."""
    from bot.nlu.encoder import OnnxSentenceEncoder, default_model_dir, read_manifest

    folder = default_model_dir()
    try:
        read_manifest(folder)
    except FileNotFoundError as missing:
        from bot.knowledge.embedder import get_embedder

        logger.info("%s; using sentence-transformers instead (slower)", missing)
        return get_embedder().encode
    return OnnxSentenceEncoder(folder, max_length=MAX_TOKENS).encode


def embed(texts: Sequence[str], encode: EncodeFn, progress: bool = False, label: str = "embedding") -> "np.ndarray":
    """Vectors of ``texts``, each distinct text (:func:`normalised`) embedded once.

    Args:
        texts: the texts, duplicates allowed.
        encode: the embedding function (:func:`default_encoder`).
        progress: show a tqdm bar on stderr.
        label: the bar's description.

    Returns:
        A float32 array, one row per text (duplicates share their vector).
    """
    import numpy as np
    from tqdm import tqdm

    keys = [normalised(t) for t in texts]
    distinct = sorted(set(keys), key=len)  # similar lengths in a batch: little padding
    row_of = {key: row for row, key in enumerate(distinct)}
    parts = []
    bar = tqdm(total=len(distinct), desc=label, unit="text", disable=not progress, leave=False)
    for start in range(0, len(distinct), ENCODE_BATCH):
        batch = distinct[start:start + ENCODE_BATCH]
        parts.append(np.asarray(encode(batch), dtype=np.float32))
        bar.update(len(batch))
    bar.close()
    if not parts:
        return np.zeros((0, 0), dtype=np.float32)
    vectors = np.concatenate(parts)
    return vectors[[row_of[key] for key in keys]]


def mean(values: Sequence[float]) -> Optional[float]:
    """The mean, or None for no values."""
    return math.fsum(values) / len(values) if values else None
