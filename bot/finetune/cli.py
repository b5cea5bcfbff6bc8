"""Fine-tune the answer generator with LoRA (``python -m bot finetune``).

Examples::

    python -m bot finetune --config configs/finetune.yml
    python -m bot finetune --config configs/finetune.yml --set training.max_steps=20 --set lora.rank=8
    python -m bot finetune --config configs/finetune.yml --resume            # latest unfinished run
    python -m bot finetune --config configs/finetune.yml --resume ft-20261126-231500
    python -m bot finetune --config configs/finetune.yml --check             # validate data + config only

Exit codes: 0 finished, 2 bad config or data (nothing trained), 130 interrupted (checkpoint
saved; resume with --resume).
"""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m bot finetune``."""
    parser.add_argument("--config", type=Path, default=Path("configs/finetune.yml"), help="YAML config (default: configs/finetune.yml)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override a config value, e.g. --set training.max_steps=10 (repeatable)")
    parser.add_argument("--resume", nargs="?", const="latest", default=None, metavar="RUN_ID",
                        help="continue an interrupted run from its checkpoint (default: the latest one)")
    parser.add_argument("--check", action="store_true", help="validate config and data, build the prompts, and stop")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars (logs only)")


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from bot.finetune.config import ConfigError, load_config
    from bot.finetune.dataset import DatasetError
    from bot.finetune.train import EXIT_INTERRUPTED, FinetuneError, Interrupted, prepare, run_finetune

    try:
        if args.resume and any(not o.startswith("output.dir=") for o in args.overrides):
            raise ConfigError(
                "--set cannot be combined with --resume (except output.dir, to find the run): "
                "a resumed run keeps the configuration it started with"
            )
        config = load_config(args.config, args.overrides)
        if args.check:
            prepared = prepare(config)
            logger.info("Config and data OK: %s", prepared.stats)
            return 0
        result = run_finetune(config, resume=args.resume, progress=not args.no_progress)
    except (ConfigError, DatasetError, FinetuneError) as exc:
        logger.error("%s", exc)
        return 2
    except Interrupted as exc:
        logger.warning("Interrupted after step %d; a checkpoint is saved. Continue with: "
                       "python -m bot finetune --config %s --resume %s", exc.step, args.config, exc.run_id)
        return EXIT_INTERRUPTED
    print(f"run {result.run_id}: {result.folder}")
    for split in ("validation", "test"):
        part = result.metrics.get(split)
        if not part:
            continue
        tuned, base = part.get("finetuned", {}), part.get("base", {})
        note = "chooses runs and promotion" if split == "validation" else "reported only; 95 % intervals"
        print(f"  {split} ({part.get('n')} exchanges, {note}):")
        for key in ("perplexity", "answer_similarity", "unsupported_fact_rate"):
            interval = lambda d: f" {d[key + '_ci95']}" if split == "test" and key + "_ci95" in d else ""  # noqa: E731
            print(f"    {key:22s} base {base.get(key, 'n/a')!s:>8}{interval(base)}  fine-tuned {tuned.get(key, 'n/a')!s:>8}{interval(tuned)}")
    print(f"  train_seconds {result.metrics.get('train_seconds')}  n_train {result.metrics.get('n_train')}  best step {result.metrics.get('best_step')}")
    print(f"Not active yet. Promote it with: python -m bot generator promote {result.run_id}")
    return 0
