"""Messages in languages the assistant does not answer in: detect them, and what to reply.

The ``languages`` section of ``guidelines.yml`` (validated here) lists the languages the assistant
answers in (``supported``), those the detector tells apart (``detect``, ISO 639-1 codes), and per
language a short reply in that language saying the assistant answers in English, with a button
offering a person. A message counts as another language only when it is long enough to tell
(two words or more of letters, or a script other than Latin), few of its words are common English
words, and the offline detector (lingua, Rasa environment) is confident. Order numbers, e-mail
addresses, links and numbers are left out before deciding, so "HP-482913" or an address is never
"another language".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence


ISO_CODE = re.compile(r"^[a-z]{2}$")
NOISE = re.compile(r"(?i)\bhp-?\s?\d{6}\b|\S+@\S+|https?://\S+|www\.\S+|\d[\d\s.,/:-]*")
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
COMMON_ENGLISH = frozenset("""
a about after again all also am an and any are as at back be because been before being but by can can't
cancel card change could did didn't do does doesn't don't email for from get got had has have haven't
help her here hi hello hey his how i i'd i'll i'm i've if in is isn't it it's its just know like me my
need no not now of off ok okay on one or order our out over please refund return returns same she
shipping should so some still than thank thanks that the their them then there they this to too two
up us want was wasn't we were what when where which who why will with without would yes you your
""".split())
ENGLISH_SHARE = 0.34
"""A message with at least this share of common English words is English, whatever the detector says."""


class LanguagePolicyError(ValueError):
    """The ``languages`` section of guidelines.yml is wrong; the message names the key and the fix."""


@dataclass(frozen=True)
class LanguageReply:
    """What the assistant says to a message in one language, and the label of the button for a person."""

    text: str
    person_button: str


@dataclass(frozen=True)
class LanguagePolicy:
    """The validated ``languages`` section."""

    supported: tuple[str, ...]
    detect: tuple[str, ...]
    min_confidence: float
    replies: Mapping[str, LanguageReply]
    default: LanguageReply

    def reply_for(self, language: str) -> LanguageReply:
        """The reply in ``language``, or the default (English) one when none is written for it."""
        return self.replies.get(language, self.default)


def parse_language_policy(raw: Any, source: str = "guidelines.yml") -> LanguagePolicy:
    """Validate the ``languages`` mapping of guidelines.yml.

    Raises:
        LanguagePolicyError: naming the key, the bad value and the fix.
    """
    def fail(key: str, value: Any, fix: str) -> None:
        raise LanguagePolicyError(f"{source}: languages.{key}: {value!r} is not valid: {fix}")

    if not isinstance(raw, dict):
        fail("", raw, "give a mapping with supported, detect, min_confidence, replies and default")
    supported = tuple(raw.get("supported") or [])
    detect = tuple(raw.get("detect") or [])
    for key, codes in (("supported", supported), ("detect", detect)):
        if not codes or not all(isinstance(code, str) and ISO_CODE.match(code) for code in codes):
            fail(key, list(codes), "give a list of two-letter ISO 639-1 codes, e.g. [en]")
    if not set(supported) <= set(detect):
        fail("detect", list(detect), "every supported language must also be in detect")
    confidence = raw.get("min_confidence", 0.6)
    if not isinstance(confidence, (int, float)) or not 0.0 < float(confidence) <= 1.0:
        fail("min_confidence", confidence, "give a number above 0 and at most 1")

    def reply(key: str, value: Any) -> LanguageReply:
        if not isinstance(value, dict) or not all(isinstance(value.get(k), str) and value.get(k, "").strip()
                                                  for k in ("text", "person_button")):
            fail(key, value, "give text and person_button, both non-empty")
        return LanguageReply(value["text"].strip(), value["person_button"].strip())

    replies_raw = raw.get("replies") or {}
    if not isinstance(replies_raw, dict):
        fail("replies", replies_raw, "give a mapping from a language code to text and person_button")
    replies = {}
    for code, value in replies_raw.items():
        if code not in detect:
            fail(f"replies.{code}", code, "a reply is only used for a language listed in detect")
        replies[code] = reply(f"replies.{code}", value)
    return LanguagePolicy(supported, detect, float(confidence), replies, reply("default", raw.get("default")))


def load_language_policy(path: Optional[Path] = None) -> LanguagePolicy:
    """The ``languages`` section of guidelines.yml (or of ``path``).

    Raises:
        LanguagePolicyError: the file is missing, not YAML, or the section is wrong.
    """
    from bot.guidelines import GuidelinesError, read_guidelines_file

    try:
        file, data = read_guidelines_file(path)
    except GuidelinesError as error:
        raise LanguagePolicyError(str(error)) from None
    return parse_language_policy((data or {}).get("languages"), str(file))


def _non_latin(letters: str) -> bool:
    scripts = [unicodedata.name(ch, "").split(" ")[0] for ch in letters if ch.isalpha()]
    return bool(scripts) and sum(1 for s in scripts if s != "LATIN") / len(scripts) >= 0.5


def unsupported_language(text: str, policy: LanguagePolicy,
                         confidences: Callable[[str], Sequence[tuple[str, float]]]) -> Optional[str]:
    """The ISO code of the language of ``text`` when the assistant does not answer in it, else None.

    ``confidences(text)`` is the detector: (code, confidence) pairs, most likely first.
    """
    cleaned = NOISE.sub(" ", text)
    words = [w.lower() for w in WORD.findall(cleaned)]
    non_latin = _non_latin(cleaned)
    if not non_latin:
        if len(words) < 2:
            return None  # too short to tell ("ok", "merci", a name)
        english = sum(1 for w in words if w in COMMON_ENGLISH)
        if english / len(words) >= ENGLISH_SHARE:
            return None
    ranked = list(confidences(cleaned))
    if not ranked:
        return None
    code, confidence = ranked[0]
    if code in policy.supported or confidence < policy.min_confidence:
        return None
    return code


class LinguaDetector:
    """The offline detector for the languages of the policy (lingua; loaded on first use)."""

    def __init__(self, codes: Sequence[str]) -> None:
        self.codes = tuple(codes)
        self._detector: Any = None

    def _build(self) -> Any:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in self.codes]
        return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()

    def __call__(self, text: str) -> list[tuple[str, float]]:
        if self._detector is None:
            self._detector = self._build()
        return [(value.language.iso_code_639_1.name.lower(), float(value.value))
                for value in self._detector.compute_language_confidence_values(text)]
