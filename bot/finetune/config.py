"""The fine-tuning configuration: typed, validated before anything heavy is loaded.

``configs/finetune.yml`` holds the defaults (sized for 2 CPU cores); ``--set key=value``
overrides any key with a dotted path (``--set training.max_steps=10 --set lora.rank=4``).
Values given on the command line are parsed as YAML scalars (``3e-4``, ``true``, ``[q_proj,
v_proj]``). Every error names the file, the key, the bad value and the fix.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

from bot.paths import ROOT

logger = logging.getLogger(__name__)

LLAMA_MODULES: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
"""Linear layers of SmolLM2 (Llama architecture) that LoRA can adapt."""
N_LAYERS = 30
"""Decoder layers of SmolLM2-135M."""
SCHEDULES = ("constant", "linear", "cosine")
DEVICES = ("auto", "cpu", "cuda")


class ConfigError(ValueError):
    """The configuration is invalid; the message names the file, key and fix."""


@dataclass
class DataConfig:
    """Where the prepared splits are and how examples are built from them."""

    splits_dir: str = "data/finetune/prepared/splits"
    """Folder holding train.jsonl, validation.jsonl and test.jsonl (canonical schema)."""
    min_train_examples: int = 20
    min_validation_examples: int = 2
    min_test_examples: int = 2
    max_train_examples: int = 0
    """Use at most this many training examples (0: all); the smoke config keeps it tiny."""
    drop_ungrounded_targets: bool = True
    """Drop training replies stating a fact (number, URL, email...) absent from the prompt's
    passages and conversation: the model should learn to copy facts, not to recall them."""
    retrieval_top_k: int = 0
    """Passages retrieved per question; 0: as the answering action (``bot.generation.answer.TOP_K``)."""


@dataclass
class LoraConfig:
    """LoRA adapter shape."""

    rank: int = 16
    alpha: float = 32.0
    dropout: float = 0.05
    target_modules: list[str] = field(default_factory=lambda: list(LLAMA_MODULES))
    last_n_layers: int = 10
    """Adapt only the top N decoder layers (0: all 30). Back-propagation then stops at the
    first adapted layer, which makes a CPU step about twice as fast as adapting all layers."""


@dataclass
class TrainingConfig:
    """Optimisation, schedule, monitoring and checkpoints."""

    learning_rate: float = 4e-4
    lr_schedule: str = "cosine"
    warmup_steps: int = 4
    max_steps: int = 60
    """Optimizer steps; each sees batch_size * grad_accum examples."""
    epochs: float = 0.0
    """When > 0, max_steps is derived from it (epochs over the training examples)."""
    batch_size: int = 2
    grad_accum: int = 2
    max_seq_len: int = 1024
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    seed: int = 13
    eval_every: int = 15
    """Validation loss every N optimizer steps (and at the end)."""
    eval_max_examples: int = 24
    early_stopping_patience: int = 2
    """Stop after this many validations without improvement (0: never stop early)."""
    checkpoint_every: int = 5
    device: str = "auto"
    threads: int = 0
    """CPU threads for torch (0: all cores)."""
    interrupt_after_steps: int = 0
    """Testing aid: behave as if interrupted (Ctrl-C) after this optimizer step (0: off)."""


@dataclass
class EvaluationConfig:
    """End-of-run evaluation, fine-tuned vs base model on the same prompts.

    Validation numbers choose runs and decide promotion; test numbers are only reported (with
    95 % intervals) and never read by any choice, so a sweep should set ``test: false``.
    """

    validation_examples: int = 32
    """Validation exchanges (spread over the split) answered by both models; promotion compares these."""
    test: bool = True
    """Also answer the test split at the end (reported, never used to choose or promote)."""
    max_examples: int = 0
    """Test exchanges, spread over the split (0: all of them)."""
    max_new_tokens: int = 0
    """0: as the answering action (``bot.generation.answer.MAX_NEW_TOKENS``)."""
    batch_size: int = 8
    report_samples: int = 10
    compare_base: bool = True
    bootstrap_samples: int = 2000
    """Resamples of the clustered bootstrap behind the test intervals (bot/finetune/stats.py)."""


@dataclass
class OutputConfig:
    """Where runs go."""

    dir: str = "models/generator"
    """Runs are written to <dir>/<run-id>/; the registry is <dir>/registry.json."""
    run_id: str = ""
    """Empty: ``ft-<UTC timestamp>``."""
    write_gguf: bool = True
    """Also write adapter.gguf (LoRA for llama.cpp, the fast serving path)."""
    benchmark_json: str = ""
    """When set, also write the evaluation summary there (benchmarks/results/finetune.json)."""


@dataclass
class FinetuneConfig:
    """The whole ``configs/finetune.yml``."""

    data: DataConfig = field(default_factory=DataConfig)
    lora: LoraConfig = field(default_factory=LoraConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    evaluation: EvaluationConfig = field(default_factory=EvaluationConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    source: str = field(default="(defaults)", compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain mapping (for config.yml of a run and for checkpoints)."""
        data = dataclasses.asdict(self)
        data.pop("source", None)
        return data

    def path(self, value: str) -> Path:
        """Resolve a path of the config relative to the repository root."""
        candidate = Path(value)
        return candidate if candidate.is_absolute() else ROOT / candidate


_SECTIONS: dict[str, type] = {
    "data": DataConfig,
    "lora": LoraConfig,
    "training": TrainingConfig,
    "evaluation": EvaluationConfig,
    "output": OutputConfig,
}


def parse_overrides(items: Sequence[str], source: str = "--set") -> dict[str, Any]:
    """Turn ``["training.max_steps=10", ...]`` into a nested mapping (values parsed as YAML).

    Raises:
        ConfigError: an item is not ``section.key=value``.
    """
    import yaml

    result: dict[str, Any] = {}
    for item in items:
        if "=" not in item:
            raise ConfigError(f"{source} {item!r}: expected section.key=value, e.g. training.max_steps=10")
        key, raw = item.split("=", 1)
        parts = key.strip().split(".")
        if len(parts) != 2 or not all(parts):
            raise ConfigError(f"{source} {item!r}: the key must be section.key, e.g. lora.rank")
        try:
            value = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError as exc:
            raise ConfigError(f"{source} {item!r}: the value is not valid YAML ({exc})") from exc
        result.setdefault(parts[0], {})[parts[1]] = value
    return result


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(dict(merged[key]), value)
        else:
            merged[key] = value
    return merged


def load_config(path: Optional[Path | str], overrides: Sequence[str] = ()) -> FinetuneConfig:
    """Read ``path`` (YAML; None: defaults), apply ``--set`` overrides and validate.

    Raises:
        ConfigError: unreadable file, unknown key or impossible value; the message names them.
    """
    import yaml

    raw: dict[str, Any] = {}
    source = "(defaults)"
    if path is not None:
        file = Path(path)
        source = str(file)
        if not file.is_file():
            raise ConfigError(f"{file}: config file not found; see configs/finetune.yml for the format")
        try:
            loaded = yaml.safe_load(file.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ConfigError(f"{file}: not valid YAML ({exc})") from exc
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError(f"{file}: the top level must be a mapping of sections {sorted(_SECTIONS)}")
        raw = loaded
    if overrides:
        raw = _merge(raw, parse_overrides(overrides))
    return from_dict(raw, source)


def from_dict(raw: Mapping[str, Any], source: str = "(mapping)") -> FinetuneConfig:
    """Build and validate a config from a mapping (a YAML file's content).

    Raises:
        ConfigError: see :func:`load_config`.
    """
    unknown = sorted(set(raw) - set(_SECTIONS))
    if unknown:
        raise ConfigError(f"{source}: unknown section(s) {unknown}; known sections: {sorted(_SECTIONS)}")
    sections: dict[str, Any] = {}
    for name, cls in _SECTIONS.items():
        values = raw.get(name) or {}
        if not isinstance(values, Mapping):
            raise ConfigError(f"{source}: section {name!r} must be a mapping, got {type(values).__name__}")
        fields = {f.name: f for f in dataclasses.fields(cls)}
        bad = sorted(set(values) - set(fields))
        if bad:
            raise ConfigError(f"{source}: unknown key(s) {', '.join(name + '.' + b for b in bad)}; known keys of {name}: {sorted(fields)}")
        kwargs = {}
        for key, value in values.items():
            kwargs[key] = _coerce(value, fields[key], f"{source}: {name}.{key}")
        sections[name] = cls(**kwargs)
    config = FinetuneConfig(**sections, source=source)
    validate(config)
    return config


def _coerce(value: Any, f: dataclasses.Field, where: str) -> Any:
    kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, got {value!r}")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise ConfigError(f"{where} must be a whole number, got {value!r}")
        return value
    if kind == "float":
        if isinstance(value, str):
            # PyYAML reads "3e-4" (no dot) as a string; accept it as the number it means.
            try:
                value = float(value)
            except ValueError:
                raise ConfigError(f"{where} must be a number, got {value!r}") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where} must be a number, got {value!r}")
        return float(value)
    if kind == "str":
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be a string, got {value!r}")
        return value
    if kind.startswith("list"):
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} must be a list of names, got {value!r}")
        return value
    return value


def production_top_k(config: FinetuneConfig) -> int:
    """Passages to retrieve: ``data.retrieval_top_k`` or the answering action's ``TOP_K``."""
    if config.data.retrieval_top_k:
        return config.data.retrieval_top_k
    from bot.generation.answer import TOP_K

    return TOP_K


def production_max_new_tokens(config: FinetuneConfig) -> int:
    """Generation budget: ``evaluation.max_new_tokens`` or the answering action's ``MAX_NEW_TOKENS``."""
    if config.evaluation.max_new_tokens:
        return config.evaluation.max_new_tokens
    from bot.generation.answer import MAX_NEW_TOKENS

    return MAX_NEW_TOKENS


def validate(config: FinetuneConfig) -> None:
    """Check every value that training could only discover too late.

    Raises:
        ConfigError: the first impossible value, with the key and the fix.
    """
    s = config.source
    d, lo, t, e, o = config.data, config.lora, config.training, config.evaluation, config.output

    def need(condition: bool, key: str, value: Any, rule: str) -> None:
        if not condition:
            raise ConfigError(f"{s}: {key} {rule}, got {value!r}")

    need(lo.rank >= 1, "lora.rank", lo.rank, "must be >= 1 (try 8 or 16)")
    need(lo.alpha > 0, "lora.alpha", lo.alpha, "must be > 0 (usually 2 x rank)")
    need(0.0 <= lo.dropout < 1.0, "lora.dropout", lo.dropout, "must be in [0, 1)")
    need(bool(lo.target_modules), "lora.target_modules", lo.target_modules, "must name at least one module")
    unknown = [m for m in lo.target_modules if m not in LLAMA_MODULES]
    if unknown:
        raise ConfigError(
            f"{s}: lora.target_modules has unknown module(s) {unknown}; SmolLM2 has {list(LLAMA_MODULES)}"
        )
    need(0 <= lo.last_n_layers <= N_LAYERS, "lora.last_n_layers", lo.last_n_layers, f"must be in 0..{N_LAYERS} (0 = all layers)")
    need(t.learning_rate > 0 and t.learning_rate < 1, "training.learning_rate", t.learning_rate, "must be > 0 and < 1 (try 2e-4)")
    need(t.lr_schedule in SCHEDULES, "training.lr_schedule", t.lr_schedule, f"must be one of {list(SCHEDULES)}")
    need(t.warmup_steps >= 0, "training.warmup_steps", t.warmup_steps, "must be >= 0")
    need(t.max_steps >= 1 or t.epochs > 0, "training.max_steps", t.max_steps, "must be >= 1 (or set training.epochs)")
    need(t.epochs >= 0, "training.epochs", t.epochs, "must be >= 0")
    need(t.batch_size >= 1, "training.batch_size", t.batch_size, "must be >= 1")
    need(t.grad_accum >= 1, "training.grad_accum", t.grad_accum, "must be >= 1")
    need(t.max_seq_len >= 64, "training.max_seq_len", t.max_seq_len, "must be >= 64 (prompts alone are ~400 tokens)")
    need(t.weight_decay >= 0, "training.weight_decay", t.weight_decay, "must be >= 0")
    need(t.max_grad_norm > 0, "training.max_grad_norm", t.max_grad_norm, "must be > 0")
    need(t.eval_every >= 1, "training.eval_every", t.eval_every, "must be >= 1")
    need(t.eval_max_examples >= 1, "training.eval_max_examples", t.eval_max_examples, "must be >= 1")
    need(t.early_stopping_patience >= 0, "training.early_stopping_patience", t.early_stopping_patience, "must be >= 0")
    need(t.checkpoint_every >= 1, "training.checkpoint_every", t.checkpoint_every, "must be >= 1")
    need(t.device in DEVICES, "training.device", t.device, f"must be one of {list(DEVICES)}")
    need(t.threads >= 0, "training.threads", t.threads, "must be >= 0 (0 = all cores)")
    need(t.interrupt_after_steps >= 0, "training.interrupt_after_steps", t.interrupt_after_steps, "must be >= 0")
    need(d.min_train_examples >= 1, "data.min_train_examples", d.min_train_examples, "must be >= 1")
    need(d.min_validation_examples >= 1, "data.min_validation_examples", d.min_validation_examples, "must be >= 1")
    need(d.min_test_examples >= 1, "data.min_test_examples", d.min_test_examples, "must be >= 1")
    need(d.max_train_examples >= 0, "data.max_train_examples", d.max_train_examples, "must be >= 0 (0 = all)")
    need(d.retrieval_top_k >= 0, "data.retrieval_top_k", d.retrieval_top_k, "must be >= 0 (0 = as the answering action)")
    need(e.validation_examples >= 1, "evaluation.validation_examples", e.validation_examples, "must be >= 1")
    need(e.max_examples >= 0, "evaluation.max_examples", e.max_examples, "must be >= 0 (0 = the whole test split)")
    need(e.bootstrap_samples >= 100, "evaluation.bootstrap_samples", e.bootstrap_samples, "must be >= 100 (try 2000)")
    need(e.max_new_tokens >= 0, "evaluation.max_new_tokens", e.max_new_tokens, "must be >= 0 (0 = as the answering action)")
    need(e.batch_size >= 1, "evaluation.batch_size", e.batch_size, "must be >= 1")
    need(e.report_samples >= 0, "evaluation.report_samples", e.report_samples, "must be >= 0")
    if o.run_id:
        need(
            all(c.isalnum() or c in "-_." for c in o.run_id) and not o.run_id.startswith("."),
            "output.run_id", o.run_id, "may hold letters, digits, '-', '_' and '.' only, not starting with '.'",
        )
