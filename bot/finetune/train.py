"""LoRA fine-tuning of the answer generator: data -> training loop -> evaluation -> run folder.

A run (``run_finetune``) goes through these stages; everything that can be wrong with the
input is found before the model is loaded:

1. config (validated on load), splits read and counted, examples built with the production
   prompt (retrieval + ``build_prompt``), tokenized and checked against ``max_seq_len``;
2. training: AdamW on the adapter weights, warm-up + schedule, gradient accumulation and
   clipping, loss on reply tokens only; a tqdm bar shows loss and tokens/s; validation loss and
   perplexity every ``eval_every`` steps with early stopping; a checkpoint every
   ``checkpoint_every`` steps (adapter, optimizer, scheduler, RNG states, monitoring state)
   in ``<output.dir>/.work/<run-id>/`` so ``--resume`` continues at the right step;
3. evaluation of the best adapter and of the base model on the test split;
4. the run folder is assembled next to its final place and renamed into
   ``<output.dir>/<run-id>/`` in one step. The registry (``registry.json``, the active
   adapter) is never written by a run: promotion is a separate, explicit command.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import random
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

from bot.finetune import dataset as ds
from bot.finetune.config import ConfigError, FinetuneConfig, from_dict

logger = logging.getLogger(__name__)

CHECKPOINT = "checkpoint.pt"
WORK = ".work"
EXIT_INTERRUPTED = 130


class FinetuneError(RuntimeError):
    """A run cannot start or continue (bad resume target, run id taken...)."""


class Interrupted(Exception):
    """Training stopped on request (Ctrl-C or ``training.interrupt_after_steps``); a checkpoint is saved."""

    def __init__(self, run_id: str, step: int) -> None:
        super().__init__(f"run {run_id} interrupted after step {step}")
        self.run_id = run_id
        self.step = step


@dataclass
class RunResult:
    """What a finished run produced."""

    run_id: str
    folder: Path
    metrics: dict[str, Any]


@dataclass
class Prepared:
    """Everything checked and built before the model trains."""

    examples: dict[str, list[ds.Example]]
    tokens: dict[str, list[ds.Tokenized]]
    stats: dict[str, Any]
    digests: dict[str, str]
    tokenizer: Any


@dataclass
class TrainState:
    """Monitoring state saved in checkpoints."""

    step: int = 0
    best_val_loss: float = float("inf")
    best_step: int = 0
    bad_evals: int = 0
    stopped_early: bool = False
    train_seconds: float = 0.0
    train_cpu_seconds: float = 0.0
    best_adapter: Optional[dict[str, Any]] = field(default=None, repr=False)


# ---------------------------------------------------------------------------- paths


def output_dir(config: FinetuneConfig) -> Path:
    """``output.dir`` resolved against the repository root."""
    return config.path(config.output.dir)


def work_dir(config: FinetuneConfig, run_id: str) -> Path:
    """Checkpoints and the live metrics log of an unfinished run."""
    return output_dir(config) / WORK / run_id


def new_run_id() -> str:
    """``ft-YYYYmmdd-HHMMSS`` in UTC."""
    return "ft-" + datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")


def latest_unfinished(config: FinetuneConfig) -> Optional[str]:
    """The most recently checkpointed unfinished run under ``output.dir``, if any."""
    root = output_dir(config) / WORK
    if not root.is_dir():
        return None
    runs = [p for p in root.iterdir() if (p / CHECKPOINT).is_file()]
    if not runs:
        return None
    return max(runs, key=lambda p: (p / CHECKPOINT).stat().st_mtime).name


# ---------------------------------------------------------------------------- preparation


def prepare(config: FinetuneConfig) -> Prepared:
    """Read, check, retrieve, build and tokenize every split (no model weights loaded).

    Raises:
        ds.DatasetError: missing or malformed splits, too few examples, max_seq_len too short.
    """
    exchanges: dict[str, list[ds.RawExchange]] = {}
    digests: dict[str, str] = {}
    for split in ds.SPLITS:
        path = ds.split_path(config, split)
        exchanges[split] = ds.read_exchanges(path)
        digests[split] = ds.file_digest(path)
    ds.check_sizes(config, {k: len(v) for k, v in exchanges.items()})

    from bot.finetune.config import production_top_k

    builder = ds.PromptBuilder(ds.load_retriever(), production_top_k(config))
    examples, stats = ds.build_examples(config, builder, exchanges)
    used = ds.SPLITS if config.evaluation.test else ("train", "validation")
    ds.check_sizes(config, {k: len(v) for k, v in examples.items()}, used)

    from bot.finetune.modeling import load_tokenizer

    tokenizer = load_tokenizer()
    tokens: dict[str, list[ds.Tokenized]] = {}
    for split in ds.SPLITS:
        examples[split], tokens[split] = ds.tokenize_split(
            examples[split], tokenizer, config.training.max_seq_len, split, config.source
        )
    ds.check_sizes(config, {k: len(v) for k, v in tokens.items()}, used)
    stats["examples_tokenized"] = {k: len(v) for k, v in tokens.items()}
    stats["mean_tokens"] = {
        k: round(sum(len(t.input_ids) for t in v) / len(v), 1) for k, v in tokens.items() if v
    }
    return Prepared(examples, tokens, stats, digests, tokenizer)


def total_steps(config: FinetuneConfig, n_train: int) -> int:
    """Optimizer steps of the run (from ``epochs`` when set)."""
    t = config.training
    if t.epochs > 0:
        return max(1, math.ceil(t.epochs * n_train / (t.batch_size * t.grad_accum)))
    return t.max_steps


def lr_factor(step: int, total: int, warmup: int, schedule: str) -> float:
    """Multiplier of the learning rate at optimizer step ``step`` (0-based)."""
    if warmup and step < warmup:
        return (step + 1) / warmup
    if schedule == "constant":
        return 1.0
    progress = (step - warmup) / max(1, total - warmup)
    progress = min(max(progress, 0.0), 1.0)
    if schedule == "linear":
        return max(0.0, 1.0 - progress)
    return 0.5 * (1.0 + math.cos(math.pi * progress))


class Order:
    """Deterministic example order: a fresh seeded shuffle per epoch, indexed by position."""

    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.seed = seed
        self._cache: dict[int, list[int]] = {}

    def __getitem__(self, position: int) -> int:
        epoch, offset = divmod(position, self.n)
        if epoch not in self._cache:
            order = list(range(self.n))
            random.Random(self.seed * 1000 + epoch).shuffle(order)
            self._cache = {epoch: order}
        return self._cache[epoch][offset]


# ---------------------------------------------------------------------------- checkpoints


def _atomic_torch_save(payload: Any, path: Path) -> None:
    import torch

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        torch.save(payload, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_checkpoint(folder: Path, model: Any, optimizer: Any, scheduler: Any, state: TrainState,
                    config: FinetuneConfig, digests: dict[str, str]) -> None:
    """Write everything a resumed run needs, atomically (a crash keeps the previous checkpoint)."""
    import numpy as np
    import torch

    from bot.finetune.modeling import trainable_state

    payload = {
        "step": state.step,
        "adapter": trainable_state(model),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "state": {k: getattr(state, k) for k in ("best_val_loss", "best_step", "bad_evals", "stopped_early", "train_seconds", "train_cpu_seconds")},
        "best_adapter": state.best_adapter,
        "rng": {"torch": torch.get_rng_state(), "python": random.getstate(), "numpy": np.random.get_state()},
        "config": config.to_dict(),
        "digests": digests,
    }
    _atomic_torch_save(payload, folder / CHECKPOINT)


def load_checkpoint(folder: Path) -> dict[str, Any]:
    """Read a checkpoint written by :func:`save_checkpoint`.

    Raises:
        FinetuneError: no checkpoint in ``folder``.
    """
    import torch

    path = folder / CHECKPOINT
    if not path.is_file():
        raise FinetuneError(f"{path}: no checkpoint to resume from; start a new run without --resume")
    # our own checkpoint (it holds Python and NumPy RNG states, which weights_only refuses)
    return torch.load(path, map_location="cpu", weights_only=False)  # nosec B614


def _append_jsonl(path: Path, record: dict[str, Any]) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
        handle.flush()


def _truncate_log(path: Path, step: int) -> None:
    """Drop log lines of steps after ``step`` (they are redone after a resume)."""
    if not path.is_file():
        return
    kept = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and json.loads(line).get("step", 0) <= step]
    path.write_text("".join(line + "\n" for line in kept), encoding="utf-8")


# ---------------------------------------------------------------------------- the run


def run_finetune(config: FinetuneConfig, resume: Optional[str] = None, progress: bool = True) -> RunResult:
    """Fine-tune, evaluate and write a run folder (see module docstring).

    Args:
        config: the validated configuration (ignored for a resumed run, which continues with
            the configuration saved in its checkpoint).
        resume: ``None`` for a new run, ``"latest"`` or a run id to continue.
        progress: show progress bars.

    Raises:
        ConfigError, ds.DatasetError, FinetuneError: before training starts.
        Interrupted: on Ctrl-C or ``training.interrupt_after_steps`` (checkpoint saved).
    """
    process_started = time.perf_counter()
    checkpoint: Optional[dict[str, Any]] = None
    if resume:
        run_id = latest_unfinished(config) if resume == "latest" else resume
        if not run_id:
            raise FinetuneError(f"no unfinished run under {output_dir(config) / WORK} to resume")
        checkpoint = load_checkpoint(work_dir(config, run_id))
        saved = from_dict(checkpoint["config"], f"{work_dir(config, run_id) / CHECKPOINT} (saved config)")
        saved.output.dir = str(output_dir(config))
        config = saved
        logger.info("Resuming run %s after step %d", run_id, checkpoint["step"])
    else:
        run_id = config.output.run_id or new_run_id()
    final = output_dir(config) / run_id
    if final.exists():
        raise FinetuneError(f"{final} already exists; choose another output.run_id or remove that folder")

    prepared = prepare(config)
    if checkpoint is not None and checkpoint["digests"] != prepared.digests:
        raise FinetuneError(
            f"the splits in {config.data.splits_dir} changed since run {run_id} started; "
            "start a new run instead of resuming"
        )
    work = work_dir(config, run_id)
    work.mkdir(parents=True, exist_ok=True)
    return _train_and_finish(config, run_id, work, final, prepared, checkpoint, progress, process_started)


def _train_and_finish(config: FinetuneConfig, run_id: str, work: Path, final: Path, prepared: Prepared,
                      checkpoint: Optional[dict[str, Any]], progress: bool, process_started: float) -> RunResult:
    import numpy as np
    import torch

    from bot.finetune import evaluate as ev
    from bot.finetune.modeling import add_lora, load_base_model, load_trainable_state, resolve_device, trainable_state

    t = config.training
    device = resolve_device(config)
    if device == "cpu":
        torch.set_num_threads(t.threads or (os.cpu_count() or 1))
    random.seed(t.seed)
    np.random.seed(t.seed)
    torch.manual_seed(t.seed)

    tokenizer = prepared.tokenizer
    pad_id = tokenizer.convert_tokens_to_ids(ds.END_OF_TURN)
    train_items = prepared.tokens["train"]
    # Validation loss (early stopping, best step) on eval_max_examples exchanges spread over
    # the validation examples; the end-of-run validation answers use all of them.
    val_items = [prepared.tokens["validation"][i] for i in ds.spread(len(prepared.tokens["validation"]), t.eval_max_examples)]
    steps = total_steps(config, len(train_items))

    model = add_lora(load_base_model(device), config)
    trainable = [p for p in model.parameters() if p.requires_grad]
    n_trainable = sum(p.numel() for p in trainable)
    optimizer = torch.optim.AdamW(trainable, lr=t.learning_rate, weight_decay=t.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: lr_factor(s, steps, t.warmup_steps, t.lr_schedule)
    )
    state = TrainState()
    log_path = work / "metrics.jsonl"
    if checkpoint is not None:
        load_trainable_state(model, checkpoint["adapter"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        scheduler.load_state_dict(checkpoint["scheduler"])
        for key, value in checkpoint["state"].items():
            setattr(state, key, value)
        state.step = int(checkpoint["step"])
        state.best_adapter = checkpoint["best_adapter"]
        torch.set_rng_state(checkpoint["rng"]["torch"])
        random.setstate(checkpoint["rng"]["python"])
        np.random.set_state(checkpoint["rng"]["numpy"])
        _truncate_log(log_path, state.step)
    else:
        log_path.write_text("", encoding="utf-8")
        _append_jsonl(log_path, {"step": 0, "event": "start", "run_id": run_id, "n_train": len(train_items),
                                 "trainable_parameters": n_trainable, "device": device, "total_steps": steps})

    order = Order(len(train_items), t.seed)
    logger.info(
        "Run %s: %d training examples, %d optimizer steps of %d x %d, %d adapter parameters, device %s",
        run_id, len(train_items), steps, t.batch_size, t.grad_accum, n_trainable, device,
    )

    def validate_now() -> float:
        loss, _ = ev.mean_nll(model, val_items, pad_id, device, t.batch_size)
        return loss

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=steps, initial=state.step, desc="fine-tune", unit="step", dynamic_ncols=True)
    last_saved = state.step
    if checkpoint is None:
        # Where the curve starts: the base model's validation loss (adapter B matrices are zero).
        start_loss = validate_now()
        _append_jsonl(log_path, {"step": 0, "val_loss": round(start_loss, 5),
                                 "val_perplexity": round(ev.perplexity(start_loss), 4)})
    try:
        model.train()
        while state.step < steps and not state.stopped_early:
            started, cpu_started = time.perf_counter(), time.process_time()
            loss_total, tokens_seen, reply_tokens = 0.0, 0, 0
            for micro in range(t.grad_accum):
                first = (state.step * t.grad_accum + micro) * t.batch_size
                items = [train_items[order[p]] for p in range(first, first + t.batch_size)]
                batch = ev.collate(items, pad_id, device)
                loss_sum, n = ev.reply_nll(model, batch)
                # Normalise by the reply tokens of the whole accumulated batch.
                (loss_sum / max(1, n) / t.grad_accum).backward()
                loss_total += loss_sum.item() / max(1, n) / t.grad_accum
                tokens_seen += int(batch["attention_mask"].sum())
                reply_tokens += n
            grad_norm = float(torch.nn.utils.clip_grad_norm_(trainable, t.max_grad_norm))
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            state.step += 1
            seconds = time.perf_counter() - started
            state.train_seconds += seconds
            state.train_cpu_seconds += time.process_time() - cpu_started
            record: dict[str, Any] = {
                "step": state.step, "train_loss": round(loss_total, 5), "lr": scheduler.get_last_lr()[0],
                "grad_norm": round(grad_norm, 4), "tokens_per_second": round(tokens_seen / seconds, 1),
                "train_seconds": round(state.train_seconds, 1),
            }
            if state.step % t.eval_every == 0 or state.step == steps:
                val_loss = validate_now()
                record.update(val_loss=round(val_loss, 5), val_perplexity=round(ev.perplexity(val_loss), 4))
                if val_loss < state.best_val_loss - 1e-4:
                    state.best_val_loss, state.best_step, state.bad_evals = val_loss, state.step, 0
                    state.best_adapter = trainable_state(model)
                else:
                    state.bad_evals += 1
                    if t.early_stopping_patience and state.bad_evals >= t.early_stopping_patience:
                        state.stopped_early = True
                        record["event"] = "early_stop"
                        logger.info("Early stopping at step %d: validation loss has not improved since step %d",
                                    state.step, state.best_step)
            _append_jsonl(log_path, record)
            if bar is not None:
                postfix = {"loss": f"{loss_total:.3f}", "tok/s": f"{tokens_seen / seconds:.0f}"}
                if "val_loss" in record:
                    postfix["val"] = f"{record['val_loss']:.3f}"
                bar.set_postfix(postfix)
                bar.update(1)
            if state.step % t.checkpoint_every == 0 or state.stopped_early or state.step == steps:
                save_checkpoint(work, model, optimizer, scheduler, state, config, prepared.digests)
                last_saved = state.step
            if t.interrupt_after_steps and state.step == t.interrupt_after_steps and state.step < steps:
                raise KeyboardInterrupt
    except KeyboardInterrupt:
        if state.step != last_saved:
            save_checkpoint(work, model, optimizer, scheduler, state, config, prepared.digests)
        _append_jsonl(log_path, {"step": state.step, "event": "interrupted"})
        raise Interrupted(run_id, state.step) from None
    finally:
        if bar is not None:
            bar.close()

    if state.best_adapter is not None:
        load_trainable_state(model, state.best_adapter)
    metrics = _evaluate(config, model, prepared, device, pad_id)
    metrics.update({
        "run_id": run_id,
        "train_seconds": round(state.train_seconds, 1),
        "train_cpu_seconds": round(state.train_cpu_seconds, 1),
        "wall_seconds_this_process": round(time.perf_counter() - process_started, 1),
        "steps": state.step,
        "total_steps": steps,
        "best_step": state.best_step,
        "best_val_loss": round(state.best_val_loss, 5) if math.isfinite(state.best_val_loss) else None,
        "best_val_perplexity": round(ev.perplexity(state.best_val_loss), 4) if math.isfinite(state.best_val_loss) else None,
        "stopped_early": state.stopped_early,
        "n_train": len(train_items),
        "trainable_parameters": n_trainable,
        "device": device,
        "torch_threads": torch.get_num_threads() if device == "cpu" else None,
        "data": {"splits_dir": config.data.splits_dir, "digests": prepared.digests, **prepared.stats},
    })
    folder = _write_run(config, run_id, work, final, model, metrics)
    return RunResult(run_id, folder, metrics)


# ---------------------------------------------------------------------------- evaluation


def _evaluate(config: FinetuneConfig, model: Any, prepared: Prepared, device: str, pad_id: int) -> dict[str, Any]:
    """Both models on the validation exchanges (choice, promotion) and, with
    ``evaluation.test``, on the test exchanges (reported with intervals, never used to choose)."""
    e = config.evaluation
    results: dict[str, Any] = {}
    for split in ("validation", "test") if e.test else ("validation",):
        examples, items = prepared.examples[split], prepared.tokens[split]
        if split == "validation":
            keep = ds.spread(len(examples), e.validation_examples)
            examples, items = [examples[i] for i in keep], [items[i] for i in keep]
        results[split], records = _evaluate_split(config, model, prepared.tokenizer, examples, items, device, pad_id, split)
        results[split]["n_split"] = prepared.stats["exchanges"][split]
        results[f"_records_{split}"] = records
    return results


def _evaluate_split(config: FinetuneConfig, model: Any, tokenizer: Any, examples: list[ds.Example],
                    items: list[ds.Tokenized], device: str, pad_id: int, split: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from bot.finetune import evaluate as ev
    from bot.finetune.config import production_max_new_tokens
    from bot.finetune.leak import normalise
    from bot.generation.answer import _tidy
    from bot.guidelines import get_guidelines

    guidelines = get_guidelines()
    e = config.evaluation
    max_new_tokens = production_max_new_tokens(config)
    prompts = [x.prompt_text for x in examples]
    per: dict[str, dict[str, list[Any]]] = {}
    answers: dict[str, list[str]] = {}
    unsupported: dict[str, list[list[str]]] = {}
    seconds: dict[str, float] = {}
    for name, disable in [("finetuned", False)] + ([("base", True)] if e.compare_base else []):
        started = time.perf_counter()
        context = model.disable_adapter() if disable else contextlib.nullcontext()
        with context:
            nlls = ev.example_nlls(model, items, pad_id, device, config.training.batch_size)
            raw = ev.generate(model, tokenizer, prompts, max_new_tokens, e.batch_size, device)
        # Scored as the bot sees them before its fact check: the answering action's own tidy-up
        # (speaker label, repeated sentences, a tail cut mid-sentence by the token budget).
        generated = [_tidy(a, guidelines) for a in raw]
        scores, raw_scores = ev.score_answers(generated, examples), ev.score_answers(raw, examples)
        per[name] = {
            "similarity": scores.similarities, "unsupported": [bool(u) for u in scores.unsupported],
            "nll": [n for n, _ in nlls], "tokens": [t for _, t in nlls],
            "similarity_raw": raw_scores.similarities, "unsupported_raw": [bool(u) for u in raw_scores.unsupported],
            "chars": [len(a) for a in generated],
        }
        answers[name], unsupported[name] = generated, scores.unsupported
        seconds[name] = round(time.perf_counter() - started, 1)
    clusters = [normalise(x.target) for x in examples]
    seed = config.training.seed
    result: dict[str, Any] = {"n": len(examples), "distinct_references": len(set(clusters))}
    for name in per:
        result[name] = ev.summarise(per[name], clusters, e.bootstrap_samples, seed)
        result[name]["eval_seconds"] = seconds[name]
        logger.info("%s %s: perplexity %.3f, answer similarity %.4f, unsupported-fact rate %.3f", split.capitalize(),
                    name, result[name]["perplexity"], result[name]["answer_similarity"], result[name]["unsupported_fact_rate"])
    if "base" in per:
        result["differences"] = ev.differences(per["finetuned"], per["base"], clusters, e.bootstrap_samples, seed)
    reference = ev.score_answers([x.target for x in examples], examples)
    result["reference_unsupported_fact_rate"] = round(reference.unsupported_fact_rate, 4)
    records = [
        {"split": split, "conversation_id": x.conversation_id, "turn_index": x.turn_index, "question": x.question,
         "reference": x.target, **{k: answers[k][i] for k in answers},
         "similarity": {k: round(per[k]["similarity"][i], 4) for k in per},
         "unsupported": {k: unsupported[k][i] for k in per}}
        for i, x in enumerate(examples)
    ]
    return result, records


# ---------------------------------------------------------------------------- outputs

TEST_LEDGER = "test_evaluations.jsonl"


def _test_ledger(config: FinetuneConfig, run_id: str, digest: str, created: str) -> list[str]:
    """Record that ``run_id`` scored the test split; returns the earlier runs that scored the same one.

    The ledger (``<output.dir>/test_evaluations.jsonl``) makes "test is reported once"
    checkable: every finished run that answered the test split leaves a line.
    """
    path = output_dir(config) / TEST_LEDGER
    earlier: list[str] = []
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                if entry.get("test_digest") == digest:
                    earlier.append(entry.get("run_id", "?"))
    path.parent.mkdir(parents=True, exist_ok=True)
    _append_jsonl(path, {"run_id": run_id, "test_digest": digest, "created": created})
    return earlier


def _write_run(config: FinetuneConfig, run_id: str, work: Path, final: Path, model: Any, metrics: dict[str, Any]) -> Path:
    """Assemble the run folder beside its final place and rename it in (one atomic step)."""
    import yaml

    from bot.finetune import report
    from bot.finetune.gguf_export import write_adapter_gguf

    records = metrics.pop("_records_validation", []) + metrics.pop("_records_test", [])
    shown = "test" if config.evaluation.test else "validation"
    samples = [r for r in records if r["split"] == shown]
    metrics["validation_digest"] = metrics["data"]["digests"]["validation"]
    metrics["test_digest"] = metrics["data"]["digests"]["test"]
    metrics["evaluation"] = dict(vars(config.evaluation))
    from bot.finetune.config import production_max_new_tokens

    metrics["evaluation"]["max_new_tokens"] = production_max_new_tokens(config)
    metrics["created"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    if config.evaluation.test:
        metrics["test_evaluations_before"] = _test_ledger(config, run_id, metrics["test_digest"], metrics["created"])

    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{run_id}.tmp-", dir=final.parent))
    try:
        model.save_pretrained(str(tmp / "adapter"))
        if config.output.write_gguf:
            write_adapter_gguf(tmp / "adapter" , tmp / "adapter.gguf")
        (tmp / "config.yml").write_text(yaml.safe_dump(config.to_dict(), sort_keys=False), encoding="utf-8")
        (tmp / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
        (tmp / "answers.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        shutil.copyfile(work / "metrics.jsonl", tmp / "metrics.jsonl")
        report.plot_curves(tmp / "metrics.jsonl", tmp / "curves.png")
        (tmp / "report.md").write_text(report.samples_markdown(run_id, metrics, samples, config.evaluation.report_samples), encoding="utf-8")
        (tmp / "README.md").write_text(report.model_card(run_id, config, metrics), encoding="utf-8")
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(work, ignore_errors=True)
    if config.output.benchmark_json:
        from bot.data.storage import write_json

        write_json(config.path(config.output.benchmark_json), report.benchmark_summary(config, metrics))
    logger.info("Run %s written to %s (not active: promote it with `python -m bot generator promote %s`)",
                run_id, final, run_id)
    return final


__all__ = ["run_finetune", "RunResult", "Interrupted", "FinetuneError", "ConfigError", "EXIT_INTERRUPTED", "prepare"]
