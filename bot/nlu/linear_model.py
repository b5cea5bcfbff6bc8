"""Intent model on dense sentence embeddings plus sparse n-gram counts (no Rasa imports).

Features: the L2-normalised dense sentence vector times ``dense_weight``, next to the
sparse counts turned into sublinear TF-IDF, L2-normalised, times ``sparse_weight``.
A one-vs-rest linear SVM (scikit-learn ``LinearSVC``) scores the intents. SVM scores
are not probabilities, so they are turned into confidences with a softmax whose
temperature is fitted on cross-validated scores of the training data (minimum
negative log-likelihood): a confidence of 0.6 then means "right about 60% of the
time" on data like the training data, which is what the FallbackClassifier
threshold needs.

Everything is stored as plain arrays (``numpy.savez``), never pickled.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Sequence

import numpy as np
import scipy.sparse as sp

logger = logging.getLogger(__name__)

_EPS = 1e-12


@dataclass
class ModelConfig:
    """Hyper-parameters (defaults tuned by cross-validation on Banking77's train split)."""

    C: float = 1.0
    dense_weight: float = 1.0
    sparse_weight: float = 0.5
    calibration_folds: int = 3
    novelty_quantile: float = 0.005
    novelty_softness: float = 0.05
    oov_tolerance: float = 0.5
    oov_damping: float = 2.0
    max_iter: int = 2000
    random_state: int = 42

    def validate(self) -> None:
        """Raise ``ValueError`` naming the bad hyper-parameter."""
        if not self.C > 0:
            raise ValueError(f"C must be > 0, got {self.C}")
        if self.dense_weight < 0 or self.sparse_weight < 0:
            raise ValueError(
                f"dense_weight and sparse_weight must be >= 0, got {self.dense_weight}, {self.sparse_weight}"
            )
        if self.dense_weight == 0 and self.sparse_weight == 0:
            raise ValueError("dense_weight and sparse_weight cannot both be 0")
        if self.calibration_folds != 0 and self.calibration_folds < 2:
            raise ValueError(f"calibration_folds must be 0 (off) or >= 2, got {self.calibration_folds}")
        if not 0.0 <= self.novelty_quantile < 0.5:
            raise ValueError(f"novelty_quantile must be in [0, 0.5) (0 = off), got {self.novelty_quantile}")
        if not self.novelty_softness > 0:
            raise ValueError(f"novelty_softness must be > 0, got {self.novelty_softness}")
        if not 0.0 <= self.oov_tolerance < 1.0:
            raise ValueError(f"oov_tolerance must be in [0, 1), got {self.oov_tolerance}")
        if self.oov_damping < 0:
            raise ValueError(f"oov_damping must be >= 0 (0 = off), got {self.oov_damping}")
        if self.max_iter < 1:
            raise ValueError(f"max_iter must be >= 1, got {self.max_iter}")


@dataclass
class DenseSparseModel:
    """A trained (or untrained) dense+sparse linear intent model."""

    JSON = "model.json"
    ARRAYS = "model.npz"

    config: ModelConfig = field(default_factory=ModelConfig)
    classes: Optional[np.ndarray] = None
    coef: Optional[np.ndarray] = None
    intercept: Optional[np.ndarray] = None
    idf: Optional[np.ndarray] = None
    dense_dim: int = 0
    sparse_dims: List[int] = field(default_factory=list)
    temperature: float = 1.0
    train_dense: Optional[np.ndarray] = None
    novelty_similarity: Optional[float] = None
    vocabulary: Optional[frozenset] = None

    # ----------------------------------------------------------------- features
    def _features(self, dense: Optional[np.ndarray], sparse: Optional[Sequence[sp.spmatrix]]) -> sp.csr_matrix:
        blocks = []
        if self.dense_dim:
            if dense is None or dense.shape[1] != self.dense_dim:
                raise ValueError(
                    f"expected dense features of width {self.dense_dim}, got "
                    f"{None if dense is None else dense.shape[1]}: the NLU pipeline changed since training"
                )
            blocks.append(sp.csr_matrix(_unit_rows(dense) * self.config.dense_weight))
        if self.sparse_dims:
            widths = [block.shape[1] for block in sparse or []]
            if widths != list(self.sparse_dims):
                raise ValueError(
                    f"expected sparse feature blocks of widths {list(self.sparse_dims)}, got {widths}: "
                    f"the NLU pipeline changed since training"
                )
            offsets = np.cumsum([0] + list(self.sparse_dims))
            for index, block in enumerate(sparse or []):
                idf = self.idf[offsets[index] : offsets[index + 1]]
                blocks.append(_tfidf(block, idf) * self.config.sparse_weight)
        if not blocks:
            raise ValueError("the model has neither dense nor sparse features")
        return sp.hstack(blocks, format="csr") if len(blocks) > 1 else sp.csr_matrix(blocks[0])

    # -------------------------------------------------------------------- train
    def fit(
        self,
        dense: Optional[np.ndarray],
        sparse: Optional[Sequence[sp.spmatrix]],
        labels: Sequence[str],
        tokens: Optional[Sequence[Sequence[str]]] = None,
    ) -> "DenseSparseModel":
        """Train on ``n`` examples.

        Args:
            dense: ``[n, d]`` sentence embeddings, or None.
            sparse: sparse count blocks (one per featurizer, each ``[n, v_i]``), or None;
                each block gets its own TF-IDF weighting and L2 normalisation.
            labels: the intent of each example.
            tokens: the words of each example (for the unknown-word damping), or None.

        Raises:
            ValueError: on shape mismatches, no features, or fewer than two intents.
        """
        from sklearn.svm import LinearSVC

        self.config.validate()
        y = np.asarray([str(label) for label in labels])
        n = _rows(dense, sparse)
        if n != len(y):
            raise ValueError(f"{n} feature rows but {len(y)} labels")
        classes = np.unique(y)
        if len(classes) < 2:
            raise ValueError(f"need examples of at least 2 intents to train, got {classes.tolist()}")
        sparse = [sp.csr_matrix(block) for block in sparse or [] if block.shape[1] > 0]
        use_dense = dense is not None and dense.shape[1] > 0 and self.config.dense_weight > 0
        use_sparse = bool(sparse) and self.config.sparse_weight > 0
        if not use_dense and not use_sparse:
            raise ValueError("no features to train on: add a dense and/or a sparse featurizer before the classifier")
        self.dense_dim = int(dense.shape[1]) if use_dense else 0
        self.sparse_dims = [int(block.shape[1]) for block in sparse] if use_sparse else []
        if use_sparse:
            idfs = []
            for block in sparse:
                document_frequency = np.bincount(block.indices, minlength=block.shape[1])
                idfs.append(np.log((1.0 + n) / (1.0 + document_frequency)) + 1.0)
            self.idf = np.concatenate(idfs)
        X = self._features(dense if use_dense else None, sparse if use_sparse else None)

        def svm() -> "LinearSVC":
            return LinearSVC(C=self.config.C, max_iter=self.config.max_iter, random_state=self.config.random_state)

        self.temperature = self._fit_temperature(X, y, classes, svm)
        self._fit_novelty(dense if use_dense else None)
        self.vocabulary = None
        if tokens is not None and self.config.oov_damping > 0:
            self.vocabulary = frozenset(word for words in tokens for word in _alphabetic(words))
        final = svm().fit(X, y)
        self.classes = final.classes_.astype(str)
        self.coef = np.asarray(final.coef_, dtype=np.float32)
        self.intercept = np.asarray(final.intercept_, dtype=np.float32)
        if len(self.classes) == 2:  # LinearSVC keeps one row for two classes; make it symmetric
            self.coef = np.vstack([-self.coef, self.coef])
            self.intercept = np.concatenate([-self.intercept, self.intercept])
        return self

    def _fit_temperature(self, X: sp.csr_matrix, y: np.ndarray, classes: np.ndarray, svm) -> float:
        """Softmax temperature minimising the NLL of out-of-fold scores (1.0 when too little data)."""
        folds = self.config.calibration_folds
        _, counts = np.unique(y, return_counts=True)
        if folds == 0 or counts.min() < 2:
            logger.debug("Calibration skipped (calibration_folds=%s, smallest intent has %s examples)", folds, counts.min())
            return 1.0
        from sklearn.model_selection import StratifiedKFold

        splitter = StratifiedKFold(n_splits=min(folds, int(counts.min())), shuffle=True, random_state=self.config.random_state)
        scores = np.full((len(y), len(classes)), np.nan)
        for train_index, test_index in splitter.split(np.zeros(len(y)), y):
            model = svm().fit(X[train_index], y[train_index])
            fold_scores = model.decision_function(X[test_index])
            if fold_scores.ndim == 1:
                fold_scores = np.column_stack([-fold_scores, fold_scores])
            columns = np.searchsorted(classes, model.classes_)
            fold_full = np.full((len(test_index), len(classes)), -10.0)  # unseen in fold: very unlikely
            fold_full[:, columns] = fold_scores
            scores[test_index] = fold_full
        truth = np.searchsorted(classes, y)
        return fit_temperature(scores, truth)

    def _fit_novelty(self, dense: Optional[np.ndarray]) -> None:
        """Keep the normalised training embeddings and the similarity below which a message is novel."""
        self.train_dense, self.novelty_similarity = None, None
        if dense is None or self.config.novelty_quantile == 0 or dense.shape[0] < 2:
            return
        unit = _unit_rows(dense).astype(np.float32)
        nearest = np.empty(len(unit), dtype=np.float32)
        for start in range(0, len(unit), 1024):
            block = unit[start : start + 1024] @ unit.T
            block[np.arange(len(block)), np.arange(start, start + len(block))] = -np.inf  # leave one out
            nearest[start : start + len(block)] = block.max(axis=1)
        self.train_dense = unit.astype(np.float16)
        self.novelty_similarity = float(np.quantile(nearest, self.config.novelty_quantile))

    def novelty_factors(self, dense: Optional[np.ndarray]) -> np.ndarray:
        """Per-message factor in (0, 1] applied to the confidences (1 = like the training data)."""
        if self.train_dense is None or self.novelty_similarity is None or dense is None:
            return np.ones(0 if dense is None else dense.shape[0])
        similarity = (_unit_rows(dense).astype(np.float32) @ self.train_dense.T.astype(np.float32)).max(axis=1)
        return np.minimum(1.0, np.exp((similarity - self.novelty_similarity) / self.config.novelty_softness))

    def oov_factors(self, tokens: Sequence[Sequence[str]]) -> np.ndarray:
        """Per-message factor in (0, 1] from the share of unknown alphabetic words (1 = known words)."""
        factors = np.ones(len(tokens))
        if not self.vocabulary:
            return factors
        for row, words in enumerate(tokens):
            alphabetic = _alphabetic(words)
            if alphabetic:
                unknown = sum(word not in self.vocabulary for word in alphabetic) / len(alphabetic)
                excess = max(0.0, unknown - self.config.oov_tolerance)
                factors[row] = float(np.exp(-self.config.oov_damping * excess))
        return factors

    # ------------------------------------------------------------------ predict
    def predict_proba(
        self,
        dense: Optional[np.ndarray],
        sparse: Optional[Sequence[sp.spmatrix]],
        tokens: Optional[Sequence[Sequence[str]]] = None,
    ) -> np.ndarray:
        """Confidences ``[n, n_classes]`` in the order of ``self.classes`` (damped for unlike messages)."""
        if self.coef is None:
            raise RuntimeError("the model is not trained")
        X = self._features(dense, sparse)
        scores = np.asarray(X @ self.coef.T.astype(np.float64)) + self.intercept
        probabilities = softmax(scores / self.temperature)
        if self.train_dense is not None and self.dense_dim:
            probabilities *= self.novelty_factors(dense)[:, np.newaxis]
        if tokens is not None and self.vocabulary:
            probabilities *= self.oov_factors(tokens)[:, np.newaxis]
        return probabilities

    # ------------------------------------------------------------------ persist
    def save(self, folder: Path) -> None:
        """Write ``model.npz`` and ``model.json`` (no pickles) into ``folder``."""
        if self.coef is None:
            raise RuntimeError("cannot save an untrained model")
        folder.mkdir(parents=True, exist_ok=True)
        arrays = {"coef": self.coef, "intercept": self.intercept, "classes": np.asarray(self.classes, dtype=str)}
        if self.idf is not None:
            arrays["idf"] = self.idf
        if self.train_dense is not None:
            arrays["train_dense"] = self.train_dense
        if self.vocabulary:
            arrays["vocabulary"] = np.asarray(sorted(self.vocabulary), dtype=str)
        np.savez(folder / self.ARRAYS, **arrays)
        meta = {
            "config": self.config.__dict__,
            "dense_dim": self.dense_dim,
            "sparse_dims": self.sparse_dims,
            "temperature": self.temperature,
            "novelty_similarity": self.novelty_similarity,
        }
        (folder / self.JSON).write_text(json.dumps(meta, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "DenseSparseModel":
        """Read a model written by :meth:`save`."""
        meta = json.loads((folder / cls.JSON).read_text(encoding="utf-8"))
        with np.load(folder / cls.ARRAYS, allow_pickle=False) as arrays:
            return cls(
                config=ModelConfig(**meta["config"]),
                classes=arrays["classes"].astype(str),
                coef=arrays["coef"],
                intercept=arrays["intercept"],
                idf=arrays["idf"] if "idf" in arrays.files else None,
                dense_dim=int(meta["dense_dim"]),
                sparse_dims=[int(width) for width in meta["sparse_dims"]],
                temperature=float(meta["temperature"]),
                train_dense=arrays["train_dense"] if "train_dense" in arrays.files else None,
                novelty_similarity=meta.get("novelty_similarity"),
                vocabulary=frozenset(arrays["vocabulary"].tolist()) if "vocabulary" in arrays.files else None,
            )


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax, numerically stable."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def fit_temperature(scores: np.ndarray, truth: np.ndarray, low: float = 0.01, high: float = 10.0) -> float:
    """Temperature ``T`` minimising the mean NLL of ``softmax(scores / T)`` (golden-section search on log T)."""
    rows = np.arange(len(truth))

    def nll(log_t: float) -> float:
        probabilities = softmax(scores / np.exp(log_t))
        return float(-np.mean(np.log(np.maximum(probabilities[rows, truth], _EPS))))

    a, b = np.log(low), np.log(high)
    ratio = (np.sqrt(5) - 1) / 2
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    for _ in range(60):
        if nll(c) < nll(d):
            b, d = d, c
            c = b - ratio * (b - a)
        else:
            a, c = c, d
            d = a + ratio * (b - a)
    return float(np.exp((a + b) / 2))


def _alphabetic(words: Sequence[str]) -> List[str]:
    """Lower-cased words without digits (numbers and order ids are not vocabulary)."""
    return [word.lower() for word in words if word and not any(ch.isdigit() for ch in word)]


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), _EPS)


def _tfidf(counts: sp.spmatrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF (1 + log count) times IDF, then each row L2-normalised."""
    weighted = sp.csr_matrix(counts, dtype=np.float64, copy=True)
    weighted.data = np.where(weighted.data > 0, 1.0 + np.log(np.maximum(weighted.data, _EPS)), 0.0)
    weighted = weighted @ sp.diags(idf)
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1))).ravel()
    return sp.csr_matrix(sp.diags(1.0 / np.maximum(norms, _EPS)) @ weighted)


def _rows(dense: Optional[np.ndarray], sparse: Optional[Sequence[sp.spmatrix]]) -> int:
    counts = set()
    if dense is not None:
        counts.add(int(dense.shape[0]))
    for block in sparse or []:
        counts.add(int(block.shape[0]))
    if len(counts) > 1:
        raise ValueError(f"feature blocks disagree on the number of examples: {sorted(counts)}")
    return counts.pop() if counts else 0


__all__: List[str] = ["ModelConfig", "DenseSparseModel", "softmax", "fit_temperature"]
