"""The dataset card: a Markdown summary of a pipeline run's splits, redaction and config.

ML environment only (pydantic v2 models).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional, Sequence

from bot.data.schema import SCHEMA_VERSION, Conversation
from bot.data.split import intent_counts, primary_intent


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def render_card(
    splits: Mapping[str, Sequence[Conversation]],
    config: Optional[Mapping[str, Any]] = None,
    redaction: Optional[Mapping[str, Any]] = None,
    cleaning: Optional[Mapping[str, Any]] = None,
    imports: Optional[Mapping[str, Any]] = None,
    labelling: Optional[Mapping[str, Any]] = None,
    title: str = "Switchboard conversation dataset",
) -> str:
    """Return the card as Markdown. Only counts and settings appear, never conversation text."""
    import yaml

    parts: List[str] = [f"# {title}", ""]
    parts.append(
        f"Generated {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} by `python -m bot data` "
        f"(canonical schema version {SCHEMA_VERSION}). Personal data is replaced by typed placeholders "
        "such as `<EMAIL_1>`; read the files with `bot.data.schema.load_conversations`."
    )
    parts += ["", "## Splits", ""]
    rows = []
    for name, conversations in splits.items():
        turns = sum(len(c.turns) for c in conversations)
        customer = sum(1 for c in conversations for _ in c.customer_turns())
        labelled = sum(intent_counts(conversations).values())
        rows.append([name, len(conversations), turns, customer, labelled])
    parts.append(_table(["split", "conversations", "turns", "customer turns", "labelled customer turns"], rows))
    parts.append("")
    parts.append("Splits are grouped by conversation (no conversation is in two splits) and stratified by each "
                 "conversation's primary intent.")

    per_split = {name: intent_counts(conversations) for name, conversations in splits.items()}
    strata = {name: {} for name in splits}
    for name, conversations in splits.items():
        for conversation in conversations:
            stratum = primary_intent(conversation)
            strata[name][stratum] = strata[name].get(stratum, 0) + 1
    intents = sorted(set().union(*[set(c) for c in per_split.values()])) if per_split else []
    parts += ["", "## Labelled customer turns per intent", ""]
    if intents:
        parts.append(_table(["intent", *splits.keys(), "total"],
                            [[i, *[per_split[s].get(i, 0) for s in splits], sum(per_split[s].get(i, 0) for s in splits)] for i in intents]))
    else:
        parts.append("No labelled customer turns (labelling was off or found nothing above the threshold).")
    all_strata = sorted(set().union(*[set(v) for v in strata.values()])) if strata else []
    parts += ["", "## Conversations per primary intent (stratum)", ""]
    parts.append(_table(["stratum", *splits.keys()], [[s, *[strata[n].get(s, 0) for n in splits]] for s in all_strata]))

    if redaction:
        parts += ["", "## Redaction", ""]
        parts.append(f"{redaction.get('conversations_changed', 0)} of {redaction.get('conversations', 0)} conversations and "
                     f"{redaction.get('turns_changed', 0)} of {redaction.get('turns', 0)} turns contained personal data.")
        parts.append("")
        entities = redaction.get("entities", {})
        distinct = redaction.get("distinct_values", {})
        parts.append(_table(["type", "occurrences replaced", "distinct values (per conversation, summed)"],
                            [[t, entities.get(t, 0), distinct.get(t, 0)] for t in entities]))
    if cleaning:
        parts += ["", "## Cleaning", ""]
        parts.append(f"Conversations {cleaning.get('conversations_in', 0)} -> {cleaning.get('conversations_out', 0)}, "
                     f"turns {cleaning.get('turns_in', 0)} -> {cleaning.get('turns_out', 0)}.")
        parts.append("")
        rows = [["turn changed", k, v] for k, v in sorted(cleaning.get("turns_changed", {}).items())]
        rows += [["turn dropped", k, v] for k, v in sorted(cleaning.get("turns_dropped", {}).items())]
        rows += [["conversation dropped", k, v] for k, v in sorted(cleaning.get("conversations_dropped", {}).items())]
        rows += [["language detected", k, v] for k, v in sorted(cleaning.get("languages_detected", {}).items())]
        parts.append(_table(["what", "step", "count"], rows) if rows else "Nothing changed.")
    if imports:
        parts += ["", "## Import", ""]
        parts.append(_table(["input", "format", "conversations", "skipped records"],
                            [[i.get("path"), i.get("format"), i.get("conversations"), i.get("skipped")] for i in imports.get("inputs", [])]))
    if labelling:
        parts += ["", "## Labelling", ""]
        parts.append("```json")
        import json

        parts.append(json.dumps(labelling, indent=2))
        parts.append("```")
    if config is not None:
        parts += ["", "## Pipeline configuration", "", "```yaml", yaml.safe_dump(dict(config), sort_keys=False).rstrip(), "```"]
    parts.append("")
    return "\n".join(parts)
