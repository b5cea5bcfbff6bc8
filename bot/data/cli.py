"""Conversation data pipeline: import, redact, clean, label, split, export (ML environment).

``python -m bot data <step> --help`` describes each step; ``python -m bot data run --config
data/pipeline.yml`` runs them all. See docs/data-pipeline.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``data`` sub-commands to ``parser``."""
    from bot.privacy.tagger import HELD_OUT_GROUPS

    sub = parser.add_subparsers(dest="data_command", metavar="STEP")
    sub.required = True

    p = sub.add_parser("import", help="read exports into canonical JSONL (not redacted!)")
    p.add_argument("inputs", nargs="+", help="input files (for rasa-sql: a SQLAlchemy URL or SQLite file)")
    p.add_argument("--format", required=True, choices=_formats(), help="input format")
    p.add_argument("--out", required=True, type=Path, help="canonical JSONL to write")
    p.add_argument("--issues", type=Path, help="also write skipped records (file, line, reason) as JSON here")
    p.add_argument("--channel", help="channel name to record when the source has none")
    p.add_argument("--conversation-col", default="conversation_id", help="csv: conversation id column")
    p.add_argument("--text-col", default="text", help="csv: message text column")
    p.add_argument("--role-col", default="role", help="csv: role column ('' when absent)")
    p.add_argument("--timestamp-col", default="timestamp", help="csv: timestamp column ('' when absent)")
    p.add_argument("--intent-col", default=None, help="csv: intent label column")
    p.add_argument("--default-role", default="customer", choices=["customer", "agent", "bot"], help="csv: role without a role column")
    p.add_argument("--question-col", default="question", help="qa-csv: question column")
    p.add_argument("--answer-col", default="answer", help="qa-csv: answer column")
    p.add_argument("--answer-role", default="agent", choices=["agent", "bot"], help="qa-csv: role of the answer")
    p.add_argument("--table", default="events", help="rasa-sql: events table name")
    p.add_argument("--delimiter", default=",", help="csv/qa-csv: field delimiter")

    p = sub.add_parser("redact", help="replace personal data with typed placeholders")
    p.add_argument("input", type=Path, help="canonical JSONL")
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--report", type=Path, help="redaction report JSON (default: <out>.redaction.json)")
    p.add_argument("--config", type=Path, help="take the 'redaction' section of this pipeline YAML")

    p = sub.add_parser("clean", help="normalise, strip markup, drop noise, dedupe, filter languages")
    p.add_argument("input", type=Path)
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--report", type=Path, help="cleaning report JSON (default: <out>.cleaning.json)")
    p.add_argument("--config", type=Path, help="take the 'cleaning' section of this pipeline YAML")
    p.add_argument("--languages", help="allowed ISO 639-1 codes, comma separated ('any' disables)")
    p.add_argument("--near-duplicate-threshold", type=float, help="Jaccard threshold (0-1]; 0 disables")

    p = sub.add_parser("label", help="auto-label customer turns with the trained Rasa model")
    p.add_argument("input", type=Path)
    p.add_argument("--out", required=True, type=Path)
    group = p.add_mutually_exclusive_group()
    group.add_argument("--model", default="latest", help="Rasa model .tar.gz, or 'latest' in models/ (default)")
    group.add_argument("--rasa-url", help="use a running `rasa run --enable-api` instead, e.g. http://localhost:5005")
    p.add_argument("--threshold", type=float, default=0.6, help="confidence below which people review (default 0.6)")
    p.add_argument("--review-csv", type=Path, help="write low-confidence turns here (default: <out>.review.csv)")
    p.add_argument("--relabel", action="store_true", help="also replace existing non-human labels")

    p = sub.add_parser("import-labels", help="apply a reviewed low-confidence CSV (labels checked against the domain)")
    p.add_argument("input", type=Path, help="the labelled JSONL the CSV was made from")
    p.add_argument("--labels", required=True, type=Path, help="the reviewed CSV (label column filled in)")
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--domain", type=Path, default=None, help="domain.yml with the allowed intents")
    p.add_argument("--skip-bad", action="store_true", help="apply the good rows even when some are bad")

    p = sub.add_parser("split", help="train/validation/test split, grouped by conversation, stratified by intent")
    p.add_argument("input", type=Path)
    p.add_argument("--out-dir", required=True, type=Path)
    p.add_argument("--ratios", default="train=0.8,validation=0.1,test=0.1", help="name=ratio,... summing to 1")
    p.add_argument("--seed", type=int, default=13)

    p = sub.add_parser("export-nlu", help="write labelled customer turns as Rasa nlu.yml")
    p.add_argument("input", type=Path)
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--min-confidence", type=float, default=0.6)
    p.add_argument("--domain", type=Path, default=None, help="only intents of this domain (default: the project's)")

    p = sub.add_parser("card", help="write the dataset card for a folder of splits")
    p.add_argument("--splits-dir", required=True, type=Path, help="folder with <split>.jsonl files")
    p.add_argument("--run-report", type=Path, help="run_report.json to include (redaction/cleaning counts)")
    p.add_argument("--config", type=Path, help="pipeline YAML to include")
    p.add_argument("--out", required=True, type=Path)

    p = sub.add_parser("run", help="run import -> redact -> clean -> (label) -> split from a config")
    p.add_argument("--config", type=Path, default=Path("data/pipeline.yml"))
    p.add_argument("--out", type=Path, help="output folder (overrides output_dir of the config)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")

    p = sub.add_parser("eval-redaction", help="precision/recall of the redactor on a labelled JSONL")
    p.add_argument("file", nargs="?", type=Path,
                   help="labelled sentences, one JSON object per line: text, spans, group (default: "
                        "tests/bot/data/fixtures/pii_eval.jsonl; with --group, the fixture pii_*.jsonl holding it)")
    p.add_argument("--group", action="append",
                   help="only this group (repeatable): dev, heldout, heldout2, blind1 ... blind21 (pii_eval.jsonl), "
                        "natid_dev, natid_blind (pii_national_*.jsonl: national ids, dates of birth); "
                        f"{', '.join(HELD_OUT_GROUPS)}, natid_blind: no recogniser was tuned on them and the tagger "
                        "never saw them")
    p.add_argument("--no-tagger", action="store_true", help="the rule recognisers alone, without the learned tagger")
    p.add_argument("--show-errors", action="store_true", help="print missed and false detections (test data only)")
    p.add_argument("--out", type=Path, help="also write the scores as JSON to this file (with the groups and the command)")

    p = sub.add_parser("train-redaction-tagger",
                       help="retrain the learned name, address and id tagger (bot/privacy/tagger.crfsuite)")
    p.add_argument("file", nargs="?", type=Path, default=Path("tests/bot/data/fixtures/pii_eval.jsonl"),
                   help="labelled sentences, as for eval-redaction (default: %(default)s)")
    p.add_argument("--out", type=Path, help="model file to write (default: the shipped bot/privacy/tagger.crfsuite)")
    p.add_argument("--exclude-group", action="append",
                   help="groups never trained on (repeatable; default: "
                        f"{', '.join(HELD_OUT_GROUPS)}, kept for an honest measurement)")


def _formats() -> List[str]:
    from bot.data.readers import FORMATS

    return sorted(FORMATS)


def run(args: argparse.Namespace) -> int:
    """Dispatch to the chosen step; returns the exit code."""
    handler = {
        "import": _import, "redact": _redact, "clean": _clean, "label": _label, "import-labels": _import_labels,
        "split": _split, "export-nlu": _export_nlu, "card": _card, "run": _run, "eval-redaction": _eval,
        "train-redaction-tagger": _train_tagger,
    }[args.data_command]
    try:
        return handler(args)
    except ValueError as error:  # bad input or config: one clear line, no traceback
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # unreadable or unwritable path (permissions, a folder where a file should be)
        print(f"error: {error.filename or ''}: {error.strerror or error}", file=sys.stderr)
        return 2


def _section(config_path: Path | None, key: str) -> Dict[str, Any]:
    if config_path is None:
        return {}
    from bot.data.pipeline import load_config

    _, raw = load_config(config_path)
    return dict(raw.get(key) or {})


def _import(args: argparse.Namespace) -> int:
    from bot.data.readers import ReaderOptions, import_sources
    from bot.data.schema import write_conversations
    from bot.data.storage import IssueLog, write_json

    options = ReaderOptions(
        channel=args.channel, conversation_column=args.conversation_col, text_column=args.text_col,
        role_column=args.role_col or None, timestamp_column=args.timestamp_col or None, intent_column=args.intent_col,
        default_role=args.default_role, question_column=args.question_col, answer_column=args.answer_col,
        answer_role=args.answer_role, table=args.table, delimiter=args.delimiter,
    )
    issues = IssueLog()
    count = write_conversations(args.out, import_sources([(args.format, i, options) for i in args.inputs], issues))
    if args.issues:
        write_json(args.issues, issues.to_dicts())
    print(f"imported {count} conversations into {args.out}; skipped {len(issues)} bad records")
    for record in issues.records[:20]:
        print(f"  skipped {record}")
    print("note: this file still contains personal data; run `python -m bot data redact` next")
    return 0


def _redact(args: argparse.Namespace) -> int:
    from bot.privacy.redactor import RedactionConfig, RedactionReport, Redactor, redact_conversations
    from bot.data.schema import load_conversations, write_conversations
    from bot.data.storage import write_json

    redactor = Redactor(RedactionConfig.from_dict(_section(args.config, "redaction")))
    report = RedactionReport()
    count = write_conversations(args.out, redact_conversations(load_conversations(args.input), redactor, report))
    report_path = args.report or args.out.with_suffix(".redaction.json")
    write_json(report_path, report.to_dict())
    print(f"redacted {count} conversations into {args.out}; report {report_path}")
    print(json.dumps(report.to_dict()["entities"]))
    return 0


def _clean(args: argparse.Namespace) -> int:
    from bot.data.clean import Cleaner, CleaningConfig
    from bot.data.schema import load_conversations, write_conversations
    from bot.data.storage import write_json

    section = _section(args.config, "cleaning")
    if args.languages:
        section["allowed_languages"] = None if args.languages == "any" else [c.strip() for c in args.languages.split(",")]
    if args.near_duplicate_threshold is not None:
        section["near_duplicate_threshold"] = args.near_duplicate_threshold or None
    cleaner = Cleaner(CleaningConfig.from_dict(section))
    count = write_conversations(args.out, cleaner.clean(load_conversations(args.input)))
    report_path = args.report or args.out.with_suffix(".cleaning.json")
    write_json(report_path, cleaner.report.to_dict())
    print(f"kept {count} conversations in {args.out}; report {report_path}")
    print(json.dumps(cleaner.report.to_dict()))
    return 0


def _label(args: argparse.Namespace) -> int:
    from bot.data.label import HttpRasaParser, SubprocessRasaParser, auto_label, export_review_csv
    from bot.data.schema import load_conversations, write_conversations

    parser = HttpRasaParser(args.rasa_url) if args.rasa_url else SubprocessRasaParser(args.model)
    labelled, report = auto_label(list(load_conversations(args.input)), parser, args.threshold, args.relabel)
    write_conversations(args.out, labelled)
    review = args.review_csv or args.out.with_suffix(".review.csv")
    rows = export_review_csv(labelled, review)
    print(f"labelled {report.labelled} customer turns; {rows} below {args.threshold} written to {review} for review")
    print(json.dumps(report.to_dict()))
    return 0


def _import_labels(args: argparse.Namespace) -> int:
    from bot import paths
    from bot.data.label import domain_intents, import_review_csv
    from bot.data.schema import load_conversations, write_conversations

    intents = domain_intents(args.domain or paths.DOMAIN_YML)
    updated, result = import_review_csv(list(load_conversations(args.input)), args.labels, intents)
    for error in result.errors:
        print(f"bad label row: {error}", file=sys.stderr)
    if result.errors and not args.skip_bad:
        print(f"{len(result.errors)} bad rows; nothing written. Fix them or pass --skip-bad.", file=sys.stderr)
        return 1
    write_conversations(args.out, updated)
    print(f"applied {result.applied} labels ({result.unlabelled} rows still unlabelled, {len(result.errors)} bad) -> {args.out}")
    return 0


def parse_ratios(text: str) -> Dict[str, float]:
    """``train=0.8,validation=0.1,test=0.1`` -> dict.

    Raises:
        ValueError: a part is not ``name=number``.
    """
    ratios: Dict[str, float] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--ratios: {part!r} is not name=ratio (e.g. train=0.8)")
        try:
            ratios[name.strip()] = float(value)
        except ValueError as error:
            raise ValueError(f"--ratios: {value!r} is not a number") from error
    return ratios


def _split(args: argparse.Namespace) -> int:
    from bot.data.schema import load_conversations, write_conversations
    from bot.data.split import split_conversations

    splits = split_conversations(load_conversations(args.input), parse_ratios(args.ratios), args.seed)
    for name, items in splits.items():
        write_conversations(args.out_dir / f"{name}.jsonl", items)
    print(", ".join(f"{name}: {len(items)}" for name, items in splits.items()) + f" conversations in {args.out_dir}")
    return 0


def _export_nlu(args: argparse.Namespace) -> int:
    from bot import paths
    from bot.data.label import domain_intents, training_examples, write_nlu_yaml
    from bot.data.schema import load_conversations

    intents = domain_intents(args.domain or paths.DOMAIN_YML)
    examples = training_examples(load_conversations(args.input), args.min_confidence, intents)
    if not examples:
        print("no labelled customer turns to export", file=sys.stderr)
        return 1
    count = write_nlu_yaml(examples, args.out)
    print(f"wrote {count} examples of {len(examples)} intents to {args.out}")
    return 0


def _card(args: argparse.Namespace) -> int:
    from bot.data.card import render_card
    from bot.data.schema import load_conversations
    from bot.data.storage import atomic_write

    files = sorted(args.splits_dir.glob("*.jsonl"))
    if not files:
        raise ValueError(f"{args.splits_dir}: no <split>.jsonl files")
    order = {"train": 0, "validation": 1, "test": 2}
    files.sort(key=lambda f: (order.get(f.stem, 9), f.stem))
    splits = {f.stem: list(load_conversations(f)) for f in files}
    report = json.loads(args.run_report.read_text(encoding="utf-8")) if args.run_report else {}
    config = None
    if args.config:
        from bot.data.pipeline import load_config

        config = load_config(args.config)[1]
    card = render_card(splits, config, report.get("redaction"), report.get("cleaning"), report.get("import"), report.get("labelling"))
    with atomic_write(args.out) as handle:
        handle.write(card)
    print(f"wrote {args.out}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from bot.data.pipeline import run_pipeline

    report = run_pipeline(args.config, args.out, progress=not args.no_progress)
    print(json.dumps({k: report[k] for k in ("import", "splits", "seconds")}, indent=2))
    return 0


def _train_tagger(args: argparse.Namespace) -> int:
    from bot.privacy.evaluation import load_eval
    from bot.privacy.tagger import HELD_OUT_GROUPS, MODEL_FILE, train

    excluded = args.exclude_group or list(HELD_OUT_GROUPS)
    rows = [r for r in load_eval(args.file) if r.get("group") not in excluded]
    if not rows:
        raise ValueError(f"{args.file}: no labelled sentences outside the excluded groups {excluded}")
    started = time.monotonic()
    out = train(rows, args.out or MODEL_FILE)
    print(json.dumps({"model": str(out), "sentences": len(rows), "excluded_groups": excluded,
                      "bytes": out.stat().st_size, "seconds": round(time.monotonic() - started, 1)}, indent=2))
    return 0


def _eval(args: argparse.Namespace) -> int:
    from bot.privacy.evaluation import eval_files, evaluate, load_eval
    from bot.privacy.redactor import RedactionConfig, Redactor
    from bot.data.storage import write_json

    files = [args.file] if args.file else eval_files(args.group)
    rows = [row for path in files for row in load_eval(path, args.group)]
    if not rows:
        raise ValueError(f"{', '.join(map(str, files))}: no labelled sentences"
                         + (f" in group(s) {args.group}" if args.group else ""))
    result = evaluate(Redactor(RedactionConfig(tagger=not args.no_tagger)), rows)
    errors = result.pop("_errors")
    print(json.dumps(result, indent=2))
    if args.out:
        command = ["python -m bot data eval-redaction", *([str(files[0])] if len(files) == 1 else []),
                   *(f"--group {g}" for g in args.group or ()), *(["--no-tagger"] if args.no_tagger else [])]
        write_json(args.out, {"file": str(files[0]) if len(files) == 1 else [str(f) for f in files],
                              "groups": args.group or "all", "sentences": len(rows),
                              "tagger": not args.no_tagger, "command": " ".join(command), "scores": result})
    if args.show_errors:
        for error in errors:
            print(json.dumps(error), file=sys.stderr)
    return 0
