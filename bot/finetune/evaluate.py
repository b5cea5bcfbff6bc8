"""Evaluation of a causal LM (with or without its LoRA adapter) on prompt -> reply examples.

- ``reply_nll``: summed negative log-likelihood of the reply tokens only (the prompt is
  context), which gives validation loss and perplexity (``exp(nll / tokens)``).
- ``generate``: greedy answers, batched with left padding, stopping at the end-of-turn token.
- ``score_answers``: answer similarity (cosine of all-MiniLM-L6-v2 embeddings of answer and
  reference reply) and the unsupported-fact rate (share of answers stating a number, URL,
  email, phone or order number found in none of the prompt's passages, the question or the
  earlier turns: :func:`bot.knowledge.facts.unsupported_facts`, the check the bot runs).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

from bot.finetune.dataset import END_OF_TURN, Example, Tokenized

logger = logging.getLogger(__name__)


def batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """Consecutive slices of ``items`` of at most ``size`` elements."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def collate(items: Sequence[Tokenized], pad_id: int, device: str) -> dict[str, Any]:
    """Right-padded ids, attention mask and a mask of the positions whose next token is a reply token."""
    import torch

    length = max(len(t.input_ids) for t in items)
    ids = torch.full((len(items), length), pad_id, dtype=torch.long)
    attention = torch.zeros((len(items), length), dtype=torch.long)
    labels = torch.full((len(items), length), -100, dtype=torch.long)
    for row, item in enumerate(items):
        n = len(item.input_ids)
        ids[row, :n] = torch.tensor(item.input_ids, dtype=torch.long)
        attention[row, :n] = 1
        labels[row, item.n_prompt : n] = ids[row, item.n_prompt : n]
    return {"input_ids": ids.to(device), "attention_mask": attention.to(device), "labels": labels.to(device)}


def reply_nll(model: Any, batch: dict[str, Any]) -> tuple[Any, int]:
    """Summed NLL of the reply tokens of ``batch`` and their count.

    The LM head (49k-word vocabulary) runs only on the positions that predict a reply token,
    which saves about a fifth of the compute of a step on long prompts.
    """
    import torch

    causal_lm = model.get_base_model() if hasattr(model, "get_base_model") else model
    hidden = causal_lm.model(
        input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], use_cache=False
    ).last_hidden_state
    targets = batch["labels"][:, 1:]
    mask = targets != -100
    selected = hidden[:, :-1][mask]
    logits = causal_lm.lm_head(selected).float()
    loss = torch.nn.functional.cross_entropy(logits, targets[mask], reduction="sum")
    return loss, int(mask.sum().item())


def mean_nll(model: Any, items: Sequence[Tokenized], pad_id: int, device: str, batch_size: int) -> tuple[float, int]:
    """Mean reply-token NLL over ``items`` (no gradients) and the token count."""
    import torch

    total, tokens = 0.0, 0
    was_training = model.training
    model.eval()
    with torch.inference_mode():
        for chunk in batches(items, batch_size):
            loss, n = reply_nll(model, collate(chunk, pad_id, device))
            total += float(loss)
            tokens += n
    if was_training:
        model.train()
    return (total / tokens if tokens else float("nan")), tokens


def example_nlls(model: Any, items: Sequence[Tokenized], pad_id: int, device: str, batch_size: int) -> list[tuple[float, int]]:
    """Per example: summed NLL of its reply tokens and their count (no gradients).

    Perplexity over any subset is then ``exp(sum of NLLs / sum of counts)``, which is what the
    bootstrap of the test intervals resamples.
    """
    import torch

    result: list[tuple[float, int]] = []
    was_training = model.training
    model.eval()
    with torch.inference_mode():
        for chunk in batches(items, batch_size):
            batch = collate(chunk, pad_id, device)
            causal_lm = model.get_base_model() if hasattr(model, "get_base_model") else model
            hidden = causal_lm.model(
                input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], use_cache=False
            ).last_hidden_state
            targets = batch["labels"][:, 1:]
            mask = targets != -100
            logits = causal_lm.lm_head(hidden[:, :-1][mask]).float()
            losses = torch.nn.functional.cross_entropy(logits, targets[mask], reduction="none")
            rows = mask.nonzero()[:, 0]
            sums = torch.zeros(len(chunk), dtype=torch.float64).index_add_(0, rows, losses.double())
            counts = mask.sum(dim=1)
            result += [(float(sums[r]), int(counts[r])) for r in range(len(chunk))]
    if was_training:
        model.train()
    return result


def perplexity(nll: float) -> float:
    """exp(mean NLL), capped to stay finite in JSON."""
    return float(math.exp(min(nll, 50.0))) if nll == nll else float("nan")


def generate(model: Any, tokenizer: Any, prompts: Sequence[str], max_new_tokens: int, batch_size: int, device: str) -> list[str]:
    """Greedy completions of rendered prompts (batched, left padding), end-of-turn stripped.

    Prompts are batched in order of length (answers come back in the order of ``prompts``), so
    a batch pads little: on CPU the prompt pass dominates the cost of short answers.
    """
    import torch

    end_id = tokenizer.convert_tokens_to_ids(END_OF_TURN)
    encoded_all = [tokenizer(p, add_special_tokens=False)["input_ids"] for p in prompts]
    order = sorted(range(len(prompts)), key=lambda i: len(encoded_all[i]))
    answers: dict[int, str] = {}
    model.eval()
    for chunk in batches(order, batch_size):
        encoded = [encoded_all[i] for i in chunk]
        length = max(len(e) for e in encoded)
        ids = torch.full((len(encoded), length), end_id, dtype=torch.long)
        attention = torch.zeros((len(encoded), length), dtype=torch.long)
        for row, e in enumerate(encoded):
            ids[row, length - len(e) :] = torch.tensor(e, dtype=torch.long)
            attention[row, length - len(e) :] = 1
        with torch.inference_mode():
            output = model.generate(
                input_ids=ids.to(device),
                attention_mask=attention.to(device),
                max_new_tokens=max_new_tokens,
                do_sample=False,
                eos_token_id=end_id,
                pad_token_id=end_id,
            )
        for row, index in enumerate(chunk):
            new = output[row, length:].tolist()
            if end_id in new:
                new = new[: new.index(end_id)]
            answers[index] = tokenizer.decode(new, skip_special_tokens=True).strip()
    return [answers[i] for i in range(len(prompts))]


@dataclass(frozen=True)
class AnswerScores:
    """Per-answer scores and their means."""

    similarities: list[float]
    unsupported: list[list[str]]

    @property
    def answer_similarity(self) -> float:
        return sum(self.similarities) / len(self.similarities) if self.similarities else float("nan")

    @property
    def unsupported_fact_rate(self) -> float:
        return sum(1 for u in self.unsupported if u) / len(self.unsupported) if self.unsupported else float("nan")


def score_answers(answers: Sequence[str], examples: Sequence[Example]) -> AnswerScores:
    """Similarity to the reference replies and unsupported facts of each answer."""
    from bot.knowledge.embedder import get_embedder
    from bot.knowledge.facts import unsupported_facts

    embedder = get_embedder()
    answer_vectors = embedder.encode([a if a.strip() else "(empty)" for a in answers])
    reference_vectors = embedder.encode([e.target for e in examples])
    similarities = [float((a * r).sum()) for a, r in zip(answer_vectors, reference_vectors)]
    unsupported = [list(unsupported_facts(a, list(e.sources))) for a, e in zip(answers, examples)]
    return AnswerScores(similarities, unsupported)


def summarise(per: dict[str, list[Any]], clusters: Sequence[str], samples: int, seed: int) -> dict[str, Any]:
    """Means of one model's per-exchange scores with their 95 % intervals.

    Args:
        per: per exchange ``similarity``, ``unsupported`` (bool), ``nll`` and ``tokens`` (reply
            NLL sum and count), ``similarity_raw``, ``unsupported_raw``, ``chars``.
        clusters: the cluster of each exchange (its normalised reference reply) for the bootstrap.

    Returns:
        answer similarity (bootstrap interval), unsupported-fact rate (Wilson interval, with the
        count), perplexity (bootstrap interval), the raw-generation variants and mean length.
    """
    from bot.finetune.stats import cluster_bootstrap, wilson

    n = len(per["similarity"])
    k = sum(1 for u in per["unsupported"] if u)
    sim, nll, tok = per["similarity"], per["nll"], per["tokens"]

    def mean_sim(idx: Sequence[int]) -> float:
        return sum(sim[i] for i in idx) / len(idx)

    def ppl(idx: Sequence[int]) -> float:
        return perplexity(sum(nll[i] for i in idx) / max(1, sum(tok[i] for i in idx)))

    return {
        "answer_similarity": round(mean_sim(range(n)), 4),
        "answer_similarity_ci95": [round(v, 4) for v in cluster_bootstrap(clusters, mean_sim, samples, seed)],
        "unsupported_fact_rate": round(k / n, 4),
        "unsupported_answers": k,
        "unsupported_fact_rate_ci95": [round(v, 4) for v in wilson(k, n)],
        "perplexity": round(ppl(range(n)), 4),
        "perplexity_ci95": [round(v, 3) for v in cluster_bootstrap(clusters, ppl, samples, seed)],
        "answer_similarity_raw": round(sum(per["similarity_raw"]) / n, 4),
        "unsupported_fact_rate_raw": round(sum(1 for u in per["unsupported_raw"] if u) / n, 4),
        "mean_answer_chars": round(sum(per["chars"]) / n, 1),
    }


def differences(tuned: dict[str, list[Any]], base: dict[str, list[Any]], clusters: Sequence[str],
                samples: int, seed: int) -> dict[str, Any]:
    """Fine-tuned minus base for each goal metric, with a paired clustered-bootstrap 95 % interval."""
    from bot.finetune.stats import cluster_bootstrap

    def mean_of(values: Sequence[Any]) -> Any:
        return lambda idx: sum(float(values[i]) for i in idx) / len(idx)

    def ppl_of(per: dict[str, list[Any]]) -> Any:
        return lambda idx: perplexity(sum(per["nll"][i] for i in idx) / max(1, sum(per["tokens"][i] for i in idx)))

    result: dict[str, Any] = {}
    pairs = {
        "answer_similarity": (mean_of(tuned["similarity"]), mean_of(base["similarity"])),
        "unsupported_fact_rate": (mean_of(tuned["unsupported"]), mean_of(base["unsupported"])),
        "perplexity": (ppl_of(tuned), ppl_of(base)),
    }
    everything = range(len(clusters))
    for key, (t, b) in pairs.items():
        low, high = cluster_bootstrap(clusters, lambda idx, t=t, b=b: t(idx) - b(idx), samples, seed)
        result[key] = round(t(everything) - b(everything), 4)
        result[f"{key}_ci95"] = [round(low, 4), round(high, 4)]
    return result
