"""How much of the evaluation splits' reference replies the training split already contains.

``python -m bot.finetune.leak [--splits data/finetune/prepared/splits] [--out FILE] [--embeddings]``

A fine-tuned model scored on replies it was trained on measures recall, not answering. For
every reference reply of validation and test (one per customer -> agent exchange, as
:func:`bot.finetune.dataset.read_exchanges` builds them) this finds the closest reply of the
other splits under three definitions, from strict to loose:

- **exact**: the same text;
- **normalised**: the same after NFKC, lower case, every run of non-alphanumeric characters
  replaced by one space (so punctuation, dashes, ``&amp;`` and spacing do not matter);
- **near-duplicate**: Jaccard similarity of the character 5-gram sets of the normalised texts
  >= :data:`NEAR_DUPLICATE_JACCARD` (0.8), which catches a reply with a word or two changed.

A shared reply counts under every looser definition too (exact implies normalised implies
near-duplicate). Customer questions are compared the same way, for information: a question
seen in training with a different reference reply is not a leak of the answer.

``--embeddings`` adds the share of references whose nearest other-split reference has a
MiniLM cosine >= 0.9: a *semantic* measure, for information only. Paraphrases of the same
company facts are close in meaning by design (there is one returns policy), so this is not
the leak criterion; it says how far a model that recalls a training reply can get.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence

logger = logging.getLogger(__name__)

NEAR_DUPLICATE_JACCARD = 0.8
"""Character 5-gram Jaccard similarity from which two replies count as near-duplicates."""
SHINGLE = 5
EMBEDDING_COSINE = 0.9
SPLITS = ("train", "validation", "test")
PAIRS = (("train", "validation"), ("train", "test"), ("validation", "test"))

_NON_WORD = re.compile(r"[^0-9a-z]+")
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#39|nbsp);")


def normalise(text: str) -> str:
    """The text compared for the ``normalised`` and ``near-duplicate`` definitions."""
    text = _ENTITY.sub(" ", unicodedata.normalize("NFKC", text).lower())
    return _NON_WORD.sub(" ", text).strip()


def shingles(text: str, n: int = SHINGLE) -> frozenset[str]:
    """Character ``n``-grams of the normalised text (the whole text when it is shorter)."""
    norm = normalise(text)
    if len(norm) <= n:
        return frozenset([norm])
    return frozenset(norm[i : i + n] for i in range(len(norm) - n + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a ∩ b| / |a ∪ b| (0 for two empty sets)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


@dataclass(frozen=True)
class Match:
    """The closest text of another split to one text."""

    exact: bool
    normalised: bool
    jaccard: float
    nearest: str

    @property
    def near_duplicate(self) -> bool:
        return self.normalised or self.jaccard >= NEAR_DUPLICATE_JACCARD


class Index:
    """The distinct texts of one split, ready for closest-match queries."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.texts = sorted(set(texts))
        self.exact = set(self.texts)
        self.normalised = {normalise(t) for t in self.texts}
        self.shingles = [(t, shingles(t)) for t in self.texts]
        self._cache: dict[str, Match] = {}

    def match(self, text: str) -> Match:
        """The closest text of this index to ``text`` (cached per distinct text)."""
        if text not in self._cache:
            own = shingles(text)
            best, nearest = 0.0, ""
            for other, grams in self.shingles:
                score = jaccard(own, grams)
                if score > best:
                    best, nearest = score, other
            self._cache[text] = Match(text in self.exact, normalise(text) in self.normalised, round(best, 4), nearest)
        return self._cache[text]


def exchanges_of(splits_dir: Path) -> dict[str, list[tuple[str, str]]]:
    """(question, reference reply) of every exchange of each split."""
    from bot.finetune.dataset import read_exchanges

    return {s: [(x.question, x.target) for x in read_exchanges(splits_dir / f"{s}.jsonl")] for s in SPLITS}


def _counts(queries: Sequence[str], index: Index) -> dict[str, Any]:
    matches = [index.match(q) for q in queries]
    distinct = {q: index.match(q) for q in set(queries)}
    return {
        "exchanges": len(queries),
        "exact": sum(m.exact for m in matches),
        "normalised": sum(m.normalised for m in matches),
        "near_duplicate": sum(m.near_duplicate for m in matches),
        "distinct": len(distinct),
        "distinct_exact": sum(m.exact for m in distinct.values()),
        "distinct_normalised": sum(m.normalised for m in distinct.values()),
        "distinct_near_duplicate": sum(m.near_duplicate for m in distinct.values()),
        "max_jaccard": max((m.jaccard for m in matches), default=0.0),
    }


def measure(exchanges: Mapping[str, Sequence[tuple[str, str]]], examples: int = 5) -> dict[str, Any]:
    """Shared replies (and questions) between each pair of splits.

    Args:
        exchanges: per split, the (question, reference reply) of each exchange.
        examples: how many near-duplicate pairs to list per split pair.

    Returns:
        ``{"definition": ..., "splits": {split: {exchanges, distinct_replies}}, "replies":
        {"train->test": counts, ...}, "questions": {...}, "examples": {...}}``; counts are of
        the second split's exchanges whose reference reply has a match in the first split.
    """
    replies = {s: Index(r for _, r in exchanges[s]) for s in exchanges}
    questions = {s: Index(q for q, _ in exchanges[s]) for s in exchanges}
    result: dict[str, Any] = {
        "definition": {
            "exact": "identical text",
            "normalised": "identical after NFKC, lower case, non-alphanumeric runs -> one space",
            "near_duplicate": f"normalised, or character {SHINGLE}-gram Jaccard >= {NEAR_DUPLICATE_JACCARD}",
        },
        "splits": {s: {"exchanges": len(x), "distinct_replies": len(replies[s].texts)} for s, x in exchanges.items()},
        "replies": {},
        "questions": {},
        "examples": {},
    }
    for first, second in PAIRS:
        if first not in exchanges or second not in exchanges:
            continue
        key = f"{first}->{second}"
        references = [r for _, r in exchanges[second]]
        result["replies"][key] = _counts(references, replies[first])
        result["questions"][key] = _counts([q for q, _ in exchanges[second]], questions[first])
        pairs = sorted(
            {(replies[first].match(r).jaccard, r, replies[first].match(r).nearest) for r in set(references)},
            reverse=True,
        )[:examples]
        result["examples"][key] = [{"jaccard": j, second: r, f"nearest_{first}": n} for j, r, n in pairs]
    return result


def embedding_overlap(exchanges: Mapping[str, Sequence[tuple[str, str]]]) -> dict[str, Any]:
    """Per split pair: share of references whose nearest reference of the first split has a
    MiniLM cosine >= :data:`EMBEDDING_COSINE`, and the mean nearest cosine (information only)."""
    from bot.knowledge.embedder import get_embedder

    embedder = get_embedder()
    result: dict[str, Any] = {"threshold": EMBEDDING_COSINE}
    for first, second in PAIRS:
        a = sorted({r for _, r in exchanges[first]})
        b = [r for _, r in exchanges[second]]
        if not a or not b:
            continue
        nearest = (embedder.encode(b) @ embedder.encode(a).T).max(axis=1)
        result[f"{first}->{second}"] = {
            "at_or_above": int((nearest >= EMBEDDING_COSINE).sum()),
            "exchanges": len(b),
            "mean_nearest_cosine": round(float(nearest.mean()), 4),
        }
    return result


def summary_lines(report: Mapping[str, Any]) -> list[str]:
    """A few human-readable lines of a :func:`measure` report."""
    lines = []
    for key, counts in report["replies"].items():
        lines.append(
            f"replies {key}: {counts['exact']} exact, {counts['normalised']} normalised, "
            f"{counts['near_duplicate']} near-duplicate of {counts['exchanges']} exchanges "
            f"({counts['distinct_near_duplicate']} of {counts['distinct']} distinct replies; max Jaccard {counts['max_jaccard']})"
        )
    for key, counts in report["questions"].items():
        lines.append(
            f"questions {key}: {counts['exact']} exact, {counts['near_duplicate']} near-duplicate of {counts['exchanges']}"
        )
    for key, counts in report.get("embeddings", {}).items():
        if isinstance(counts, dict):
            lines.append(
                f"replies {key}, MiniLM cosine >= {report['embeddings']['threshold']} (information): "
                f"{counts['at_or_above']} of {counts['exchanges']}, mean nearest {counts['mean_nearest_cosine']}"
            )
    return lines


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Command line: measure and print (and optionally write) the overlap report."""
    from bot.paths import ROOT

    parser = argparse.ArgumentParser(prog="python -m bot.finetune.leak", description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=Path, default=ROOT / "data/finetune/prepared/splits")
    parser.add_argument("--out", type=Path, default=None, help="also write the report as JSON")
    parser.add_argument("--embeddings", action="store_true", help="add the MiniLM cosine overlap (information only)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    exchanges = exchanges_of(args.splits)
    report = measure(exchanges)
    if args.embeddings:
        report["embeddings"] = embedding_overlap(exchanges)
    for line in summary_lines(report):
        print(line)
    if args.out:
        from bot.data.storage import write_json

        write_json(args.out, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
