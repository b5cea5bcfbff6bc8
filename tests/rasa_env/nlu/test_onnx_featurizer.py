"""OnnxSentenceFeaturizer: same vectors as sentence-transformers, Rasa feature plumbing, config errors."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.encoder import OnnxSentenceEncoder, resolve_model_dir
from bot.nlu.onnx_featurizer import OnnxSentenceFeaturizer
from bot import paths


def _featurizer(tmp_path: Path, **config) -> OnnxSentenceFeaturizer:
    context = dataclasses.replace(ExecutionContext(GraphSchema({}), "test-model"), node_name="onnx_featurizer")
    return OnnxSentenceFeaturizer.create(
        {**OnnxSentenceFeaturizer.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource("onnx_featurizer"),
        context,
    )


def test_encoder_matches_sentence_transformers(encoder_dir: Path, fixtures_dir: Path) -> None:
    sentences = json.loads((fixtures_dir / "sentences.json").read_text(encoding="utf-8"))
    expected = np.load(fixtures_dir / "st_embeddings.npy")
    encoder = OnnxSentenceEncoder(encoder_dir, num_threads=1)
    for batch_size in (1, len(sentences)):  # alone and padded in one batch
        got = encoder.encode(sentences, batch_size=batch_size)
        assert got.shape == expected.shape == (len(sentences), 384)
        np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
        cosines = np.sum(got * expected, axis=1)
        assert cosines.min() > 0.9999, cosines


def test_featurizer_adds_one_sentence_feature_per_message(encoder_dir: Path, fixtures_dir: Path, tmp_path: Path) -> None:
    sentences = json.loads((fixtures_dir / "sentences.json").read_text(encoding="utf-8"))
    expected = np.load(fixtures_dir / "st_embeddings.npy")
    featurizer = _featurizer(tmp_path, batch_size=3)
    messages = [Message(data={TEXT: text}) for text in sentences] + [Message(data={TEXT: ""})]
    featurizer.process(messages)
    for message, vector in zip(messages, expected):
        (feature,) = message.features  # one sentence feature, no sequence feature
        assert (feature.type, feature.attribute, feature.origin) == ("sentence", TEXT, "onnx_featurizer")
        assert not feature.is_sparse()
        assert feature.features.shape == (1, 384)
        assert float(feature.features[0] @ vector) > 0.9999
    assert messages[-1].features == []  # empty text: nothing to featurize


def test_process_training_data_featurizes_training_examples(encoder_dir: Path, tmp_path: Path) -> None:
    data = TrainingData([Message(data={TEXT: "where is my order", "intent": "order_status"})])
    _featurizer(tmp_path).process_training_data(data)
    _, sentence = data.training_examples[0].get_dense_features(TEXT)
    assert sentence is not None and sentence.features.shape == (1, 384)


def test_missing_model_dir_says_to_run_make_encoder(tmp_path: Path) -> None:
    with pytest.raises(InvalidConfigException, match="make encoder"):
        _featurizer(tmp_path, model_dir=str(tmp_path / "nowhere"))


@pytest.mark.parametrize(
    "key, value",
    [("batch_size", 0), ("num_threads", -1), ("max_length", "long"), ("model", ""), ("layers", [0]), ("layers", "8,12")],
)
def test_invalid_config_names_the_key(tmp_path: Path, key: str, value: object) -> None:
    with pytest.raises(InvalidConfigException, match=key):
        _featurizer(tmp_path, **{key: value})


def test_relative_model_dir_is_relative_to_the_repository_root() -> None:
    assert resolve_model_dir("models/onnx/x") == paths.ROOT / "models" / "onnx" / "x"
    assert resolve_model_dir(None) == paths.ROOT / "models" / "onnx" / "all-MiniLM-L6-v2"
    assert resolve_model_dir("/abs/dir") == Path("/abs/dir")
    onnx = paths.ROOT / "models" / "onnx"
    assert resolve_model_dir(None, "all-mpnet-base-v2") == onnx / "all-mpnet-base-v2"
    assert resolve_model_dir(None, "all-mpnet-base-v2", [8, 12]) == onnx / "all-mpnet-base-v2-layers-8-12"
    assert resolve_model_dir("models/onnx/x", "all-mpnet-base-v2", [8, 12]) == onnx / "x"  # explicit folder wins


def _config_featurizers() -> list:
    config = yaml.safe_load(paths.CONFIG_YML.read_text(encoding="utf-8"))
    return [step for step in config["pipeline"] if step["name"].endswith("OnnxSentenceFeaturizer")]


@pytest.mark.parametrize("step", _config_featurizers(), ids=lambda step: f"{step.get('model')}-{step.get('layers')}")
def test_every_encoder_of_config_yml_is_exported_and_loads(step: dict, tmp_path: Path) -> None:
    """`make encoder` exported what config.yml names; its vectors are unit length and deterministic."""
    config = {k: v for k, v in step.items() if k != "name"}
    featurizer = _featurizer(tmp_path, **config)
    manifest = featurizer._encoder.manifest
    assert manifest["model"] == config.get("model", "all-MiniLM-L6-v2")
    assert (manifest.get("layers") or []) == (config.get("layers") or [])
    messages = [Message(data={TEXT: text}) for text in ("I still have not received my new card", "hi")]
    featurizer.process(messages)
    vectors = np.vstack([m.features[0].features for m in messages])
    assert vectors.shape == (2, manifest["dimension"])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    again = featurizer._encoder.encode(["I still have not received my new card", "hi"], batch_size=1)
    np.testing.assert_allclose(again, vectors, atol=1e-5)  # alone or in a padded batch: same vector
