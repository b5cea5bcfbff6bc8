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


def perplexity(nll: float) -> float:
    """exp(mean NLL), capped to stay finite in JSON."""
    return float(math.exp(min(nll, 50.0))) if nll == nll else float("nan")


def generate(model: Any, tokenizer: Any, prompts: Sequence[str], max_new_tokens: int, batch_size: int, device: str) -> list[str]:
    """Greedy completions of rendered prompts (batched, left padding), end-of-turn stripped."""
    import torch

    end_id = tokenizer.convert_tokens_to_ids(END_OF_TURN)
    answers: list[str] = []
    model.eval()
    for chunk in batches(list(prompts), batch_size):
        encoded = [tokenizer(p, add_special_tokens=False)["input_ids"] for p in chunk]
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
        for row in range(len(encoded)):
            new = output[row, length:].tolist()
            if end_id in new:
                new = new[: new.index(end_id)]
            answers.append(tokenizer.decode(new, skip_special_tokens=True).strip())
    return answers


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
