"""bot.nlu.linear_model: training, calibrated confidences, novelty damping, persistence, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from bot.nlu.linear_model import DenseSparseModel, ModelConfig, fit_temperature, softmax


def _blobs(seed: int = 0, per_class: int = 30, dim: int = 16):
    """Three well-separated clusters on the unit sphere plus matching one-hot 'word' counts."""
    rng = np.random.RandomState(seed)
    centres = np.eye(dim)[:3] * 4
    dense, labels, counts = [], [], []
    for k, name in enumerate(["greet", "order_status", "refund"]):
        dense.append(centres[k] + rng.normal(scale=0.5, size=(per_class, dim)))
        labels += [name] * per_class
        words = np.zeros((per_class, 6))
        words[:, 2 * k] = rng.randint(1, 3, size=per_class)
        words[:, 2 * k + 1] = rng.randint(0, 2, size=per_class)
        counts.append(words)
    return np.vstack(dense), sp.csr_matrix(np.vstack(counts)), np.asarray(labels)


def test_learns_separable_data_with_confidences_that_sum_to_one() -> None:
    dense, counts, labels = _blobs()
    model = DenseSparseModel(ModelConfig(novelty_quantile=0)).fit(dense, [counts], labels)
    test_dense, test_counts, test_labels = _blobs(seed=1, per_class=10)
    probabilities = model.predict_proba(test_dense, [test_counts])
    assert probabilities.shape == (30, 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-9)
    assert (model.classes[probabilities.argmax(axis=1)] == test_labels).mean() == 1.0
    assert 0.01 <= model.temperature <= 10


def test_dense_only_and_sparse_only_both_train() -> None:
    dense, counts, labels = _blobs()
    assert DenseSparseModel().fit(dense, None, labels).sparse_dims == []
    sparse_only = DenseSparseModel().fit(None, [counts], labels)
    assert sparse_only.dense_dim == 0 and sparse_only.train_dense is None
    assert sparse_only.classes.tolist() == ["greet", "order_status", "refund"]


def test_novel_message_gets_low_confidence_and_familiar_one_does_not() -> None:
    dense, counts, labels = _blobs()
    model = DenseSparseModel(ModelConfig(novelty_quantile=0.01)).fit(dense, [counts], labels)
    familiar = dense[:1]
    novel = np.zeros((1, dense.shape[1]))
    novel[0, -1] = 1.0  # orthogonal to every cluster
    zero_counts = sp.csr_matrix((1, counts.shape[1]))
    assert model.predict_proba(familiar, [counts[:1]]).max() > 0.8
    assert model.predict_proba(novel, [zero_counts]).max() < 0.1


def test_message_of_unknown_words_gets_low_confidence() -> None:
    dense, counts, labels = _blobs()
    words = {"greet": ["hello", "there"], "order_status": ["where", "order"], "refund": ["money", "back"]}
    tokens = [words[label] for label in labels]
    model = DenseSparseModel(ModelConfig(novelty_quantile=0)).fit(dense, [counts], labels, tokens)
    sample = dense[:1], [counts[:1]]
    known = model.predict_proba(*sample, tokens=[["hello", "there"]]).max()
    assert known > 0.8
    assert model.predict_proba(*sample, tokens=[["hello", "HP-482913", "482913"]]).max() == known  # numbers ignored
    assert model.predict_proba(*sample, tokens=[["hello", "blorp"]]).max() == known  # half unknown: tolerated
    assert model.predict_proba(*sample, tokens=[["blorp", "fizzle", "wug"]]).max() == pytest.approx(known * np.exp(-2.5))


def test_save_and_load_give_identical_predictions(tmp_path: Path) -> None:
    dense, counts, labels = _blobs()
    tokens = [["word", label] for label in labels]
    model = DenseSparseModel().fit(dense, [counts], labels, tokens)
    model.save(tmp_path)
    loaded = DenseSparseModel.load(tmp_path)
    unknown = [["zzz", "qqq"]] * len(labels)
    np.testing.assert_allclose(
        loaded.predict_proba(dense, [counts], unknown), model.predict_proba(dense, [counts], unknown), atol=1e-6
    )
    assert loaded.vocabulary == model.vocabulary == {"word", "greet", "order_status", "refund"}
    with np.load(tmp_path / "model.npz", allow_pickle=False) as arrays:  # plain arrays, no pickles
        assert set(arrays.files) >= {"coef", "intercept", "classes", "idf", "train_dense", "vocabulary"}


def test_two_classes_are_handled_symmetrically() -> None:
    dense, counts, labels = _blobs()
    keep = labels != "refund"
    model = DenseSparseModel().fit(dense[keep], [counts[keep]], labels[keep])
    probabilities = model.predict_proba(dense[keep], [counts[keep]])
    assert (model.classes[probabilities.argmax(axis=1)] == labels[keep]).all()


def test_feature_width_change_is_reported() -> None:
    dense, counts, labels = _blobs()
    model = DenseSparseModel().fit(dense, [counts], labels)
    with pytest.raises(ValueError, match="pipeline changed"):
        model.predict_proba(dense[:, :5], [counts])


@pytest.mark.parametrize(
    "config, message",
    [
        (ModelConfig(C=0), "C must be > 0"),
        (ModelConfig(dense_weight=0, sparse_weight=0), "cannot both be 0"),
        (ModelConfig(calibration_folds=1), "calibration_folds"),
        (ModelConfig(novelty_quantile=0.7), "novelty_quantile"),
        (ModelConfig(oov_tolerance=1.0), "oov_tolerance"),
        (ModelConfig(oov_damping=-1), "oov_damping"),
        (ModelConfig(holdout_fraction=0.6), "holdout_fraction"),
    ],
)
def test_invalid_config_is_rejected(config: ModelConfig, message: str) -> None:
    dense, counts, labels = _blobs()
    with pytest.raises(ValueError, match=message):
        DenseSparseModel(config).fit(dense, [counts], labels)


def test_one_intent_or_mismatched_rows_are_rejected() -> None:
    dense, counts, labels = _blobs()
    with pytest.raises(ValueError, match="at least 2 intents"):
        DenseSparseModel().fit(dense[:5], [counts[:5]], labels[:5])
    with pytest.raises(ValueError, match="disagree"):
        DenseSparseModel().fit(dense, [counts[:10]], labels)


def test_fit_temperature_recovers_a_known_temperature() -> None:
    rng = np.random.RandomState(0)
    logits = rng.normal(scale=3.0, size=(4000, 5))
    truth = np.array([rng.choice(5, p=row) for row in softmax(logits)])
    assert fit_temperature(logits * 2.0, truth) == pytest.approx(2.0, rel=0.1)


def _clusters(classes: range, per_class: int, seed: int, dim: int = 32):
    """Gaussian clusters around fixed random centres (the same centres for every seed)."""
    centres = np.random.RandomState(99).normal(size=(20, dim))
    centres = 3 * centres / np.linalg.norm(centres, axis=1, keepdims=True)
    rng = np.random.RandomState(seed)
    dense = np.vstack([centres[k] + rng.normal(size=(per_class, dim)) for k in classes])
    return dense, np.asarray([f"intent_{k}" for k in classes for _ in range(per_class)])


def test_oos_detector_lowers_confidence_for_unseen_intents_not_for_known_ones() -> None:
    dense, labels = _clusters(range(12), 40, seed=1)
    test, test_labels = _clusters(range(12), 20, seed=2)
    unseen, _ = _clusters(range(12, 16), 20, seed=3)  # intents never trained on
    plain = DenseSparseModel(ModelConfig(novelty_quantile=0, oos_detector=False)).fit(dense, None, labels)
    detecting = DenseSparseModel(ModelConfig(novelty_quantile=0, oos_detector=True)).fit(dense, None, labels)
    assert detecting.detector is not None and detecting.detector.uses_similarity
    for model in (plain, detecting):  # the ranking is unchanged, only the confidences move
        assert (model.classes[model.predict_proba(test, None).argmax(axis=1)] == test_labels).mean() > 0.8
    np.testing.assert_array_equal(plain.predict_proba(test, None).argmax(axis=1),
                                  detecting.predict_proba(test, None).argmax(axis=1))
    plain_unseen = plain.predict_proba(unseen, None).max(axis=1).mean()
    detecting_unseen = detecting.predict_proba(unseen, None).max(axis=1).mean()
    assert detecting_unseen < plain_unseen - 0.1
    assert detecting.predict_proba(test, None).max(axis=1).mean() > detecting_unseen + 0.15


def test_oos_detector_survives_save_and_load(tmp_path: Path) -> None:
    dense, labels = _clusters(range(12), 30, seed=1)
    counts = sp.csr_matrix(np.random.RandomState(0).poisson(0.3, size=(len(labels), 20)))
    model = DenseSparseModel(ModelConfig(oos_detector=True)).fit(dense, [counts], labels)
    model.save(tmp_path)
    loaded = DenseSparseModel.load(tmp_path)
    assert loaded.detector == model.detector
    np.testing.assert_allclose(loaded.predict_proba(dense, [counts]), model.predict_proba(dense, [counts]), atol=1e-5)


def test_oos_detector_is_skipped_when_too_few_intents_to_hold_any_out() -> None:
    dense, counts, labels = _blobs()  # 3 intents: 10% of them rounds to none
    model = DenseSparseModel(ModelConfig(oos_detector=True)).fit(dense, [counts], labels)
    assert model.detector is None
    assert (model.classes[model.predict_proba(dense, [counts]).argmax(axis=1)] == labels).all()


def test_oos_detector_on_sparse_features_only_uses_no_similarities() -> None:
    dense, labels = _clusters(range(12), 30, seed=1)
    counts = sp.csr_matrix((dense > 0.8).astype(float))
    model = DenseSparseModel(ModelConfig(oos_detector=True)).fit(None, [counts], labels)
    assert model.detector is not None and not model.detector.uses_similarity
    assert model.predict_proba(None, [counts]).shape == (len(labels), 12)


def test_refitting_a_model_forgets_the_previous_training_set() -> None:
    first, first_labels = _clusters(range(12), 30, seed=1)
    second, second_labels = _clusters(range(12), 30, seed=5)  # same shape, other examples
    reused = DenseSparseModel(ModelConfig())
    reused.fit(first, None, first_labels)
    reused.predict_proba(first[:3], None)  # caches the first training set
    reused.fit(second, None, second_labels)
    fresh = DenseSparseModel(ModelConfig()).fit(second, None, second_labels)
    probe, _ = _clusters(range(16), 5, seed=9)
    np.testing.assert_allclose(reused.predict_proba(probe, None), fresh.predict_proba(probe, None), atol=1e-9)
