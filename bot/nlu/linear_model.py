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
    oov_damping: float = 5.0
    max_iter: int = 2000
    random_state: int = 42
    oos_detector: bool = True
    holdout_fraction: float = 0.1

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
        if not 0.0 < self.holdout_fraction < 0.5:
            raise ValueError(f"holdout_fraction must be in (0, 0.5), got {self.holdout_fraction}")


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
    detector: Optional["OutOfScopeDetector"] = None
    train_classes: Optional[np.ndarray] = None

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

        self.detector = None
        if self.config.oos_detector:
            self.temperature, self.detector = self._fit_calibration_with_holdout(
                X, y, classes, svm, _unit_rows(dense).astype(np.float32) if use_dense else None
            )
        else:
            self.temperature = self._fit_temperature(X, y, classes, svm)
        self._fit_novelty(dense if use_dense else None, keep=self.detector is not None and self.detector.uses_similarity)
        self.train_classes = np.searchsorted(classes, y).astype(np.int32) if self.train_dense is not None else None
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
            scores[test_index] = _scores_over(classes, model, X[test_index], missing=-10.0)  # unseen in fold: very unlikely
        truth = np.searchsorted(classes, y)
        return fit_temperature(scores, truth)

    def _fit_calibration_with_holdout(
        self, X: sp.csr_matrix, y: np.ndarray, classes: np.ndarray, svm, unit: Optional[np.ndarray]
    ) -> "tuple[float, Optional[OutOfScopeDetector]]":
        """Temperature and out-of-scope detector from out-of-fold scores where some intents were never seen.

        Each calibration fold trains without its test part *and* without a disjoint group of
        ``holdout_fraction`` of the intents: the test messages of those intents are what a
        message of an intent the bot does not know looks like to the model (near-domain
        out-of-scope), the others are ordinary out-of-fold messages. The temperature is fitted
        on the ordinary ones; the detector learns from both whether the top intent is right.
        The same number of SVM fits as plain calibration.
        """
        folds = self.config.calibration_folds
        _, counts = np.unique(y, return_counts=True)
        group_size = int(round(self.config.holdout_fraction * len(classes)))
        if folds == 0 or counts.min() < 2 or group_size < 1 or len(classes) - group_size < 2 or folds * group_size > len(classes):
            logger.debug("Out-of-scope detector skipped (%d intents, smallest has %d examples)", len(classes), counts.min())
            return self._fit_temperature(X, y, classes, svm), None
        from sklearn.model_selection import StratifiedKFold

        rng = np.random.default_rng(self.config.random_state)
        shuffled = rng.permutation(len(classes))
        splitter = StratifiedKFold(n_splits=min(folds, int(counts.min())), shuffle=True, random_state=self.config.random_state)
        truth = np.searchsorted(classes, y)
        scores = np.full((len(y), len(classes)), -np.inf)
        unseen = np.zeros(len(y), dtype=bool)
        similarities = np.zeros((len(y), 3))
        for number, (train_index, test_index) in enumerate(splitter.split(np.zeros(len(y)), y)):
            held = shuffled[number * group_size : (number + 1) * group_size]
            train_index = train_index[~np.isin(truth[train_index], held)]
            model = svm().fit(X[train_index], y[train_index])
            block = _scores_over(classes, model, X[test_index], missing=-np.inf)  # held-out intents: not there
            scores[test_index] = block
            unseen[test_index] = np.isin(truth[test_index], held)
            if unit is not None:
                similarities[test_index] = _similarities(
                    unit[test_index], unit[train_index], truth[train_index], block.argmax(axis=1)
                )
        seen = ~unseen
        temperature = fit_temperature(scores[seen], truth[seen])
        features = OutOfScopeDetector.features(scores, temperature, similarities if unit is not None else None)
        right = seen & (scores.argmax(axis=1) == truth)
        detector = OutOfScopeDetector.fit(features, right)
        logger.debug("Out-of-scope detector: %d unseen-intent and %d seen messages, temperature %.3f",
                     unseen.sum(), seen.sum(), temperature)
        return temperature, detector

    def _fit_novelty(self, dense: Optional[np.ndarray], keep: bool = False) -> None:
        """Keep the normalised training embeddings and the similarity below which a message is novel.

        ``keep`` keeps the embeddings even when the novelty damping is off (the detector needs them).
        """
        self.train_dense, self.novelty_similarity = None, None
        self._train_unit32 = None  # the float32 copy of the previous training set, if any
        if dense is None or dense.shape[0] < 2:
            return
        unit = _unit_rows(dense).astype(np.float32)
        if self.config.novelty_quantile == 0:
            if keep:
                self.train_dense = unit.astype(np.float16)
            return
        nearest = np.empty(len(unit), dtype=np.float32)
        for start in range(0, len(unit), 1024):
            block = unit[start : start + 1024] @ unit.T
            block[np.arange(len(block)), np.arange(start, start + len(block))] = -np.inf  # leave one out
            nearest[start : start + len(block)] = block.max(axis=1)
        self.train_dense = unit.astype(np.float16)
        self.novelty_similarity = float(np.quantile(nearest, self.config.novelty_quantile))

    def _train_unit(self) -> np.ndarray:
        """The training embeddings as float32 (converted once, on first use)."""
        cached = getattr(self, "_train_unit32", None)
        if cached is None:
            cached = self.train_dense.astype(np.float32)
            self._train_unit32 = cached
        return cached

    def novelty_factors(self, dense: Optional[np.ndarray]) -> np.ndarray:
        """Per-message factor in (0, 1] applied to the confidences (1 = like the training data)."""
        if self.train_dense is None or self.novelty_similarity is None or dense is None:
            return np.ones(0 if dense is None else dense.shape[0])
        similarity = (_unit_rows(dense).astype(np.float32) @ self._train_unit().T).max(axis=1)
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
        if self.detector is not None:
            similarities = None
            if self.detector.uses_similarity:
                similarities = _similarities(
                    _unit_rows(dense).astype(np.float32), self._train_unit(), self.train_classes, scores.argmax(axis=1)
                )
            right = self.detector.predict(OutOfScopeDetector.features(scores, self.temperature, similarities))
            top = probabilities.max(axis=1)
            # the detector only ever lowers a confidence (raising it instead measured the same)
            probabilities *= (np.minimum(right, top) / np.maximum(top, _EPS))[:, np.newaxis]
        if self.novelty_similarity is not None and self.dense_dim:
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
        if self.train_classes is not None:
            arrays["train_classes"] = self.train_classes
        if self.vocabulary:
            arrays["vocabulary"] = np.asarray(sorted(self.vocabulary), dtype=str)
        np.savez(folder / self.ARRAYS, **arrays)
        meta = {
            "config": self.config.__dict__,
            "dense_dim": self.dense_dim,
            "sparse_dims": self.sparse_dims,
            "temperature": self.temperature,
            "novelty_similarity": self.novelty_similarity,
            "oos_detector": self.detector.to_dict() if self.detector is not None else None,
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
                detector=OutOfScopeDetector.from_dict(meta["oos_detector"]) if meta.get("oos_detector") else None,
                train_classes=arrays["train_classes"] if "train_classes" in arrays.files else None,
            )


@dataclass
class OutOfScopeDetector:
    """Probability that the top intent is right, from how the model scored the message.

    A logistic regression on: the calibrated top confidence (as a logit), the top raw SVM
    score, its margin over the second, and, with dense features, the cosine of the nearest
    training example, the cosine of the nearest example of the top intent and the share of
    the 10 nearest examples that are of the top intent. Trained on out-of-fold
    messages, some of them of intents held out of that fold (see
    :meth:`DenseSparseModel._fit_calibration_with_holdout`).
    """

    weights: List[float]
    bias: float
    mean: List[float]
    scale: List[float]

    @property
    def uses_similarity(self) -> bool:
        return len(self.weights) == 6

    @staticmethod
    def features(scores: np.ndarray, temperature: float, similarities: Optional[np.ndarray]) -> np.ndarray:
        """``[n, 3]`` or ``[n, 6]`` detector inputs (``scores`` may hold ``-inf`` for unknown intents)."""
        top_two = -np.sort(-scores, axis=1)[:, :2]
        top_probability = softmax(scores / temperature).max(axis=1)
        clipped = np.clip(top_probability, 1e-6, 1 - 1e-6)
        columns = [np.log(clipped / (1 - clipped)), top_two[:, 0], top_two[:, 0] - top_two[:, 1]]
        if similarities is not None:
            columns += [similarities[:, 0], similarities[:, 1], similarities[:, 2]]
        return np.column_stack(columns)

    @classmethod
    def fit(cls, features: np.ndarray, right: np.ndarray) -> "OutOfScopeDetector":
        """Fit on detector inputs and whether the top intent was right."""
        from sklearn.linear_model import LogisticRegression

        mean = features.mean(axis=0)
        scale = np.maximum(features.std(axis=0), 1e-6)
        if right.all() or not right.any():
            return cls(weights=[0.0] * features.shape[1], bias=6.0 if right.all() else -6.0,
                       mean=mean.tolist(), scale=scale.tolist())
        model = LogisticRegression(C=1.0, max_iter=1000).fit((features - mean) / scale, right.astype(int))
        return cls(weights=model.coef_[0].tolist(), bias=float(model.intercept_[0]), mean=mean.tolist(), scale=scale.tolist())

    def predict(self, features: np.ndarray) -> np.ndarray:
        """Probability that the top intent is right, per row."""
        z = ((features - np.asarray(self.mean)) / np.asarray(self.scale)) @ np.asarray(self.weights) + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def to_dict(self) -> dict:
        return {"weights": self.weights, "bias": self.bias, "mean": self.mean, "scale": self.scale}

    @classmethod
    def from_dict(cls, data: dict) -> "OutOfScopeDetector":
        return cls(weights=[float(w) for w in data["weights"]], bias=float(data["bias"]),
                   mean=[float(m) for m in data["mean"]], scale=[float(s) for s in data["scale"]])


def _scores_over(classes: np.ndarray, model, X: sp.csr_matrix, missing: float) -> np.ndarray:
    """A fitted SVM's scores in the columns of ``classes`` (``missing`` where the model lacks an intent)."""
    fold_scores = np.asarray(model.decision_function(X))
    if fold_scores.ndim == 1:
        fold_scores = np.column_stack([-fold_scores, fold_scores])
    full = np.full((X.shape[0], len(classes)), missing)
    full[:, np.searchsorted(classes, model.classes_)] = fold_scores
    return full


def _similarities(unit: np.ndarray, train_unit: np.ndarray, train_classes: np.ndarray, top: np.ndarray,
                  neighbours: int = 10) -> np.ndarray:
    """``[n, 3]``: per message, the cosine of the nearest training example, the cosine of the nearest
    example of intent ``top``, and the share of the ``neighbours`` nearest examples that are of ``top``."""
    out = np.empty((len(unit), 3))
    k = min(neighbours, train_unit.shape[0])
    for start in range(0, len(unit), 1024):
        similarity = unit[start : start + 1024] @ train_unit.T
        rows = slice(start, start + len(similarity))
        out[rows, 0] = similarity.max(axis=1)
        same = train_classes[np.newaxis, :] == top[rows, np.newaxis]
        out[rows, 1] = np.where(same, similarity, -1.0).max(axis=1)
        nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        out[rows, 2] = (train_classes[nearest] == top[rows, np.newaxis]).mean(axis=1)
    return out


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


__all__: List[str] = ["ModelConfig", "DenseSparseModel", "OutOfScopeDetector", "softmax", "fit_temperature"]
