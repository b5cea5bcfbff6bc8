"""Split the StackFAQ questions into a dev and a test half, by thread, once (deterministic).

Usage: .venv/ml/bin/python benchmarks/knowledge_stackfaq_split.py [--data ../shared/datasets/stackfaq] [--out /tmp/stackfaq]

A thread (document) goes to ``test`` when the first hex digit of SHA-256("stackfaq:" + id) is
8-f, else to ``dev``; all its paraphrased questions follow it, so no test question shares a thread
with a dev question. Writes ``qa_dev.csv`` and ``qa_test.csv`` (the ``make eval-kb`` QA format)
into ``--out`` and prints the sizes and the SHA-256 of each file (recorded in
benchmarks/README-knowledge.md). The documents stay whole: ``docs.csv`` (answer only) and
``docs_with_titles.csv`` of the dataset are the collection for both halves. The data is
StackExchange content (CC BY-SA, see the dataset's README); it is not copied into this repository.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "stackfaq"


def half(doc_id: str) -> str:
    """``dev`` or ``test`` for a thread id."""
    return "test" if hashlib.sha256(f"stackfaq:{doc_id}".encode()).hexdigest()[0] in "89abcdef" else "dev"


def split(data: Path, out: Path) -> dict[str, tuple[int, int, str]]:
    """Write qa_dev.csv and qa_test.csv; returns name -> (questions, threads, sha256)."""
    with open(data / "qa.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out.mkdir(parents=True, exist_ok=True)
    report = {}
    for name in ("dev", "test"):
        chosen = [r for r in rows if half(r["doc_ids"].split("|")[0]) == name]
        path = out / f"qa_{name}.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["question", "doc_ids"])
            writer.writerows([r["question"], r["doc_ids"]] for r in chosen)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        report[name] = (len(chosen), len({r["doc_ids"] for r in chosen}), digest)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=Path("/tmp/stackfaq"))
    args = parser.parse_args(argv)
    if not (args.data / "qa.csv").is_file():
        print(f"{args.data / 'qa.csv'} does not exist", file=sys.stderr)
        return 2
    for name, (n, threads, digest) in split(args.data, args.out).items():
        print(f"{args.out / f'qa_{name}.csv'}: {n} questions, {threads} threads, sha256 {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
