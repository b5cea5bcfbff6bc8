"""DenseSparseIntentClassifier inside Rasa: train with real featurizers, persist, load, predict."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path
from typing import List

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.classifier import DenseSparseIntentClassifier
from bot.nlu.onnx_featurizer import OnnxSentenceFeaturizer


def _context(name: str) -> ExecutionContext:
    return dataclasses.replace(ExecutionContext(GraphSchema({}), "test-model"), node_name=name)


def _examples(path: Path) -> List[Message]:
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [Message(data={TEXT: row["text"], INTENT: row["label"].replace(" ", "_").replace("/", "_")}) for row in rows]


class Pipeline:
    """Tokenizer + ONNX featurizer + word counts + the classifier, trained on the fixture CSV."""

    def __init__(self, storage: LocalModelStorage, train: List[Message], **classifier_config) -> None:
        self.tokenizer = WhitespaceTokenizer.create(
            WhitespaceTokenizer.get_default_config(), storage, Resource("tok"), _context("tok")
        )
        self.dense = OnnxSentenceFeaturizer.create(
            OnnxSentenceFeaturizer.get_default_config(), storage, Resource("onnx"), _context("onnx")
        )
        self.counts = CountVectorsFeaturizer.create(
            CountVectorsFeaturizer.get_default_config(), storage, Resource("cvf"), _context("cvf")
        )
        data = TrainingData(train)
        self.tokenizer.process_training_data(data)
        self.dense.process_training_data(data)
        self.counts.train(data)
        self.counts.process_training_data(data)
        self.config = {**DenseSparseIntentClassifier.get_default_config(), **classifier_config}
        self.resource = Resource("clf")
        self.classifier = DenseSparseIntentClassifier.create(self.config, storage, self.resource, _context("clf"))
        self.classifier.train(data)
        self.storage = storage

    def parse(self, texts: List[str], classifier: DenseSparseIntentClassifier) -> List[Message]:
        messages = [Message(data={TEXT: text}) for text in texts]
        for component in (self.tokenizer, self.dense, self.counts, classifier):
            component.process(messages)
        return messages


@pytest.fixture(scope="module")
def pipeline(encoder_dir: Path, fixtures_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    return Pipeline(storage, _examples(fixtures_dir / "train.csv"), ranking_length=3)


def test_predicts_held_out_fixture_messages(pipeline: Pipeline, fixtures_dir: Path) -> None:
    test = _examples(fixtures_dir / "test.csv")
    parsed = pipeline.parse([m.get(TEXT) for m in test], pipeline.classifier)
    correct = sum(p.get(INTENT)["name"] == t.get(INTENT) for p, t in zip(parsed, test))
    assert correct / len(test) > 0.9
    for message in parsed:
        ranking = message.get("intent_ranking")
        assert len(ranking) == 3  # ranking_length
        confidences = [r["confidence"] for r in ranking]
        assert confidences == sorted(confidences, reverse=True)
        assert message.get(INTENT) == ranking[0]
        assert 0.0 < sum(confidences) <= 1.0 + 1e-9


def test_loaded_component_predicts_the_same(pipeline: Pipeline) -> None:
    loaded = DenseSparseIntentClassifier.load(pipeline.config, pipeline.storage, pipeline.resource, _context("clf"))
    texts = ["where is my parcel", "hello", "I want a refund", "what is the weather in Rome"]
    before = pipeline.parse(texts, pipeline.classifier)
    after = pipeline.parse(texts, loaded)
    for a, b in zip(before, after):
        assert a.get(INTENT)["name"] == b.get(INTENT)["name"]
        assert a.get(INTENT)["confidence"] == pytest.approx(b.get(INTENT)["confidence"], abs=1e-6)


@pytest.mark.parametrize("text", ["explain the theory of relativity in simple words", "blorp fizzle wug", "vvvv hhhh jjjj"])
def test_off_topic_or_gibberish_gets_oos_or_low_confidence(pipeline: Pipeline, text: str) -> None:
    (message,) = pipeline.parse([text], pipeline.classifier)
    intent = message.get(INTENT)
    assert intent["name"] == "oos" or intent["confidence"] < 0.3, intent


def test_untrained_component_predicts_nothing(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    loaded = DenseSparseIntentClassifier.load(
        DenseSparseIntentClassifier.get_default_config(), storage, Resource("never_trained"), _context("clf")
    )
    messages = [Message(data={TEXT: "hello"})]
    loaded.process(messages)
    assert messages[0].get(INTENT) == {"name": None, "confidence": 0.0}
    assert messages[0].get("intent_ranking") == []


@pytest.mark.parametrize(
    "key, value",
    [("C", -1), ("calibration_folds", 1), ("ranking_length", -2), ("sparse_weight", "x"), ("oos_detector", "no"),
     ("holdout_fraction", 0.7)],
)
def test_invalid_config_is_rejected(tmp_path: Path, key: str, value: object) -> None:
    config = {**DenseSparseIntentClassifier.get_default_config(), key: value}
    with pytest.raises(InvalidConfigException, match="DenseSparseIntentClassifier"):
        DenseSparseIntentClassifier.create(config, LocalModelStorage(tmp_path), Resource("clf"), _context("clf"))
