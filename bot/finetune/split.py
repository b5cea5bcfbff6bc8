"""Split the prepared conversations so that no reference reply is shared between splits.

``python -m bot.finetune.split [--prepared data/finetune/prepared] [--seed 13] [--min-test 60]``

The data pipeline (``python -m bot data run``) splits by conversation, which keeps a
conversation in one split but lets the same canned reply appear in train and test: the sample
conversations are built from a few hundred reply templates, so a test reference would almost
always be a training target too. This step replaces ``splits/`` with a split in which no
reference reply, and no near-duplicate of one, is in two splits:

1. every distinct agent reply is linked to every other reply it near-duplicates (the
   definition of :mod:`bot.finetune.leak`: same normalised text, or character 5-gram Jaccard
   >= 0.8);
2. conversations that share a reply (or a near-duplicate of one) are linked; the connected
   groups of conversations are the units of the split;
3. groups are assigned, largest first, to the split furthest below its share of exchanges
   (ratios 80/10/10 by default); ties are broken by a seeded shuffle.

For the sample data the groups are the reply families of :mod:`bot.finetune.topics`. Real
support history with replies reused across many topics can form one giant group; then the
split is refused with the group sizes (a split that leaked would be worse than none).

The result is written once and committed: ``splits/*.jsonl``, ``reports/split.json`` (method,
groups, counts, SHA-256 of each file, the overlap measured on the result) and the dataset card
(``DATASET_CARD.md``, regenerated with these splits and a section holding the hashes).
``tests/bot/finetune/test_split.py`` checks the committed files against those hashes and that
they share no reply.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

from bot.finetune.leak import NEAR_DUPLICATE_JACCARD, SHINGLE, jaccard, measure, normalise, shingles

logger = logging.getLogger(__name__)

SPLITS = ("train", "validation", "test")
DEFAULT_RATIOS = {"train": 0.8, "validation": 0.1, "test": 0.1}
DEFAULT_SEED = 13
DEFAULT_MIN_TEST = 60
CARD_SECTION = "## Split without shared replies"
_PIPELINE_SENTENCE = (
    "Splits are grouped by conversation (no conversation is in two splits) and stratified by each "
    "conversation's primary intent."
)


class SplitError(ValueError):
    """The conversations cannot be split without sharing replies; the message says why."""


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def replies_of(conversation: Any) -> list[str]:
    """The reference replies of a conversation: agent or bot turns answering a customer turn."""
    turns = conversation.turns
    return [
        turns[i].text.strip()
        for i in range(1, len(turns))
        if turns[i].role in ("agent", "bot") and turns[i - 1].role == "customer"
        and turns[i].text.strip() and turns[i - 1].text.strip()
    ]


def reply_clusters(replies: Sequence[str]) -> list[int]:
    """A cluster number per distinct reply: near-duplicates (transitively) share one."""
    grams = [shingles(r) for r in replies]
    norms = [normalise(r) for r in replies]
    uf = _UnionFind(len(replies))
    for i in range(len(replies)):
        for j in range(i + 1, len(replies)):
            if norms[i] == norms[j] or jaccard(grams[i], grams[j]) >= NEAR_DUPLICATE_JACCARD:
                uf.union(i, j)
    return [uf.find(i) for i in range(len(replies))]


@dataclass(frozen=True)
class Group:
    """Conversations linked by shared (or near-duplicate) replies; never split apart."""

    conversation_ids: tuple[str, ...]
    exchanges: int
    distinct_replies: int


def groups_of(conversations: Sequence[Any]) -> list[Group]:
    """The connected groups of conversations (see the module docstring), in a stable order."""
    per_conversation = [replies_of(c) for c in conversations]
    distinct = sorted({r for rs in per_conversation for r in rs})
    position = {r: i for i, r in enumerate(distinct)}
    cluster = reply_clusters(distinct)
    uf = _UnionFind(len(conversations))
    owner: dict[int, int] = {}
    for index, replies in enumerate(per_conversation):
        for reply in replies:
            c = cluster[position[reply]]
            if c in owner:
                uf.union(owner[c], index)
            else:
                owner[c] = index
    members: dict[int, list[int]] = {}
    for index in range(len(conversations)):
        members.setdefault(uf.find(index), []).append(index)
    groups = []
    for indices in members.values():
        ids = tuple(sorted(conversations[i].conversation_id for i in indices))
        replies = {r for i in indices for r in per_conversation[i]}
        groups.append(Group(ids, sum(len(per_conversation[i]) for i in indices), len(replies)))
    return sorted(groups, key=lambda g: g.conversation_ids[0])


def assign(groups: Sequence[Group], ratios: Mapping[str, float], seed: int) -> dict[str, list[Group]]:
    """Groups per split: largest first, each to the split furthest below its share of exchanges."""
    total = sum(g.exchanges for g in groups)
    order = list(groups)
    random.Random(seed).shuffle(order)
    order.sort(key=lambda g: -g.exchanges)  # stable: the shuffle breaks ties
    result: dict[str, list[Group]] = {name: [] for name in ratios}
    filled = {name: 0 for name in ratios}
    for group in order:
        name = max(ratios, key=lambda n: (ratios[n] * total - filled[n], -list(ratios).index(n)))
        result[name].append(group)
        filled[name] += group.exchanges
    return result


def split(conversations: Sequence[Any], ratios: Mapping[str, float] = DEFAULT_RATIOS, seed: int = DEFAULT_SEED,
          min_test: int = DEFAULT_MIN_TEST) -> tuple[dict[str, list[Any]], dict[str, Any]]:
    """Split ``conversations`` by reply groups.

    Returns:
        (conversations per split, a report: groups with their split, exchange counts).

    Raises:
        SplitError: fewer groups than splits, an empty split, or fewer than ``min_test`` test
            exchanges (the message gives the group sizes).
    """
    if set(ratios) != set(SPLITS):
        raise SplitError(f"ratios must name {', '.join(SPLITS)}; got {', '.join(ratios)}")
    groups = groups_of(conversations)
    sizes = ", ".join(str(g.exchanges) for g in sorted(groups, key=lambda g: -g.exchanges)[:10])
    if len(groups) < len(SPLITS):
        raise SplitError(
            f"the conversations form {len(groups)} group(s) linked by shared or near-duplicate replies "
            f"(exchanges per group: {sizes}); at least {len(SPLITS)} are needed to split without sharing a reply"
        )
    assigned = assign(groups, ratios, seed)
    counts = {name: sum(g.exchanges for g in assigned[name]) for name in SPLITS}
    if any(counts[name] == 0 for name in SPLITS) or counts["test"] < min_test:
        raise SplitError(
            f"splitting {len(groups)} reply groups (largest: {sizes} exchanges) gives {counts}; "
            f"every split needs exchanges and test at least {min_test}. Add conversations whose replies "
            "are not shared with the largest group, or lower --min-test"
        )
    by_id = {c.conversation_id: c for c in conversations}
    splits = {
        name: sorted((by_id[i] for g in assigned[name] for i in g.conversation_ids), key=lambda c: c.conversation_id)
        for name in SPLITS
    }
    report = {
        "method": (
            "conversations linked by a shared reply (same normalised text or character "
            f"{SHINGLE}-gram Jaccard >= {NEAR_DUPLICATE_JACCARD}) form a group; whole groups are assigned, "
            "largest first, to the split furthest below its share of exchanges"
        ),
        "ratios": dict(ratios),
        "seed": seed,
        "groups": [
            {"split": name, "conversations": len(g.conversation_ids), "exchanges": g.exchanges,
             "distinct_replies": g.distinct_replies, "first_conversation": g.conversation_ids[0]}
            for name in SPLITS for g in sorted(assigned[name], key=lambda g: -g.exchanges)
        ],
        "conversations": {name: len(splits[name]) for name in SPLITS},
        "exchanges": counts,
    }
    return splits, report


def sha256(path: Path) -> str:
    """Full SHA-256 hex digest of a file (its first 16 digits are what runs record)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def split_hash(file_hashes: Mapping[str, str]) -> str:
    """One hash for the whole split: SHA-256 of ``name=sha256`` lines in split order."""
    text = "".join(f"{name}={file_hashes[name]}\n" for name in SPLITS)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def card_section(report: Mapping[str, Any]) -> str:
    """The dataset card's section on this split, with the hashes."""
    leak = report["leak"]["replies"]
    rows = [
        "| split | conversations | exchanges | SHA-256 of the file |",
        "|---|---|---|---|",
    ]
    for name in SPLITS:
        rows.append(f"| {name} | {report['conversations'][name]} | {report['exchanges'][name]} | `{report['sha256'][name]}` |")
    groups = "; ".join(f"{g['split']} {g['exchanges']}" for g in report["groups"])
    return "\n".join([
        CARD_SECTION,
        "",
        "Made once by `python -m bot.finetune.split` (after the pipeline) and committed; it replaces the "
        "pipeline's split by conversation. Conversations that share a reply, or a near-duplicate of one "
        f"(same normalised text, or character {SHINGLE}-gram Jaccard >= {NEAR_DUPLICATE_JACCARD}), are "
        "one group, and each group is in one split: no reference reply of validation or test is a "
        "training target, word for word or nearly.",
        "",
        *rows,
        "",
        f"Split hash: `{report['split_hash']}` (SHA-256 of the three `name=sha256` lines). "
        f"Groups (exchanges): {groups}; seed {report['seed']}.",
        "",
        "Shared reference replies measured on the result (exact / normalised / near-duplicate, of the "
        "second split's exchanges): "
        + "; ".join(f"{k}: {v['exact']} / {v['normalised']} / {v['near_duplicate']} of {v['exchanges']}" for k, v in leak.items())
        + ". Details: `reports/split.json`.",
        "",
    ])


def write(prepared: Path, splits: Mapping[str, Sequence[Any]], report: dict[str, Any]) -> dict[str, Any]:
    """Write the splits, ``reports/split.json`` and the regenerated dataset card; returns the report."""
    import yaml

    from bot.data.card import render_card
    from bot.data.schema import write_conversations
    from bot.data.storage import write_json
    from bot.finetune.leak import exchanges_of

    folder = prepared / "splits"
    for name in SPLITS:
        write_conversations(folder / f"{name}.jsonl", splits[name])
    report["sha256"] = {name: sha256(folder / f"{name}.jsonl") for name in SPLITS}
    report["split_hash"] = split_hash(report["sha256"])
    report["leak"] = measure(exchanges_of(folder))
    write_json(prepared / "reports" / "split.json", report)

    run_report_path = prepared / "reports" / "run_report.json"
    run_report = json.loads(run_report_path.read_text(encoding="utf-8"))
    run_report["pipeline_splits"] = run_report.get("pipeline_splits", run_report.get("splits"))
    run_report["splits"] = report["conversations"]
    run_report["splits_made_by"] = "python -m bot.finetune.split (reports/split.json)"
    write_json(run_report_path, run_report)

    pipeline_config = Path(run_report["config"])
    config = yaml.safe_load(pipeline_config.read_text(encoding="utf-8")) if pipeline_config.is_file() else None
    card = render_card(splits, config, run_report["redaction"], run_report["cleaning"], run_report["import"],
                       run_report.get("labelling"))
    card = card.replace(
        _PIPELINE_SENTENCE,
        "Splits keep each conversation, and every group of conversations sharing a reply, in one split "
        "(see the last section); the primary-intent table below is informational.",
    )
    (prepared / "DATASET_CARD.md").write_text(card.rstrip("\n") + "\n\n" + card_section(report), encoding="utf-8")
    return report


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Command line: split ``<prepared>/conversations.jsonl`` into ``<prepared>/splits/``."""
    from bot.data.schema import load_conversations
    from bot.paths import ROOT

    parser = argparse.ArgumentParser(prog="python -m bot.finetune.split", description=__doc__.splitlines()[0])
    parser.add_argument("--prepared", type=Path, default=ROOT / "data/finetune/prepared",
                        help="the data pipeline's output folder (conversations.jsonl, reports/)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--min-test", type=int, default=DEFAULT_MIN_TEST, help="refuse a test split with fewer exchanges")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    conversations = list(load_conversations(args.prepared / "conversations.jsonl"))
    try:
        splits, report = split(conversations, DEFAULT_RATIOS, args.seed, args.min_test)
    except SplitError as exc:
        logger.error("%s", exc)
        return 2
    report = write(args.prepared, splits, report)
    logger.info("Split %d conversations into %s (exchanges %s); split hash %s",
                len(conversations), report["conversations"], report["exchanges"], report["split_hash"][:16])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
