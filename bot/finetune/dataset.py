"""Training examples from the prepared splits, in exactly the production prompt format.

One example per agent (or bot) reply that answers a customer turn. Its prompt is built the
way the answering action builds it (:func:`bot.generation.answer`): the retrieval query from
the customer's message (a short follow-up is searched together with the previous customer
turn, by the same function), the passages from the same retriever, and
:func:`bot.generation.prompt.build_prompt` with the guidelines and the earlier turns. The
target is the agent's reply followed by the end-of-turn token, so the model learns to stop.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

from bot.finetune.config import FinetuneConfig

logger = logging.getLogger(__name__)

SPLITS = ("train", "validation", "test")
END_OF_TURN = "<|im_end|>"


class DatasetError(ValueError):
    """The prepared data cannot be used for training; the message names the file and the fix."""


@dataclass(frozen=True)
class Example:
    """One reply to learn (or to evaluate on)."""

    conversation_id: str
    turn_index: int
    question: str
    history: tuple[tuple[str, str], ...]
    """Earlier turns as (role, text), role ``customer`` or ``assistant``."""
    target: str
    prompt_text: str
    sources: tuple[str, ...]
    """Texts a fact in the answer may come from: used passages, question, earlier turns."""
    passage_ids: tuple[str, ...]


@dataclass(frozen=True)
class RawExchange:
    """A customer turn and the reply to it, before retrieval."""

    conversation_id: str
    turn_index: int
    question: str
    history: tuple[tuple[str, str], ...]
    target: str


def split_path(config: FinetuneConfig, split: str) -> Path:
    """The JSONL file of ``split`` under ``data.splits_dir``."""
    return config.path(config.data.splits_dir) / f"{split}.jsonl"


def file_digest(path: Path) -> str:
    """SHA-256 (first 16 hex digits) of a file, to tie results to the data they came from."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def read_exchanges(path: Path) -> list[RawExchange]:
    """Read a canonical JSONL split and return its customer -> reply exchanges.

    Raises:
        DatasetError: the file is missing, or a line is not a valid conversation of the
            canonical schema (the message names the file and line).
    """
    from bot.data.schema import load_conversations

    if not path.is_file():
        raise DatasetError(
            f"{path}: split not found. Prepare the data with "
            "`python -m bot data run --config data/finetune/pipeline.yml` or set data.splits_dir."
        )
    exchanges: list[RawExchange] = []
    try:
        for conversation in load_conversations(path):
            turns = conversation.turns
            for index in range(1, len(turns)):
                reply, asked = turns[index], turns[index - 1]
                if reply.role not in ("agent", "bot") or asked.role != "customer":
                    continue
                if not reply.text.strip() or not asked.text.strip():
                    continue
                history = tuple(
                    ("customer" if t.role == "customer" else "assistant", t.text) for t in turns[: index - 1]
                )
                exchanges.append(
                    RawExchange(conversation.conversation_id, index, asked.text, history, reply.text.strip())
                )
    except ValueError as exc:
        raise DatasetError(
            f"{exc}. The fine-tuning splits must use the canonical conversation schema "
            "(bot/data/schema.py); re-run the data pipeline."
        ) from exc
    return exchanges


def check_sizes(config: FinetuneConfig, counts: dict[str, int], splits: Sequence[str] = SPLITS) -> None:
    """Refuse a dataset too small to train or evaluate on (checking ``splits`` only).

    Raises:
        DatasetError: a split has fewer exchanges than its ``data.min_*_examples``.
    """
    minimum = {
        "train": config.data.min_train_examples,
        "validation": config.data.min_validation_examples,
        "test": config.data.min_test_examples,
    }
    for split in splits:
        if counts.get(split, 0) < minimum[split]:
            key = f"data.min_{split}_examples"
            raise DatasetError(
                f"{split_path(config, split)}: {counts.get(split, 0)} customer->agent exchanges, "
                f"fewer than {key}={minimum[split]}. Add conversations (with agent replies) and "
                "re-run the data pipeline, or lower the minimum."
            )


class PromptBuilder:
    """Builds prompts the way the answering action does, with the same retriever."""

    def __init__(self, retriever: Any, top_k: int) -> None:
        from bot.guidelines import get_guidelines

        self.retriever = retriever
        self.top_k = top_k
        self.guidelines = get_guidelines()

    def queries(self, exchange: RawExchange) -> list[str]:
        """The retrieval queries the answering action would search for this exchange."""
        from bot.generation.answer import retrieval_queries
        from bot.generation.prompt import Turn

        history = [Turn(role, text) for role, text in exchange.history]  # type: ignore[arg-type]
        return retrieval_queries(exchange.question, history)

    def build_all(self, exchanges: Sequence[RawExchange]) -> list[Example]:
        """Examples of many exchanges; queries are embedded in batches (same passages as one by one)."""
        per_exchange = [self.queries(x) for x in exchanges]
        flat = [q for qs in per_exchange for q in qs]
        embedder = getattr(self.retriever, "embedder", None)
        if embedder is None or not hasattr(self.retriever, "retrieve_with_vector") or not flat:
            return [self.build(x) for x in exchanges]
        vectors = embedder.encode(flat)
        examples = []
        position = 0
        for exchange, queries in zip(exchanges, per_exchange):
            results = [
                self.retriever.retrieve_with_vector(q, vectors[position + i : position + i + 1], self.top_k)
                for i, q in enumerate(queries)
            ]
            position += len(queries)
            best = max(results, key=lambda r: r.confidence)  # the first on ties, like retrieve_best
            examples.append(self.build(exchange, list(best.passages)))
        return examples

    def build(self, exchange: RawExchange, passages: Optional[list[Any]] = None) -> Example:
        """The example of one exchange (retrieval + build_prompt)."""
        from bot.generation.prompt import DEFAULT_MAX_PASSAGES, Turn, build_prompt

        history = [Turn(role, text) for role, text in exchange.history]  # type: ignore[arg-type]
        if passages is None:
            from bot.generation.answer import retrieve_best

            passages, _ = retrieve_best(self.retriever, self.queries(exchange), self.top_k)
        prompt = build_prompt(exchange.question, passages, self.guidelines, history=history)
        used = passages[:DEFAULT_MAX_PASSAGES]
        sources = tuple([f"{p.heading}\n{p.text}" for p in used] + [exchange.question] + [t for _, t in exchange.history])
        return Example(
            conversation_id=exchange.conversation_id,
            turn_index=exchange.turn_index,
            question=exchange.question,
            history=exchange.history,
            target=exchange.target,
            prompt_text=prompt.text,
            sources=sources,
            passage_ids=tuple(getattr(p, "passage_id", p.doc_id) for p in used),
        )


def load_retriever() -> Any:
    """The bot's knowledge retriever; builds the index first when it is missing or stale.

    Raises:
        RuntimeError subclasses of the knowledge package when the index cannot be built.
    """
    from bot.knowledge.retriever import get_retriever
    from bot.knowledge.store import IndexMissingError, StaleIndexError

    try:
        return get_retriever()
    except (IndexMissingError, StaleIndexError) as exc:
        logger.info("Knowledge index needs a build (%s): running the indexer", type(exc).__name__)
        from bot.knowledge.indexer import build_index
        from bot.paths import KNOWLEDGE_DIR

        build_index(KNOWLEDGE_DIR)
        return get_retriever()


def ungrounded(example: Example) -> list[str]:
    """Facts of the example's target that its sources do not contain (see bot.knowledge.facts)."""
    from bot.knowledge.facts import unsupported_facts

    return list(unsupported_facts(example.target, list(example.sources)))


def spread(n: int, limit: int) -> list[int]:
    """Indices of at most ``limit`` of ``n`` items, spread evenly (deterministic)."""
    if n <= limit:
        return list(range(n))
    return sorted({int(i * n / limit) for i in range(limit)})


def build_examples(
    config: FinetuneConfig, builder: PromptBuilder, exchanges: dict[str, list[RawExchange]]
) -> tuple[dict[str, list[Example]], dict[str, Any]]:
    """Examples per split plus statistics (dropped ungrounded targets, counts)."""
    examples: dict[str, list[Example]] = {}
    stats: dict[str, Any] = {"exchanges": {k: len(v) for k, v in exchanges.items()}}
    # Only what the run uses is retrieved: validation and test are capped by their
    # evaluation sizes, the training split by max_train_examples (in chunks, since
    # ungrounded replies are dropped after retrieval). Without evaluation.test the test
    # split is not even turned into prompts.
    limits = {
        "validation": max(config.training.eval_max_examples, config.evaluation.validation_examples),
        "test": config.evaluation.max_examples or len(exchanges["test"]),
    }
    for split in SPLITS:
        raw = exchanges[split]
        if split == "test" and not config.evaluation.test:
            examples[split] = []
            continue
        if split == "train":
            cap = config.data.max_train_examples or len(raw)
            built, dropped, position = [], 0, 0
            while len(built) < cap and position < len(raw):
                chunk = builder.build_all(raw[position : position + max(64, 2 * (cap - len(built)))])
                position += len(chunk)
                for example in chunk:
                    if config.data.drop_ungrounded_targets and ungrounded(example):
                        dropped += 1
                    elif len(built) < cap:
                        built.append(example)
            stats["train_dropped_ungrounded"] = dropped
        else:
            built = builder.build_all([raw[i] for i in spread(len(raw), limits[split])])
            stats[f"{split}_references_ungrounded"] = sum(1 for e in built if ungrounded(e))
        examples[split] = built
    stats["examples"] = {k: len(v) for k, v in examples.items()}
    return examples, stats


# ---------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class Tokenized:
    """Token ids of one example; ``n_prompt`` first ids are the prompt (no loss)."""

    input_ids: tuple[int, ...]
    n_prompt: int


def tokenize(example: Example, tokenizer: Any, max_seq_len: int) -> Optional[Tokenized]:
    """Prompt ids + reply ids + end-of-turn id; None when it does not fit ``max_seq_len``.

    The prompt is tokenized on its own, as the generator does at serving time, so the
    boundary between prompt and reply is the one the model sees in production.
    """
    prompt_ids = tokenizer(example.prompt_text, add_special_tokens=False)["input_ids"]
    reply_ids = tokenizer(example.target, add_special_tokens=False)["input_ids"]
    end_id = tokenizer.convert_tokens_to_ids(END_OF_TURN)
    ids = list(prompt_ids) + list(reply_ids) + [end_id]
    if len(ids) > max_seq_len:
        return None
    return Tokenized(tuple(ids), len(prompt_ids))


def tokenize_split(
    examples: Sequence[Example], tokenizer: Any, max_seq_len: int, split: str, source: str
) -> tuple[list[Example], list[Tokenized]]:
    """Tokenize a split, dropping examples longer than ``max_seq_len``.

    Raises:
        DatasetError: ``max_seq_len`` is shorter than every prompt of the split (the message
            gives the length needed).
    """
    kept_examples: list[Example] = []
    kept: list[Tokenized] = []
    longest_prompt = 0
    for example in examples:
        item = tokenize(example, tokenizer, max_seq_len)
        if item is None:
            longest_prompt = max(longest_prompt, len(tokenizer(example.prompt_text, add_special_tokens=False)["input_ids"]))
            continue
        kept_examples.append(example)
        kept.append(item)
    dropped = len(examples) - len(kept)
    if examples and not kept:
        raise DatasetError(
            f"{source}: training.max_seq_len={max_seq_len} is shorter than every {split} example "
            f"(prompts alone are up to {longest_prompt} tokens); set training.max_seq_len to at least "
            f"{longest_prompt + 96}."
        )
    if dropped:
        logger.warning(
            "%s: %d of %d examples longer than training.max_seq_len=%d were left out",
            split, dropped, len(examples), max_seq_len,
        )
    return kept_examples, kept
