"""The generator registry: which fine-tuned adapter the bot serves, and explicit promotion.

``<dir>/registry.json`` (``models/generator`` by default) holds ``{"active": "<run-id>"}``
plus the promotion history; no file, or ``"active": null``, means the base model. The
action server reads it at start (:func:`bot.generation.model.active_adapter`).

Promotion compares the candidate's end-of-run *validation* metrics with the active adapter's
(or, when the base model is active, with the base model's validation metrics measured in the
candidate's own run): a candidate with a lower answer similarity or a higher unsupported-fact
rate is refused unless forced. Both runs must have been evaluated on the same validation split
(same file digest and evaluation settings) to be compared. Test metrics are never read here:
the test split only reports the chosen model, it does not choose it. Every write goes to a temporary file that replaces the
registry in one ``os.replace``, so an interrupt or a full disk leaves the previous registry.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

logger = logging.getLogger(__name__)

REGISTRY = "registry.json"
COMPARED = ("answer_similarity", "unsupported_fact_rate")


class RegistryError(RuntimeError):
    """The registry or a run folder is unusable; the message names the file and the fix."""


class PromotionRefused(RegistryError):
    """The candidate is worse than the active model (or not comparable) and --force was not given."""


@dataclass(frozen=True)
class RunInfo:
    """A finished run folder."""

    run_id: str
    folder: Path
    metrics: dict[str, Any]


def registry_path(folder: Path) -> Path:
    """The registry file of a generator folder."""
    return folder / REGISTRY


def read_registry(folder: Path) -> dict[str, Any]:
    """The registry content (``{"active": None}`` when there is none).

    Raises:
        RegistryError: the file exists but is not a JSON object with an ``active`` key.
    """
    path = registry_path(folder)
    if not path.is_file():
        return {"active": None, "history": []}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RegistryError(f"{path}: not readable JSON ({exc}); fix it or delete it to serve the base model") from exc
    if not isinstance(data, dict) or "active" not in data:
        raise RegistryError(f'{path}: expected {{"active": "<run-id>"}}; fix it or delete it to serve the base model')
    data.setdefault("history", [])
    return data


def write_registry(folder: Path, data: dict[str, Any]) -> None:
    """Replace the registry atomically (temporary file, fsync, os.replace)."""
    from bot.data.storage import write_json

    write_json(registry_path(folder), data)


def load_run(folder: Path, run_id: str) -> RunInfo:
    """A finished run and its metrics.

    Raises:
        RegistryError: no such run, or it has no adapter or no metrics.
    """
    if not run_id or "/" in run_id or run_id.startswith("."):
        raise RegistryError(f"{run_id!r} is not a run id (a folder name under {folder})")
    run = folder / run_id
    if not run.is_dir():
        known = ", ".join(r.run_id for r in list_runs(folder)) or "none"
        raise RegistryError(f"{run}: no such run (finished runs: {known})")
    metrics_file = run / "metrics.json"
    if not metrics_file.is_file():
        raise RegistryError(f"{metrics_file}: missing; this run did not finish its evaluation")
    if not (run / "adapter" / "adapter_config.json").is_file() and not (run / "adapter.gguf").is_file():
        raise RegistryError(f"{run}: holds neither adapter/ nor adapter.gguf")
    return RunInfo(run_id, run, json.loads(metrics_file.read_text(encoding="utf-8")))


def list_runs(folder: Path) -> list[RunInfo]:
    """Finished runs (folders with metrics.json), oldest first."""
    if not folder.is_dir():
        return []
    runs = []
    for run in sorted(folder.iterdir()):
        if run.is_dir() and not run.name.startswith(".") and (run / "metrics.json").is_file():
            try:
                runs.append(RunInfo(run.name, run, json.loads((run / "metrics.json").read_text(encoding="utf-8"))))
            except json.JSONDecodeError:
                logger.warning("Skipping %s: metrics.json is not valid JSON", run)
    return sorted(runs, key=lambda r: r.metrics.get("created", ""))


def validation_metrics(metrics: dict[str, Any], model: str) -> Optional[dict[str, Any]]:
    """The validation metrics of ``model`` (``finetuned`` or ``base``) in a run's metrics, if any."""
    return (metrics.get("validation") or {}).get(model)


def _comparable(a: dict[str, Any], b: dict[str, Any]) -> Optional[str]:
    if a.get("validation_digest") != b.get("validation_digest"):
        return "the two runs were evaluated on different validation splits"
    keys = ("validation_examples", "max_new_tokens")
    if any(a.get("evaluation", {}).get(k) != b.get("evaluation", {}).get(k) for k in keys):
        return "the two runs used different evaluation settings (evaluation.validation_examples/max_new_tokens)"
    return None


def worse_reasons(candidate: dict[str, Any], reference: dict[str, Any]) -> list[str]:
    """Why ``candidate`` (metrics of one model) is worse than ``reference``; empty when it is not."""
    reasons = []
    if candidate["answer_similarity"] < reference["answer_similarity"]:
        reasons.append(f"answer_similarity {candidate['answer_similarity']} < {reference['answer_similarity']}")
    if candidate["unsupported_fact_rate"] > reference["unsupported_fact_rate"]:
        reasons.append(f"unsupported_fact_rate {candidate['unsupported_fact_rate']} > {reference['unsupported_fact_rate']}")
    return reasons


@dataclass(frozen=True)
class Promotion:
    """Outcome of a promotion."""

    run_id: str
    previous: Optional[str]
    forced: bool
    reasons: tuple[str, ...]
    """Why the candidate looked worse (only non-empty when forced)."""


def promote(folder: Path, run_id: str, force: bool = False) -> Promotion:
    """Make ``run_id`` the active adapter when it is not worse than the active one.

    Raises:
        RegistryError: unknown or unfinished run, malformed registry.
        PromotionRefused: the candidate is worse or not comparable, and ``force`` is False.
    """
    candidate = load_run(folder, run_id)
    registry = read_registry(folder)
    active = registry.get("active")
    reasons: list[str] = []
    if active == run_id:
        return Promotion(run_id, active, force, ())
    tuned = validation_metrics(candidate.metrics, "finetuned")
    if tuned is None:
        reasons.append(f"{run_id} has no validation metrics (a run made before promotion moved to validation); re-run it")
    elif active:
        try:
            current = load_run(folder, active)
        except RegistryError as exc:
            reasons.append(f"the active run cannot be read ({exc})")
        else:
            problem = _comparable(candidate.metrics, current.metrics)
            if problem:
                reasons.append(problem)
            elif validation_metrics(current.metrics, "finetuned") is None:
                reasons.append(f"the active run {active} has no validation metrics to compare with")
            else:
                reasons += [f"validation {r} (active {active})"
                            for r in worse_reasons(tuned, validation_metrics(current.metrics, "finetuned"))]
    elif validation_metrics(candidate.metrics, "base") is not None:
        reasons += [f"validation {r} (base model)" for r in worse_reasons(tuned, validation_metrics(candidate.metrics, "base"))]
    if reasons and not force:
        raise PromotionRefused(
            f"refusing to promote {run_id}: " + "; ".join(reasons) + ". Use --force to promote it anyway."
        )
    entry = {"active": run_id, "previous": active, "forced": bool(reasons and force),
             "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    history = list(registry.get("history", []))[-49:] + [entry]
    write_registry(folder, {"active": run_id, "previous": active, "history": history})
    logger.info("Promoted %s (previous: %s)%s", run_id, active or "base model", " with --force" if reasons else "")
    return Promotion(run_id, active, force, tuple(reasons))


def deactivate(folder: Path) -> Optional[str]:
    """Serve the base model again; returns the run that was active."""
    registry = read_registry(folder)
    active = registry.get("active")
    entry = {"active": None, "previous": active, "forced": False,
             "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    write_registry(folder, {"active": None, "previous": active, "history": list(registry.get("history", []))[-49:] + [entry]})
    return active
