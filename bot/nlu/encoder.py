"""Run an exported sentence encoder (MiniLM, MPNet) with onnxruntime and tokenizers (no torch).

The folder written by ``python -m bot export-encoder`` holds ``model.onnx``,
``tokenizer.json`` and ``manifest.json``. The ONNX graph takes ``input_ids``,
``attention_mask`` and ``token_type_ids`` and returns ``sentence_embedding``
(mean-pooled, L2-normalised: what sentence-transformers returns).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Optional, Sequence, Union

import numpy as np

from bot import paths

logger = logging.getLogger(__name__)

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
MANIFEST_NAME = "manifest.json"
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
ONNX_DIR = paths.MODELS_DIR / "onnx"


class EncoderMissingError(FileNotFoundError):
    """The exported ONNX encoder is not where the configuration says."""


def default_model_dir() -> Path:
    """Where ``make encoder`` writes the MiniLM export: ``models/onnx/all-MiniLM-L6-v2``."""
    return ONNX_DIR / DEFAULT_MODEL_NAME


def export_name(model: str, layers: Sequence[int] = ()) -> str:
    """Folder name of an export under ``models/onnx``: the model's name, plus the pooled layers if any.

    ``layers`` empty means the usual sentence embedding (mean pooling of the last layer);
    ``(8, 12)`` means the average of the L2-normalised mean poolings of hidden layers 8 and 12.
    """
    if not layers:
        return model
    return f"{model}-layers-" + "-".join(str(int(k)) for k in layers)


def resolve_model_dir(
    model_dir: Optional[Union[str, Path]], model: str = DEFAULT_MODEL_NAME, layers: Sequence[int] = ()
) -> Path:
    """Turn a configured ``model_dir`` into an absolute folder.

    A relative path is taken relative to the repository root (not the working
    directory), so the Rasa server finds the model wherever it is started from.
    ``None`` means the ``make encoder`` export of ``model`` (and ``layers``).
    """
    if model_dir is None or str(model_dir).strip() == "":
        return ONNX_DIR / export_name(model, layers)
    path = Path(os.path.expanduser(str(model_dir)))
    return path if path.is_absolute() else paths.ROOT / path


def read_manifest(model_dir: Path) -> dict:
    """Read ``manifest.json`` of an exported encoder.

    Raises:
        EncoderMissingError: when the folder, model, tokenizer or manifest is missing.
    """
    missing = [name for name in (MODEL_FILE, TOKENIZER_FILE, MANIFEST_NAME) if not (model_dir / name).is_file()]
    if missing:
        raise EncoderMissingError(
            f"The ONNX sentence encoder is missing in {model_dir} (no {', '.join(missing)}). "
            f"Run `make encoder` (or `.venv/ml/bin/python -m bot export-encoder`) to export it."
        )
    with open(model_dir / MANIFEST_NAME, encoding="utf-8") as handle:
        return json.load(handle)


class OnnxSentenceEncoder:
    """Sentence embeddings from an exported encoder folder.

    Args:
        model_dir: folder with ``model.onnx``, ``tokenizer.json`` and ``manifest.json``.
        num_threads: onnxruntime intra-op threads (0 lets onnxruntime choose).
        max_length: longest token sequence fed to the model (longer input is truncated).
    """

    def __init__(self, model_dir: Path, num_threads: int = 0, max_length: int = 256) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        if max_length < 8:
            raise ValueError(f"max_length must be >= 8, got {max_length}")
        self.model_dir = Path(model_dir)
        self.manifest = read_manifest(self.model_dir)
        self.dimension = int(self.manifest["dimension"])
        self.max_length = min(max_length, int(self.manifest.get("max_seq_length", max_length)))
        self._tokenizer = Tokenizer.from_file(str(self.model_dir / TOKENIZER_FILE))
        self._tokenizer.enable_truncation(max_length=self.max_length)
        self._tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = num_threads
        options.inter_op_num_threads = 1
        # no busy-waiting worker threads: the Rasa server shares few cores with the action server
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = onnxruntime.InferenceSession(
            str(self.model_dir / MODEL_FILE), options, providers=["CPUExecutionProvider"]
        )
        self._input_names = {i.name for i in self._session.get_inputs()}

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Embed ``texts``.

        Args:
            texts: the sentences.
            batch_size: sentences per model call; sentences are sorted by length so a
                batch holds similar lengths and little padding.

        Returns:
            A float32 array ``[len(texts), dimension]`` of L2-normalised sentence embeddings.
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        encodings = self._tokenizer.encode_batch([str(t) for t in texts])
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        sentences = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            width = max(len(encodings[i].ids) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            types = np.zeros((len(batch), width), dtype=np.int64)
            for row, index in enumerate(batch):
                encoding = encodings[index]
                n = len(encoding.ids)
                ids[row, :n] = encoding.ids
                mask[row, :n] = 1
                types[row, :n] = encoding.type_ids
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            feed = {name: value for name, value in feed.items() if name in self._input_names}
            (sentence_out,) = self._session.run(["sentence_embedding"], feed)
            sentences[batch] = sentence_out
        return sentences
