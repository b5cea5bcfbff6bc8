"""Brand guidelines (``guidelines.yml``): loading, validation and enforcement on answers.

The file is validated when the action server starts: every mistake raises
:class:`GuidelinesError` whose message names the file, the key path (for example
``channels.sms.max_chars``), the bad value and the fix. Validation is written with
plain dataclasses and explicit checks so that this module works the same in the
Rasa environment (pydantic 1) and the ML environment (pydantic 2).

After generation :func:`enforce` applies the rules that a small model cannot be
trusted to follow: phrases to avoid are rewritten or their sentence dropped, the
answer is cut at a sentence boundary to the channel's length (citation and
disclaimers included), and the required disclaimers are appended.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence, Union

from bot.paths import GUIDELINES_YML

__all__ = [
    "Guidelines",
    "GuidelinesError",
    "Persona",
    "AvoidPhrase",
    "Disclaimer",
    "ChannelRules",
    "RestrictedTopic",
    "Replies",
    "load_guidelines",
    "get_guidelines",
    "enforce",
    "cut_to_length",
    "split_sentences",
    "CITATION_STYLES",
]

logger = logging.getLogger(__name__)

CITATION_STYLES = ("line", "title", "none")
"""How an answer cites its sources: ``Source: <title>``, the bare title, or not at all."""

_TOP_KEYS = ("persona", "tone", "avoid", "disclaimers", "channels", "restricted_topics", "replies")
_OPTIONAL_TOP_KEYS = ("languages", "disclosure")
"""Sections other modules validate (``languages``: bot/languages.py; ``disclosure``: bot/disclosure.py)."""
_MIN_CHANNEL_CHARS = 80


class GuidelinesError(ValueError):
    """``guidelines.yml`` is missing, unreadable or breaks a rule; the message says how to fix it."""


# --------------------------------------------------------------------------- typed config


@dataclass(frozen=True)
class Persona:
    """Who the assistant is."""

    name: str
    company: str
    role: str


@dataclass(frozen=True)
class AvoidPhrase:
    """A phrase answers must not contain; ``replacement`` None drops the whole sentence."""

    phrase: str
    replacement: Optional[str] = None

    @property
    def pattern(self) -> re.Pattern[str]:
        return _phrase_pattern(self.phrase)


@dataclass(frozen=True)
class Disclaimer:
    """A sentence appended when the question or the answer mentions one of ``triggers``."""

    id: str
    triggers: tuple[str, ...]
    text: str

    def applies_to(self, text: str) -> bool:
        return any(_phrase_pattern(t).search(text) for t in self.triggers)


@dataclass(frozen=True)
class ChannelRules:
    """Length limit and citation style of one output channel."""

    max_chars: int
    citation: str


@dataclass(frozen=True)
class RestrictedTopic:
    """A topic the assistant never answers, with the reply it gives instead."""

    id: str
    triggers: tuple[str, ...]
    reply: str

    def matches(self, text: str) -> bool:
        return any(_phrase_pattern(t).search(text) for t in self.triggers)


@dataclass(frozen=True)
class Replies:
    """Fixed texts used by the answering logic."""

    abstain: str
    offer_colleague: str
    unavailable: str
    injection: str


@dataclass(frozen=True)
class Guidelines:
    """The validated content of ``guidelines.yml``."""

    persona: Persona
    tone: tuple[str, ...]
    avoid: tuple[AvoidPhrase, ...]
    disclaimers: tuple[Disclaimer, ...]
    channels: dict[str, ChannelRules]
    restricted_topics: tuple[RestrictedTopic, ...]
    replies: Replies
    source: str = field(default=str(GUIDELINES_YML), compare=False)

    def channel(self, name: Optional[str]) -> ChannelRules:
        """Rules of channel ``name`` (a guidelines channel name); ``default`` for unknown ones."""
        if name and name in self.channels:
            return self.channels[name]
        return self.channels["default"]

    def restricted_topic(self, text: str) -> Optional[RestrictedTopic]:
        """The first restricted topic that ``text`` (a customer message) touches, if any."""
        for topic in self.restricted_topics:
            if topic.matches(text):
                return topic
        return None


# --------------------------------------------------------------------------- loading


def load_guidelines(path: Union[str, Path, None] = None) -> Guidelines:
    """Read and validate a guidelines file.

    Args:
        path: the YAML file; defaults to ``guidelines.yml`` at the repository root.

    Returns:
        The validated guidelines.

    Raises:
        GuidelinesError: the file is missing, is not valid YAML, or a key is missing,
            unknown or holds a bad value. The message names the file, the key and the fix.
    """
    file, data = read_guidelines_file(path)
    return parse_guidelines(data, source=str(file))


def read_guidelines_file(path: Union[str, Path, None] = None) -> tuple[Path, Any]:
    """The parsed YAML of a guidelines file and its path (sections are validated by their modules).

    Raises:
        GuidelinesError: the file is missing or not valid YAML.
    """
    import yaml  # both environments ship PyYAML

    file = Path(path) if path is not None else GUIDELINES_YML
    try:
        raw_text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GuidelinesError(
            f"{file}: file not found. Create it (see guidelines.yml at the repository root "
            "for the format) or pass the right path."
        ) from None
    try:
        return file, yaml.safe_load(raw_text)
    except yaml.YAMLError as exc:
        raise GuidelinesError(f"{file}: not valid YAML ({exc}). Fix the syntax at that line.") from exc


def parse_guidelines(data: Any, source: str = "guidelines.yml") -> Guidelines:
    """Validate already-parsed YAML ``data``; ``source`` names the file in error messages.

    Raises:
        GuidelinesError: see :func:`load_guidelines`.
    """
    v = _Validator(source)
    top = v.mapping(data, "", required=_TOP_KEYS, optional=_OPTIONAL_TOP_KEYS)

    persona_raw = v.mapping(top["persona"], "persona", required=("name", "company", "role"))
    persona = Persona(
        name=v.text(persona_raw["name"], "persona.name"),
        company=v.text(persona_raw["company"], "persona.company"),
        role=v.text(persona_raw["role"], "persona.role"),
    )

    tone = tuple(
        v.text(item, f"tone[{i}]") for i, item in enumerate(v.sequence(top["tone"], "tone"))
    )

    avoid: list[AvoidPhrase] = []
    seen_phrases: set[str] = set()
    for i, item in enumerate(v.sequence(top["avoid"], "avoid", allow_empty=True)):
        key = f"avoid[{i}]"
        entry = v.mapping(item, key, required=("phrase",), optional=("replacement",))
        phrase = v.text(entry["phrase"], f"{key}.phrase")
        if phrase.lower() in seen_phrases:
            v.fail(f"{key}.phrase", phrase, "is listed twice; remove one of the entries")
        seen_phrases.add(phrase.lower())
        replacement = entry.get("replacement")
        if replacement is not None:
            replacement = v.text(replacement, f"{key}.replacement", allow_empty=True)
            if _phrase_pattern(phrase).search(replacement):
                v.fail(
                    f"{key}.replacement",
                    replacement,
                    "contains the phrase it replaces; choose a different replacement",
                )
        avoid.append(AvoidPhrase(phrase=phrase, replacement=replacement))

    disclaimers: list[Disclaimer] = []
    ids: set[str] = set()
    for i, item in enumerate(v.sequence(top["disclaimers"], "disclaimers", allow_empty=True)):
        key = f"disclaimers[{i}]"
        entry = v.mapping(item, key, required=("id", "triggers", "text"))
        ident = v.identifier(entry["id"], f"{key}.id", ids)
        triggers = v.phrases(entry["triggers"], f"{key}.triggers")
        text = v.sentence(entry["text"], f"{key}.text")
        disclaimers.append(Disclaimer(id=ident, triggers=triggers, text=text))

    channels_raw = v.mapping(top["channels"], "channels", required=("default",), open_keys=True)
    channels: dict[str, ChannelRules] = {}
    for name, item in channels_raw.items():
        key = f"channels.{name}"
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            v.fail(key, name, "channel names are lower-case words such as webchat, sms, slack")
        entry = v.mapping(item, key, required=("max_chars", "citation"))
        max_chars = entry["max_chars"]
        if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < _MIN_CHANNEL_CHARS:
            v.fail(
                f"{key}.max_chars",
                max_chars,
                f"set it to a whole number of characters, at least {_MIN_CHANNEL_CHARS}",
            )
        citation = entry["citation"]
        if citation not in CITATION_STYLES:
            v.fail(f"{key}.citation", citation, f"use one of: {', '.join(CITATION_STYLES)}")
        channels[name] = ChannelRules(max_chars=max_chars, citation=citation)

    topics: list[RestrictedTopic] = []
    topic_ids: set[str] = set()
    for i, item in enumerate(
        v.sequence(top["restricted_topics"], "restricted_topics", allow_empty=True)
    ):
        key = f"restricted_topics[{i}]"
        entry = v.mapping(item, key, required=("id", "triggers", "reply"))
        topics.append(
            RestrictedTopic(
                id=v.identifier(entry["id"], f"{key}.id", topic_ids),
                triggers=v.phrases(entry["triggers"], f"{key}.triggers"),
                reply=v.sentence(entry["reply"], f"{key}.reply"),
            )
        )

    replies_raw = v.mapping(
        top["replies"], "replies", required=("abstain", "offer_colleague", "unavailable", "injection")
    )
    replies = Replies(
        **{name: v.sentence(replies_raw[name], f"replies.{name}") for name in replies_raw}
    )

    guidelines = Guidelines(
        persona=persona,
        tone=tone,
        avoid=tuple(avoid),
        disclaimers=tuple(disclaimers),
        channels=channels,
        restricted_topics=tuple(topics),
        replies=replies,
        source=source,
    )
    # Fixed texts must obey the guidelines themselves, or enforcement would rewrite them.
    for name in ("abstain", "offer_colleague", "unavailable", "injection"):
        text = getattr(replies, name)
        for item in guidelines.avoid:
            if item.pattern.search(text):
                v.fail(f"replies.{name}", text, f"contains the phrase to avoid {item.phrase!r}; reword it")
    for name, rules in channels.items():
        if len(replies.unavailable) > rules.max_chars:
            v.fail(
                f"channels.{name}.max_chars",
                rules.max_chars,
                f"is shorter than replies.unavailable ({len(replies.unavailable)} characters); "
                "raise the limit or shorten the reply",
            )
    return guidelines


class _Validator:
    """Explicit checks with error messages of the form ``file: key: problem (got value). fix``."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, value: Any, fix: str) -> None:
        where = key or "top level"
        raise GuidelinesError(f"{self.source}: {where}: got {_show(value)}; {fix}.")

    def mapping(
        self,
        value: Any,
        key: str,
        required: Sequence[str] = (),
        optional: Sequence[str] = (),
        open_keys: bool = False,
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(key, value, "expected a mapping of keys to values")
        missing = [k for k in required if k not in value]
        if missing:
            path = f"{key}.{missing[0]}" if key else missing[0]
            raise GuidelinesError(
                f"{self.source}: {path}: missing; add the key "
                f"(see guidelines.yml at the repository root for an example)."
            )
        if not open_keys:
            allowed = set(required) | set(optional)
            unknown = [k for k in value if k not in allowed]
            if unknown:
                path = f"{key}.{unknown[0]}" if key else str(unknown[0])
                raise GuidelinesError(
                    f"{self.source}: {path}: unknown key; remove it or correct its spelling "
                    f"(allowed here: {', '.join(sorted(allowed))})."
                )
        return value

    def sequence(self, value: Any, key: str, allow_empty: bool = False) -> list[Any]:
        if not isinstance(value, list):
            self.fail(key, value, "expected a list")
        if not value and not allow_empty:
            self.fail(key, value, "the list must not be empty")
        return value

    def text(self, value: Any, key: str, allow_empty: bool = False) -> str:
        if not isinstance(value, str):
            self.fail(key, value, "expected a text (quote it if YAML reads it as something else)")
        if not value.strip() and not allow_empty:
            self.fail(key, value, "the text must not be empty")
        return value.strip()

    def sentence(self, value: Any, key: str) -> str:
        text = self.text(value, key)
        if text[-1] not in ".!?":
            self.fail(key, text, "end it with a full stop, '!' or '?' so it reads as a sentence")
        return text

    def identifier(self, value: Any, key: str, seen: set[str]) -> str:
        text = self.text(value, key)
        if not re.fullmatch(r"[a-z][a-z0-9_]*", text):
            self.fail(key, text, "use a lower-case identifier such as refund_amounts")
        if text in seen:
            self.fail(key, text, "is used twice; ids must be unique")
        seen.add(text)
        return text

    def phrases(self, value: Any, key: str) -> tuple[str, ...]:
        items = self.sequence(value, key)
        return tuple(self.text(item, f"{key}[{i}]") for i, item in enumerate(items))


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    return _compiled(phrase)


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _compiled(phrase: str) -> re.Pattern[str]:
    pattern = _PATTERNS.get(phrase)
    if pattern is None:
        words = [re.escape(w) for w in phrase.split()]
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)
        _PATTERNS[phrase] = pattern
    return pattern


_default: Optional[Guidelines] = None
_default_lock = threading.Lock()


def get_guidelines() -> Guidelines:
    """The guidelines of the repository (``guidelines.yml``), loaded once per process.

    Raises:
        GuidelinesError: see :func:`load_guidelines`.
    """
    global _default
    with _default_lock:
        if _default is None:
            _default = load_guidelines()
            logger.info("Loaded guidelines from %s", _default.source)
        return _default


# --------------------------------------------------------------------------- enforcement

# A sentence ends at . ! ? (optionally followed by quotes/brackets) before whitespace, or at a
# line break. Abbreviations such as "e.g." are rare in answers; "3.5" and "example.com" have no
# space after the dot and therefore never end a sentence.
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+")


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences (stripped, non-empty)."""
    parts = _SENTENCE_END_RE.split(text.strip())
    return [p.strip() for p in parts if p and p.strip()]


def cut_to_length(text: str, max_chars: int) -> str:
    """Shorten ``text`` to at most ``max_chars`` characters, cutting between sentences.

    Whole sentences are kept while they fit. When even the first sentence is too long it is
    cut at the last word boundary and ends with an ellipsis.
    """
    text = text.strip()
    if len(text) <= max_chars:
        return text
    kept = ""
    for sentence in split_sentences(text):
        candidate = f"{kept} {sentence}" if kept else sentence
        if len(candidate) > max_chars:
            break
        kept = candidate
    if kept:
        return kept
    if max_chars <= 1:
        return text[:max_chars]
    head = text[: max_chars - 1]
    if " " in head:
        head = head[: head.rfind(" ")]
    return head.rstrip(" ,;:-") + "…"


def _apply_avoid(text: str, avoid: Sequence[AvoidPhrase]) -> str:
    sentences = split_sentences(text)
    kept: list[str] = []
    for sentence in sentences:
        dropped = False
        for item in avoid:
            if not item.pattern.search(sentence):
                continue
            if item.replacement is None:
                dropped = True
                break
            sentence = item.pattern.sub(lambda m: _match_case(m.group(0), item.replacement or ""), sentence)
        if not dropped:
            sentence = re.sub(r"\s{2,}", " ", sentence).strip()
            sentence = re.sub(r"([,;:])(\s*[,;:])+", r"\1", sentence)
            sentence = re.sub(r"\s+([,;:.!?])", r"\1", sentence)
            sentence = re.sub(r"^[,;:]\s*", "", sentence)
            if sentence:
                kept.append(sentence[0].upper() + sentence[1:])
    return " ".join(kept)


def _match_case(original: str, replacement: str) -> str:
    if original[:1].isupper() and replacement:
        return replacement[0].upper() + replacement[1:]
    return replacement


def enforce(
    text: str,
    guidelines: Guidelines,
    channel: Optional[str] = None,
    context: str = "",
    suffix: str = "",
) -> str:
    """Apply the guidelines to an answer about to be sent.

    Args:
        text: the answer body (generated or extractive).
        guidelines: the validated guidelines.
        channel: the guidelines channel name (``webchat``, ``sms``...); unknown names use ``default``.
        context: extra text that decides which disclaimers apply (the customer's question).
        suffix: text appended last and never cut (the citation), counted in the length.

    Returns:
        The answer without phrases to avoid, with the disclaimers that apply, cut at a
        sentence boundary so that body, disclaimers and suffix fit the channel's limit.
    """
    rules = guidelines.channel(channel)
    body = _apply_avoid(text, guidelines.avoid)
    disclaimers = [
        d.text for d in guidelines.disclaimers if d.applies_to(body) or d.applies_to(context)
    ]
    tail_parts = list(disclaimers)
    # Drop disclaimers (last first) only if they alone leave no room for an answer.
    while tail_parts and len(" ".join(tail_parts)) + len(suffix) > rules.max_chars // 2:
        logger.warning("Disclaimer dropped: the %s channel limit is too small", channel or "default")
        tail_parts.pop()
    tail = " ".join(tail_parts)
    budget = rules.max_chars - len(suffix) - (len(tail) + 1 if tail else 0)
    body = cut_to_length(body, max(budget, 1)) if body else ""
    answer = " ".join(part for part in (body, tail) if part)
    return answer + suffix
