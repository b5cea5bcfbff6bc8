"""End-to-end run: import -> redact -> clean -> (label) -> split -> nlu.yml + dataset card.

ML environment only (pydantic v2). Configured by a YAML file (``data/pipeline.yml``); relative
paths in it are relative to the folder of that file. The whole output folder is written into
a temporary sibling folder and swapped in only when every step succeeded, so a failed run
leaves the previous output untouched.

Output folder::

    conversations.jsonl        all conversations after redaction, cleaning and labelling
    splits/{train,validation,test}.jsonl
    nlu.yml                    labelled customer turns as Rasa NLU training data (when any)
    low_confidence.csv         turns for people to label (when labelling ran)
    reports/import_issues.json bad input records (file, line, reason)
    reports/run_report.json    counts of every step (redaction, cleaning, labelling, splits)
    DATASET_CARD.md
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.data.card import render_card
from bot.data.clean import Cleaner, CleaningConfig
from bot.data.readers import FORMATS, ReaderOptions, read_source
from bot.privacy.redactor import RedactionConfig, RedactionReport, Redactor
from bot.data.schema import Conversation, write_conversations
from bot.data.split import DEFAULT_RATIOS, split_conversations, validate_ratios
from bot.data.storage import IssueLog, write_json

logger = logging.getLogger(__name__)


class InputConfig(BaseModel):
    """One input of the pipeline."""

    model_config = ConfigDict(extra="forbid")
    path: str
    format: str
    options: Dict[str, Any] = Field(default_factory=dict)

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value not in FORMATS:
            raise ValueError(f"unknown format {value!r}; choose one of {sorted(FORMATS)}")
        return value


class LabellingConfig(BaseModel):
    """Auto-labelling with the trained Rasa model (off unless ``enabled``)."""

    model_config = ConfigDict(extra="forbid")
    enabled: bool = False
    model: str = "latest"
    rasa_url: Optional[str] = None
    threshold: float = Field(default=0.6, ge=0.0, le=1.0)
    relabel: bool = False


class SplitConfig(BaseModel):
    """Split ratios and seed."""

    model_config = ConfigDict(extra="forbid")
    ratios: Dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_RATIOS))
    seed: int = 13

    @field_validator("ratios")
    @classmethod
    def _valid(cls, value: Dict[str, float]) -> Dict[str, float]:
        return validate_ratios(value)


class NluExportConfig(BaseModel):
    """Which labelled turns go to nlu.yml."""

    model_config = ConfigDict(extra="forbid")
    enabled: bool = True
    min_confidence: float = Field(default=0.6, ge=0.0, le=1.0)
    domain: str = "../domain.yml"


class PipelineConfig(BaseModel):
    """The whole ``data/pipeline.yml``."""

    model_config = ConfigDict(extra="forbid")
    output_dir: str
    inputs: List[InputConfig] = Field(min_length=1)
    redaction: Dict[str, Any] = Field(default_factory=dict)
    cleaning: Dict[str, Any] = Field(default_factory=dict)
    labelling: LabellingConfig = Field(default_factory=LabellingConfig)
    split: SplitConfig = Field(default_factory=SplitConfig)
    nlu_export: NluExportConfig = Field(default_factory=NluExportConfig)


def load_config(path: Path | str) -> tuple[PipelineConfig, Dict[str, Any]]:
    """Read and validate the pipeline YAML; returns the model and the raw mapping.

    Raises:
        ValueError: naming the file and the bad keys.
    """
    import yaml

    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: pipeline config not found (see docs/data-pipeline.md)")
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    try:
        config = PipelineConfig.model_validate(raw)
        RedactionConfig.from_dict(config.redaction, f"{path}: redaction")
        CleaningConfig.from_dict(config.cleaning, f"{path}: cleaning")
        for index, item in enumerate(config.inputs):
            ReaderOptions.from_dict(item.options, f"{path}: inputs[{index}].options")
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
        raise ValueError(f"{path}: invalid pipeline config: {problems}") from error
    return config, raw


def _progress(iterable: Any, description: str, total: Optional[int] = None, enabled: bool = True) -> Any:
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, desc=description, total=total, unit="conv", leave=False)


def run_pipeline(
    config_path: Path | str, output_dir: Optional[Path | str] = None, progress: bool = True,
    parser: Any = None,
) -> Dict[str, Any]:
    """Run every step and write the output folder; returns the run report.

    Args:
        config_path: the pipeline YAML.
        output_dir: overrides ``output_dir`` of the config.
        progress: show tqdm progress bars.
        parser: an :class:`~bot.data.label.IntentParser` to use instead of the configured model.
    """
    config_path = Path(config_path).resolve()
    config, raw = load_config(config_path)
    base = config_path.parent
    out = Path(output_dir).resolve() if output_dir else (base / config.output_dir).resolve()
    started = time.monotonic()

    # import
    issues = IssueLog()
    conversations: List[Conversation] = []
    seen: set[str] = set()
    import_stats = []
    for item in config.inputs:
        source = item.path if item.format == "rasa-sql" and "://" in item.path else str((base / item.path).resolve())
        options = ReaderOptions.from_dict(item.options)
        before_conversations, before_issues = len(conversations), len(issues)
        for conversation in _progress(read_source(item.format, source, options, issues), f"import {Path(item.path).name}", enabled=progress):
            if conversation.conversation_id in seen:
                issues.add(item.path, 0, "duplicate conversation_id (already read from an earlier input); skipped")
                continue
            seen.add(conversation.conversation_id)
            conversations.append(conversation)
        import_stats.append({"path": item.path, "format": item.format,
                             "conversations": len(conversations) - before_conversations,
                             "skipped": len(issues) - before_issues})
        logger.info("imported %d conversations from %s", len(conversations) - before_conversations, item.path)

    # redact
    redactor = Redactor(RedactionConfig.from_dict(config.redaction))
    redaction_report = RedactionReport()
    redacted = [redactor.redact_conversation(c, redaction_report)
                for c in _progress(conversations, "redact", len(conversations), progress)]

    # clean
    cleaner = Cleaner(CleaningConfig.from_dict(config.cleaning))
    cleaned = list(cleaner.clean(_progress(redacted, "clean", len(redacted), progress)))

    # label
    labelling_report = None
    if config.labelling.enabled:
        from bot.data.label import HttpRasaParser, SubprocessRasaParser, auto_label

        if parser is None:
            parser = HttpRasaParser(config.labelling.rasa_url) if config.labelling.rasa_url else SubprocessRasaParser(
                config.labelling.model if config.labelling.model == "latest" else base / config.labelling.model)
        logger.info("labelling customer turns of %d conversations", len(cleaned))
        cleaned, report = auto_label(cleaned, parser, config.labelling.threshold, config.labelling.relabel)
        labelling_report = report.to_dict()

    # split
    splits = split_conversations(cleaned, config.split.ratios, config.split.seed)

    run_report: Dict[str, Any] = {
        "config": str(config_path),
        "import": {"inputs": import_stats, "conversations": len(conversations), "skipped_records": len(issues)},
        "redaction": redaction_report.to_dict(),
        "cleaning": cleaner.report.to_dict(),
        "labelling": labelling_report,
        "splits": {name: len(items) for name, items in splits.items()},
    }

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        write_conversations(staging / "conversations.jsonl", cleaned)
        for name, items in splits.items():
            write_conversations(staging / "splits" / f"{name}.jsonl", items)
        if config.labelling.enabled:
            from bot.data.label import export_review_csv

            run_report["low_confidence_rows"] = export_review_csv(cleaned, staging / "low_confidence.csv")
        if config.nlu_export.enabled:
            from bot.data.label import domain_intents, training_examples, write_nlu_yaml

            intents = domain_intents((base / config.nlu_export.domain).resolve())
            examples = training_examples(cleaned, config.nlu_export.min_confidence, intents)
            if examples:
                run_report["nlu_examples"] = write_nlu_yaml(examples, staging / "nlu.yml")
        run_report["seconds"] = round(time.monotonic() - started, 2)
        write_json(staging / "reports" / "import_issues.json", issues.to_dicts())
        write_json(staging / "reports" / "run_report.json", run_report)
        card = render_card(splits, raw, run_report["redaction"], run_report["cleaning"], run_report["import"], labelling_report)
        (staging / "DATASET_CARD.md").write_text(card, encoding="utf-8")
        _swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    logger.info("wrote %s (%d conversations: %s)", out, len(cleaned), run_report["splits"])
    return run_report


def _swap_in(staging: Path, out: Path) -> None:
    """Replace ``out`` with ``staging`` (the old folder is removed only after the rename)."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{int(time.time())}")
        out.rename(old)
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old)
