"""Rasa 3.6 intent classifier on dense sentence embeddings plus sparse n-gram counts.

Use it in ``config.yml`` as ``- name: bot.nlu.classifier.DenseSparseIntentClassifier``
after ``bot.nlu.onnx_featurizer.OnnxSentenceFeaturizer`` and (optionally) one or more
``CountVectorsFeaturizer``. It reads the *sentence* features of the message text:
all dense ones are concatenated, each sparse featurizer's counts become one TF-IDF
block (see :mod:`bot.nlu.linear_model`). Confidences are temperature-calibrated, so
``FallbackClassifier``'s threshold means what it says.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Tuple, Type

import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.linear_model import DenseSparseModel, ModelConfig

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class DenseSparseIntentClassifier(GraphComponent, IntentClassifier):
    """Linear SVM over [sentence embedding | TF-IDF n-grams] with calibrated confidences."""

    @classmethod
    def required_components(cls) -> List[Type]:
        """A featurizer has to run first."""
        return [Featurizer]

    @staticmethod
    def required_packages() -> List[Text]:
        """Python packages this component imports."""
        return ["sklearn", "scipy"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Defaults chosen by cross-validation on Banking77's train split (see bot/nlu/linear_model.py)."""
        defaults = ModelConfig()
        return {
            "C": defaults.C,
            "dense_weight": defaults.dense_weight,
            "sparse_weight": defaults.sparse_weight,
            "calibration_folds": defaults.calibration_folds,
            "novelty_quantile": defaults.novelty_quantile,
            "novelty_softness": defaults.novelty_softness,
            "oov_tolerance": defaults.oov_tolerance,
            "oov_damping": defaults.oov_damping,
            "max_iter": defaults.max_iter,
            "random_state": defaults.random_state,
            "oos_detector": defaults.oos_detector,
            "holdout_fraction": defaults.holdout_fraction,
            "ranking_length": LABEL_RANKING_LENGTH,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[DenseSparseModel] = None,
    ) -> None:
        """Validate the config; ``model`` is the trained model when loading."""
        self.component_config = {**self.get_default_config(), **config}
        try:
            self._model_config = ModelConfig(
                C=float(self.component_config["C"]),
                dense_weight=float(self.component_config["dense_weight"]),
                sparse_weight=float(self.component_config["sparse_weight"]),
                calibration_folds=int(self.component_config["calibration_folds"]),
                novelty_quantile=float(self.component_config["novelty_quantile"]),
                novelty_softness=float(self.component_config["novelty_softness"]),
                oov_tolerance=float(self.component_config["oov_tolerance"]),
                oov_damping=float(self.component_config["oov_damping"]),
                max_iter=int(self.component_config["max_iter"]),
                random_state=int(self.component_config["random_state"]),
                oos_detector=_boolean(self.component_config["oos_detector"], "oos_detector"),
                holdout_fraction=float(self.component_config["holdout_fraction"]),
            )
            self._model_config.validate()
        except (TypeError, ValueError) as error:
            raise InvalidConfigException(f"DenseSparseIntentClassifier in config.yml: {error}") from error
        ranking_length = self.component_config["ranking_length"]
        if not isinstance(ranking_length, int) or ranking_length < 0:
            raise InvalidConfigException(
                f"DenseSparseIntentClassifier in config.yml: ranking_length must be an integer >= 0, got {ranking_length!r}"
            )
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "DenseSparseIntentClassifier":
        """Create an untrained component."""
        return cls(config, model_storage, resource)

    # ------------------------------------------------------------------ features
    @staticmethod
    def _features(messages: List[Message]) -> Tuple[Optional[np.ndarray], List[sp.csr_matrix]]:
        """Dense matrix and sparse blocks (one per featurizer) of the messages' sentence features."""
        dense_rows: Dict[str, List[np.ndarray]] = {}
        sparse_rows: Dict[str, List[sp.spmatrix]] = {}
        for position, message in enumerate(messages):
            for feature in message.features:
                if feature.attribute != TEXT or feature.type != FEATURE_TYPE_SENTENCE:
                    continue
                target = sparse_rows if feature.is_sparse() else dense_rows
                rows = target.setdefault(feature.origin if isinstance(feature.origin, str) else "+".join(feature.origin), [])
                if len(rows) != position:
                    raise ValueError(
                        f"message {message.get(TEXT)!r} lacks sentence features from {feature.origin} "
                        f"that other messages have; every featurizer must featurize every message"
                    )
                rows.append(feature.features)
        for origin, rows in {**dense_rows, **sparse_rows}.items():
            if len(rows) != len(messages):
                raise ValueError(f"featurizer {origin} featurized {len(rows)} of {len(messages)} messages")
        dense = None
        if dense_rows:
            dense = np.hstack(
                [np.vstack([np.asarray(row).reshape(1, -1) for row in dense_rows[origin]]) for origin in sorted(dense_rows)]
            ).astype(np.float64)
        sparse = [sp.vstack([sp.csr_matrix(row) for row in sparse_rows[origin]], format="csr") for origin in sorted(sparse_rows)]
        return dense, sparse

    # --------------------------------------------------------------------- train
    def train(self, training_data: TrainingData) -> Resource:
        """Train on the intent examples and persist the model."""
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            logger.debug("No intent examples: %s is not trained.", self.__class__.__name__)
            return self._resource
        labels = [e.get(INTENT) for e in examples]
        if len(set(labels)) < 2:
            logger.warning(
                "Only one intent (%s) in the training data: %s always predicts it.", labels[0], self.__class__.__name__
            )
        dense, sparse = self._features(examples)
        self._model = self._fit(dense, sparse, labels, _tokens(examples))
        with self._model_storage.write_to(self._resource) as folder:
            self._model.save(folder)
        return self._resource

    def _fit(
        self, dense: Optional[np.ndarray], sparse: List[sp.csr_matrix], labels: List[str], tokens: List[List[str]]
    ) -> Any:
        if len(set(labels)) < 2:
            return _ConstantModel(labels[0])
        model = DenseSparseModel(config=self._model_config).fit(dense, sparse, labels, tokens)
        logger.debug(
            "Trained on %d examples, %d intents, dense %d + sparse %s features, temperature %.3f",
            len(labels), len(model.classes), model.dense_dim, model.sparse_dims, model.temperature,
        )
        return model

    # ------------------------------------------------------------------- predict
    def process(self, messages: List[Message]) -> List[Message]:
        """Set ``intent`` and ``intent_ranking`` on each message (batched)."""
        with_text = [m for m in messages if m.get(TEXT)]
        if self._model is None or not with_text:
            for message in messages:
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set("intent_ranking", [], add_to_output=True)
            return messages
        dense, sparse = self._features(with_text)
        probabilities = self._model.predict_proba(dense, sparse, _tokens(with_text))
        classes = self._model.classes
        limit = self.component_config["ranking_length"]
        for message, row in zip(with_text, probabilities):
            order = np.argsort(-row, kind="stable")
            ranking = [{"name": str(classes[i]), "confidence": float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking[:limit] if limit > 0 else ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to add to training data."""
        return training_data

    # ---------------------------------------------------------------------- load
    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "DenseSparseIntentClassifier":
        """Load the trained model; an untrained component if training stored nothing."""
        model: Optional[Any] = None
        try:
            with model_storage.read_from(resource) as folder:
                if (folder / _ConstantModel.FILE).exists():
                    model = _ConstantModel.load(folder)
                elif (folder / DenseSparseModel.JSON).exists():
                    model = DenseSparseModel.load(folder)
        except ValueError as error:
            # Rasa's storage raises ValueError for a resource that was never written
            # (trained without intent examples); anything else is a real error.
            if "does not exist" not in str(error):
                raise
        if model is None:
            logger.debug("No trained %s in the model; it predicts nothing.", cls.__name__)
        return cls(config, model_storage, resource, model)


def _boolean(value: Any, key: str) -> bool:
    """A YAML boolean, strictly (``"no"`` or ``1`` in config.yml are mistakes, not booleans)."""
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false, got {value!r}")
    return value


def _tokens(messages: List[Message]) -> List[List[str]]:
    """The tokenizer's words of each message's text (whitespace split when no tokenizer ran)."""
    words = []
    for message in messages:
        tokens = message.get(TOKENS_NAMES[TEXT])
        words.append([t.text for t in tokens] if tokens else str(message.get(TEXT) or "").split())
    return words


class _ConstantModel:
    """Stand-in for a one-intent training set: always that intent with confidence 1."""

    FILE = "constant.txt"

    def __init__(self, label: str) -> None:
        self.classes = np.asarray([label])

    def predict_proba(self, dense: Optional[np.ndarray], sparse: List[sp.csr_matrix], tokens: Any = None) -> np.ndarray:
        n = dense.shape[0] if dense is not None else sparse[0].shape[0]
        return np.ones((n, 1))

    def save(self, folder) -> None:
        (folder / self.FILE).write_text(str(self.classes[0]), encoding="utf-8")

    @classmethod
    def load(cls, folder) -> "_ConstantModel":
        return cls((folder / cls.FILE).read_text(encoding="utf-8"))
