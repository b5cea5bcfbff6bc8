"""Cleaning and standardising conversations; every step counts what it changed or removed.

ML environment only (pydantic v2 models, ftfy, lingua-language-detector, numpy).

Steps, in order, per turn: mojibake repair (ftfy), HTML/markup stripping (placeholders such as
``<EMAIL_1>`` are kept), Unicode normalisation (NFC or NFKC), whitespace collapsing; then turns
dropped when empty, marked as system turns (``metadata.system``), matching a boilerplate
pattern, or longer than ``max_turn_chars``. Per conversation: dropped when it has fewer than
``min_turns`` turns or ``min_customer_turns`` customer turns, or more than ``max_turns``; when its
detected language is not allowed; when it duplicates an earlier conversation exactly
(after normalisation) or nearly (Jaccard similarity of word 3-gram shingles, estimated with
MinHash and confirmed exactly, at or above ``near_duplicate_threshold``). Deduplication works on
whole conversations, so on single-message inputs it deduplicates messages.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, List, Optional, Set

from bot.privacy.detection import PLACEHOLDER_RE
from bot.data.schema import Conversation, Turn

logger = logging.getLogger(__name__)

DEFAULT_BOILERPLATE = [
    r"(?i)^\s*(?:\[?(?:system|automated)\s+message\]?)",
    r"(?i)^\s*(?:\w+\s+)?(?:has\s+)?(?:joined|left)\s+the\s+(?:chat|conversation)\s*\.?\s*$",
    r"(?i)^\s*(?:chat|conversation)\s+(?:transferred|ended|started)\b",
    r"(?i)^\s*this\s+(?:chat|conversation)\s+(?:may\s+be|is)\s+recorded",
]

DEFAULT_LANGUAGE_CANDIDATES = [
    "en", "es", "fr", "de", "it", "pt", "nl", "sv", "da", "nb", "fi", "pl", "cs", "ro", "tr", "ru",
    "uk", "ar", "he", "hi", "zh", "ja", "ko", "vi", "id", "tl",
]


@dataclass
class CleaningConfig:
    """Options of the cleaning step (``cleaning:`` in data/pipeline.yml)."""

    unicode_form: str = "NFKC"
    fix_mojibake: bool = True
    strip_html: bool = True
    drop_system_turns: bool = True
    boilerplate_patterns: List[str] = field(default_factory=lambda: list(DEFAULT_BOILERPLATE))
    max_turn_chars: int = 2000
    min_turns: int = 1
    min_customer_turns: int = 1
    max_turns: int = 500
    allowed_languages: Optional[List[str]] = field(default_factory=lambda: ["en"])
    """ISO 639-1 codes; ``None`` disables language filtering."""
    language_candidates: List[str] = field(default_factory=lambda: list(DEFAULT_LANGUAGE_CANDIDATES))
    language_min_chars: int = 20
    """Shorter customer text is not classified and the conversation is kept."""
    language_high_accuracy: bool = True
    """lingua's high-accuracy mode. The low-accuracy mode loads in ~0.5 s instead of ~14 s but called
    short English chat messages German or Portuguese ("hi, where is my order? thanks!")."""
    exact_dedupe: bool = True
    near_duplicate_threshold: Optional[float] = 0.9
    """Jaccard similarity of word 3-gram shingles; ``None`` disables near-duplicate removal."""

    @classmethod
    def from_dict(cls, values: Dict[str, Any], where: str = "cleaning") -> "CleaningConfig":
        """Build from a config mapping; bad keys or values raise ``ValueError`` naming them."""
        unknown = sorted(set(values) - set(cls.__dataclass_fields__))
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {unknown}; known: {sorted(cls.__dataclass_fields__)}")
        config = cls(**values)
        if config.unicode_form not in ("NFC", "NFKC"):
            raise ValueError(f"{where}.unicode_form must be NFC or NFKC, got {config.unicode_form!r}")
        threshold = config.near_duplicate_threshold
        if threshold is not None and not 0.0 < threshold <= 1.0:
            raise ValueError(f"{where}.near_duplicate_threshold must be in (0, 1] or null, got {threshold}")
        for pattern in config.boilerplate_patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"{where}.boilerplate_patterns: {pattern!r} is not a valid regex ({error})") from error
        return config


@dataclass
class CleaningReport:
    """What each step changed or removed (counts only)."""

    conversations_in: int = 0
    conversations_out: int = 0
    turns_in: int = 0
    turns_out: int = 0
    turns_changed: Counter = field(default_factory=Counter)
    turns_dropped: Counter = field(default_factory=Counter)
    conversations_dropped: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)

    def to_dict(self) -> Dict[str, Any]:
        """Plain dict for the run report and the dataset card."""
        return {
            "conversations_in": self.conversations_in,
            "conversations_out": self.conversations_out,
            "turns_in": self.turns_in,
            "turns_out": self.turns_out,
            "turns_changed": dict(self.turns_changed),
            "turns_dropped": dict(self.turns_dropped),
            "conversations_dropped": dict(self.conversations_dropped),
            "languages_detected": dict(self.languages),
        }


_SCRIPT_RE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_BREAK_RE = re.compile(r"<\s*(?:br|/p|/div|/li)\s*/?>", re.I)
_ENTITY_RE = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_WHITESPACE_RE = re.compile(r"\s+")


def strip_markup(text: str) -> str:
    """Remove HTML tags, scripts and entities; redaction placeholders stay."""
    protected: Dict[str, str] = {}

    def protect(match: re.Match) -> str:
        key = f"\x00{len(protected)}\x00"
        protected[key] = match.group()
        return key

    text = PLACEHOLDER_RE.sub(protect, text)
    text = _SCRIPT_RE.sub(" ", text)
    text = _BREAK_RE.sub(" ", text)
    text = _TAG_RE.sub(" ", text)
    text = html.unescape(text)
    for key, value in protected.items():
        text = text.replace(key, value)
    return text


class Cleaner:
    """Applies :class:`CleaningConfig` to conversations, keeping a :class:`CleaningReport`."""

    def __init__(self, config: Optional[CleaningConfig] = None) -> None:
        self.config = config or CleaningConfig()
        self.report = CleaningReport()
        self._boilerplate = [re.compile(p) for p in self.config.boilerplate_patterns]
        self._detector: Any = None
        self._exact: Set[str] = set()
        self._minhash = MinHashIndex(self.config.near_duplicate_threshold) if self.config.near_duplicate_threshold else None

    # -- text

    def clean_text(self, text: str) -> str:
        """Repair, de-markup, normalise and collapse whitespace of one text (counts changes)."""
        config = self.config
        if config.fix_mojibake:
            import ftfy

            # only the encoding repair: quotes, ligatures and widths are left to unicode_form
            fixed = ftfy.fix_text(
                text, unescape_html=False, normalization=None, fix_line_breaks=False, uncurl_quotes=False,
                fix_latin_ligatures=False, fix_character_width=False,
            )
            if fixed != text:
                self.report.turns_changed["mojibake_fixed"] += 1
            text = fixed
        if config.strip_html and ("<" in text or "&" in text):
            stripped = strip_markup(text)
            if stripped != text:
                self.report.turns_changed["markup_stripped"] += 1
            text = stripped
        normalised = unicodedata.normalize(config.unicode_form, text)
        if normalised != text:
            self.report.turns_changed["unicode_normalised"] += 1
        collapsed = _WHITESPACE_RE.sub(" ", _INVISIBLE_RE.sub("", normalised)).strip()
        if collapsed != normalised:
            self.report.turns_changed["whitespace_normalised"] += 1
        return collapsed

    def _turn_drop_reason(self, turn: Turn, text: str) -> Optional[str]:
        if self.config.drop_system_turns and turn.metadata.get("system"):
            return "system"
        if not text:
            return "empty"
        if any(p.search(text) for p in self._boilerplate):
            return "boilerplate"
        if len(text) > self.config.max_turn_chars:
            return "too_long"
        return None

    # -- conversations

    def clean(self, conversations: Iterable[Conversation]) -> Iterator[Conversation]:
        """Yield cleaned conversations, dropping those that fail a step."""
        for conversation in conversations:
            self.report.conversations_in += 1
            self.report.turns_in += len(conversation.turns)
            cleaned = self._clean_one(conversation)
            if cleaned is not None:
                self.report.conversations_out += 1
                self.report.turns_out += len(cleaned.turns)
                yield cleaned

    def _clean_one(self, conversation: Conversation) -> Optional[Conversation]:
        config = self.config
        turns: List[Turn] = []
        for turn in conversation.turns:
            text = self.clean_text(turn.text)
            reason = self._turn_drop_reason(turn, text)
            if reason:
                self.report.turns_dropped[reason] += 1
                continue
            turns.append(turn.model_copy(update={"text": text}) if text != turn.text else turn)
        customer_turns = sum(t.role == "customer" for t in turns)
        drop = None
        if len(turns) < config.min_turns or customer_turns < config.min_customer_turns:
            drop = "too_few_turns"
        elif len(turns) > config.max_turns:
            drop = "too_many_turns"
        language = None
        if drop is None and config.allowed_languages is not None:
            language = self.detect_language(" ".join(t.text for t in turns if t.role == "customer") or " ".join(t.text for t in turns))
            self.report.languages[language or "unknown"] += 1
            if language is not None and language not in config.allowed_languages:
                drop = "language"
        if drop is None:
            drop = self._duplicate(turns)
        if drop is not None:
            self.report.conversations_dropped[drop] += 1
            return None
        metadata = dict(conversation.metadata)
        if language:
            metadata["language"] = language
        return conversation.model_copy(update={"turns": turns, "metadata": metadata})

    # -- language

    def detect_language(self, text: str) -> Optional[str]:
        """ISO 639-1 code of ``text``, or ``None`` when it is too short to tell."""
        letters = PLACEHOLDER_RE.sub(" ", text)
        if sum(c.isalpha() for c in letters) < self.config.language_min_chars:
            return None
        if self._detector is None:
            from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

            languages = []
            for code in sorted(set(self.config.language_candidates) | set(self.config.allowed_languages or [])):
                try:
                    languages.append(Language.from_iso_code_639_1(IsoCode639_1.from_str(code)))
                except ValueError as error:
                    raise ValueError(f"cleaning.language_candidates: unknown ISO 639-1 code {code!r}") from error
            if len(languages) < 2:
                raise ValueError("cleaning.language_candidates needs at least two languages to choose from")
            builder = LanguageDetectorBuilder.from_languages(*languages)
            if not self.config.language_high_accuracy:
                builder = builder.with_low_accuracy_mode()
            self._detector = builder.build()
        language = self._detector.detect_language_of(letters)
        return language.iso_code_639_1.name.lower() if language is not None else None

    # -- duplicates

    def _duplicate(self, turns: List[Turn]) -> Optional[str]:
        normalised = [f"{t.role}:{_normalise_for_dedupe(t.text)}" for t in turns]
        if self.config.exact_dedupe:
            digest = hashlib.sha1("\n".join(normalised).encode("utf-8"), usedforsecurity=False).hexdigest()
            if digest in self._exact:
                return "exact_duplicate"
            self._exact.add(digest)
        if self._minhash is not None:
            if self._minhash.add_if_new(shingles(" ".join(normalised))):
                return None
            return "near_duplicate"
        return None


def _normalise_for_dedupe(text: str) -> str:
    text = PLACEHOLDER_RE.sub(lambda m: m.group().rsplit("_", 1)[0] + ">", text)  # <EMAIL_2> == <EMAIL_1>
    return " ".join(re.findall(r"[\w<>]+", text.lower()))


def shingles(text: str, size: int = 3) -> Set[str]:
    """Word ``size``-gram shingles of ``text`` (the words themselves when it is shorter)."""
    words = text.split()
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: Set[str], b: Set[str]) -> float:
    """Jaccard similarity of two sets (1.0 for two empty sets)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


class MinHashIndex:
    """Near-duplicate index: MinHash signatures with LSH banding, candidates confirmed by exact Jaccard."""

    _PRIME = (1 << 31) - 1  # a*x+b stays below 2**63: plain uint64 arithmetic

    def __init__(self, threshold: float, permutations: int = 128, seed: int = 1) -> None:
        import numpy as np

        self.threshold = threshold
        self.bands, self.rows = self._band_layout(threshold, permutations)
        rng = np.random.default_rng(seed)
        self._a = rng.integers(1, self._PRIME, size=self.bands * self.rows, dtype=np.uint64)
        self._b = rng.integers(0, self._PRIME, size=self.bands * self.rows, dtype=np.uint64)
        self._buckets: List[Dict[bytes, List[int]]] = [dict() for _ in range(self.bands)]
        self._sets: List[Set[str]] = []

    @staticmethod
    def _band_layout(threshold: float, permutations: int) -> tuple[int, int]:
        # choose rows r so that the LSH S-curve midpoint (1/b)^(1/r) sits a bit below the threshold
        best = (permutations, 1)
        for rows in range(1, permutations + 1):
            bands = permutations // rows
            if bands and (1.0 / bands) ** (1.0 / rows) <= threshold - 0.1:
                best = (bands, rows)
        return best

    def signature(self, items: Set[str]) -> Any:
        """MinHash signature of a shingle set."""
        import numpy as np

        hashes = np.array(
            [int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "little") % self._PRIME for s in items] or [0],
            dtype=np.uint64,
        )
        values = (self._a[:, None] * hashes[None, :] + self._b[:, None]) % np.uint64(self._PRIME)
        return values.min(axis=1)

    def add_if_new(self, items: Set[str]) -> bool:
        """Add ``items`` unless a stored set is at least ``threshold`` similar; True when added."""
        signature = self.signature(items)
        keys = [signature[i * self.rows:(i + 1) * self.rows].tobytes() for i in range(self.bands)]
        candidates = {index for band, key in enumerate(keys) for index in self._buckets[band].get(key, [])}
        if any(jaccard(items, self._sets[c]) >= self.threshold for c in candidates):
            return False
        index = len(self._sets)
        self._sets.append(items)
        for band, key in enumerate(keys):
            self._buckets[band].setdefault(key, []).append(index)
        return True
