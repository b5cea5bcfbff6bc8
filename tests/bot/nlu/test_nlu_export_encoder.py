"""python -m bot export-encoder: a verified ONNX export, skipped when up to date; the test fixture stays honest."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from bot.nlu import encoder as enc
from bot.nlu import export_encoder

FIXTURES = Path(__file__).resolve().parents[2] / "rasa_env" / "nlu" / "fixtures"


def test_export_writes_a_verified_model_and_second_run_is_a_no_op(tmp_path: Path) -> None:
    out = tmp_path / "minilm"
    manifest = export_encoder.export(out)
    assert manifest["dimension"] == 384 and manifest["verified_min_cosine"] >= export_encoder.MIN_COSINE
    assert {p.name for p in out.iterdir()} == {"model.onnx", "tokenizer.json", "manifest.json"}
    modified = (out / "model.onnx").stat().st_mtime_ns
    assert export_encoder.export(out) == manifest  # up to date: nothing rewritten
    assert (out / "model.onnx").stat().st_mtime_ns == modified
    # a damaged model no longer matches its manifest (export() then writes a new one)
    with open(out / "model.onnx", "ab") as handle:
        handle.write(b"\0")
    assert not export_encoder.is_up_to_date(out, manifest["source_fingerprint"])
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())  # no staging folder left behind


def test_fixture_vectors_are_what_sentence_transformers_gives() -> None:
    from sentence_transformers import SentenceTransformer

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sentences = json.loads((FIXTURES / "sentences.json").read_text(encoding="utf-8"))
    model = SentenceTransformer(str(export_encoder.source_model_dir()), device="cpu")
    vectors = model.encode(sentences, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    np.testing.assert_allclose(vectors, np.load(FIXTURES / "st_embeddings.npy"), atol=1e-5)


def test_missing_export_tells_to_run_make_encoder(tmp_path: Path) -> None:
    try:
        enc.read_manifest(tmp_path)
    except enc.EncoderMissingError as error:
        assert "make encoder" in str(error) and str(tmp_path) in str(error)
    else:  # pragma: no cover
        raise AssertionError("read_manifest accepted an empty folder")
