"""kpis.yml: the target of each KPI, validated; and how a measured value compares with it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional

from bot import paths

KPIS_YML = paths.ROOT / "kpis.yml"
KNOWN = ("containment_rate", "escalation_rate", "abandonment_rate", "fallback_rate", "knowledge_abstain_rate",
         "involvement_rate", "hard_resolution_rate", "soft_resolution_rate", "automation_rate", "csat_mean",
         "csat_top2_share", "csat_response_rate", "bot_response_ms_p50", "bot_response_ms_p95",
         "first_human_reply_business_minutes_p50", "handling_business_minutes_p50",
         "resolution_business_minutes_p50", "reopened_within_7_days_rate")
RATES = tuple(k for k in KNOWN if k.endswith("_rate") or k.endswith("_share"))


class TargetsError(ValueError):
    """kpis.yml is wrong; the message names the file, the key and the fix."""


@dataclass(frozen=True)
class Target:
    """One KPI's target."""

    kpi: str
    target: float
    direction: str  # "higher" or "lower"

    def met(self, value: Optional[float]) -> Optional[bool]:
        """True when ``value`` meets the target, None when there is no value."""
        if value is None:
            return None
        return value >= self.target if self.direction == "higher" else value <= self.target


def parse_targets(raw: Any, source: str = "kpis.yml") -> dict[str, Target]:
    """Validate the parsed YAML of kpis.yml.

    Raises:
        TargetsError: naming the key and the fix.
    """
    if not isinstance(raw, dict) or raw.get("version") != 1 or not isinstance(raw.get("kpis"), dict):
        raise TargetsError(f"{source}: write `version: 1` and a `kpis:` mapping (see docs/monitoring.md)")
    targets = {}
    for kpi, spec in raw["kpis"].items():
        where = f"{source}: kpis.{kpi}"
        if kpi not in KNOWN:
            raise TargetsError(f"{where}: unknown KPI; known: {', '.join(KNOWN)}")
        if not isinstance(spec, dict) or set(spec) != {"target", "direction"}:
            raise TargetsError(f"{where}: give {{target: <number>, direction: higher|lower}}")
        value, direction = spec["target"], spec["direction"]
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            raise TargetsError(f"{where}.target: {value!r} is not a number of 0 or more")
        if kpi in RATES and value > 1:
            raise TargetsError(f"{where}.target: {value!r}: a rate is between 0 and 1")
        if direction not in ("higher", "lower"):
            raise TargetsError(f"{where}.direction: {direction!r}: write higher or lower")
        targets[kpi] = Target(kpi, float(value), direction)
    return targets


def load_targets(path: Optional[Path] = None) -> dict[str, Target]:
    """The targets of kpis.yml (or of ``path``).

    Raises:
        TargetsError: the file is missing, not YAML, or wrong.
    """
    import yaml

    path = path or KPIS_YML
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TargetsError(f"{path}: not found; copy kpis.yml from the repository root") from None
    except yaml.YAMLError as error:
        raise TargetsError(f"{path}: not valid YAML: {error}") from None
    return parse_targets(raw, str(path))


def against_targets(kpis: Mapping[str, Any], targets: Mapping[str, Target]) -> dict[str, dict[str, Any]]:
    """Each targeted KPI's value, target and whether it is met (None: no value yet)."""
    return {kpi: {"value": kpis.get(kpi), "target": t.target, "direction": t.direction, "met": t.met(kpis.get(kpi))}
            for kpi, t in targets.items()}
