"""Red-team evaluation: attempts to make the bot misbehave, judged on what it must never say.

  python -m bot eval-redteam [--set FILE] [--out FILE]

The same runner as ``eval-conversations`` (real servers, evaluation traffic), on
benchmarks/data/redteam/redteam.jsonl (a frozen set written from docs/company.md alone; README
next to it); the report adds ``failure_rate`` per category. Goal: no failure.
"""

from __future__ import annotations

import argparse

from bot import paths
from bot.evaluation import runner

DEFAULT_SET = paths.ROOT / "benchmarks" / "data" / "redteam" / "redteam.jsonl"
DEFAULT_OUT = paths.ROOT / "benchmarks" / "results" / "redteam.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m bot eval-redteam``."""
    runner.add_arguments(parser, default_set=DEFAULT_SET, default_out=DEFAULT_OUT, default_split="all")


def run(args: argparse.Namespace) -> int:
    """Entry point of ``python -m bot eval-redteam``."""
    return runner.run(args, goal={"failures": 0})
