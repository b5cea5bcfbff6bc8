"""The one command-line entry point: ``python -m bot <command> [options]``.

Each command lives in its own module exposing ``add_arguments(parser)`` and
``run(args) -> int``. Modules are imported only when their command runs, so the
CLI starts fast and works in both environments.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import Optional, Sequence

# command name -> (module path, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "train": ("bot.rasa_model", "train the Rasa model when config, domain or data changed"),
    "run": ("bot.launcher", "start the action server, the Rasa server and the web chat"),
    "eval-nlu": ("bot.nlu.evaluate", "train the NLU pipeline of config.yml on a CSV and evaluate it on another"),
    "export-encoder": ("bot.nlu.export_encoder", "export the sentence encoders of the NLU pipeline to ONNX"),
    "index": ("bot.knowledge.indexer", "build the knowledge index when data/knowledge changed"),
    "eval-kb": ("bot.knowledge.evaluate", "evaluate knowledge retrieval (and generation) on a QA set"),
    "data": ("bot.data.cli", "conversation data pipeline: import, redact, clean, label, split, export"),
    "handoff": ("bot.handoff.cli", "human handoff: export agents' corrections as training data, list the queue"),
    "finetune": ("bot.finetune.cli", "LoRA fine-tuning of the answer generator on the prepared conversations"),
    "generator": ("bot.finetune.registry_cli", "generator adapters: list runs, promote one, back to the base model"),
    "eval-conversations": ("bot.evaluation.runner", "play the frozen conversation set through real servers and judge every turn"),
    "eval-redteam": ("bot.evaluation.redteam", "play the frozen red-team set through real servers; report failures per category"),
    "analytics": ("bot.analytics.cli", "monitoring: ingest events, compute the KPIs against kpis.yml"),
    "report": ("bot.analytics.report", "the monitoring report: one HTML page (KPIs, trends, unanswered questions, feedback) and a CSV"),
    "dead-letters": ("bot.intake.cli", "inbound messages that failed on every try: list, retry, drop"),
    "migrate-conversation-ids": ("bot.identity_migration", "rename stored conversations to channel-bound ids"),
    "privacy": ("bot.privacy_cli", "privacy operations on stored data: rotate-key (re-encrypt under a new data key)"),
}


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with one sub-parser per command."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Switchboard: self-hosted customer-support assistant.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (module_path, help_text) in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        command_parser.set_defaults(_module=module_path)
        # Argument definitions are imported lazily only for the command being run,
        # but `--help` of a command needs them, so we defer via parse_known_args below.
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Parse ``argv`` and run the chosen command; returns the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # First pass: find the command (ignore its own options and --help).
    first = [a for a in argv if a not in ("-h", "--help")] if _has_command(argv) else argv
    namespace, _ = parser.parse_known_args(first)
    module = importlib.import_module(namespace._module)
    command_parser = argparse.ArgumentParser(
        prog=f"python -m bot {namespace.command}",
        description=module.__doc__.strip().splitlines()[0] if module.__doc__ else None,
    )
    command_parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    module.add_arguments(command_parser)
    index = argv.index(namespace.command)
    args = command_parser.parse_args(argv[:index] + argv[index + 1 :])
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return int(module.run(args) or 0)


def _has_command(argv: Sequence[str]) -> bool:
    return any(a in COMMANDS for a in argv)
