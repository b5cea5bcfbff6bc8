"""Personal-data redaction into typed placeholders that are consistent within a conversation.

ML environment only (imports pydantic v2 models from :mod:`bot.data.schema`).

Entity types and how they are found (own recognisers; see docs/data-pipeline.md for why not
Presidio):

* ``EMAIL``: regular expression.
* ``PHONE``: the ``phonenumbers`` library's ``PhoneNumberMatcher`` (default region US, so
  national US/Canadian formats and any ``+`` international number), leniency POSSIBLE; a bare
  digit run is only a phone when the library calls it valid.
* ``CARD_NUMBER``: 13-19 digits (spaces/dashes allowed) passing the Luhn check, not next to
  the word "tracking".
* ``IBAN``: country code, check digits and BBAN passing the ISO 13616 mod-97 check.
* ``ADDRESS``: house number + street name + street suffix, optional unit, city, state/province
  and ZIP/postal code; "City, ST 12345"; PO boxes.
* ``PERSON``: cue phrases ("my name is", "this is", "thanks", titles such as "Mrs."), a bundled
  list of given names and surnames (:mod:`bot.data.pii_lexicon`), whole-message names, and
  names already seen in the conversation; brand names (Michael Kors...) are never names.
* ``ORDER_ID``: Harbor & Pine order numbers (``HP-482913``, ``hp482913``, ``#HP-482913``, or a
  bare number after the word "order"), and any identifier after "order id/number".
* ``ACCOUNT_ID``: identifiers after "username", "account number", "customer id", "login"...,
  a message that is only an identifier-like token, and the local part of an e-mail address
  seen in the same conversation (ABCD usernames are exactly that).

Within one conversation the same value always gets the same placeholder (``<EMAIL_1>``); a
name's single tokens map to the full name's placeholder ("Crystal" -> ``<PERSON_1>`` after
"Crystal Minh"). Counters start again in each conversation.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence

from bot.data import pii_lexicon as lex
from bot.data.schema import Conversation

logger = logging.getLogger(__name__)

ENTITY_TYPES: tuple[str, ...] = (
    "EMAIL", "PHONE", "CARD_NUMBER", "IBAN", "ADDRESS", "PERSON", "ORDER_ID", "ACCOUNT_ID",
)

# Lower wins when two detections overlap.
_PRIORITY = {"EMAIL": 0, "IBAN": 1, "CARD_NUMBER": 2, "ORDER_ID": 3, "ACCOUNT_ID": 4, "PHONE": 5, "ADDRESS": 6, "PERSON": 7}

PLACEHOLDER_RE = re.compile(r"<(?:%s)_\d+>" % "|".join(ENTITY_TYPES))
"""Matches the placeholders this module writes (cleaning keeps them intact)."""

SAFE_METADATA_KEYS = frozenset(
    {"source", "format", "flow", "subflow", "abcd_split", "abcd_speaker", "label_source", "system",
     "source_line", "handoff_agent", "handoff_id", "language", "needs_review"}
)


@dataclass(frozen=True)
class Detection:
    """One detected piece of personal data in a text."""

    start: int
    end: int
    type: str
    key: str
    """Normalised value: equal keys get equal placeholders within a conversation."""
    strong: bool = True
    """False for guesses that a stronger detection of the same value may re-type."""
    recogniser: str = ""

    @property
    def length(self) -> int:
        return self.end - self.start


# --------------------------------------------------------------------------- recognisers

_EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")


_DOT = r"\s*(?:\.|\(dot\)|\[dot\]|\bdot\b)\s*"
_SPELLED_EMAIL_RE = re.compile(
    rf"\b(?P<local>[A-Za-z0-9_+-]+(?:{_DOT}[A-Za-z0-9_+-]+)*)\s*(?:\(at\)|\[at\]|\bat\b)\s*"
    rf"[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*{_DOT}(?:com|net|org|edu|gov|io|co|ca|uk|de|fr|us|info|me|biz)\b",
    re.I,
)


def find_emails(text: str) -> List[Detection]:
    """E-mail addresses, also spelled out ("jane dot doe at gmail dot com")."""
    found = [Detection(m.start(), m.end(), "EMAIL", m.group().lower(), True, "email") for m in _EMAIL_RE.finditer(text)]
    for m in _SPELLED_EMAIL_RE.finditer(text):
        if m.group("local").lower() in lex.COMMON_WORDS:
            continue  # "look at gmail dot com"
        key = re.sub(r"\s*(?:\(dot\)|\[dot\]|\bdot\b)\s*", ".", m.group().lower())
        key = re.sub(r"\s*(?:\(at\)|\[at\]|\bat\b)\s*", "@", key).replace(" ", "")
        found.append(Detection(m.start(), m.end(), "EMAIL", key, True, "email-spelled"))
    return found


def luhn_valid(digits: str) -> bool:
    """True when the digit string passes the Luhn checksum."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


_CARD_RE = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_TRACKING_CONTEXT_RE = re.compile(r"track|shipment|parcel|waybill", re.I)


def find_cards(text: str) -> List[Detection]:
    """Payment card numbers: 13-19 digits passing Luhn, not a tracking number."""
    found = []
    for match in _CARD_RE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if not 13 <= len(digits) <= 19 or not luhn_valid(digits) or len(set(digits)) == 1:
            continue
        if _TRACKING_CONTEXT_RE.search(text[max(0, match.start() - 30): match.start()]):
            continue
        found.append(Detection(match.start(), match.end(), "CARD_NUMBER", digits, True, "card"))
    return found


_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26,
    "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28,
    "PT": 25, "RO": 24, "SA": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TR": 26,
}
_IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}", re.I)


def iban_valid(compact: str) -> bool:
    """True when ``compact`` (no spaces, upper case) passes the IBAN mod-97 check."""
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", compact):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def find_ibans(text: str) -> List[Detection]:
    """IBANs (with or without grouping spaces) that pass the checksum."""
    found = []
    for match in _IBAN_RE.finditer(text):
        raw = match.group()
        compact = raw.replace(" ", "").upper()
        lengths = [_IBAN_LENGTHS[compact[:2]]] if compact[:2] in _IBAN_LENGTHS else list(range(len(compact), 14, -1))
        for length in lengths:
            candidate = compact[:length]
            if len(candidate) == length and iban_valid(candidate):
                # map the compact length back onto the raw text (which may contain spaces)
                seen, end = 0, match.start()
                for offset, char in enumerate(raw):
                    if char != " ":
                        seen += 1
                    if seen == length:
                        end = match.start() + offset + 1
                        break
                found.append(Detection(match.start(), end, "IBAN", candidate, True, "iban"))
                break
    return found


def find_phones(text: str, region: str = "US") -> List[Detection]:
    """Phone numbers via ``phonenumbers.PhoneNumberMatcher`` (region = default country)."""
    import phonenumbers

    found = []
    # "0044 20 ..." (the European international prefix): same length with "+", so offsets hold
    scan = re.sub(r"(?<![\d+])00(?=[1-9]\d)", " +", text)
    for match in phonenumbers.PhoneNumberMatcher(scan, region, leniency=phonenumbers.Leniency.POSSIBLE):
        start, end = match.start, match.end
        if scan[start] == "+" and start > 0 and scan[start - 1] == " " and text[start - 1:start + 1] == "00":
            start -= 1
        if (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
            continue  # part of a longer token such as a tracking number
        raw = match.raw_string
        formatted = bool(re.search(r"[\s().+-]", raw.strip()))
        if not formatted and not phonenumbers.is_valid_number(match.number):
            continue
        key = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        found.append(Detection(start, end, "PHONE", key, True, "phone"))
    return found


_HP_ORDER_RE = re.compile(r"(?<![\w#])#?HP[- ]?(\d{6})\b", re.I)
_ORDER_CONTEXT_RE = re.compile(
    r"\b(?:order|purchase|confirmation)\s*(?:id|number|num|no\.?|#)?\s*(?:is|was|:)?\s*#?\s*"
    r"(?P<value>[A-Z0-9][A-Z0-9-]{3,24})\b",
    re.I,
)
_ACCOUNT_CONTEXT_RE = re.compile(
    r"\b(?:user\s*name|user\s*id|login|acct\.?|(?:account|customer|member|loyalty|client)\s*(?:id|number|num|no\.?|#))"
    r"\s*(?:is|was|:|=|#)?\s*(?P<value>[A-Za-z0-9][A-Za-z0-9._-]{2,40})",
    re.I,
)
_USERNAME_CUE_RE = re.compile(r"user\s*name|login", re.I)
_UPS_RE = re.compile(r"^1Z[0-9A-Z]{16}$", re.I)
_ID_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _order_key(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return f"HP-{digits}" if len(digits) == 6 and re.fullmatch(r"(?:#?HP[- ]?)?\d{6}", value, re.I) else value.upper()


def find_identifiers(text: str, previous_text: str = "") -> List[Detection]:
    """Order numbers and account identifiers (see module docstring)."""
    found = []
    for match in _HP_ORDER_RE.finditer(text):
        found.append(Detection(match.start(), match.end(), "ORDER_ID", f"HP-{match.group(1)}", True, "order-hp"))
    for match in _ORDER_CONTEXT_RE.finditer(text):
        value = match.group("value").rstrip(".-")
        if sum(c.isdigit() for c in value) < 4:
            continue
        start = match.start("value")
        found.append(Detection(start, start + len(value), "ORDER_ID", _order_key(value), True, "order-context"))
    for match in _ACCOUNT_CONTEXT_RE.finditer(text):
        value = match.group("value").rstrip(".-_")
        has_digit = any(c.isdigit() for c in value)
        if value.lower() in lex.COMMON_WORDS or (not has_digit and not _USERNAME_CUE_RE.search(match.group())):
            continue
        separated = re.search(r"(?:\bis|\bwas|[:=#])\s*$", text[match.start():match.start("value")], re.I)
        if not has_digit and not re.search(r"[._]", value) and not separated:
            continue  # "login code", "username field": a plain word needs "is" or ":" before it
        start = match.start("value")
        found.append(Detection(start, start + len(value), "ACCOUNT_ID", value.lower(), True, "account-context"))
    # A message that is nothing but an identifier ("cminh730", "7916676427").
    stripped = text.strip().rstrip(".!")
    if _ID_TOKEN_RE.fullmatch(stripped) and not _UPS_RE.match(stripped):
        digits = sum(c.isdigit() for c in stripped)
        letters = sum(c.isalpha() for c in stripped)
        start = text.index(stripped)
        if (letters >= 2 and digits >= 2 and 5 <= len(stripped) <= 30) or (letters == 0 and 7 <= digits <= 12):
            asked_for_order = bool(re.search(r"\border\b", previous_text, re.I)) and letters == 0
            kind = "ORDER_ID" if asked_for_order else "ACCOUNT_ID"
            key = _order_key(stripped) if kind == "ORDER_ID" else stripped.lower()
            found.append(Detection(start, start + len(stripped), kind, key, asked_for_order, "bare-id"))
    return found


_SUFFIX = "|".join(lex.STREET_SUFFIXES)
_STATE = "|".join(lex.STATES)
_STATE_NAME = "|".join(n.replace(" ", r"\s+") for n in lex.STATE_NAMES)
_ZIP = r"(?:\d{5}(?:-\d{4})?|[A-Za-z]\d[A-Za-z]\s?\d[A-Za-z]\d)"
_DIRECTION = r"(?:[NSEW]|NE|NW|SE|SW|North|South|East|West)\.?"
_STREET_WORD = r"(?:\d{1,3}(?:st|nd|rd|th)|[A-Za-z][A-Za-z'.-]*)"
_UNIT = r"(?:,?\s*(?:apt|apartment|unit|suite|ste|fl|floor|room|rm|#)\.?\s*#?\s*(?:\d[A-Za-z0-9-]{0,5}|[A-Za-z]\b))"
_CITY = r"(?:[A-Za-z][A-Za-z.'-]*\s+){0,2}[A-Za-z][A-Za-z.'-]*"
_STATE_ZIP = rf"(?:(?:{_STATE}|{_STATE_NAME})\.?,?\s+{_ZIP}|(?-i:(?:{_STATE}))\b\.?(?:,?\s+{_ZIP})?|(?:{_STATE_NAME})\b)"
_UK_POSTCODE = r"(?-i:[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})"
_LEADING_UNIT = r"(?:(?:flat|apt|apartment|unit|suite)\.?\s*#?\s*[A-Za-z0-9-]{1,5},?\s+)?"
_STREET_RE = re.compile(
    rf"(?:\b{_LEADING_UNIT})?\b(?P<number>\d{{1,6}}[A-Za-z]?(?:-\d{{1,4}})?)\s+"
    rf"(?:(?P<name>(?:{_DIRECTION}\s+)?(?:{_STREET_WORD}\s+){{1,3}}?)(?:{_SUFFIX})|Broadway)\b\.?"
    rf"(?:\s+{_DIRECTION}(?![A-Za-z]))?{_UNIT}?"
    rf"(?P<city>,?\s+{_CITY},?\s+(?:{_STATE_ZIP}|{_UK_POSTCODE})(?![A-Za-z0-9]))?",
    re.I,
)
_CITY_STATE_ZIP_RE = re.compile(rf"\b{_CITY},\s*(?:{_STATE}|{_STATE_NAME})\.?\s+{_ZIP}\b", re.I)
_PO_BOX_RE = re.compile(
    rf"\b(?:P\.?\s?O\.?\s*Box|(?:RR|R\.R\.|HC|rural\s+route)\s*\d{{1,4}}\s+box)\s+\d{{1,6}}\b"
    rf"(?:,?\s+{_CITY},?\s+{_STATE_ZIP}(?![A-Za-z0-9]))?",
    re.I,
)


def _trim_leading_stopwords(text: str, start: int, end: int) -> int:
    while True:
        match = re.match(r"([A-Za-z']+)\s+", text[start:end])
        if not match or match.group(1).lower() not in lex.ADDRESS_STOPWORDS | lex.COMMON_WORDS:
            return start
        start += match.end()


def find_addresses(text: str) -> List[Detection]:
    """Street addresses, "City, ST ZIP" and PO boxes."""
    found = []
    for match in _STREET_RE.finditer(text):
        words = re.findall(r"[A-Za-z']+", match.group("name") or "")
        if any(w.lower() in lex.ADDRESS_STOPWORDS for w in words):
            continue
        found.append(Detection(match.start(), match.end(), "ADDRESS", _address_key(match.group()), True, "street"))
    for match in _CITY_STATE_ZIP_RE.finditer(text):
        start = _trim_leading_stopwords(text, match.start(), match.end())
        found.append(Detection(start, match.end(), "ADDRESS", _address_key(text[start:match.end()]), True, "city-zip"))
    for match in _PO_BOX_RE.finditer(text):
        found.append(Detection(match.start(), match.end(), "ADDRESS", _address_key(match.group()), True, "po-box"))
    return found


def _address_key(value: str) -> str:
    return re.sub(r"[\s,.]+", " ", value.lower()).strip()


_NAME_TOKEN = r"[A-Za-z][A-Za-z'-]*"
_TITLE_RE = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+(?P<first>[A-Z][A-Za-z'-]+)(?:\s+(?P<last>[A-Z][A-Za-z'-]+))?")
_LOWER_TITLE_RE = re.compile(r"\b(?:mr|mrs|ms|miss|dr)\.?\s+(?P<name>[a-z][a-z'-]+)\b")
_SIGN_OFF_RE = re.compile(
    r"(?:^|[.!?\n]\s*)(?:yours|best|regards|kind\s+regards|best\s+regards|cheers|sincerely|thanks|thank\s+you|signed|"
    r"many\s+thanks)\s*,\s*(?=[A-Z])",
    re.I,
)
PRODUCT_NOUNS = frozenset(
    """boots boot shoes shoe sneakers sandals heels loafers dress dresses coat coats jacket jackets tote totes bag bags
    backpack wallet jeans pants trousers shorts skirt shirt shirts tee blouse sweater cardigan hoodie scarf hat cap
    beanie gloves socks belt watch sunglasses collection line range style fit model edition sheets towels duvet
    pillow blanket throw""".split()
)
"""Words after a given name that make it a product ("the Jackson boots", "the Taylor dress")."""
_STRONG_CUE_RE = re.compile(
    r"\b(?:my\s+name\s+is|my\s+name's|name\s+is|name\s*:|full\s+name(?:\s+is|\s*:)?|call\s+me|signed\s+by|"
    r"under\s+the\s+name(?:\s+of)?|contact(?:\s+person)?\s*:|recipient\s*:|attn\.?\s*:?|attention\s*:|c/o)\s*,?\s+",
    re.I,
)
_CUE_RE = re.compile(
    r"\b(?:this\s+is|i\s+am|i'm|im|it's|its|it\s+is|hi|hello|hey|dear|thanks|thank\s+you|ok|okay|bye|regards|"
    r"cheers|spoke\s+(?:to|with)|speak\s+(?:to|with)|talked\s+to|ask|for|from|by|under|with|name|"
    r"husband|wife|daughter|son|mother|father|mom|dad|sister|brother|friend|colleague|named|called)\s*,?\s+",
    re.I,
)


def _is_capitalised(token: str) -> bool:
    return token[:1].isupper() and not token.isupper() or (len(token) > 1 and token.istitle())


def _name_tail(tokens: Sequence[re.Match], first_index: int, any_case: bool) -> int:
    """Index after the last surname token following tokens[first_index]."""
    end = first_index + 1
    while end < len(tokens) and end - first_index < 3:
        token = tokens[end].group()
        lower = token.lower()
        gap = tokens[end - 1].string[tokens[end - 1].end(): tokens[end].start()]
        if gap.strip() or lower in lex.COMMON_WORDS or lower in lex.FIRST_NAMES and not _is_capitalised(token):
            break
        if not (_is_capitalised(token) or lower in lex.SURNAMES or any_case):
            break
        end += 1
    return end


def find_persons(text: str) -> List[Detection]:
    """Person names (see module docstring for the rules)."""
    found: List[Detection] = []
    tokens = list(re.finditer(_NAME_TOKEN, text))
    by_start = {t.start(): i for i, t in enumerate(tokens)}

    def add(first: int, end: int, recogniser: str, start_char: Optional[int] = None) -> None:
        start = tokens[first].start() if start_char is None else start_char
        stop = tokens[end - 1].end()
        surface = text[tokens[first].start():stop]
        if _is_brand(text, tokens[first].start(), stop):
            return
        following = re.match(r"\s+([A-Za-z]+)", text[stop:])
        if following and following.group(1).lower() in PRODUCT_NOUNS:
            return
        key = re.sub(r"\s+", " ", surface.lower())
        found.append(Detection(start, stop, "PERSON", key, True, recogniser))

    for match in _TITLE_RE.finditer(text):
        last = match.end("last") if match.group("last") and match.group("last").lower() not in lex.COMMON_WORDS else match.end("first")
        found.append(Detection(match.start(), last, "PERSON", re.sub(r"\s+", " ", text[match.start("first"):last].lower()), True, "title"))

    for match in _LOWER_TITLE_RE.finditer(text):
        name = match.group("name")
        if name in lex.SURNAMES or name in lex.FIRST_NAMES:
            found.append(Detection(match.start(), match.end(), "PERSON", name, True, "title-lower"))
    for cue in _SIGN_OFF_RE.finditer(text):
        index = by_start.get(cue.end())
        if index is not None and tokens[index].group().lower() not in lex.COMMON_WORDS:
            add(index, _name_tail(tokens, index, any_case=False), "sign-off")

    for cue_re, strong in ((_STRONG_CUE_RE, True), (_CUE_RE, False)):
        for cue in cue_re.finditer(text):
            index = by_start.get(cue.end())
            if index is None:
                continue
            token = tokens[index].group()
            lower = token.lower()
            if lower in lex.COMMON_WORDS:
                continue
            if strong:
                add(index, _name_tail(tokens, index, any_case=True), "cue-strong")
            elif _is_capitalised(token) and (lower in lex.FIRST_NAMES or lower in lex.SURNAMES):
                add(index, _name_tail(tokens, index, any_case=False), "cue")
            elif lower in lex.FIRST_NAMES and lower not in lex.AMBIGUOUS_NAMES:
                add(index, _name_tail(tokens, index, any_case=False), "cue-lower")

    for index, token_match in enumerate(tokens):
        token = token_match.group()
        lower = token.lower()
        if not _is_capitalised(token) or lower not in lex.FIRST_NAMES or lower in lex.COMMON_WORDS:
            continue
        if lower not in lex.AMBIGUOUS_NAMES:
            add(index, _name_tail(tokens, index, any_case=False), "given-name")
        elif index > 0 and re.match(r"\s*[?!]", text[token_match.end():]):
            add(index, index + 1, "vocative")  # "What is your membership level Crystal?"

    # A whole message that is just a name: "joyce wu", "Crystal Minh", "Jessica."
    words = re.findall(r"[A-Za-z'-]+", text)
    if 1 <= len(words) <= 3 and re.fullmatch(r"\s*[A-Za-z'\s-]+[.!]?\s*", text):
        lowers = [w.lower() for w in words]
        if lowers[0] in lex.FIRST_NAMES and not any(w in lex.COMMON_WORDS for w in lowers):
            if len(words) > 1 or lowers[0] not in lex.AMBIGUOUS_NAMES:
                add(0, len(tokens), "whole-message")
    return found


_BRAND_RE = re.compile(r"\b(?:%s)\b" % "|".join(re.escape(b) for b in sorted(lex.BRANDS, key=len, reverse=True)), re.I)


def _is_brand(text: str, start: int, end: int) -> bool:
    """True when [start, end) overlaps a brand name ("Michael Kors", "Ralph Lauren")."""
    return any(m.start() < end and start < m.end() for m in _BRAND_RE.finditer(text))


# --------------------------------------------------------------------------- redactor


@dataclass
class RedactionConfig:
    """Options of the redactor (``redaction:`` in data/pipeline.yml).

    Attributes:
        phone_region: default country for numbers written without ``+`` (ISO code).
        allowlist: values never redacted (the company's own phone and e-mail).
        entity_types: which types to redact.
        pseudonymize_ids: replace conversation ids (which can be phone numbers on SMS/WhatsApp)
            by a salted hash.
        id_salt: salt of that hash; set a secret one so ids cannot be reversed by guessing.
    """

    phone_region: str = "US"
    allowlist: List[str] = field(default_factory=lambda: ["support@harborandpine.example", "1-800-555-0142"])
    entity_types: List[str] = field(default_factory=lambda: list(ENTITY_TYPES))
    pseudonymize_ids: bool = True
    id_salt: str = ""

    @classmethod
    def from_dict(cls, values: Dict[str, Any], where: str = "redaction") -> "RedactionConfig":
        """Build from a config mapping; unknown keys or types raise ``ValueError``."""
        unknown = sorted(set(values) - set(cls.__dataclass_fields__))
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {unknown}; known: {sorted(cls.__dataclass_fields__)}")
        config = cls(**values)
        bad = [t for t in config.entity_types if t not in ENTITY_TYPES]
        if bad:
            raise ValueError(f"{where}.entity_types: unknown {bad}; choose from {list(ENTITY_TYPES)}")
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


class Redactor:
    """Finds personal data and replaces it with placeholders consistent within a conversation."""

    def __init__(self, config: Optional[RedactionConfig] = None) -> None:
        self.config = config or RedactionConfig()
        self._allow = {self._allow_key(v) for v in self.config.allowlist}

    @staticmethod
    def _allow_key(value: str) -> str:
        digits = re.sub(r"\D", "", value)
        return digits[-10:] if "@" not in value and len(digits) >= 7 else value.strip().lower()

    # -- detection

    def detect(self, text: str, previous_text: str = "") -> List[Detection]:
        """All non-overlapping detections in ``text`` (``previous_text``: the turn before, for context)."""
        candidates: List[Detection] = []
        candidates += find_emails(text)
        candidates += find_ibans(text)
        candidates += find_cards(text)
        candidates += find_identifiers(text, previous_text)
        candidates += find_phones(text, self.config.phone_region)
        candidates += find_addresses(text)
        candidates += find_persons(text)
        return self._resolve(text, candidates)

    def _resolve(self, text: str, candidates: Iterable[Detection]) -> List[Detection]:
        wanted = set(self.config.entity_types)
        chosen: List[Detection] = []
        ordered = sorted(candidates, key=lambda d: (not d.strong, _PRIORITY[d.type], -d.length, d.start))
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
                if d.type in ("PERSON", "ORDER_ID", "ACCOUNT_ID") and len(lower) >= 3:
                    if lower not in known or (d.strong and not known[lower].strong):
                        known[lower] = d
                if d.type == "PERSON":
                    for token in re.findall(r"[A-Za-z'-]+", lower):
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
