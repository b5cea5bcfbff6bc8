"""Personal-data redaction into typed placeholders that are consistent within a conversation.

:class:`Redactor` runs every recogniser of :mod:`bot.privacy.recognisers` (and, unless turned off,
the learned tagger of :mod:`bot.privacy.tagger`), keeps the non-overlapping detections
(``PRIORITY`` of :mod:`bot.privacy.detection`) and replaces them: :meth:`Redactor.redact_text`
for one text, :meth:`Redactor.redact_conversation` and :func:`redact_conversations` for the data
pipeline's conversations (:mod:`bot.data.schema`).

Names and identifiers found once in a text are also found where they repeat in it.

Within one conversation the same value always gets the same placeholder (``<EMAIL_1>``); a
name's single tokens map to the full name's placeholder ("Crystal" -> ``<PERSON_1>`` after
"Crystal Minh"). Counters start again in each conversation.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterable, Iterator, List, Optional, Sequence

from bot.privacy import lexicon as lex
from bot.privacy.detection import ENTITY_TYPES, PRIORITY, REPEATED_TYPES, Detection
from bot.privacy.recognisers.addresses import find_addresses
from bot.privacy.recognisers.dates_of_birth import find_dates_of_birth
from bot.privacy.recognisers.emails import find_emails
from bot.privacy.recognisers.identifiers import find_identifiers
from bot.privacy.recognisers.national_ids import find_national_ids
from bot.privacy.recognisers.name_cues import NAME_TOKEN_RE
from bot.privacy.recognisers.payments import find_cards, find_ibans
from bot.privacy.recognisers.persons import find_persons
from bot.privacy.recognisers.phones import NATIONAL_PHONE_REGIONS, find_phones
from bot.privacy.reconcile import TAGGED_KEYS, fit_addresses, repeats, trim_tagged

if TYPE_CHECKING:  # the pipeline's pydantic models; the redactor only copies them
    from bot.data.schema import Conversation

logger = logging.getLogger(__name__)


SAFE_METADATA_KEYS = frozenset(
    {"source", "format", "flow", "subflow", "abcd_split", "abcd_speaker", "label_source", "system",
     "source_line", "handoff_agent", "handoff_id", "language", "needs_review"}
)


@dataclass
class RedactionConfig:
    """Options of the redactor (``redaction:`` in data/pipeline.yml).

    Attributes:
        phone_region: default country for numbers written without ``+`` (ISO code).
        national_phone_regions: further countries whose national numbers (with a trunk ``0``)
            are recognised when valid there, tried in this order.
        allowlist: values never redacted (the company's own phone and e-mail).
        entity_types: which types to redact.
        pseudonymize_ids: replace conversation ids (which can be phone numbers on SMS/WhatsApp)
            by a salted hash.
        id_salt: salt of that hash; set a secret one so ids cannot be reversed by guessing.
        tagger: also run the learned tagger (:mod:`bot.privacy.tagger`) and keep its names,
            addresses and identifiers where no rule detection overlaps them.
        tagger_confidence: the least mean marginal probability of a tagged span's tokens.
    """

    phone_region: str = "US"
    national_phone_regions: List[str] = field(default_factory=lambda: list(NATIONAL_PHONE_REGIONS))
    allowlist: List[str] = field(default_factory=lambda: ["support@harborandpine.example", "1-800-555-0142"])
    entity_types: List[str] = field(default_factory=lambda: list(ENTITY_TYPES))
    pseudonymize_ids: bool = True
    id_salt: str = ""
    tagger: bool = True
    tagger_confidence: float = 0.7

    @classmethod
    def from_dict(cls, values: Dict[str, Any], where: str = "redaction") -> "RedactionConfig":
        """Build from a config mapping; unknown keys or types raise ``ValueError``."""
        unknown = sorted(set(values) - set(cls.__dataclass_fields__))
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {unknown}; known: {sorted(cls.__dataclass_fields__)}")
        config = cls(**values)
        if not isinstance(config.tagger, bool):
            raise ValueError(f"{where}.tagger: expected true or false, got {config.tagger!r}")
        if isinstance(config.tagger_confidence, bool) or not isinstance(config.tagger_confidence, (int, float)) \
                or not 0.0 <= config.tagger_confidence <= 1.0:
            raise ValueError(f"{where}.tagger_confidence: expected a number from 0 to 1, got {config.tagger_confidence!r}")
        bad = [t for t in config.entity_types if t not in ENTITY_TYPES]
        if bad:
            raise ValueError(f"{where}.entity_types: unknown {bad}; choose from {list(ENTITY_TYPES)}")
        import phonenumbers

        regions = [config.phone_region, *config.national_phone_regions]
        bad = [r for r in regions if r not in phonenumbers.SUPPORTED_REGIONS]
        if bad:
            raise ValueError(f"{where}: unknown phone region(s) {bad}; use ISO 3166 codes such as US, GB, AU")
        return config


@dataclass
class RedactionReport:
    """Counts only: what was redacted, never the values."""

    conversations: int = 0
    conversations_changed: int = 0
    turns: int = 0
    turns_changed: int = 0
    entities: Counter = field(default_factory=Counter)
    """Occurrences replaced, per type."""
    distinct_values: Counter = field(default_factory=Counter)
    """Distinct values per type, summed over conversations."""

    def to_dict(self) -> Dict[str, Any]:
        """Plain dict for JSON reports and the dataset card."""
        return {
            "conversations": self.conversations,
            "conversations_changed": self.conversations_changed,
            "turns": self.turns,
            "turns_changed": self.turns_changed,
            "entities": {t: self.entities.get(t, 0) for t in ENTITY_TYPES},
            "distinct_values": {t: self.distinct_values.get(t, 0) for t in ENTITY_TYPES},
        }


DETECTION_WINDOW = 800
"""Texts longer than this are searched in windows (a chat message is rarely longer)."""
DETECTION_OVERLAP = 200
"""Characters shared by consecutive windows: longer than any single piece of personal data."""


def _windows(text: str, size: int, overlap: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of windows of at most ``size`` characters covering ``text``, each starting
    ``overlap`` or more characters before the previous one ends, cut at whitespace where there is some."""
    start = 0
    while True:
        end = min(len(text), start + size)
        if end < len(text):
            space = max(text.rfind(" ", start + size - overlap // 2, end), text.rfind("\n", start + size - overlap // 2, end))
            if space > start:
                end = space
        yield start, end
        if end >= len(text):
            return
        next_start = end - overlap
        space = text.find(" ", next_start, end)
        start = space + 1 if space != -1 and space + 1 < end else next_start


class Redactor:
    """Finds personal data and replaces it with placeholders consistent within a conversation."""

    def __init__(self, config: Optional[RedactionConfig] = None, tagger_model: Optional[Path] = None) -> None:
        self.config = config or RedactionConfig()
        self._allow = {self._allow_key(v) for v in self.config.allowlist}
        self._tagger = None
        if self.config.tagger:
            from bot.privacy.tagger import MODEL_FILE, load_tagger

            self._tagger = load_tagger(tagger_model or MODEL_FILE)

    @staticmethod
    def _allow_key(value: str) -> str:
        digits = re.sub(r"\D", "", value)
        return digits[-10:] if "@" not in value and len(digits) >= 7 else value.strip().lower()

    # -- detection

    def detect(self, text: str, previous_text: str = "") -> List[Detection]:
        """All non-overlapping detections in ``text`` (``previous_text``: the turn before, for context).

        A text longer than ``DETECTION_WINDOW`` characters is searched in overlapping windows cut at
        spaces: some recognisers backtrack quadratically on long runs of look-alike characters
        ("-1-2-3..." for 8,000 characters took 8 s), and an uploaded export is untrusted input.
        """
        if len(text) <= DETECTION_WINDOW:
            return self._detect_window(text, previous_text)
        found: List[Detection] = []
        for start, end in _windows(text, DETECTION_WINDOW, DETECTION_OVERLAP):
            context = previous_text if start == 0 else text[max(0, start - DETECTION_OVERLAP):start]
            found += [replace(d, start=d.start + start, end=d.end + start)
                      for d in self._detect_window(text[start:end], context)]
        return self._resolve(text, found)

    def _detect_window(self, text: str, previous_text: str) -> List[Detection]:
        candidates: List[Detection] = []
        candidates += find_emails(text)
        candidates += find_ibans(text)
        candidates += find_cards(text)
        candidates += find_national_ids(text)
        candidates += find_dates_of_birth(text)
        candidates += find_identifiers(text, previous_text)
        candidates += find_phones(text, self.config.phone_region, self.config.national_phone_regions)
        candidates += find_addresses(text)
        candidates += find_persons(text)
        chosen = self._resolve(text, fit_addresses(text, candidates))
        if self._tagger is not None:
            chosen = self._resolve(text, chosen + self._tagged(text, chosen))
        return self._resolve(text, chosen + repeats(text, chosen)) if chosen else chosen

    def _tagged(self, text: str, rules: List[Detection]) -> List[Detection]:
        """The tagger's names, addresses and identifiers, weaker than every rule.

        A tagged span that overlaps only rule detections of its own type and reaches further
        replaces them (the rules found "Plot 14, Admiralty Way", the tagger the whole
        "Plot 14, Admiralty Way, Lekki Phase 1, Lagos"); one that overlaps any other detection is dropped.
        """
        found = []
        for start, end, kind in self._tagger.spans(text, self.config.tagger_confidence):
            start, end = trim_tagged(text, start, end, kind)
            overlapping = [d for d in rules if start < d.end and d.start < end]
            if end <= start or any(d.type != kind for d in overlapping):
                continue
            if overlapping:
                start, end = min(start, *(d.start for d in overlapping)), max(end, *(d.end for d in overlapping))
                if end - start <= max(d.length for d in overlapping):
                    continue
            value = text[start:end]
            key = TAGGED_KEYS.get(kind, str.lower)(value)
            found.append(Detection(start, end, kind, key, strong=bool(overlapping), recogniser="tagger"))
        return found

    def _resolve(self, text: str, candidates: Iterable[Detection]) -> List[Detection]:
        wanted = set(self.config.entity_types)
        chosen: List[Detection] = []
        ordered = sorted(candidates, key=lambda d: (not d.strong, PRIORITY[d.type], -d.length, d.start))
        for detection in ordered:
            if detection.type not in wanted:
                continue
            surface = text[detection.start:detection.end]
            if self._allow_key(surface) in self._allow or detection.key in self._allow:
                continue
            if any(detection.start < c.end and c.start < detection.end for c in chosen):
                continue
            chosen.append(detection)
        return sorted(chosen, key=lambda d: d.start)

    # -- conversations

    def redact_text(self, text: str) -> str:
        """Redact a single text on its own (placeholders numbered within this text)."""
        state = _ConversationState()
        return state.apply(text, self.detect(text))

    def redact_conversation(self, conversation: Conversation, report: Optional[RedactionReport] = None) -> Conversation:
        """Return a redacted copy of ``conversation`` and add its counts to ``report``."""
        texts = [turn.text for turn in conversation.turns]
        # context for bare identifiers: what was said in the three turns before
        per_turn = [self.detect(text, " ".join(texts[max(0, i - 3):i])) for i, text in enumerate(texts)]
        per_turn = self._propagate(texts, per_turn)
        state = _ConversationState()
        turns = []
        changed_turns = 0
        for turn, text, detections in zip(conversation.turns, texts, per_turn):
            new_text = state.apply(text, detections)
            changed_turns += new_text != text
            metadata = self._redact_metadata(turn.metadata, state)
            turns.append(turn.model_copy(update={"text": new_text, "metadata": metadata}))
        conversation_id = conversation.conversation_id
        metadata = self._redact_metadata(conversation.metadata, state)
        if self.config.pseudonymize_ids:
            conversation_id = "conv-" + self._hash(conversation_id)
        redacted = conversation.model_copy(update={"conversation_id": conversation_id, "turns": turns, "metadata": metadata})
        if report is not None:
            report.conversations += 1
            report.turns += len(turns)
            report.turns_changed += changed_turns
            report.conversations_changed += bool(changed_turns)
            report.entities.update(state.occurrences)
            report.distinct_values.update({t: len(v) for t, v in state.numbers.items()})
        return redacted

    def _hash(self, value: str) -> str:
        return hashlib.sha256((self.config.id_salt + value).encode("utf-8")).hexdigest()[:16]

    def _redact_metadata(self, metadata: Dict[str, Any], state: "_ConversationState") -> Dict[str, Any]:
        result: Dict[str, Any] = {}
        for key, value in metadata.items():
            if key == "handoff_agent" and value is not None:
                result[key] = "agent-" + self._hash(str(value))[:8]
            elif isinstance(value, str) and key not in SAFE_METADATA_KEYS:
                result[key] = state.apply(value, self.detect(value))
            else:
                result[key] = value
        return result

    def _propagate(self, texts: List[str], per_turn: List[List[Detection]]) -> List[List[Detection]]:
        """Find values seen elsewhere in the conversation (names, e-mail user names, ids) in every turn."""
        known: Dict[str, Detection] = {}  # lower-case surface -> detection giving its type and key
        for text, detections in zip(texts, per_turn):
            for d in detections:
                surface = text[d.start:d.end]
                lower = re.sub(r"\s+", " ", surface.lower()).lstrip("#")
                if d.type in REPEATED_TYPES and len(lower) >= 3:
                    if lower not in known or (d.strong and not known[lower].strong):
                        known[lower] = d
                if d.type == "PERSON":
                    for token in NAME_TOKEN_RE.findall(lower):
                        if len(token) >= 3 and token not in lex.COMMON_WORDS and token not in ("mr", "mrs", "ms", "dr", "miss"):
                            # a single token belongs to the longest name it was seen in
                            if token not in known or (known[token].type == "PERSON" and len(d.key) > len(known[token].key)):
                                known[token] = d
                if d.type == "EMAIL":
                    local = lower.split("@", 1)[0]
                    if len(local) >= 4 and local not in lex.COMMON_WORDS and local not in lex.FIRST_NAMES:
                        known.setdefault(local, Detection(0, 0, "ACCOUNT_ID", local, True, "email-local"))
        if not known:
            return per_turn
        pattern = re.compile(
            r"(?<![\w@.])(?:%s)(?![\w@])" % "|".join(re.escape(k) for k in sorted(known, key=len, reverse=True)),
            re.I,
        )
        result = []
        for text, detections in zip(texts, per_turn):
            extra = []
            for match in pattern.finditer(text):
                source = known[match.group().lower()]
                extra.append(Detection(match.start(), match.end(), source.type, source.key, True, "conversation"))
            retyped = []
            for d in detections:
                lower = re.sub(r"\s+", " ", text[d.start:d.end].lower()).lstrip("#")
                source = known.get(lower)
                if source is not None and not d.strong and source.strong:
                    d = Detection(d.start, d.end, source.type, source.key, True, d.recogniser)
                elif source is not None and d.type == source.type == "PERSON" and d.key != source.key:
                    d = Detection(d.start, d.end, "PERSON", source.key, True, d.recogniser)
                retyped.append(d)
            result.append(self._resolve(text, retyped + extra))
        return result


class _ConversationState:
    """Placeholder numbering of one conversation."""

    def __init__(self) -> None:
        self.numbers: Dict[str, Dict[str, int]] = {}
        self.occurrences: Counter = Counter()

    def placeholder(self, kind: str, key: str) -> str:
        numbers = self.numbers.setdefault(kind, {})
        if key not in numbers:
            numbers[key] = len(numbers) + 1
        self.occurrences[kind] += 1
        return f"<{kind}_{numbers[key]}>"

    def apply(self, text: str, detections: Sequence[Detection]) -> str:
        parts, position = [], 0
        for d in sorted(detections, key=lambda d: d.start):
            parts.append(text[position:d.start])
            parts.append(self.placeholder(d.type, d.key))
            position = d.end
        parts.append(text[position:])
        return "".join(parts)


def redact_conversations(
    conversations: Iterable[Conversation], redactor: Redactor, report: RedactionReport
) -> Iterator[Conversation]:
    """Redact each conversation lazily, adding counts to ``report``."""
    for conversation in conversations:
        yield redactor.redact_conversation(conversation, report)
