"""Rasa 3.6 dense featurizer: sentence embeddings from an ONNX sentence encoder.

Use it in ``config.yml`` as ``- name: bot.nlu.onnx_featurizer.OnnxSentenceFeaturizer``
(the Rasa server must have the repository root on ``PYTHONPATH``; the Makefile sets it).
``model`` names the encoder (``all-MiniLM-L6-v2``, 384 floats, the default, or
``all-mpnet-base-v2``, 768 floats) and ``layers`` optionally the hidden layers whose mean
poolings are averaged (e.g. ``[8, 12]``); ``make encoder`` exports what config.yml names.
It adds one dense *sentence* feature (L2-normalised) to the text of each message; it adds
no sequence features, so use it with sentence-level classifiers such as
``bot.nlu.classifier.DenseSparseIntentClassifier``, not with DIET. Several of these
featurizers may follow each other (their vectors are concatenated by the classifier).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ACTION_TEXT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import encoder as enc

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class OnnxSentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds a MiniLM sentence embedding, computed with onnxruntime, to each message."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Defaults: the ``make encoder`` export, batches of 64, onnxruntime picks the threads."""
        return {
            **DenseFeaturizer.get_default_config(),
            # which encoder `make encoder` exports for this step (bot/nlu/export_encoder.py SOURCES)
            "model": enc.DEFAULT_MODEL_NAME,
            # hidden layers whose mean poolings are averaged; [] = the usual sentence embedding
            "layers": [],
            # folder with model.onnx/tokenizer.json/manifest.json; relative paths
            # are relative to the repository root; None = models/onnx/<model>[-layers-...]
            "model_dir": None,
            "batch_size": 64,
            "num_threads": 0,
            "max_length": 256,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        """Python packages this component imports."""
        return ["onnxruntime", "tokenizers"]

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Reject nonsensical values early, naming the key."""
        model = config.get("model")
        if not isinstance(model, str) or not model.strip():
            raise InvalidConfigException(
                f"OnnxSentenceFeaturizer: 'model' must be an encoder name such as '{enc.DEFAULT_MODEL_NAME}', "
                f"got {model!r} (config.yml pipeline)."
            )
        layers = config.get("layers")
        if not isinstance(layers, list) or not all(isinstance(k, int) and not isinstance(k, bool) and k >= 1 for k in layers):
            raise InvalidConfigException(
                f"OnnxSentenceFeaturizer: 'layers' must be a list of hidden-layer numbers >= 1 (or []), "
                f"got {layers!r} (config.yml pipeline)."
            )
        for key, minimum in (("batch_size", 1), ("num_threads", 0), ("max_length", 8)):
            value = config.get(key)
            if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
                raise InvalidConfigException(
                    f"OnnxSentenceFeaturizer: '{key}' must be an integer >= {minimum}, got {value!r} (config.yml pipeline)."
                )

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        """Load the encoder named by ``config['model_dir']``."""
        super().__init__(name, config)
        model_dir = enc.resolve_model_dir(config.get("model_dir"), config["model"], config["layers"])
        try:
            self._encoder = enc.OnnxSentenceEncoder(
                model_dir, num_threads=config["num_threads"], max_length=config["max_length"]
            )
        except enc.EncoderMissingError as error:
            raise InvalidConfigException(str(error)) from error
        logger.debug("Loaded ONNX sentence encoder from %s", model_dir)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "OnnxSentenceFeaturizer":
        """Create the (untrainable) component."""
        return cls(config, execution_context.node_name)

    def _featurize(self, messages: List[Message], attribute: Text) -> None:
        with_text = [m for m in messages if m.get(attribute)]
        if not with_text:
            return
        vectors = self._encoder.encode([m.get(attribute) for m in with_text], batch_size=self._config["batch_size"])
        for message, vector in zip(with_text, vectors):
            self.add_features_to_message(
                sequence=None, sentence=np.asarray(vector, dtype=np.float32)[np.newaxis, :],
                attribute=attribute, message=message,
            )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurize every training example (texts, responses, action texts)."""
        for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            self._featurize(training_data.training_examples, attribute)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Featurize incoming messages (all of them in one batch)."""
        for attribute in (TEXT, ACTION_TEXT):
            self._featurize(messages, attribute)
        return messages

    @property
    def dimension(self) -> int:
        """Length of the sentence vectors this featurizer adds."""
        return self._encoder.dimension

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"OnnxSentenceFeaturizer(model_dir={self._encoder.model_dir})"
