"""Generator adapters: list runs, promote one, go back to the base model (``python -m bot generator``).

Examples::

    python -m bot generator list
    python -m bot generator promote ft-20261126-231500          # refused when worse than the active one
    python -m bot generator promote ft-20261126-231500 --force
    python -m bot generator deactivate                          # serve the base model again

The action server reads the registry when it starts: restart it (make run) after a change.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Subcommands of ``python -m bot generator``."""
    parser.add_argument("--dir", type=Path, default=None,
                        help="generator folder (default: models/generator or $SWITCHBOARD_GENERATOR_DIR)")
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    sub.required = True
    sub.add_parser("list", help="finished runs with their validation metrics; * marks the active one")
    promote = sub.add_parser("promote", help="make a run the active adapter")
    promote.add_argument("run_id")
    promote.add_argument("--force", action="store_true", help="promote even when it is worse than the active model")
    sub.add_parser("deactivate", help="serve the base model (no adapter)")


def run(args: argparse.Namespace) -> int:
    """Run the subcommand; returns the exit code (1 when a promotion is refused)."""
    from bot.finetune.registry import PromotionRefused, RegistryError, deactivate, list_runs, promote, read_registry
    from bot.generation.model import generator_dir

    folder = args.dir or generator_dir()
    try:
        if args.action == "list":
            active = read_registry(folder).get("active")
            runs = list_runs(folder)
            if not runs:
                print(f"no finished runs in {folder}")
            for info in runs:
                validation = info.metrics.get("validation") or {}
                tuned, base = validation.get("finetuned", {}), validation.get("base", {})
                mark = "*" if info.run_id == active else " "
                print(f"{mark} {info.run_id}  validation: similarity {tuned.get('answer_similarity')} (base {base.get('answer_similarity')})"
                      f"  unsupported {tuned.get('unsupported_fact_rate')} (base {base.get('unsupported_fact_rate')})"
                      f"  perplexity {tuned.get('perplexity')} (base {base.get('perplexity')})  {info.metrics.get('created', '')}")
            print(f"active: {active or 'base model'}")
            return 0
        if args.action == "promote":
            result = promote(folder, args.run_id, force=args.force)
            if result.reasons:
                print(f"promoted {result.run_id} with --force despite: {'; '.join(result.reasons)}")
            else:
                print(f"promoted {result.run_id} (previous: {result.previous or 'base model'})")
            print("Restart the action server (make run) to serve it.")
            return 0
        previous = deactivate(folder)
        print(f"serving the base model (was: {previous or 'base model'})")
        return 0
    except PromotionRefused as exc:
        logger.error("%s", exc)
        return 1
    except RegistryError as exc:
        logger.error("%s", exc)
        return 2
