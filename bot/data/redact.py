"""Personal-data redaction into typed placeholders that are consistent within a conversation.

ML environment only (imports pydantic v2 models from :mod:`bot.data.schema`).

Entity types and how they are found (own recognisers; see docs/data-pipeline.md for why not
Presidio):

* ``EMAIL``: regular expression (RFC 5322 atext inside the local part: "o'connor@..."), also spelled out
  ("jane dot doe at gmail dot com").
* ``PHONE``: the ``phonenumbers`` library's ``PhoneNumberMatcher`` (default region US, so
  national US/Canadian formats and any ``+``/``00`` international number), leniency POSSIBLE; a
  bare digit run is only a phone when the library calls it valid. Numbers with a trunk ``0``
  ("020 7946 0958", "0412 345 678") are then tried as national numbers of the UK, Australia,
  Ireland, New Zealand, India, South Africa, France and Germany and kept only when valid there. A
  digit run right after a phone cue word of many languages ("tlf", "ring på", "celu", "电话") is tried
  as a national number of ~40 more countries ("20 48 13 67", "8 (916) 328-47-15").
* ``CARD_NUMBER``: 13-19 digits (spaces/dashes, or dots between groups of 4-6) passing the Luhn check, not next to
  the word "tracking" and not after a ``+``.
* ``IBAN``: country code, check digits and BBAN passing the ISO 13616 mod-97 check.
* ``ADDRESS``: an anchor, then the address parts next to it. Anchors: a house number next to a
  street word in the order of many languages ("221 Baker Street", "12 rue de Rivoli", "Calle de
  Fuencarral 45", "Bağdat Cad. No: 214", "Karl Johans gate 31", "Am Rosengarten 7", "123
  Teheran-ro", "Carrera 7 # 71-21"), a Japanese block number ("2-11-3 Jingumae"), a PO box in
  several languages ("Postfach", "Apartado", "C.P."), a unit or district marker ("Flat 302,",
  "Sector 62,"), a number before a capitalised name ("25 Ly Thuong Kiet,") or a name before a
  number ("Ilica 10,"). The address then extends over the unit and building parts before it
  ("Room 1802,", "Sakura Heights 305,") and the parts after it: units and floors ("apto 81",
  "3º izq.", "m. 15"), districts ("Col. Centro", "Shibuya-ku"), localities, regions and a
  postcode of one of many national formats ("28004 Madrid", "Tokyo 150-0001", "São Paulo - SP,
  01426-001", "Co. Cork P31 KX90"). Strong anchors are addresses on their own; weak ones only
  when their parts end in a postcode or a known city, region or country (word lists in
  :mod:`bot.data.pii_lexicon`). Also "City, ST 12345" and UK postcodes. A short number inside an
  address is its postcode, not a phone. Chinese, Japanese and Korean addresses in native script are
  found by their structure markers (省市区路号室, 都道府県市区町村丁目番地, 시도구군로길층호).
* ``PERSON``: cue phrases ("my name is" and its equivalents in other languages, "this is",
  "thanks", greetings, thanks and sign-offs of many languages, "ask for", "he's", "my wife",
  "Agent", "account holder", "- Deepa", "X here", "X said"), titles ("Mrs."), a name addressed
  after a comma ("Got it, Gemma."), a name alone at the end of a message ("... KAREN MILLER"),
  surname particles ("van der Merwe", "al-Qahtani", "dela Cruz"), honorifics of other languages
  ("Khun Somchai"), names in capitals or lower case after a cue ("THIS IS DAVID MWANGI", "this is ahmad
  bin ismail"), native-script names after a cue ("山田です", "我叫王伟", "김민준 입니다", "أنا أحمد") or alone at
  the end of a message ("，王伟"),
  the hand-written given names and surnames of :mod:`bot.data.pii_lexicon` (a name without any
  cue) and its international list of ~89,000 names from 105 countries (a name with a cue, or
  two or more names together, when it is rarely an English word: "Zeynep Kaya" needs no cue,
  "Oliver" needs one, "Hope" needs a strong one); a name no list knows only right after a
  greeting or a role ("Kia ora Aroha!", "Agent Oyelaran"); whole-message names, names joined by
  "and" to a found one, and names already seen in the conversation; brand names (Michael Kors,
  Dr. Martens...), streets ("Calle Mayor") and known places ("São Paulo", "Santa Monica") are
  never names.
* ``ORDER_ID``: Harbor & Pine order numbers (``HP-482913``, ``hp482913``, ``#HP-482913``, or a
  bare number after the word "order"), identifiers after "order id/number", "ticket", "case", "order" in
  other languages ("el pedido 5583019"), "ref",
  "reference", "invoice", "return reference", requests named by their kind ("exchange request
  EX-55120", "return R-77120"), self-naming references (``RMA-20931``) and any upper-case
  prefixed id (``WS-20931``) that is no product code or standard (``SKU-44821``, ``ISO-9001``).
* ``ACCOUNT_ID``: identifiers after "username", "handle", "account number", "customer id",
  "member", "rewards member", "login", "loyalty number for the points"..., user names on chat
  and social platforms ("my kakao is minji_kim_92"), profile addresses
  ("facebook.com/jerome.delacruz.ph"), dotted user names after "account", ``@handles``, a
  message that is only an identifier-like token, and the local part of an e-mail address seen
  in the same conversation (ABCD usernames are exactly that).

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
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence

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

def _char_class(predicate: Callable[[str], bool]) -> str:
    """A regex character class of the Latin, Greek and Cyrillic letters for which predicate holds."""
    ranges: List[tuple] = []
    for code in (*range(0x41, 0x250), *range(0x370, 0x530), *range(0x1E00, 0x1F00)):
        if predicate(chr(code)):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "[" + "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]"


_UPPER = "(?-i:%s)" % _char_class(lambda c: c.isupper())
"""One upper-case letter in any Latin, Greek or Cyrillic script ("Ş", "İ", "Đ", "Ấ"), whatever the flags."""


def _trie_re(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, factored as a character trie ("ab|ac" -> "a(?:b|c)").

    Python's ``re`` tries the branches of an alternation one by one at every position; a trie
    makes a list of hundreds of words cost about as much as one. A space in a word matches any
    whitespace.
    """
    trie: Dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: Dict[str, Any]) -> str:
        branches = [(r"\s+" if char == " " else re.escape(char)) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:%s)" % "|".join(branches)
        if "" in node:
            return "(?:%s)?" % body
        return body

    return "(?:%s)" % emit(trie)


def _words_re(words: Iterable[str], capitalised_only: bool = False, lower_too: Iterable[str] = ()) -> str:
    """Regex of a word list, longest match first; spaces match any whitespace, a final dot is optional.

    ``capitalised_only``: match only the capitalised (or upper-case) spelling, except for the
    words in ``lower_too``, which may also be written in lower case ("ul.", "calle").
    """
    lower_too = set(lower_too)
    forms = set()
    for word in set(words):
        spellings = {word[:1].upper() + word[1:], word.upper()} | ({word} if word in lower_too else set()) if capitalised_only else {word}
        for spelling in spellings:
            forms.add(spelling)
            if spelling.endswith(".") and len(spelling) > 2:
                forms.add(spelling[:-1])
    return "(?-i:%s)" % _trie_re(forms) if capitalised_only else _trie_re(forms)



_WORD_NOT_CJK = r"(?:(?![\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff])\w)"
"""A word character other than Han, kana and Hangul: those scripts write no space before or after a
number or an e-mail address ("電話番号は090-1234-5678です"), so they do not glue a value to a word."""
_WORD_NOT_CJK_RE = re.compile(_WORD_NOT_CJK)
_EMAIL_RE = re.compile(
    rf"(?<![.+-])(?<!{_WORD_NOT_CJK})[A-Za-z0-9_%+-](?:[A-Za-z0-9._%+!#$&'*/=?^`{{|}}~-]*[A-Za-z0-9_%+-])?"
    rf"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{{2,}}(?!{_WORD_NOT_CJK})")
"""An e-mail address; the local part may hold RFC 5322 atext inside it ("o'connor.siobhan@...", "a&b@..."),
but starts and ends with a letter, digit or ``_%+-`` so that quotes and brackets around it stay outside."""


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


_CARD_RE = re.compile(r"(?<![\d+-])\d(?:[ -]?\d){12,18}(?![\d-])|(?<![\d+.-])\d{4}(?:\.\d{4,6}){2,3}(?:\.\d{1,4})?(?![\d-]|\.\d)")
"""13-19 digits, grouped by spaces or dashes, or by dots in groups of four to six ("2720.4369.0497.0879")."""
_TRACKING_CONTEXT_RE = re.compile(r"track|shipment|parcel|waybill", re.I)


def find_cards(text: str) -> List[Detection]:
    """Payment card numbers: 13-19 digits passing Luhn, not a tracking number."""
    found = []
    for match in _CARD_RE.finditer(text):
        if _TRACKING_CONTEXT_RE.search(text[max(0, match.start() - 30): match.start()]):
            continue
        # the run may have taken a group that follows the number ("5320619587413971 09/26"): drop
        # trailing groups until the digits pass
        raw = match.group()
        while raw:
            digits = re.sub(r"\D", "", raw)
            if 13 <= len(digits) <= 19 and luhn_valid(digits) and len(set(digits)) > 1 and digits[0] != "0":
                found.append(Detection(match.start(), match.start() + len(raw), "CARD_NUMBER", digits, True, "card"))
                break
            cut = max(raw.rfind(" "), raw.rfind("-"))
            if cut <= 0 or len(re.sub(r"\D", "", raw[:cut])) < 13:
                break
            raw = raw[:cut].rstrip(" -")
    return found


_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29,
    "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24,
    "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    "YE": 30,
}
"""IBAN length per country (the SWIFT IBAN registry). A string of another country code is no IBAN:
trying every length of "FX82 and updates will be sent" found one that passed mod 97 by chance."""
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
        if compact[:2] not in _IBAN_LENGTHS:
            continue
        # the registry's length first; then the whole run, for a mistyped length that still passes mod 97
        lengths = [_IBAN_LENGTHS[compact[:2]], len(compact)]
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


NATIONAL_PHONE_REGIONS: tuple[str, ...] = (
    "GB", "AU", "IE", "NZ", "IN", "ZA", "FR", "DE", "NL", "BE", "IT", "CH", "AT", "SE", "JP", "KR", "NG", "KE", "PH", "TR",
)
"""Countries whose national numbers (trunk prefix 0: "020 7946 0958", "0412 345 678") are tried,
in this order, after the default region; a number counts only when valid there."""
GROUPED_PHONE_REGIONS: tuple[str, ...] = ("ES", "PT", "PL", "BR", "MX", "CN")
"""Countries without a trunk prefix whose numbers are tried when written in three or more
groups ("612 34 56 78", "(11) 91234-5678")."""

CUE_PHONE_REGIONS: tuple[str, ...] = (
    "DK", "NO", "SG", "HK", "RU", "UA", "AR", "CL", "CO", "PE", "MY", "TH", "VN", "ID", "TW", "IL", "AE", "SA", "EG",
    "GR", "RO", "CZ", "HU", "FI", "PK", "BD", "GH", "MX", "BR", "ES", "PT", "PL", "CN", "FR", "NL", "BE", "CH", "SE",
    "IT", "AT", "DE",
)
"""Countries tried for a digit run right after a phone cue word ("tlf 412 83 569", "ring på 20 48 13 67",
"tel 8 (916) 328-47-15", "mi celu 011 15-4382-6917", "Contact 9183 7264"): national formats without a
trunk 0 or with another one, which are too easily a count or an id without the cue."""
_PHONE_CUE_BEFORE_RE = re.compile(
    r"(?<![\w])%s(?:\s+(?:me|us|is|es|é|ist|er|est|är|on|at|po|ko|no\.?|nr\.?|number|numéro|número|nummer|numer))*"
    r"\s*(?:[:=.-]|[:：]|は|是|为)?\s*\Z" % _words_re(lex.PHONE_CUES), re.I)
_CUE_CANDIDATE_RE = re.compile(
    rf"(?<![+.,/:-])(?<!{_WORD_NOT_CJK})\(?\d[\d\s().-]{{6,17}}\d(?!{_WORD_NOT_CJK}|[/:-]|[.,]\d)")
_DIGIT_RUN_RE = re.compile(r"\d(?:[\s().-]*\d){6}")
_NATIONAL_RE = re.compile(
    rf"(?<![+.,/:-])(?<!{_WORD_NOT_CJK})\(?0\d[\d\s().-]{{6,16}}\d(?!{_WORD_NOT_CJK}|[/:-]|[.,]\d)")
_INTERNATIONAL_00_RE = re.compile(r"(\d[\s().-]*)?(?<![\d+])00(?=[1-9]\d)")
_ID_BEFORE_RE = re.compile(
    r"\b(?:invoice|order|ref|reference|tracking|account|acct|member|customer|sku|item|receipt|transaction|"
    r"confirmation|case|ticket|rma|po|serial|barcode|voucher|code)\b\W*(?:number|no\.?|#|id)?\W*$", re.I)
_GROUPED_RE = re.compile(r"(?<![\w+.,/:-])\(?[1-9]\d*\)?(?:[\s.-]+\d+){2,5}(?![\w/:-]|[.,]\d)")
_DATE_LIKE_RE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")


def find_phones(text: str, region: str = "US", national_regions: Sequence[str] = NATIONAL_PHONE_REGIONS) -> List[Detection]:
    """Phone numbers via ``phonenumbers``.

    ``PhoneNumberMatcher`` with the default ``region`` (leniency POSSIBLE; a bare digit run only
    when valid) finds that country's national formats and every ``+``/``00`` number; then digit
    runs with a trunk ``0`` that it left are parsed for each of ``national_regions`` and kept
    when the number is valid there (so dates, prices and order numbers stay out).
    """
    if not _DIGIT_RUN_RE.search(text):
        return []  # fewer than seven digits together: no phone number (most turns)
    import phonenumbers

    found = []
    # first the numbers right after a phone cue word, as national numbers of many countries
    for match in _CUE_CANDIDATE_RE.finditer(text):
        start, end = match.start(), match.end()
        raw = match.group().rstrip(" .-(")
        end = start + len(raw)
        if any(d.start < end and start < d.end for d in found) or not 8 <= sum(c.isdigit() for c in raw) <= 13:
            continue
        if _DATE_LIKE_RE.fullmatch(raw) or re.fullmatch(r"\d{1,2}\s\d{1,2}\s(?:19|20)\d\d", raw) or \
                not _PHONE_CUE_BEFORE_RE.search(text, max(0, start - 40), start):
            continue  # only right after "tel", "tlf", "ring på", "celu", "contact"...
        if _parse_national(raw, (region,)) is not None:
            continue  # a number of the default region: the matcher below finds it, with its extension
        trunk = raw.lstrip("(").startswith("0")
        number = _parse_national(raw, (*(national_regions if trunk else ()), *CUE_PHONE_REGIONS, *national_regions))
        if number is not None:
            key = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            found.append(Detection(start, end, "PHONE", key, True, "phone-cue"))
    cued = list(found)
    # "0044 20 ..." (the European international prefix): same length with "+", so offsets hold;
    # not inside a number ("+86 138 0013 8000")
    scan = _INTERNATIONAL_00_RE.sub(lambda m: m.group() if m.group(1) else " +", text)
    for match in phonenumbers.PhoneNumberMatcher(scan, region, leniency=phonenumbers.Leniency.POSSIBLE):
        start, end = match.start, match.end
        if scan[start] == "+" and start > 0 and scan[start - 1] == " " and text[start - 1:start + 1] == "00":
            start -= 1
        if (start > 0 and _glued(text[start - 1])) or (end < len(text) and _glued(text[end])) or (
                start > 1 and text[start - 1] in "-/" and _glued(text[start - 2])) or (start > 0 and text[start - 1] == "〒"):
            continue  # part of a longer token such as a tracking number ("GA-183-8164"), a postcode ("〒150-0001")
        if any(d.start < end and start < d.end for d in cued):
            continue
        raw = match.raw_string
        formatted = bool(re.search(r"[\s().+-]", raw.strip()))
        number = match.number
        if not phonenumbers.is_valid_number(number):
            if not formatted:
                continue
            if raw.lstrip("(").startswith("0"):
                number = _parse_national(raw, national_regions) or number  # the same key as "0412345678"
        key = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        found.append(Detection(start, end, "PHONE", key, True, "phone"))
    for match in _NATIONAL_RE.finditer(text):
        start, end = match.start(), match.end()
        raw = match.group()
        if any(d.start < end and start < d.end for d in found) or _DATE_LIKE_RE.fullmatch(raw.strip("()")):
            continue
        if sum(c.isdigit() for c in raw) < 9:
            continue
        if raw.isdigit() and _ID_BEFORE_RE.search(text[max(0, start - 30):start]):
            continue  # "invoice 0123456789": an unformatted number after an id word is that id
        number = _parse_national(raw, national_regions)
        if number is not None:
            key = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            found.append(Detection(start, end, "PHONE", key, True, "phone-national"))
    for match in _GROUPED_RE.finditer(text):
        start, end = match.start(), match.end()
        raw = match.group()
        if any(d.start < end and start < d.end for d in found) or not 9 <= sum(c.isdigit() for c in raw) <= 12:
            continue
        if _DATE_LIKE_RE.fullmatch(raw) or _ID_BEFORE_RE.search(text[max(0, start - 30):start]):
            continue  # "SKU 448-2231-09"
        number = _parse_national(raw, GROUPED_PHONE_REGIONS)
        if number is not None:
            key = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            found.append(Detection(start, end, "PHONE", key, True, "phone-grouped"))
    # a North American toll-free number ("1-800-427-6723") is a business line, not a person's; other
    # countries' toll-free prefixes are too easily another country's mobile ("0803 412 7765" is Nigerian)
    return [d for d in found if not _business_line(text[d.start:d.end], d.key)]


def _business_line(raw: str, key: str) -> bool:
    """A toll-free number: North American ("1-800-427-6723") or written with a freephone prefix
    ("0800 048 7720", "1800 555 014"). Other countries' toll-free ranges stay personal, since
    "0803 412 7765" is a Nigerian mobile that also parses as a British toll-free number."""
    import phonenumbers

    try:
        if phonenumbers.number_type(phonenumbers.parse(key)) != phonenumbers.PhoneNumberType.TOLL_FREE:
            return False
    except phonenumbers.NumberParseException:
        return False
    return key.startswith("+1") or re.sub(r"\D", "", raw).startswith(("0800", "0808", "1800"))


def _glued(char: str) -> bool:
    """True when ``char`` next to a digit run makes it part of a longer token (not Han, kana or Hangul)."""
    return char.isalnum() and _WORD_NOT_CJK_RE.match(char) is not None


def _parse_national(raw: str, regions: Sequence[str]):
    """The first parse of ``raw`` that is a valid number in one of ``regions``, else None."""
    import phonenumbers

    for country in regions:
        try:
            number = phonenumbers.parse(raw, country)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return number
    return None


_HP_ORDER_RE = re.compile(r"(?<![\w#])#?HP[- ]?(\d{6})\b", re.I)
ORDER_WORDS: tuple[str, ...] = (
    "order", "ordr", "oder", "purchase", "confirmation", "invoice", "receipt", "booking", "ref", "reference", "rma",
    "ticket", "case", "pedido", "encomenda", "commande", "bestellung", "bestellnummer", "auftragsnummer", "ordine",
    "bestelling", "ordernummer", "zamówienie", "zamowienie", "zamówienia", "objednávka", "objednavka", "tilaus",
    "beställning", "bestilling", "ordre", "ordrenummer", "sipariş", "siparis", "rendelés", "comandă", "comanda",
)
"""Words after which an identifier with four digits is an order (or ticket) number, in several languages."""
_ORDER_CONTEXT_RE = re.compile(
    r"\b(?:%s|return(?:s)?\s+(?:ref|reference|authori[sz]ation|number|no\.?|id))\s*"
    r"(?:id|number|num|no\.?|nº|n°|nr\.?|#|code|número|numero|nummer|numer|numéro)?\s*"
    r"(?:is|was|:)?\s*#?\s*(?P<value>[A-Z0-9][A-Z0-9-]{3,24})\b" % _trie_re(ORDER_WORDS),
    re.I,
)
"""An identifier after "order", "ref", "return reference", "RMA", "ticket", "case", or "order" in other
languages ("el pedido 5583019", "commande 44812", "Bestellung 77120"); it needs four digits."""
_PREFIXED_REF_RE = re.compile(r"(?<![\w-])(?:RMA|RET|REF|ORD|INV)[-#]?\d{4,12}(?![\w-])", re.I)
"""A return or order reference that names itself: "RMA-20931", "INV 448120"."""
_ACCOUNT_CONTEXT_RE = re.compile(
    r"\b(?:user\s*name|user\s*id|login|log-in|handle|screen\s*name|gamertag|acct\.?|"
    r"(?:account|customer|member(?:ship)?|loyalty|rewards|client|profile|subscriber)\s*(?:id|number|num|no\.?|#|code)|"
    r"(?:rewards|loyalty)\s+member|member)"
    r"(?:\s+(?:on|for|at|in|with)\s+(?:the|your|ur|my)\s+[a-z]+)?"
    r"\s*(?:is|was|:|=|#)?\s*(?:(?:registered\s+)?(?:under|as)\s+)?(?P<value>@?[A-Za-z0-9][A-Za-z0-9._-]{2,40})",
    re.I,
)
REQUEST_WORDS: tuple[str, ...] = (
    "return", "exchange", "replacement", "refund", "claim", "case", "ticket", "complaint", "warranty", "repair",
    "rücksendung", "ruecksendung", "retoure", "umtausch", "reklamation", "devolución", "devolucion", "devolução",
    "devolucao", "cambio", "troca", "retour", "échange", "echange", "reclamation", "réclamation", "reso", "rimborso",
    "reklamacja", "zwrot", "iade",
)
_REQUEST_REF_RE = re.compile(
    r"\b%s"
    r"(?:\s+(?:request|ref(?:erence)?|id|no\.?|number|#))?\s*(?:is|was|:)?\s*#?\s*"
    r"(?P<value>(?-i:[A-Z]{1,5})-?\d{4,12})(?![\w-])" % _trie_re(REQUEST_WORDS),
    re.I,
)
"""A request named by its kind, also in other languages: "exchange request EX-55120", "return R-77120", "ticket
TK-20931", "Rücksendung R-80331", "devolución D-4471"."""
_CARD_ACCOUNT_RE = re.compile(
    r"\b(?:rewards?|loyalty|member(?:ship)?|club|points|bonus|store|gift)\s+card(?:\s+(?:number|no\.?|#|id))?"
    r"\s*(?:is|:)?\s*#?\s*(?P<value>(?-i:[A-Z]{1,5})[\s-]?\d{3,8}(?:[\s-]\d{3,8}){0,3}|\d{3,8}(?:[\s-]\d{3,8}){1,3})(?![\w-])",
    re.I,
)
"""A loyalty or member card number, often grouped: "Reward card HPR 4471 0392"."""
_PREFIXED_ID_RE = re.compile(r"(?<![\w#/.-])(?P<prefix>[A-Z]{2,6}(?:-[A-Z]{2,8})*)-\d{4,12}(?![\w-])")
"""An identifier of the shape "WS-20931", "HP-LOYAL-5567102", "CUST-883201" anywhere."""
NOT_ID_PREFIXES = frozenset(
    "SKU UPC EAN ISBN ISSN ISO DIN EN IEC ASTM ANSI ART MOD STYLE COL REF GTX RTX RX GT SM PN MPN COVID SARS PM AM "
    "CE FCC TUV UL USB HDMI DDR LED LCD".split()
)
"""Prefixes of product codes, standards and model numbers, which are no personal data ("SKU-44821", "ISO-9001")."""
_PRODUCT_BEFORE_RE = re.compile(r"\b(?:sku|item|product|model|style|part|article|code|size|standard|version|promo|coupon|voucher|discount)\W*(?:number|no\.?|#|code)?\W*$", re.I)
_ACCOUNT_BEFORE_RE = re.compile(r"\b(?:account|acct|member(?:ship)?|customer|client|loyalty|rewards|user|profile|subscriber|"
                                r"workspace|login)\b[^.!?]{0,30}$", re.I)
PLATFORMS = (
    "kakao", "kakaotalk", "line", "line id", "wechat", "weixin", "telegram", "signal", "discord", "skype", "insta",
    "instagram", "ig", "fb", "facebook", "twitter", "tiktok", "snap", "snapchat", "viber", "zalo", "qq", "linkedin",
    "github", "steam", "psn", "xbox", "xbox live", "slack", "teams", "threads", "bluesky", "reddit", "twitch",
    "youtube", "pinterest", "vk", "weibo", "whatsapp", "messenger", "gamertag", "roblox", "epic", "nintendo",
)
"""Chat and social platforms whose user names customers give ("my kakao is minji_kim_92")."""
_PLATFORM_HANDLE_RE = re.compile(
    r"\b%s(?:\s+(?:id|handle|username|user\s*name|name|account|acc|profile))?\s*(?:is|:|=|-)?\s*"
    r"(?P<value>@?[A-Za-z0-9][A-Za-z0-9._-]{2,40})" % _words_re(PLATFORMS),
    re.I,
)
_PROFILE_URL_RE = re.compile(
    r"(?<![\w.])(?:https?://)?(?:www\.|m\.)?(?:facebook|fb|instagram|twitter|x|tiktok|linkedin|github|t|wa|vk|weibo|"
    r"threads|pinterest|youtube|twitch|reddit|snapchat)\.(?:com|me|net)/(?:in/|user/|u/|@)?[\w.@-]{2,60}(?<![.])",
    re.I,
)
"""A social profile address: "facebook.com/jerome.delacruz.ph", "linkedin.com/in/anna-k"."""
_ACCOUNT_HANDLE_RE = re.compile(
    r"\b(?:account|acct|profile|user)\s*(?:is|:|=)?\s*(?P<value>[a-z][a-z0-9]+[._][a-z0-9]+(?:[._][a-z0-9]+)*)(?![\w@.-])")
"""An account named by a dotted or underscored user name: "account hakim.nurul"."""
_DOMAIN_END_RE = re.compile(r"\.(?:com|net|org|io|co|uk|de|fr|es|it|nl|info|app|example|html?|php|pdf|jpg|png)$", re.I)
_HANDLE_RE = re.compile(r"(?<![\w.@])@(?P<handle>[A-Za-z][A-Za-z0-9_.]{2,29})(?<![.])(?![\w@])")
"""A social or chat handle: "@lena_k_berlin"."""
LOGIN_NOUNS = frozenset(
    """code codes page screen details detail info information issue issues problem problems button link links email
    password passwords name names attempt attempts credentials form error errors help access process request requests
    again button app site website portal option options method methods history session sessions window""".split()
)
"""Words after "login"/"username" that are about logging in, not a user name ("login code")."""
_USERNAME_CUE_RE = re.compile(r"user\s*name|login|log-in|handle|screen\s*name|gamertag", re.I)
_UPS_RE = re.compile(r"^1Z[0-9A-Z]{16}$", re.I)
_ID_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _order_key(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return f"HP-{digits}" if len(digits) == 6 and re.fullmatch(r"(?:#?HP[- ]?)?\d{6}", value, re.I) else value.upper()


def _looks_like_username(value: str) -> bool:
    """A lower-case word that is no English word or name on its own: an initial and a surname ("rkapoor")."""
    if not value.islower() or len(value) < 5:
        return False
    if _name_score(lex.fold(value)) is not None:
        return False  # "login maria": too ambiguous without "is"
    return _name_score(lex.fold(value[1:])) is not None or _name_score(lex.fold(value[2:])) is not None


def find_identifiers(text: str, previous_text: str = "") -> List[Detection]:
    """Order numbers and account identifiers (see module docstring)."""
    found = []
    for match in _HP_ORDER_RE.finditer(text):
        found.append(Detection(match.start(), match.end(), "ORDER_ID", f"HP-{match.group(1)}", True, "order-hp"))
    for match in _PREFIXED_REF_RE.finditer(text):
        found.append(Detection(match.start(), match.end(), "ORDER_ID", re.sub(r"[- #]", "", match.group().upper()), True, "order-ref"))
    position = 0
    while True:
        match = _ORDER_CONTEXT_RE.search(text, position)
        if not match:
            break
        value = match.group("value").rstrip(".-")
        if re.fullmatch(r"(?:19|20)\d\d", value) and not re.match(r"(?i:order|ref|invoice|receipt|confirmation|rma)", match.group()):
            value = ""  # "in case 2025 prices go up", "Bestellung 2024": a year
        if sum(c.isdigit() for c in value) < 4 or _DATE_LIKE_RE.fullmatch(value):
            position = match.start("value")  # "order is ticket 48812": the cue may sit inside the rejected value
            continue  # "reference 2024-11-30" is a date
        position = match.end()
        start = match.start("value")
        found.append(Detection(start, start + len(value), "ORDER_ID", _order_key(value), True, "order-context"))
    for match in _ACCOUNT_CONTEXT_RE.finditer(text):
        value = match.group("value").rstrip(".-_")
        has_digit = any(c.isdigit() for c in value)
        lower = value.lower().lstrip("@")
        if lower in lex.COMMON_WORDS or lower in LOGIN_NOUNS or (not has_digit and not _USERNAME_CUE_RE.search(match.group())):
            continue
        separated = re.search(r"(?:\bis|\bwas|[:=#])\s*$", text[match.start():match.start("value")], re.I)
        if not has_digit and not re.search(r"[._@]", value) and not separated and not _looks_like_username(value):
            continue  # "login details", "username field": a plain word needs "is" or ":" before it
        start = match.start("value")
        found.append(Detection(start, start + len(value), "ACCOUNT_ID", value.lower(), True, "account-context"))
    for match in _CARD_ACCOUNT_RE.finditer(text):
        value = match.group("value")
        found.append(Detection(match.start("value"), match.end("value"), "ACCOUNT_ID", re.sub(r"[\s-]", "", value.upper()), True, "account-card"))
    for match in _HANDLE_RE.finditer(text):
        found.append(Detection(match.start(), match.end(), "ACCOUNT_ID", match.group().lower(), True, "handle"))
    for match in _REQUEST_REF_RE.finditer(text):
        value = match.group("value")
        found.append(Detection(match.start("value"), match.end("value"), "ORDER_ID", value.upper(), True, "order-request"))
    for match in _PREFIXED_ID_RE.finditer(text):
        prefix = match.group("prefix")
        if prefix.split("-")[0] in NOT_ID_PREFIXES or _PRODUCT_BEFORE_RE.search(text, max(0, match.start() - 30), match.start()):
            continue
        if len(prefix) <= 2 and re.match(rf"\s+{_UPPER}\w", text[match.end():]):
            continue  # "CH-8001 Zürich": a postcode
        kind = "ACCOUNT_ID" if _ACCOUNT_BEFORE_RE.search(text, max(0, match.start() - 40), match.start()) else "ORDER_ID"
        found.append(Detection(match.start(), match.end(), kind, match.group().upper(), False, "prefixed-id"))
    for match in _PLATFORM_HANDLE_RE.finditer(text):
        value = match.group("value").rstrip("._-")
        if not re.search(r"[A-Za-z]", value) or not re.search(r"[\d_.@]", value) or value.lower() in lex.COMMON_WORDS:
            continue  # "my line is 0412 345 678" is a phone, "my insta is private" a word
        if "@" in value[1:] or _DOMAIN_END_RE.search(value):
            continue  # an e-mail address or a web address
        start = match.start("value")
        found.append(Detection(start, start + len(value), "ACCOUNT_ID", value.lower(), True, "platform-handle"))
    for match in _PROFILE_URL_RE.finditer(text):
        found.append(Detection(match.start(), match.end(), "ACCOUNT_ID", match.group().lower(), True, "profile-url"))
    for match in _ACCOUNT_HANDLE_RE.finditer(text):
        value = match.group("value")
        if not _DOMAIN_END_RE.search(value):
            found.append(Detection(match.start("value"), match.end("value"), "ACCOUNT_ID", value, True, "account-handle"))
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
_LETTER = r"[^\W\d_]"


_STREET_WORD = rf"(?:\d{{1,3}}(?:st|nd|rd|th)|{_LETTER}(?:[^\W_]|['’.-])*)"
_UNIT = (r"(?:,?\s*(?:apt|apartment|unit|suite|ste|fl|floor|level|lvl|room|rm|bldg|building|#)\.?\s*#?\s*"
         r"(?:\d[A-Za-z0-9-]{0,5}|[A-Za-z]\b))")
_CITY = r"(?:[A-Za-z][A-Za-z.'-]*\s+){0,2}[A-Za-z][A-Za-z.'-]*"
_STATE_ZIP = rf"(?:(?:{_STATE}|{_STATE_NAME})\.?,?\s+{_ZIP}|(?:nsw|vic|qld|tas|act|wa|sa|nt)\s+\d{{4}}|(?-i:(?:{_STATE}))\b\.?(?:,?\s+{_ZIP})?|(?:{_STATE_NAME})\b)"
_UK_POSTCODE = r"(?-i:[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})"
_EIRCODE = r"(?-i:(?:[AC-FHKNPRTV-Y]\d{2}|D6W)\s?[0-9AC-FHKNPRTV-Y]{4})"
_CA_POSTCODE = r"(?-i:[A-Z]\d[A-Z]\s?\d[A-Z]\d)"
_AU_STATE = r"(?-i:NSW|VIC|QLD|TAS|ACT|WA|SA|NT)"
_LEADING_UNIT = r"(?:(?:flat|apt|apartment|unit|suite|level|shop|lot)\.?\s*#?\s*[A-Za-z0-9-]{1,5},?\s+)?"
_STREET_RE = re.compile(
    rf"(?:\b{_LEADING_UNIT})?\b(?P<number>\d{{1,6}}[A-Za-z]?(?:[-/]\d{{1,5}}[A-Za-z]?)?)\s+"
    rf"(?:(?P<name>(?:{_DIRECTION}\s+)?(?:{_STREET_WORD}\s+){{1,3}}?)(?:{_SUFFIX})(?:\s+(?:{_SUFFIX}))?|Broadway"
    rf"|\d{{1,3}}\s+(?:ave|avenue|st|street|rd|road|dr|drive)(?=\s+(?:NE|NW|SE|SW)\b))\b\.?"
    rf"(?:\s+{_DIRECTION}(?![A-Za-z]))?{_UNIT}?"
    rf"(?P<city>,?\s+{_CITY},?\s+(?:{_STATE_ZIP}|{_UK_POSTCODE})(?![A-Za-z0-9]))?",
    re.I,
)
"""House number first: "221 Baker Street, Apt 4B", "4/17 Smith St", "1022 17 Ave SW"."""
_CAP_WORD = rf"{_UPPER}[\w'’.-]*(?:/{_UPPER}[\w'’.-]*)*"
_CAP_STREET_RE = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?(?:[-/]\d{{1,5}}[A-Za-z]?)?,?\s+(?:{_CAP_WORD}\s+){{1,3}}"
    rf"(?-i:View|Close|Cl|Rise|Vale|Green|Hill|Parade|Pde|Tce|Gate|Chase|Wynd|Mount|Park|Nagar|Marg|Salai|Colony|"
    rf"Layout|Enclave|Vihar|Bagh|Cross|Circus|Approach|Ridge|Glen|Dale|Meadows?|Garth|Croft|Brae|Grange)\b\.?"
)
"""More street types, only when written capitalised after a capitalised name ("3 Church View", "12/3 Gandhi Nagar",
"12, Gandhi Marg")."""
_FR_STREET_RE = re.compile(
    rf"\b\d{{1,5}}(?:\s?(?:bis|ter|quater|[A-D]\b))?,?\s+(?:rue|avenue|av\.|boulevard|boul\.|bd|chemin|ch\.|place|route|"
    rf"all[ée]e|impasse|quai|cours|rang|mont[ée]e|c[ôo]te|promenade|square|faubourg|passage|chauss[ée]e|voie|sentier|"
    rf"esplanade|parvis|rond-point|villa|cit[ée])\s+(?:(?:de\s+la|de\s+l'|du|des|de|d')\s*)?"
    rf"{_LETTER}[\w'’-]*(?:\s+(?-i:[A-Z0-9])[\w'’-]*){{0,3}}?(?:\s+(?:ouest|est|nord|sud))?(?![\w'’-])",
    re.I,
)
"""French and Québec style: "1455, rue Sainte-Catherine Ouest", "12 rue de Rivoli"."""

_HOUSE_NUMBER = r"\d{1,5}(?:[A-Za-z]|\s(?-i:[A-Z])(?:\s\d{1,3})?)?(?:\s?[/-]\s?\d{1,5}[A-Za-z]?)*(?![\w/-]|[.,]\d|\s?%)"
_NUMBER_MARK = r"(?:(?:No|Nr|Nro|Núm|Num|N|Nº|N°|n[º°or]|nro)\s?[.:]?\s?|#\s?)"
_NAME_CONNECTOR = (r"(?:de\s+la|de\s+los|de\s+las|de|da|do|dos|das|del|della|delle|dei|degli|di|du|des|la|le|les|el|al|"
                   r"am|an|der|den|dem|im|upon|on|sur|en|sous|lès|bei|van|aan|op|y|es)")
_STREET_NAME = rf"(?:{_NAME_CONNECTOR}\s+)?(?:{_CAP_WORD}|\d{{1,3}})(?:\s+(?:(?:{_NAME_CONNECTOR}\s+)?{_CAP_WORD}|[IVX]{{1,4}}\b)){{0,3}}"
_TYPE_BEFORE = _words_re(lex.STREET_TYPES_BEFORE, capitalised_only=True, lower_too=(
    "ul.", "al.", "pl.", "os.", "vul.", "ulica", "aleja", "calle", "avenida", "rua", "carrer", "jalan", "jl.",
    "jln.", "soi", "thanon", "đường", "phố", "str.", "strada", "rambla", "travessa", "carrera", "cra.", "sh."))
_EU_STREET_RE = re.compile(
    rf"(?<![\w/])(?:{_TYPE_BEFORE}\s+{_STREET_NAME}"
    rf"|{_LETTER}+(?:straße|strasse|str\.|weg|gasse|allee|platz|ring|damm|ufer|chaussee|straat|laan|gracht|plein|kade|"
    rf"singel|dijk|steeg|dreef|markt|gatan|vägen|gata|gate|gade|vej|veien|vegen|vegur|stígur|braut|katu|tie|kuja|utca|"
    rf"ulice|torget|plads))"
    rf"\s*,?\s+{_NUMBER_MARK}?(?P<number>{_HOUSE_NUMBER}|s/n\b)",
)
"""Street name first, house number after: "Hauptstraße 5", "Calle de Fuencarral 45", "ul. Marszałkowska 84/92",
"Jl. Sudirman No. 45", "Rua Oscar Freire, 1200"."""
_TYPE_AFTER = _words_re(lex.STREET_TYPES_AFTER)
_NAME_TYPE_STREET_RE = re.compile(
    rf"(?<![\w/])(?P<name>{_CAP_WORD}(?:\s+(?:{_NAME_CONNECTOR}\s+)?{_CAP_WORD}){{0,2}})\s+(?i:{_TYPE_AFTER})(?![\w])\.?"
    rf"\s*{_NUMBER_MARK}?(?P<number>\d{{1,4}}[A-Za-z]?(?:\s?[/-]\s?\d{{1,4}}[A-Za-z]?)*)(?![\w/-]|[.,]\d|\s?%)"
)
"""Name, then a separate street-type word, then the number: "Bağdat Cad. No: 214", "Karl Johans gate 31",
"Mariahilfer Straße 45", "Rothschild Blvd 22"."""
_PREPOSITIONS = "|".join(p.capitalize().replace(" ", r"\s+") for p in lex.STREET_PREPOSITIONS)
_PREPOSITION_STREET_RE = re.compile(
    rf"(?<![\w])(?-i:{_PREPOSITIONS})\s+"
    rf"{_CAP_WORD}(?:\s+{_CAP_WORD})?\s+\d{{1,3}}[a-z]?(?:[-/]\d{{1,3}}[a-z]?)?(?![\w/-]|[.,]\d)"
)
"""German and Dutch streets named with a preposition: "Am Rosengarten 7", "Unter den Linden 77"."""
_LOWER_STREET_RE = re.compile(
    rf"(?<![\w/])(?-i:calle|c/|avenida|avda\.|av\.|paseo|carrer|rua|rúa|via|viale|corso|piazza|rue|avenue|ul\.|ulica|"
    rf"al\.|jalan|jl\.|str\.|strada|calea)\s+(?:(?:de\s+la|de\s+los|de|del|da|do|dos|di|della|des|du)\s+)?"
    rf"(?-i:[^\W\d_A-Z][\w'’-]*)(?:\s(?-i:[^\W\d_A-Z][\w'’-]*)){{0,2}}?,?\s+\d{{1,5}}[a-z]?(?![\w/-]|[.,]\d)"
)
"""A street written all in lower case ("calle de alcalá 148"): an address only when a postcode and a known place follow."""
_KOREAN_STREET_RE = re.compile(
    rf"\b(?:\d{{1,4}}(?:-\d{{1,4}})?\s+{_UPPER}[a-z]+(?:-[a-z]+)?-(?:ro|gil|daero)(?:\s?\d{{1,3}}(?:beon|ga)?-?gil)?"
    rf"|{_UPPER}[a-z]+(?:-[a-z]+)?-(?:ro|gil|daero)(?:\s?\d{{1,3}}(?:beon|ga)?-?gil)?\s+\d{{1,4}}(?:-\d{{1,4}})?)(?![\w-])"
)
"""Romanised Korean road addresses: "123 Teheran-ro", "Sejong-daero 110"."""
_COLOMBIAN_STREET_RE = re.compile(
    r"\b(?-i:Calle|Cl\.?|Carrera|Cra\.?|Cr\.?|Kr\.?|Transversal|Tv\.?|Diagonal|Dg\.?|Avenida|Av\.?|Ak\.?|Ac\.?)\s+"
    r"\d{1,3}\s?[A-Z]?(?:\s?bis)?\s*(?:#|No\.?|N[º°o]\.?)\s*\d{1,3}\s?[A-Z]?\s?-\s?\d{1,3}\b"
)
"""Colombian grid addresses: "Carrera 7 # 71-21", "Calle 100 No. 19-61"."""
_CHOME_RE = re.compile(rf"(?<![\w./-])\d{{1,2}}-(?:chome-)?\d{{1,3}}(?:-\d{{1,3}})?\s+{_UPPER}[a-z]{{2,}}(?:-(?:cho|machi|chome))?(?![\w-])")
"""Japanese block numbers before the neighbourhood: "2-11-3 Jingumae", "4-chome-26-18 Jingumae" (needs more
address parts)."""

_HAN = r"[\u4e00-\u9fff\u3400-\u4dbf]"
_KANA = r"[\u30a0-\u30ff\u3040-\u309f]"
_DIGITS = r"[0-9０-９]"
_ZH_ADDRESS_RE = re.compile(
    rf"(?:{_HAN}{{1,7}}?(?:省|市|自治区|区|區|县|縣|镇|鎮|乡|鄉|州|街道))*{_HAN}{{1,10}}?(?:路|街|道|巷|弄|胡同|大道)"
    rf"(?:{_HAN}{{0,3}}?段)?(?:{_DIGITS}{{1,4}}[巷弄])*{_DIGITS}{{1,5}}(?:-{_DIGITS}{{1,5}})?[号號]"
    rf"(?:\s?(?:{_DIGITS}{{1,5}}|[一二三四五六七八九十]{{1,3}})(?:栋|棟|幢|座|单元|單元|楼|樓|层|層|室|号|號|F|f))*"
)
"""A Chinese address: administrative parts ending in 省/市/区/县, a road ending in 路/街/道, its number and 号,
then building, floor and room (栋/单元/楼/层/室): "上海市徐汇区漕溪北路88号3楼301室"."""
_ZH_LEAD_RE = re.compile(r"^(?:我|的|住在|住|在|是|地址|寄到|送到|发到|發到|请|請|收货|收貨|收件)+")
_JA_ADDRESS_RE = re.compile(
    rf"(?:{_HAN}{{1,3}}(?:都|道|府|県))?(?:{_HAN}{{1,6}}?(?:市|区|郡|町|村))+(?:{_HAN}|{_KANA}){{0,8}}?"
    rf"{_DIGITS}{{1,2}}(?:丁目|[-－ー])(?:{_DIGITS}{{1,4}}(?:番地?|[-－ー])?){{0,2}}(?:{_DIGITS}{{1,4}}号?)?"
    rf"(?:\s?(?:[\u30a0-\u30ff]|{_HAN}|[A-Za-z]){{1,12}}\s?{_DIGITS}{{1,4}}(?:号室|号|階|F)?)?"
)
"""A Japanese address: prefecture (都/道/府/県), city and ward (市/区/町/村), block (丁目, 番地, 号 or dashes) and
an optional building with its room: "東京都世田谷区三軒茶屋2丁目14-7 メゾン三茶302"."""
_KO_ADDRESS_RE = re.compile(
    r"(?:[가-힣]{1,8}(?:특별시|광역시|특별자치시|특별자치도|도|시)\s?)?(?:[가-힣]{1,6}(?:구|군|시)\s?)+"
    r"(?:[가-힣]{1,6}(?:동|읍|면)\s?)?[가-힣0-9]{1,10}(?:로|길|대로)(?:\s?\d{1,3}번?길)?\s?\d{1,5}(?:-\d{1,5})?"
    r"(?:,?\s?\d{1,4}(?:층|호|동))*"
)
"""A Korean road address: city or province, district (구/군/시), road (로/길), building number, then floor or
unit (층/호): "서울특별시 강남구 테헤란로 152, 12층"."""

_TAIL_WORD_RE = re.compile(
    rf"(?P<sep>\s*,\s*|\s+[-–—]\s+|\s+|-)(?P<word>\({_CAP_WORD}(?:\s+{_CAP_WORD})*\)|{_CAP_WORD}|\d{{1,3}}(?![\w-])"
    rf"|{_NAME_CONNECTOR}(?=\s+{_UPPER}))"
)
"""One word of a locality in an address tail ("Little Shelford", "Dublin 2", "Rio de Janeiro"); a comma
or a dash starts a new locality."""
_REGION = rf"(?:{_STATE}|{_AU_STATE}|{_STATE_NAME}|qu[ée]bec|new\s+south\s+wales|queensland|tasmania|western\s+australia)"
_POSTCODE_PREFIX = r"(?:(?-i:C\.\s?P\.|CP|CEP|PLZ|PIN|T\.K\.|TK|PC)\s?:?\s?|〒\s?)"
_POSTCODE = (rf"(?:{_UK_POSTCODE}|{_EIRCODE}|{_CA_POSTCODE}|\d{{5}}-\d{{3}}|\d{{3}}-\d{{4}}|\d{{4}}-\d{{3}}|\d{{2}}-\d{{3}}"
             rf"|\d{{5}}(?:-\d{{4}})?|\d{{3}}\s\d{{2}}|\d{{3}}\s\d{{3}}|\d{{4}}\s?(?-i:[A-Z]{{2}})|(?-i:[A-Z])\d{{4}}(?-i:[A-Z]{{3}})"
             rf"|\d{{4,7}})")
"""Postcodes of many countries: UK, Irish, Canadian, Brazilian 01426-001, Japanese 150-0001, Portuguese
1100-053, Polish 00-514, US ZIP, Swedish/Czech/Greek 111 21, Indian 560 038, Dutch 1012 AB, Argentine
C1043AAZ, and 4-7 digits (the guard below keeps phone numbers, prices and sizes out)."""
_POSTCODE_GUARD = r"(?![\w-]|\s?\d|[.,]\d|\s?(?:%|€|\$|£|¥|kg|g|cm|mm|ml|l|x)\b)"
_FINAL_RE = re.compile(
    rf"(?:(?:\(?(?:{_REGION})\)?\.?,?\s+)?{_POSTCODE_PREFIX}?{_POSTCODE}|(?-i:{_STATE}|{_AU_STATE})){_POSTCODE_GUARD}",
    re.I,
)
"""What ends an address after a separator: a postcode of one of many countries, with its prefix ("C.P. 44100",
"〒150-0001") or region ("NSW 2026", "(Québec) H3G 1P1"), or a US/Canadian/Australian state code."""
_POSTCODE_FIRST_RE = re.compile(
    rf"{_POSTCODE_PREFIX}?(?:\d{{5}}-\d{{3}}|〒\s?\d{{3}}-\d{{4}}|\d{{5}}|\d{{4}}(?:\s?(?-i:[A-Z]{{2}}))?|\d{{2}}-\d{{3}}|\d{{4}}-\d{{3}}|\d{{3}}\s\d{{2}}|\d{{6}}"
    rf"|(?-i:[A-Z]{{1,2}})-\d{{4,5}}|(?-i:[A-Z])\d{{4}}(?-i:[A-Z]{{3}})?)(?=\s+{_UPPER})"
)
_LOWER_POSTCODE_CITY_RE = re.compile(r"\d{4,6}\s+(?P<city>(?-i:[^\W\d_A-Z]+)(?:\s(?-i:[^\W\d_A-Z]+))?)")
_SHORT_POSTCODE_RE = re.compile(rf"\d{{3}}(?=\s+{_UPPER})")
"""A postcode written before its city: "28004 Madrid", "00-514 Warszawa", "111 21 Stockholm", "CH-8001 Zürich"."""
_DESIGNATOR = r"#?\s?(?:\d{1,5}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)*|(?-i:[A-Z]{1,2})(?:-?\d{1,4})?)(?![\w]|\s?\d{3})"
_UNIT_MARKER = _words_re(lex.UNIT_MARKERS)
_UNIT_PART_RE = re.compile(
    rf"(?:(?<![\w]){_UNIT_MARKER}\.?\s?:?\s?{_DESIGNATOR}|(?-i:D|Daire|Kat):\s?\d{{1,4}}\b|m\.\s?\d{{1,4}}\b"
    rf"|app\.\s?\d{{1,5}}\b|\d{{1,2}}\s?[º°ª](?:\s?(?:(?:izq|izda|dcha|der|dr|esq|dto|dta|pta|int|ext|frente|fte)\.?|(?-i:[A-H])\b))?"
    rf"|\d{{1,2}}(?:r|n|t|è|er|o|a)\s+\d{{1,2}}(?:a|ª|º)?(?![\w])"
    rf"|\d{{1,2}}\.\s?(?:OG|Stock|Etage|EG|DG|piętro|p\.|kat|(?:th|tv|mf|sal)\b\.?)"
    rf"|\d{{1,3}}/F\b|#\d{{1,3}}-\d{{1,5}}\b|(?-i:[A-Z]{{1,2}})-\d{{1,3}}(?:/\d{{1,3}})?(?![\w/-])"
    rf"|\d{{1,2}}(?:st|nd|rd|th)\s+(?:floor|fl)\b\.?|(?:floor|fl\.?)\s+\d{{1,3}}\b)",
    re.I,
)
"""A unit, floor or building part: "Flat 302", "apto 81", "m. 15", "D: 8", "app. 402", "3º izq.", "2n 1a",
"3. OG", "2. th." (Danish floor and side), "12/F", "#05-67", "succursale A", "lgh 1203", "kv. 15", "sc. 2"."""
_DISTRICT_MARKER = _words_re(lex.DISTRICT_MARKERS)
_DISTRICT_SUFFIX = "|".join(lex.DISTRICT_SUFFIXES)
_DISTRICT_PART_RE = re.compile(
    rf"(?:(?<![\w]){_DISTRICT_MARKER}\s?(?:\d{{1,3}}[A-Za-z]?(?![\w])|{_CAP_WORD}(?:\s+(?:{_NAME_CONNECTOR}\s+)?{_CAP_WORD}){{0,2}})"
    rf"|{_CAP_WORD}-(?:{_DISTRICT_SUFFIX})(?![\w-]))",
    re.I,
)
"""A district or administrative area: "Col. Centro", "Sector 62", "Quận 1", "Shibuya-ku", "Gangnam-gu"."""
_ORDINAL_STREET_RE = re.compile(rf"\d{{1,3}}(?:st|nd|rd|th)\s+{_CAP_WORD}(?:\s+{_CAP_WORD}){{0,2}}")
"""A street named by an ordinal inside an address: "14th Cross", "2nd Main Road", "11th Ave"."""
_SEP_RE = re.compile(r"\s*,\s*|\s+[-–—]\s+|\s+")

_LEFT_NUMBER_MARK_RE = re.compile(rf"(?:(?<![\w]){_UNIT_MARKER}\.?\s?:?\s?|(?<![\w])(?:số|Số|House\s+No|H\.\s?No)\.?\s?)\Z", re.I)
"""A marker right before an anchor's house number: "Unit 5/42 ...", "No. 88 Century Avenue", "số 12 ..."."""
_BUILDING = _words_re(lex.BUILDING_WORDS, capitalised_only=True)
_LEFT_PART_RE = re.compile(
    rf"(?:(?:(?<![\w]){_UNIT_MARKER}\.?\s?:?\s?{_DESIGNATOR}|\d{{1,3}}/F\b)(?P<space>\s+)\Z"
    rf"|(?:(?<![\w]){_UNIT_MARKER}\.?\s?:?\s?{_DESIGNATOR}|\d{{1,3}}/F\b|(?:{_CAP_WORD}\s+){{0,2}}{_BUILDING}(?:\s+\d{{1,4}}[A-Za-z]?)?"
    rf"|(?<![\w/-])\d{{1,4}}[A-Za-z]?/\d{{1,4}}[A-Za-z]?|(?<![\w/-])(?-i:[A-Z]{{1,2}})-\d{{1,4}}[A-Za-z]?)\s*,\s*\Z)",
    re.I,
)
"""A unit or building part before the street: "Room 1802, ", "Sakura Heights 305, ", "2/1, ", "B-47, "."""

_UNIT_ANCHOR_RE = re.compile(rf"(?<![\w]){_UNIT_MARKER}\.?\s?:?\s?{_DESIGNATOR}(?=\s*,)", re.I)
_NUMBER_PHRASE_RE = re.compile(
    rf"(?<![\w/.,:-])(?:(?:No|Nº|N°|số|Số)\.?\s?)?\d{{1,5}}[A-Za-z]?(?:/\d{{1,5}}[A-Za-z]?)?\s+"
    rf"{_CAP_WORD}(?:\s+(?:{_NAME_CONNECTOR}\s+)?{_CAP_WORD}){{0,3}}(?:\s\d{{1,3}})?(?=\s*,)"
)
"""A house number and a capitalised name without a street type ("25 Ly Thuong Kiet, ..."): an address only
with more parts that end in a postcode or a known place."""
_NAME_NUMBER_RE = re.compile(
    rf"(?<![\w/.-]){_CAP_WORD}(?:\s+(?:{_NAME_CONNECTOR}\s+)?{_CAP_WORD}){{0,2}}\s+\d{{1,4}}[a-zA-Z]?(?:[/-]\d{{1,4}})?(?=\s*,)"
)
"""A street name without a street type, then its number ("Ilica 10, 10000 Zagreb"): an address only when a
postcode and a known place follow."""
_UNNUMBERED_STREET_RE = re.compile(
    rf"(?<![\w/])(?:{_TYPE_BEFORE}\s+{_STREET_NAME}|(?:{_CAP_WORD}\s+){{1,3}}(?-i:Road|Street|Avenue|Boulevard|Highway|Lane|Drive|"
    rf"Rd|St|Ave|Blvd))\.?(?=\s*,)"
)
"""A street without a house number ("King Fahd Road, Al Olaya, Riyadh 12214"): an address only with a postcode
after it or two more parts ending in a known place."""

_CITY_STATE_ZIP_RE = re.compile(
    rf"\b{_CITY},\s*(?:{_STATE}|{_STATE_NAME})\.?\s+{_ZIP}\b|\b{_CAP_WORD}(?:\s+{_CAP_WORD})?,?\s+{_AU_STATE}\s+\d{{4}}\b",
    re.I,
)
_PO_BOX_RE = re.compile(
    rf"\b(?:(?:G\.?\s?)?P\.?\s?O\.?\s*Box|Post\s+Office\s+Box|Locked\s+Bag|Private\s+Bag|PMB|P\.M\.B\.|"
    rf"(?:RR|R\.R\.|HC|rural\s+route)\s*\d{{1,4}}\s+box|Case\s+postale|Casilla(?:\s+de\s+correos?)?|"
    rf"Apartado(?:\s+(?:de\s+correos|postal))?|Apdo\.|Caixa\s+Postal|Postfach|Casella\s+postale|Postbus|Postboks|"
    rf"Postbox|Skrytka\s+pocztowa|P\.\s?K\.|Posta\s+Kutusu|Boîte\s+postale|(?-i:C\.\s?P\.|B\.\s?P\.|BP|CP))"
    rf"\s*\.?\s*\d{{1,6}}(?:\s\d{{2}}\s\d{{2}})?(?:-\d{{5}})?\b"
    rf"(?:,?\s+{_CITY},?\s+{_STATE_ZIP}(?![A-Za-z0-9]))?",
    re.I,
)
"""PO boxes in several languages: "PO Box 881", "Postfach 10 12 34", "Apartado 1234", "C.P. 218"."""
_WEAK_PO_BOX_RE = re.compile(r"(?-i:C\.\s?P\.|B\.\s?P\.|BP|CP)")
_POSTCODE_CUE_RE = re.compile(
    rf"\b(?:post\s*code|postal\s+code|zip(?:\s*code)?|eircode)\s*(?:is|:)?\s*(?P<code>{_UK_POSTCODE}|{_EIRCODE}|"
    rf"{_CA_POSTCODE})(?![\w-])",
    re.I,
)
_STANDALONE_POSTCODE_RE = re.compile(rf"(?<![\w-])(?:{_CAP_WORD}\s+)?(?-i:[A-Z]{{1,2}}\d[A-Z\d]?\s\d[A-Z]{{2}})(?![\w-])")
"""A UK postcode with its space ("W2 4BH") is specific enough on its own."""


_ANY_DIGIT_RE = re.compile(r"\d")
_CJK_OR_HANGUL_RE = re.compile(r"[\u4e00-\u9fff\uac00-\ud7a3]")
_PLACE_KEYS = frozenset(lex.fold(p) for p in lex.CITIES | lex.REGIONS | lex.COUNTRIES)
_PHONE_CUE_WORDS = frozenset(w for w in lex.PHONE_CUES if " " not in w and w.isalpha())
_STOP_WORDS = lex.COMMON_WORDS | lex.ADDRESS_STOPWORDS | lex.ADDRESS_ENDERS | _PHONE_CUE_WORDS
_GREETING_WORDS = frozenset(lex.fold(w) for w in (*lex.GREETINGS, *lex.THANKS, *lex.SIGN_OFFS) if " " not in w)
_ARTICLES = frozenset("the la le les el il de het das der die los las".split())


def _is_place(phrase: str) -> bool:
    """True when a phrase, or its last one to three words, is a known city, region or country."""
    words = lex.fold(phrase.strip("()., ")).split()
    return any(" ".join(words[i:]) in _PLACE_KEYS for i in range(max(0, len(words) - 3), len(words)))


def _trim_leading_stopwords(text: str, start: int, end: int) -> int:
    while True:
        match = re.match(r"([A-Za-z']+)\s+", text[start:end])
        if not match or match.group(1).lower() not in lex.ADDRESS_STOPWORDS | lex.COMMON_WORDS:
            return start
        start += match.end()


def _locality_stop(word: str, first: bool, following: str) -> bool:
    """True when ``word`` cannot be part of a locality ("Thanks", "Tel", "I")."""
    lower = word.lower().rstrip(".")
    if first and lower in _ARTICLES and re.match(rf"\s+{_UPPER}", following):
        return False  # "The Maltings", "La Condesa"
    after = re.match(rf"\s+({_CAP_WORD})", following)
    if word[:1].isupper() and after and _is_place(f"{word} {after.group(1)}"):
        return False  # "Tel Aviv"
    return lower in _STOP_WORDS or (first and lex.fold(lower) in _GREETING_WORDS)


@dataclass
class _Extension:
    """How far an address extends and what its parts were."""

    end: int
    parts: int = 0
    evidence: set = field(default_factory=set)
    """"final" (a postcode or state ends it), "postcode" (a postcode before a city), "place" (a known
    city, region or country), "street", "unit", "district"."""


def _extend_right(text: str, position: int) -> _Extension:
    """Extend an address ending at ``position`` over the parts that follow it.

    Parts: units and floors ("apto 81", "3º izq.", "m. 15"), districts ("Col. Centro", "Shibuya-ku"),
    streets named by an ordinal ("2nd Main Road"), localities of up to four capitalised words
    ("Little Shelford", "Rio de Janeiro", "Dublin 4"), and a final postcode with or without its
    region ("NSW 2026", "C.P. 44100", "Tokyo 150-0001") or a postcode before its city ("28004
    Madrid"). A locality after a comma or dash counts even when nothing follows it ("12 High Street,
    Oxford"); one after a space only when a postcode ends the address ("4/17 Smith St Fitzroy VIC
    3065"). Common words ("Thanks"), contact words ("Tel") and sentence ends stop it.
    """
    result = _Extension(position)
    words = 0
    committed = True
    locality_start = None
    while result.parts < 10:
        sep = _SEP_RE.match(text, position)
        if not sep or sep.end() >= len(text):
            break
        at, comma = sep.end(), bool(re.search(r"[,–—-]", sep.group()))
        first = _POSTCODE_FIRST_RE.match(text, at) if comma or not words else None
        if not first and comma:
            first = _SHORT_POSTCODE_RE.match(text, at)  # "101 Reykjavík": three digits only before a known place
            if first and not _is_place(" ".join(text[first.end():first.end() + 40].split()[:3])):
                first = None
        if first:
            position, committed, words, locality_start = first.end(), True, 0, first.end()
            result.evidence.add("postcode")
            result.parts += 1
            result.end = position
            continue
        lower = _LOWER_POSTCODE_CITY_RE.match(text, at) if comma or not words else None
        if lower:
            city = next((c for c in (lower.group("city"), lower.group("city").split()[0]) if _is_place(c)), None)
            if city:  # "28009 madrid": a lower-case city after its postcode, when it is a known place
                result.end = position = lower.start("city") + len(city)
                result.evidence |= {"postcode", "place"}
                result.parts += 1
                break
        final = _FINAL_RE.match(text, at)
        if final:
            result.end, position = final.end(), final.end()
            result.evidence.add("final")
            result.parts += 1
            country = _TAIL_WORD_RE.match(text, position)
            if country and "," in country.group("sep") and _is_place(country.group("word")):
                result.end = country.end()
            break
        part = None
        for regex, kind in ((_UNIT_PART_RE, "unit"), (_DISTRICT_PART_RE, "district"), (_ORDINAL_STREET_RE, "street")):
            part = regex.match(text, at)
            if part and (comma or kind != "street"):
                break
            part = None
        if part and not comma and words:
            if kind != "district":
                break  # "Fitzroy Unit 4": a unit inside a locality is something else
            position, words = part.end(), words + 1  # "Lekki Phase 1": part of the locality
            if committed:
                result.end = position
            continue
        if part:
            position, committed, words, locality_start = part.end(), True, 0, None
            result.evidence.add(kind)
            if kind == "district" and _is_place(re.sub(rf"^{_DISTRICT_MARKER}\s?", "", part.group(), flags=re.I)):
                result.evidence.add("place")
            result.parts += 1
            result.end = position
            continue
        step = _TAIL_WORD_RE.match(text, position)
        if not step:
            break
        if words and text[position - 1] == "." and (_is_place(re.split(r"[\s,]", text[:position - 1])[-1]) or
                                                     lex.fold(step.group("word")) in _GREETING_WORDS):
            break  # "..., 0184 Oslo. Mvh Sigrid": a sentence ends after a place, not after an abbreviation ("Dist.")
        word = step.group("word")
        new_part = "," in step.group("sep") or re.search(r"[–—]|\s-\s", step.group("sep")) or not words
        if new_part:
            if word[0].isdigit() or re.fullmatch(_NAME_CONNECTOR, word):
                break
            committed = "," in step.group("sep") or bool(re.search(r"[–—]|\s-\s", step.group("sep"))) or (
                locality_start is not None and not words)
            words, locality_start = 0, step.start("word")
            result.parts += 1
        if words and text[locality_start:position].rsplit(None, 1)[-1][:1].isdigit():
            break  # a number ends a locality ("Dublin 4")
        words += 1
        if words > 4 or (not word[0].isdigit() and not word.startswith("(") and _locality_stop(
                word, words == 1, text[step.end():])):
            if words == 1:
                result.parts -= 1
            break
        position = step.end()
        if committed:
            result.end = position
            if _is_place(text[locality_start:position]):
                result.evidence.add("place")
    return result


def _extend_left(text: str, start: int) -> tuple:
    """Extend an address starting at ``start`` over the unit and building parts before it.

    Returns (new start, number of parts added): "Room 1802, No. 88 Century Avenue", "Sakura Heights
    305, 4-5-6 Umeda", "2/1, 118 Hyndland Road", "Unit 5/42 Smith Street".
    """
    parts = 0
    if text[start:start + 1].isdigit():
        mark = _LEFT_NUMBER_MARK_RE.search(text, max(0, start - 16), start)
        if mark:
            start = mark.start()
    for _ in range(4):
        part = _LEFT_PART_RE.search(text, max(0, start - 48), start)
        if not part:
            break
        before = text[:part.start()].rstrip()
        if before and before[-1].isalnum() and part.group()[:1].isdigit():
            break  # "order 2/1, ..." is no flat position
        start, parts = part.start(), parts + 1
    return start, parts


def find_addresses(text: str) -> List[Detection]:
    """Street addresses in many national styles, PO boxes, "City, ST ZIP", postcodes.

    Each address starts from an anchor: a house number next to a street word (in many languages
    and orders), a Japanese block number, a Korean road name, a PO box, or a unit or district
    marker. It is then extended over the address parts before it (units, buildings) and after it
    (units, districts, localities, region and postcode). A strong anchor (a street with its
    number, a PO box) is an address on its own; a weak one (a unit, a district, a number before a
    capitalised name) only when its parts end in a postcode or a known city, region or country.
    """
    found: List[Detection] = []
    if not _ANY_DIGIT_RE.search(text):
        return found  # every pattern below needs a house number, box number or postcode

    def add(start: int, end: int, recogniser: str, weak: str = "") -> None:
        left, left_parts = _extend_left(text, start)
        extension = _extend_right(text, end)
        evidence = extension.evidence
        if weak == "unit" and not (evidence & {"final", "postcode", "street"} or (
                "place" in evidence and extension.parts >= 2)):
            return
        if weak == "phrase" and not (evidence & {"final", "postcode"} or ("place" in evidence and extension.parts >= 2)):
            return
        if weak == "block" and not (evidence & {"final", "postcode", "district", "place"}):
            return
        if weak == "name-number" and not (evidence & {"final", "postcode"} and "place" in evidence):
            return
        if weak == "unnumbered" and not ("final" in evidence or ("place" in evidence and extension.parts >= 2)):
            return
        found.append(Detection(left, extension.end, "ADDRESS", _address_key(text[left:extension.end]), True, recogniser))

    for match in _STREET_RE.finditer(text):
        words = re.findall(r"[^\W\d_]+", match.group("name") or "")
        if any(w.lower() in lex.ADDRESS_STOPWORDS for w in words):
            continue
        add(match.start(), match.end(), "street")
    for match in _CAP_STREET_RE.finditer(text):
        add(match.start(), match.end(), "street")
    for regex, recogniser in ((_FR_STREET_RE, "street-fr"), (_EU_STREET_RE, "street-eu"),
                              (_PREPOSITION_STREET_RE, "street-eu"), (_KOREAN_STREET_RE, "street-kr"),
                              (_COLOMBIAN_STREET_RE, "street-co")):
        for match in regex.finditer(text):
            add(match.start(), match.end(), recogniser)
    for match in _NAME_TYPE_STREET_RE.finditer(text):
        start = _trim_leading_stopwords(text, match.start(), match.start("number"))
        name = text[start:match.start("name") + len(match.group("name"))]
        if start >= match.start("number") or not name.strip() or name.split()[0].lower() in _STOP_WORDS:
            continue
        add(start, match.end(), "street-eu")
    if _CJK_OR_HANGUL_RE.search(text):
        for regex, recogniser in ((_ZH_ADDRESS_RE, "address-zh"), (_JA_ADDRESS_RE, "address-ja"), (_KO_ADDRESS_RE, "address-ko")):
            for match in regex.finditer(text):
                lead = _ZH_LEAD_RE.match(match.group()) if regex is _ZH_ADDRESS_RE else None
                start = match.start() + (lead.end() if lead else 0)
                found.append(Detection(start, match.end(), "ADDRESS", _address_key(text[start:match.end()]), True, recogniser))
    for match in _LOWER_STREET_RE.finditer(text):
        add(match.start(), match.end(), "street-lower", weak="name-number")
    for match in _CHOME_RE.finditer(text):
        add(match.start(), match.end(), "street-jp", weak="block")
    for match in _UNIT_ANCHOR_RE.finditer(text):
        add(match.start(), match.end(), "unit", weak="unit")
    for match in _DISTRICT_PART_RE.finditer(text):
        if re.match(r"\s*,", text[match.end():]):
            add(match.start(), match.end(), "district", weak="unit")
    for match in _NUMBER_PHRASE_RE.finditer(text):
        add(match.start(), match.end(), "number-phrase", weak="phrase")
    for match in _NAME_NUMBER_RE.finditer(text):
        start = _trim_leading_stopwords(text, match.start(), match.end())
        if not text[start:start + 1].isdigit():
            add(start, match.end(), "name-number", weak="name-number")
    for match in _UNNUMBERED_STREET_RE.finditer(text):
        start = _trim_leading_stopwords(text, match.start(), match.end())
        add(start, match.end(), "street-unnumbered", weak="unnumbered")
    for match in _CITY_STATE_ZIP_RE.finditer(text):
        start = _trim_leading_stopwords(text, match.start(), match.end())
        found.append(Detection(start, match.end(), "ADDRESS", _address_key(text[start:match.end()]), True, "city-zip"))
    for match in _PO_BOX_RE.finditer(text):
        add(match.start(), match.end(), "po-box", weak="unit" if _WEAK_PO_BOX_RE.match(match.group()) else "")
    for match in _POSTCODE_CUE_RE.finditer(text):
        found.append(Detection(match.start("code"), match.end("code"), "ADDRESS", _address_key(match.group("code")), True, "postcode"))
    for match in _STANDALONE_POSTCODE_RE.finditer(text):
        start = match.start()
        if text[start:start + 1].isalpha() and re.match(r"[\w'’]+", text[start:]).group().lower() in lex.COMMON_WORDS:
            start = text.index(" ", start) + 1
        found.append(Detection(start, match.end(), "ADDRESS", _address_key(text[start:match.end()]), True, "postcode"))
    return _merge_addresses(text, found)


def _merge_addresses(text: str, found: List[Detection]) -> List[Detection]:
    """One address from anchors that overlap or touch ("Blk 5" + "Lot 12, Brgy. San Antonio, ...")."""
    merged: List[Detection] = []
    for d in sorted(found, key=lambda d: (d.start, -d.end)):
        if merged and d.start <= merged[-1].end + 2 and not text[merged[-1].end:d.start].strip(" ,/"):
            last = merged[-1]
            if d.end > last.end:
                merged[-1] = Detection(last.start, d.end, "ADDRESS", _address_key(text[last.start:d.end]), True, last.recogniser)
            continue
        merged.append(d)
    return merged


def _address_key(value: str) -> str:
    return re.sub(r"[\s,.]+", " ", value.lower()).strip()


# Person names. Tokens are Unicode words ("Trần", "Wiśniewska", "Nowak-Zielińska"); an honorific
# suffix stays outside the name ("Akira-san"). Each token is scored against two lexicons:
# the hand-written lists of pii_lexicon (trusted without a cue unless AMBIGUOUS) and the
# international list (names from 105 countries, each with its frequency as an English word).
# How much context a name needs depends on how word-like it is: "Zeynep Kaya" needs none,
# "Oliver" needs a cue such as "I'm" or "thanks", "Hope" needs a strong one ("my niece Hope").

_HONORIFICS = "san|sama|kun|chan|sensei|ji|ssi|nim"
_NAME_TOKEN_RE = re.compile(rf"[^\W\d_]+(?:['’][^\W\d_]+)*(?:-(?!(?:{_HONORIFICS})\b)[^\W\d_]+)*")
_FUNCTION_WORDS = frozenset(
    "a and or the i is of to in on at for my me but not no it you we us he she they his her our your with from by "
    "as if so am are was be this that y e et und ou oder ve dan và".split()
)
"""Words that never continue a name, even capitalised (whereas "An" in "Nguyen Van An" may)."""

_TITLE_RE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sr|Sra|Srta|Mme|Mlle|Herr|Frau|Pan|Pani)\.?\s+(?P<first>[^\W\d_][\w'’-]*)"
    r"(?:\s+(?P<last>[^\W\d_][\w'’-]*))?"
)
_PARTICLE_NAME_RE = re.compile(rf"(?:al|el|ad|ar|as|at|an|az|ash|abd|bin|ibn|ben|bint|ould|ait|ul)-{_UPPER}[^\W\d_]+(?:-[^\W\d_]+)*")
"""A surname with a lower-case particle joined by a hyphen: "al-Qahtani", "el-Sayed", "bin-Laden"."""
_HONORIFIC_RE = re.compile(r"(?<![\w'])%s\s+" % _words_re(lex.HONORIFICS), re.I)
_MA_RE = re.compile(r"(?<![\w.])Ma\.\s?(?=[A-Z])")
""""Ma." for Maria before a given name ("Ma. Clarissa", Philippine usage)."""
_CONTACT_CUE_RE = re.compile(r"\b%s\s+" % _trie_re(
    ("tell", "contact", "ask for", "asked for", "ask", "call", "text", "message", "email", "e-mail", "ring")), re.I)
"""A name to reach someone by: "tell Mehdi at the warehouse", "Contact Li Na at ...", "ask for Penelope"."""
_LOWER_TITLE_RE = re.compile(r"\b(?:mr|mrs|ms|miss|dr)\.?\s+(?P<name>[a-z][a-z'-]+)\b")
_SIGN_OFF_RE = re.compile(
    r"(?:^|[.!?\n]\s*)(?:yours|best|regards|kind\s+regards|best\s+regards|warm\s+regards|cheers|sincerely|thanks|"
    r"thank\s+you|signed|many\s+thanks|thx|ty|love)\s*,\s*(?=[^\W\d_])",
    re.I,
)
_OTHER_SIGN_OFF_RE = re.compile(
    r"(?:^|[.!?\n,;]\s*)%s(?:\s*[,!.\n-]\s*|\s+)(?=[^\W\d_])" % _words_re((*lex.SIGN_OFFS, *lex.THANKS)), re.I)
"""Sign-offs and thanks of many languages before a name ("Groetjes, Sanne de Vries", "dzięki! Tomek", "Mvh Sigrid
Haugland"): the name must be a known one."""
_DASH_SIGN_OFF_RE = re.compile(r"(?:^|\s)[-–—~/]\s*(?P<name>[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*)?)\s*[.!]?\s*$")
"""A message ending in "- Deepa", "— Tomás Ruiz" or "/Linnéa Åberg"."""
_INITIAL_RE = re.compile(r"(?<![\w.])(?P<initial>[A-Z])\.\s?(?P<last>[^\W\d_][\w'’-]+)")
"""An initial and a surname: "J. Peterson"."""

PRODUCT_NOUNS = frozenset(
    """boots boot shoes shoe sneakers sandals heels loafers dress dresses coat coats jacket jackets tote totes bag bags
    backpack wallet jeans pants trousers shorts skirt shirt shirts tee blouse sweater cardigan hoodie scarf hat cap
    beanie gloves socks belt watch sunglasses collection line range style styles fit model edition sheets towels duvet
    pillow blanket throw parka blazer vest jumper trainers flats pumps mules clogs slippers polo polos collar perfume
    cologne candle shampoo purse handbag clutch suit tie gown bracelet necklace earrings print pattern fragrance
    jeans denim""".split()
)
"""Words after a given name that make it a product ("the Jackson boots", "the Taylor dress")."""
PLACE_NOUNS = frozenset(
    """city town county province state district island islands beach bay park valley heights hills springs falls
    creek lake river airport station mall centre center hospital university college school bridge harbour harbor
    port village square day eve street road avenue boulevard lane drive way place terrace court gardens""".split()
)
"""Words after a name-looking phrase that make it a place ("Ho Chi Minh City", "Walnut Creek")."""
PLACE_LEADS = frozenset(
    """san santa santo sao los las el la le les de del della da di du st saint sainte port fort mount mt lake new
    north south east west upper lower great little old ho kuala abu buenos puerto costa rio sri tel addis nuevo
    nueva bad bay cape hong isle glen palm""".split()
)
"""First words of place names that also occur as names ("San Diego", "Hong Kong"): never start a name without a cue."""

STRONG_NAME_CUES: tuple[str, ...] = (
    "je m'appelle", "je m’appelle", "mon nom est", "me llamo", "mi nombre es", "mi chiamo", "il mio nome è",
    "il mio nome e", "ich heiße", "ich heisse", "mein name ist", "meu nome é", "meu nome e", "me chamo", "chamo-me",
    "nazywam się", "nazywam sie", "mam na imię", "mam na imie", "jmenuji se", "benim adım", "benim adim",
    "nama saya", "tên tôi là", "ten toi la", "mijn naam is", "ik heet", "jag heter", "jeg heter", "mit navn er",
    "nimeni on", "a nevem", "numele meu este", "mă numesc", "ma numesc", "με λένε", "меня зовут", "pangalan ko ay",
    "ako si",
)
""""My name is" in other languages: a capitalised word after them is a name."""
_STRONG_CUE_RE = re.compile(
    r"\b(?:my\s+name\s+is|my\s+name's|(?:his|her|their)\s+name's|name\s+(?:is|was)|name\s*:|(?:full|first|last|given|family|maiden|middle)\s+name"
    r"(?:\s+is|\s*:)?|surname(?:\s+is|\s*:)?|call\s+me|signed\s+(?:for\s+)?by|under\s+the\s+name(?:\s+of)?|"
    r"name\s+(?:on|of)\s+the\s+(?:order|card|account|package|parcel|box|booking|delivery|label|invoice)"
    r"(?:\s+is|\s*:)?|(?:account|card)\s*holder(?:'s\s+name)?(?:\s+is|\s*:)?|cardholder(?:\s+is|\s*:)?|"
    r"contact(?:\s+person)?\s*:|recipient(?:\s+is|\s*:)|attn\.?\s*:?|attention\s*:|c/o|addressed\s+to|"
    r"made\s+out\s+to|in\s+the\s+name\s+of|(?:change|update|correct)\s+(?:the\s+|my\s+)?name\s+to|%s)\s*,?\s+"
    % _trie_re(STRONG_NAME_CUES),
    re.I,
)
_RELATION_CUE_RE = re.compile(
    r"\b(?:my|our|his|her|their|your)\s+(?:(?:little|big|older|younger|elder|best|late)\s+)?"
    r"(?:husband|wife|partner|spouse|boyfriend|girlfriend|fianc[ée]e?|mom|mum|mommy|mother|dad|daddy|father|"
    r"parents?|son|daughter|kids?|child|sister|brother|niece|nephew|aunt|auntie|uncle|cousin|grand(?:ma|mother|pa|"
    r"father|son|daughter)|nan|nana|granny|neighbou?r|friend|colleague|co-?worker|coworker|boss|flatmate|roommate|"
    r"housemate|landlord|landlady|assistant|tenant|in-laws?|mother-in-law|father-in-law|sister-in-law|"
    r"brother-in-law|stepson|stepdaughter|stepmom|stepdad|caregiver|carer)\s*,?\s+"
    r"|\bname\s*,?\s+|\b(?:agent|rep|representative|associate|advisor|adviser|operator|supervisor|courier|driver|"
    r"specialist|customer|client|recipient|colleague|manager|technician|tailor)\s*,?\s+(?:named\s+|called\s+)?",
    re.I,
)
"""Cues after which a capitalised name is a name even when it is also a word ("my niece Hope", "Agent Marisol")."""
NAME_CUES: tuple[str, ...] = (
    "this is", "i am", "i'm", "im", "it's", "its", "it is", "thanks so much", "thanks very much", "thank you so much",
    "thank you very much", "many thanks", "ok", "okay", "bye", "regards", "he's", "she's", "he is", "she is", "c'est",
    "ask for", "asked for", "asking for", "happy birthday", "happy bday", "happy b-day", "congrats",
    "congratulations", "feliz cumpleaños", "feliz cumpleanos", "joyeux anniversaire", "alles gute", "parabéns",
    "parabens", "buon compleanno", "soy", "je suis", "ich bin", "sono", "eu sou", "sou", "jestem", "saya", "tôi là",
    "toi la", "ik ben", "spoke to", "spoke with", "speak to", "speak with", "talked to", "talked with", "talk to",
    "chatted with", "ask", "named", "called", "husband", "wife", "daughter", "son", "mother", "father", "mom", "dad",
    "sister", "brother", "friend", "colleague", "sorry", "so sorry",
    *(w for w in (*lex.GREETINGS, *lex.THANKS) if w not in ("love", "best", "yo", "ta", "abs")),
)
"""Cue phrases before a name: introductions, greetings and thanks in many languages, "ask for", "he's"."""
_CUE_RE = re.compile(r"\b%s\s*,?\s+" % _trie_re(NAME_CUES), re.I)
"""Cues after which a name that is rarely an English word is a name ("I'm Oliver", "cheers Siobhan")."""
_PREP_CUE_RE = re.compile(r"\b(?:for|from|by|under|with|to)\s*,?\s+", re.I)
"""Weak cues: places follow them too ("from Dublin"), so only names that are rare as English words count."""
_POST_CUE_RE = re.compile(
    r"\s*(?:,\s*)?(?:here\b|from\s+(?:the|your|ur|you)\b|(?:said|says|told|tells|emailed|e-mailed|messaged|texted|"
    r"called|rang|mentioned|promised|helped|wrote|sent|asked|ordered|bought|placed|paid|returned|picked|signed|"
    r"confirmed|approved|tried|wants|needs|will\s+(?:pick|collect|sign|call)|is\s+(?:the|my)\s+(?:name|account\s+"
    r"holder|cardholder|recipient))\b|es\s+mi\s+nombre)",
    re.I,
)
"""Words after a name that make it one ("Chukwuemeka Obi here", "Elif said", "Tunde from your team")."""


@dataclass(frozen=True)
class _NameScore:
    """How name-like a (folded) token is."""

    trusted: bool
    """In the hand-written lists and not ambiguous: a name without any cue."""
    ambiguous: bool
    """In the hand-written ambiguous list ("Hope", "Will"): a name only after a strong cue."""
    given: bool
    surname: bool
    english: bool
    """A common name in English-speaking countries ("Oliver")."""
    zipf: float
    """How common it is as an English word (Zipf scale; "hope" 5.4, "oliver" 4.2, "zeynep" 2.2)."""


@lru_cache(maxsize=100_000)
def _fold_key(token: str) -> str:
    key = token.lower() if token.isascii() else lex.fold(token)
    return key[:-2] if key.endswith("'s") else key


@lru_cache(maxsize=100_000)
def _name_score(key: str) -> Optional[_NameScore]:
    """Score of a folded token, or None when it is no known name (hyphenated: every part must be one)."""
    names = lex.international_names()
    if key in lex.AMBIGUOUS_NAMES:
        return _NameScore(False, True, key in lex.FIRST_NAMES or key in names.given,
                          key in lex.SURNAMES or key in names.surnames, True, names.zipf(key))
    if key in lex.FIRST_NAMES or key in lex.SURNAMES:
        return _NameScore(True, False, key in lex.FIRST_NAMES or key in names.given,
                          key in lex.SURNAMES or key in names.surnames, True, names.zipf(key))
    if names.is_name(key):
        return _NameScore(False, False, key in names.given, key in names.surnames, key in names.english, names.zipf(key))
    parts = [p for p in re.split(r"[-']", key) if p]
    if len(parts) > 1:
        scores = [_name_score(p) for p in parts]
        if all(scores):
            return _NameScore(all(s.trusted for s in scores), False, scores[0].given, scores[-1].surname,
                              all(s.english for s in scores), min(s.zipf for s in scores))
    return None


def _is_capitalised(token: str) -> bool:
    return token[:1].isupper() and not token.isupper() or (len(token) > 1 and token.istitle())


def _word_like(token: str, max_zipf: float, allow_ambiguous: bool = False) -> bool:
    """True when token is a known name that is rarer than max_zipf as an English word.

    Trusted names always pass; ambiguous ones only with allow_ambiguous; names common in
    English-speaking countries ("Oliver", zipf 4.2) get half a point more.
    """
    score = _name_score(_fold_key(token))
    if score is None:
        return False
    if score.ambiguous:
        return allow_ambiguous
    return score.trusted or score.zipf < max_zipf + (0.5 if score.english else 0.0)


def _particles(tokens: Sequence[re.Match], index: int, lower_ok: bool = False) -> int:
    """How many surname particles start at tokens[index] before a capitalised surname (0 when none).

    "van der" in "Pieter van der Merwe"; not "de" before a place ("Ramírez de Guadalajara").
    ``lower_ok``: the name is written in lower case, so the surname may be too ("ahmad bin ismail").
    """
    count = 0
    while index + count < len(tokens) and count < 3 and tokens[index + count].group() in lex.NAME_PARTICLES:
        count += 1
    if not count or index + count >= len(tokens):
        return 0
    surname = tokens[index + count]
    gaps = "".join(t.string[t.end():n.start()] for t, n in zip(tokens[index - 1:index + count], tokens[index:index + count + 1]))
    lower_surname = lower_ok and surname.group().islower() and _name_score(_fold_key(surname.group())) is not None
    if gaps.strip() or not (_is_capitalised(surname.group()) or lower_surname) or _is_place(surname.group()):
        return 0
    if _fold_key(surname.group()) in lex.COMMON_WORDS:
        return 0
    return count


def _name_tail(tokens: Sequence[re.Match], first_index: int, any_case: bool) -> int:
    """Index after the last further name token following tokens[first_index] (up to four tokens in all).

    A quoted nickname may sit inside ('Robert "Bobby" Lang').
    """
    end = first_index + 1
    while end < len(tokens) and end - first_index < 4:
        token = tokens[end].group()
        key = _fold_key(token)
        gap = tokens[end - 1].string[tokens[end - 1].end(): tokens[end].start()]
        lower_case_name = not _is_capitalised(tokens[first_index].group())
        particles = _particles(tokens, end, lower_ok=tokens[first_index].group().islower()) if token.islower() and gap == " " else 0
        if particles:
            end += particles + 1  # "Pieter van der Merwe", "Sanne de Vries"
            continue
        quoted = re.fullmatch(r"\s+[\"“(]", gap) and end + 1 < len(tokens) and re.fullmatch(
            r"[\"”)]\s+", tokens[end].string[tokens[end].end(): tokens[end + 1].start()])
        if quoted:
            end += 1  # the nickname; the surname after it must follow the rules below
            continue
        if gap.strip() and not re.fullmatch(r"[\"”)]\s+", gap):
            break
        if gap == " " and _PARTICLE_NAME_RE.fullmatch(token):
            end += 1  # "Khalid al-Rashidi"
            continue
        if gap == " " and token.isupper() and len(token) > 1 and tokens[first_index].group().isupper() and \
                key not in _FUNCTION_WORDS and key not in lex.COMMON_WORDS and _name_score(key) is not None:
            end += 1  # "DAVID MWANGI": a name in capitals goes on in capitals
            continue
        if key in _FUNCTION_WORDS or (not _is_capitalised(token) and not any_case and (
                key not in lex.SURNAMES or (key in lex.AMBIGUOUS_NAMES and not lower_case_name))):
            break  # "alessandro phoenix", but not "John Lewis price match"
        if key in lex.COMMON_WORDS and not (_is_capitalised(token) and _name_score(key)):
            break
        if any_case and token.islower() and _name_score(key) is None:
            break  # "Mi nombre es Guadalupe Hernández y necesito ayuda"
        if key in lex.FIRST_NAMES and not _is_capitalised(token) and not any_case:
            break
        end += 1
    return end


def find_persons(text: str) -> List[Detection]:
    """Person names (see module docstring for the rules)."""
    found: List[Detection] = []
    tokens = list(_NAME_TOKEN_RE.finditer(text))
    if not tokens:
        return found
    by_start = {t.start(): i for i, t in enumerate(tokens)}
    brand_cache: List[List[tuple]] = []

    def brand_spans() -> List[tuple]:
        if not brand_cache:
            brand_cache.append([m.span() for m in _BRAND_RE.finditer(text)])
        return brand_cache[0]

    def add(first: int, end: int, recogniser: str, start_char: Optional[int] = None) -> None:
        while end - first > 1 and start_char is None and lex.fold(tokens[first].group()) in _GREETING_WORDS:
            first += 1  # "Olá Thiago": the greeting is no part of the name
        start = tokens[first].start() if start_char is None else start_char
        stop = tokens[end - 1].end()
        if text[stop - 2:stop] in ("'s", "’s"):
            stop -= 2
        surface = text[tokens[first].start():stop]
        if _is_brand(text, tokens[first].start(), stop, brand_spans()):
            return
        following = re.match(r"[\s\"”]+([^\W\d_]+)", text[stop:])
        if following and following.group(1).lower() in PRODUCT_NOUNS | PLACE_NOUNS:
            return  # "the Jackson boots", "Ho Chi Minh City"
        last = _fold_key(tokens[end - 1].group())
        if end - first > 1 and last in PLACE_NOUNS and not (_name_score(last) and _name_score(last).surname):
            return  # "Victoria Station", but "Jae-won Park"
        before = re.search(r"([^\W\d_]+)\.?\s+$", text[:tokens[first].start()])
        if before and before.group(1).lower() in PLACE_LEADS and _is_capitalised(before.group(1)) and recogniser not in (
                "cue-strong", "title"):
            return  # "Santa Monica", "Saint Patrick"
        if end - first > 1 and len({t.group().lower() for t in tokens[first:end]}) == 1:
            return  # "Bora Bora"
        if recogniser not in ("cue-strong", "title"):
            if _fold_key(tokens[first].group()) in _PHONE_CUE_WORDS:
                return  # "mobil 070-318 42 96", "cel 55 4187 2936"
            if _fold_key(tokens[first].group()) in _STREET_LEADS and end - first > 1:
                return  # "Calle Mayor", "Rua Augusta": a street, not a person
            if before and (_is_capitalised(before.group(1)) or text[before.end(1):before.end(1) + 1] == ".") and \
                    _fold_key(before.group(1)) in _STREET_LEADS:
                return  # "Av. Paulista", "ul. Nowak"
            if lex.fold(surface) in _PLACE_KEYS and not (end - first == 1 and _fold_key(surface) in lex.FIRST_NAMES):
                return  # "Shipping to São Paulo", "from Lagos"; but "thanks Victoria"
        key = re.sub(r"\s+", " ", surface.lower())
        found.append(Detection(start, stop, "PERSON", key, True, recogniser))

    def at_sentence_start(index: int) -> bool:
        before = text[:tokens[index].start()].rstrip(" \"'“(")
        return not before or before[-1] in ".!?:\n-–—,;"

    for match in _TITLE_RE.finditer(text):
        first, last = match.group("first"), match.group("last")
        if not (_is_capitalised(first) or _PARTICLE_NAME_RE.fullmatch(first)) or _fold_key(first) in lex.COMMON_WORDS:
            continue  # "Mr. al-Qahtani" counts
        end = match.end("last") if last and _is_capitalised(last) and _fold_key(last) not in lex.COMMON_WORDS else match.end("first")
        if _is_brand(text, match.start(), end, brand_spans()):
            continue  # "Dr. Martens"
        found.append(Detection(match.start(), end, "PERSON", re.sub(r"\s+", " ", text[match.start("first"):end].lower()), True, "title"))

    for match in _LOWER_TITLE_RE.finditer(text):
        name = match.group("name")
        if name in lex.SURNAMES or name in lex.FIRST_NAMES:
            found.append(Detection(match.start(), match.end(), "PERSON", name, True, "title-lower"))

    for cue in _SIGN_OFF_RE.finditer(text):
        index = by_start.get(cue.end())
        key = _fold_key(tokens[index].group()) if index is not None else ""
        if index is not None and key not in lex.COMMON_WORDS and key not in _GREETING_WORDS:
            add(index, _name_tail(tokens, index, any_case=False), "sign-off")  # not "Thanks, cheers mate"

    for cue in _OTHER_SIGN_OFF_RE.finditer(text):
        index = by_start.get(cue.end())
        if index is None:
            continue
        token = tokens[index].group()
        score = _name_score(_fold_key(token))
        if text[tokens[index].end():tokens[index].end() + 1].isdigit():
            continue  # "Thanks! RAVI10 gives you 10% off": a code
        if (_is_capitalised(token) or token.isupper()) and score and not score.ambiguous and score.zipf < 4.5 \
                and _fold_key(token) not in lex.COMMON_WORDS:
            add(index, _name_tail(tokens, index, any_case=token.isupper()), "sign-off")

    match = _DASH_SIGN_OFF_RE.search(text)
    if match:
        index = by_start.get(match.start("name"))
        token = tokens[index].group() if index is not None else ""
        if index is not None and _is_capitalised(token) and _fold_key(token) not in lex.COMMON_WORDS and _word_like(token, 4.5, True):
            add(index, _name_tail(tokens, index, any_case=False), "sign-off-dash")

    for match in _INITIAL_RE.finditer(text):
        last = match.group("last")
        index = by_start.get(match.start("last"))
        score = _name_score(_fold_key(last))
        if index is not None and _is_capitalised(last) and score and score.surname and (score.trusted or score.zipf < 4.0):
            add(index, _name_tail(tokens, index, any_case=False), "initial", start_char=match.start())

    for cue in _STRONG_CUE_RE.finditer(text):
        index = by_start.get(cue.end())
        if index is None:
            continue
        token = tokens[index].group()
        key = _fold_key(token)
        score = _name_score(key)
        if token.islower() and (score is None or score.ambiguous or (not score.trusted and score.zipf >= 4.5)):
            continue  # "the cardholder will need to ..."
        if key not in lex.COMMON_WORDS and (token[:1].isupper() or score is not None):
            add(index, _name_tail(tokens, index, any_case=True), "cue-strong")

    for cue in _RELATION_CUE_RE.finditer(text):
        index = by_start.get(cue.end())
        if index is None:
            continue
        token = tokens[index].group()
        key = _fold_key(token)
        if re.match(r"(?i:customer|client)\b", cue.group()) and key in NOT_NAMES_AFTER_ROLE:
            continue  # "Customer Care", "Client Services"
        if _is_capitalised(token) and key not in _FUNCTION_WORDS and _word_like(token, 5.0, allow_ambiguous=True):
            add(index, _name_tail(tokens, index, any_case=False), "cue-relation")
        elif _unknown_capitalised(text, tokens, index) and _name_score(key) is None and not _is_brand(
                text, tokens[index].start(), tokens[index].end(), brand_spans()):
            add(index, index + 1, "cue-relation")  # "Agent Oyelaran": a name no list knows
        elif key in lex.FIRST_NAMES and key not in lex.AMBIGUOUS_NAMES:
            add(index, _name_tail(tokens, index, any_case=False), "cue-lower")  # "my name mohammed"

    for cue_re, max_zipf, ambiguous_ok in ((_CUE_RE, 4.0, True), (_PREP_CUE_RE, 3.5, False)):
        for cue in cue_re.finditer(text):
            index = by_start.get(cue.end())
            if index is None:
                continue
            token = tokens[index].group()
            key = _fold_key(token)
            if key in lex.COMMON_WORDS:
                continue
            if key in lex.AMBIGUOUS_NAMES and not ambiguous_ok:
                end = _name_tail(tokens, index, any_case=False)
                if end > index + 1 and _is_capitalised(token):
                    add(index, end, "cue")  # "for Grace Miller", but not "greetings from Sydney"
                continue
            if _is_capitalised(token) and (key in lex.FIRST_NAMES or key in lex.SURNAMES or _word_like(token, max_zipf)):
                add(index, _name_tail(tokens, index, any_case=False), "cue")
            elif cue_re is _CUE_RE and token.isupper() and len(token) > 1 and cue.group().isupper() and \
                    key not in lex.AMBIGUOUS_NAMES and (key in lex.FIRST_NAMES or _word_like(token, max_zipf)):
                add(index, _name_tail(tokens, index, any_case=False), "cue-caps")  # "THIS IS DAVID MWANGI"
            elif cue_re is _CUE_RE and token.islower() and _ENGLISH_CUE_RE.match(cue.group()) and \
                    _word_like(token, 4.0) and _particles(tokens, index + 1, lower_ok=True):
                add(index, _name_tail(tokens, index, any_case=False), "cue-lower")  # "this is ahmad bin ismail"
            elif not token.islower() or not (cue_re is _PREP_CUE_RE or _ENGLISH_CUE_RE.match(cue.group())):
                if cue_re is _CUE_RE and _GREETING_ONLY_RE.match(cue.group()) and _unknown_capitalised(text, tokens, index):
                    end = index + 1
                    if end < len(tokens) and _unknown_capitalised(text, tokens, end) and text[tokens[index].end():tokens[end].start()] == " ":
                        end += 1
                    if re.match(r"\s*(?:[!,.?]|$|here\b)", text[tokens[end - 1].end():]):
                        add(index, end, "cue-greeting")  # "Kia ora Aroha!", "Talofa Sione,"
                continue  # lower-case names only after English cues ("hey it's anh", not "grazie mille")
            elif key in lex.FIRST_NAMES and key not in lex.AMBIGUOUS_NAMES:
                add(index, _name_tail(tokens, index, any_case=False), "cue-lower")
            elif cue_re is _CUE_RE and token.islower() and _word_like(token, 3.0):
                add(index, _name_tail(tokens, index, any_case=False), "cue-lower")  # "hey it's anh"
            elif cue_re is _CUE_RE and token.islower() and _word_like(token, 4.5) and _name_score(key).given and \
                    re.match(r"\s+(?:again|here)\b", text[tokens[index].end():]):
                add(index, index + 1, "cue-lower")  # "its jess again"

    for index, token_match in enumerate(tokens):
        token = token_match.group()
        key = _fold_key(token)
        capitalised = _is_capitalised(token)
        if key in lex.COMMON_WORDS:
            continue
        score = _name_score(key)
        if score is None:
            continue
        if capitalised and score.trusted and key in lex.FIRST_NAMES and key not in lex.COMMON_WORDS:
            end = _name_tail(tokens, index, any_case=False)
            if end > index + 1 or key not in _PLACE_KEYS:
                add(index, end, "given-name")  # but "Victoria is lovely": a place as much as a name, without a cue
            continue
        if capitalised and score.ambiguous and index > 0 and re.match(r"\s*[?!]", text[token_match.end():]):
            add(index, index + 1, "vocative")  # "What is your membership level Crystal?"
            continue
        post = _POST_CUE_RE.match(text, token_match.end())
        if post and (capitalised or score.trusted) and not score.ambiguous and score.given \
                and (score.trusted or score.zipf < 4.0) and at_sentence_start(index):
            add(index, index + 1, "cue-after")  # "Elif said ...", "ibrahim here"; not "Nordstrom said"
            continue
        if capitalised and score.given and key not in PLACE_LEADS and key not in lex.COMMON_WORDS:
            end = _name_tail(tokens, index, any_case=False)
            if end > index + 1:
                scores = [_name_score(_fold_key(t.group())) for t in tokens[index:end]]
                if all(scores) and not any(s.ambiguous for s in scores):
                    zipfs = [s.zipf for s in scores]
                    following = re.match(r"\s+([^\W\d_]+)", text[tokens[end - 1].end():])
                    if min(zipfs) < 3.4 and max(zipfs) < 5.0 and not (following and following.group(1).lower() in PLACE_NOUNS):
                        add(index, end, "name-sequence")  # "Nomvula Dlamini", "Pham Minh Chau"
                        continue
                    post = _POST_CUE_RE.match(text, tokens[end - 1].end())
                    if post and max(zipfs) < 5.0 and at_sentence_start(index):
                        add(index, end, "cue-after")

    # Honorifics and doorbell labels of other languages: "Khun Somchai", "ma'am Maria Clarissa dela Cruz"
    for cue in _HONORIFIC_RE.finditer(text):
        index = by_start.get(cue.end())
        if index is None:
            continue
        token = tokens[index].group()
        key = _fold_key(token)
        score = _name_score(key)
        if not _is_capitalised(token) or key in lex.COMMON_WORDS or key in _PLACE_KEYS:
            continue
        english = cue.group().strip().lower() in ("sir", "madam", "madame", "ma'am", "maam", "buzzer")
        if (score is not None and not score.ambiguous and (score.trusted or score.zipf < 4.5)) or (
                score is None and not english and _unknown_capitalised(text, tokens, index)):
            add(index, _name_tail(tokens, index, any_case=False), "honorific")  # not "Madam Tussauds"

    for cue in _MA_RE.finditer(text):
        index = by_start.get(cue.end())
        score = _name_score(_fold_key(tokens[index].group())) if index is not None else None
        if score is not None and score.given and not score.ambiguous:
            add(index, _name_tail(tokens, index, any_case=False), "title", start_char=cue.start())  # "Ma. Clarissa"

    # A name to reach someone by, before "at"/"on" ("tell Mehdi at the warehouse", "Contact Li Na at ...") or
    # asked for at the end ("ask for Penelope")
    for cue in _CONTACT_CUE_RE.finditer(text):
        index = by_start.get(cue.end())
        if index is None:
            continue
        token = tokens[index].group()
        key = _fold_key(token)
        score = _name_score(key)
        if not _is_capitalised(token) or key in lex.COMMON_WORDS or key in _PLACE_KEYS:
            continue
        end = _name_tail(tokens, index, any_case=False)
        after = text[tokens[end - 1].end():]
        if score is not None and not score.ambiguous and (score.trusted or score.zipf < 4.5) and re.match(r"\s+(?:at|on|via)\b", after):
            add(index, end, "cue-contact")
        elif re.match(r"(?i:ask(?:ed)?\s+for)", cue.group()) and re.match(r"\s*(?:[.!,]|$)", after) and (
                score is not None and not score.ambiguous or _unknown_capitalised(text, tokens, index)):
            add(index, end, "cue-contact")

    # "Carlos and Lucía": a name joined to a found one is a name too
    for detection in list(found):
        after = re.match(r"\s+(?:and|&|or|y|et|und)\s+", text[detection.end:])
        if after:
            index = by_start.get(detection.end + after.end())
            if index is not None and _is_capitalised(tokens[index].group()) and _word_like(tokens[index].group(), 4.5, True):
                add(index, _name_tail(tokens, index, any_case=False), "coordinated")
        before = re.search(r"(?:^|\s)([^\W\d_][\w'’-]*)\s+(?:and|&|or|y|et|und)\s+$", text[:detection.start])
        if before:
            index = by_start.get(before.start(1))
            if index is not None and _is_capitalised(before.group(1)) and _word_like(before.group(1), 4.5, True):
                add(index, index + 1, "coordinated")

    # A name said at the end of a sentence after a comma: "Got it, Gemma.", "here, Grace — I've ..."
    for match in _VOCATIVE_RE.finditer(text):
        index = by_start.get(match.start("name"))
        if index is None:
            continue
        token = tokens[index].group()
        key = _fold_key(token)
        score = _name_score(key)
        if not score or key in lex.COMMON_WORDS or not score.given or (score.zipf >= 4.5 and key not in lex.FIRST_NAMES):
            continue
        if score.ambiguous and key not in lex.FIRST_NAMES:
            continue  # ", Will." stays a word
        add(index, index + 1, "vocative")

    # A name alone at the end of a message, after a finished sentence: "... order HP-774310. KAREN MILLER"
    last = _LAST_SENTENCE_RE.search(text)
    if last and last.start("name") > 0:
        first_index = by_start.get(last.start("name"))
        names = tokens[first_index:] if first_index is not None else []
        keys = [_fold_key(t.group()) for t in names]
        scores = [_name_score(k) for k in keys]
        if 1 <= len(names) <= 3 and all(scores) and scores[0].given and not any(s.ambiguous for s in scores) \
                and not any(k in lex.COMMON_WORDS for k in keys) \
                and all(_is_capitalised(t.group()) or (t.group().isupper() and len(names) > 1) for t in names) \
                and all(s.trusted or s.zipf < (4.5 if len(names) > 1 else 4.0) for s in scores):
            add(first_index, len(tokens), "last-line")

    # Native-script names: "山田です", "我叫王伟", "저는 김민지입니다", "김민준 입니다", "أنا أحمد الشريف", and a
    # Chinese or Japanese name alone at the end after a comma or "！" ("，王伟", "謝謝！林怡君", "。田中 花子")
    native = (_CJK_NAME_BEFORE_RE, _CJK_NAME_AFTER_RE, _HANGUL_NAME_RE, _HANGUL_NAME_BEFORE_RE, _CJK_LAST_NAME_RE)
    for regex in native if _CJK_OR_HANGUL_RE.search(text) else ():  # most turns hold no such script
        for match in regex.finditer(text):
            name = match.group("name")
            compact = name.replace(" ", "")
            if regex is _CJK_LAST_NAME_RE and (compact in lex.CJK_NOT_NAMES or len(compact) > 4 or (
                    len(compact) == 4 and compact[:2] not in lex.CJK_SURNAMES) or len(set(compact)) == 1
                    or any(c in lex.CJK_FUNCTION_CHARS for c in compact[1:])):
                continue  # "，谢谢你", "，方便吗"
            if regex in (_HANGUL_NAME_RE, _HANGUL_NAME_BEFORE_RE) or name[:2] in lex.CJK_SURNAMES or name[:1] in lex.CJK_SURNAMES:
                found.append(Detection(match.start("name"), match.end("name"), "PERSON", name, True, "native-script"))
    for match in _ARABIC_NAME_RE.finditer(text) if _ARABIC_RE.search(text) else ():
        words = match.group("name").split()
        if match.group("cue") in ("أنا", "انا") and words[0] not in lex.ARABIC_GIVEN_NAMES:
            continue  # "أنا بخير" ("I'm fine")
        found.append(Detection(match.start("name"), match.end("name"), "PERSON", match.group("name"), True, "native-script"))

    # A whole message that is just a name: "joyce wu", "Crystal Minh", "Jean-Pierre Dubois", "Jessica."
    words = [t.group() for t in tokens]
    if 1 <= len(words) <= 4 and re.fullmatch(r"\s*[^\W\d_][\w'’\s-]*[.!]?\s*", text):
        keys = [_fold_key(w) for w in words]
        scores = [_name_score(k) for k in keys]
        first_ok = keys[0] in lex.FIRST_NAMES or (scores[0] is not None and scores[0].given and scores[0].zipf < 4.0)
        if first_ok and not any(k in lex.COMMON_WORDS for k in keys) and all(scores):
            if len(words) > 1 or keys[0] not in lex.AMBIGUOUS_NAMES:
                add(0, len(tokens), "whole-message")
    return found


_STREET_LEADS = frozenset(lex.fold(w.rstrip(".")) for w in lex.STREET_TYPES_BEFORE if " " not in w) - {"place", "square", "route"}
"""Street-type words: a capitalised phrase after one is a street ("Calle Mayor"), not a person."""
_ENGLISH_CUE_RE = re.compile(r"(?:this\s+is|i\s+am|i'm|im|it's|its|it\s+is|hi|hello|hey|hiya|thanks|thank\s+you|thx|ty|ok|okay|"
                             r"named|called|ask|spoke|speak|talked|talk|chatted)\b", re.I)
"""Cues after which a lower-case word may still be a name ("hey it's anh"); after others it is a word ("grazie mille")."""
_GREETING_ONLY_RE = re.compile(r"%s\s*,?\s+$" % _words_re(w for w in (*lex.GREETINGS, *lex.THANKS) if w not in (
    "yo", "dear", "morning", "evening", "ta", "ty")), re.I)
NOT_NAMES_AFTER_GREETING = frozenset(
    """sir madam maam ma'am team support there everyone everybody all folks guys friend friends again agent bot world
    harbor mate dude buddy love dear darling sweetie boss chief you u back again customer service sales admin
    manager staff people y'all ya gang family heaps lots loads bro bud pal mates much so madame monsieur
    mademoiselle messieurs señor senor señora senora señorita senhor senhora signor signora signore herr frau
    pan pani meneer mevrouw bey hanım hanim efendi ji sahib bhai didi anh chị chi em kak mas mbak""".split()
)
"""Capitalised words after a greeting that are no names ("Hi Team", "Hello Support")."""
NOT_NAMES_AFTER_ROLE = frozenset("care service services support success experience relations team desk centre center hub".split())
"""Words after "Customer"/"Client" that make a department, not a person ("Customer Care")."""


def _unknown_capitalised(text: str, tokens: Sequence[re.Match], index: int) -> bool:
    """A capitalised token that no list knows (no name, no word, no place, no brand): "Aroha" after "Kia ora"."""
    token = tokens[index].group()
    key = _fold_key(token)
    if not _is_capitalised(token) or len(token) < 3 or text[tokens[index].end():tokens[index].end() + 1].isdigit():
        return False
    if key in lex.COMMON_WORDS or key in NOT_NAMES_AFTER_GREETING or key in _PLACE_KEYS or key in _STOP_WORDS:
        return False
    return _name_score(key) is not None or not _is_brand(text, tokens[index].start(), tokens[index].end())


_VOCATIVE_RE = re.compile(r",\s+(?P<name>[^\W\d_][\w'’-]*)\s*(?:[.!?…]+(?:\s|$)|\s[—–-]\s|$)")
_LAST_SENTENCE_RE = re.compile(r"(?:[.!?]\s+|\n\s*)(?P<name>[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*){0,2})\s*[.!]?\s*$")
_CJK = r"[\u4e00-\u9fff\u3400-\u4dbf]"
_CJK_NAME_BEFORE_RE = re.compile(rf"(?P<name>{_CJK}{{1,4}}?)(?:です|と申します|といいます|と言います|でございます|さん|様|さま|くん|君|ちゃん)")
_CJK_NAME_AFTER_RE = re.compile(rf"(?:我叫|我是|我的名字是|名字是|名字叫|姓名[:：]?\s*|私は)(?P<name>{_CJK}{{2,3}}?)(?=$|[，。,.!！\s]|先生|女士|小姐|です|と申します|的|，|。)")
_HANGUL_NAME_RE = re.compile(
    r"(?:저는|제\s?이름은|이름은|이름:)\s*(?P<name>(?:%s)[가-힣]{1,2}?)(?=입니다|이에요|예요|이고|라고|$|[\s,.!])"
    % "|".join(sorted(lex.HANGUL_SURNAMES)))
_HANGUL_NAME_BEFORE_RE = re.compile(
    r"(?:^|(?<=[\s,.!]))(?P<name>(?:%s)[가-힣]{2})\s?(?=입니다|이에요|예요|이라고\s?합니다|라고\s?합니다)" % "|".join(sorted(lex.HANGUL_SURNAMES)))
"""A three-syllable Korean name before "입니다" ("김민준 입니다")."""
_CJK_LAST_NAME_RE = re.compile(rf"(?:^|(?<=[，,！!。.、：:\s]))\s*(?P<name>{_CJK}{{2}}\s{_CJK}{{1,2}}|{_CJK}{{2,4}})\s*[。.!！]?\s*$")
_ARABIC_NAME_RE = re.compile(
    r"(?P<cue>اسمي|إسمي|أنا|انا)\s+(?P<name>[\u0621-\u064A]+(?:\s+[\u0621-\u064A]+){0,2}?)(?=\s*(?:[،,.!؟]|$))")
"""An Arabic name after "اسمي" ("my name is") or "أنا" ("I am"), up to the next comma."""
_ARABIC_RE = re.compile(r"[\u0600-\u06ff]")
_BRAND_RE = re.compile(r"\b%s\b" % _trie_re(b.lower() for b in lex.BRANDS), re.I)


def _is_brand(text: str, start: int, end: int, spans: Optional[List[tuple]] = None) -> bool:
    """True when [start, end) overlaps a brand name ("Michael Kors", "Ralph Lauren").

    ``spans``: the brand spans of ``text`` when already known.
    """
    if spans is None:
        spans = [m.span() for m in _BRAND_RE.finditer(text)]
    return any(s < end and start < e for s, e in spans)


# --------------------------------------------------------------------------- redactor


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
        tagger: also run the learned tagger (:mod:`bot.data.pii_tagger`) and keep its names,
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
            from bot.data.pii_tagger import MODEL_FILE, load_tagger

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
        candidates += find_identifiers(text, previous_text)
        candidates += find_phones(text, self.config.phone_region, self.config.national_phone_regions)
        candidates += find_addresses(text)
        candidates += find_persons(text)
        chosen = self._resolve(text, _fit_addresses(text, candidates))
        if self._tagger is not None:
            chosen = self._resolve(text, chosen + self._tagged(text, chosen))
        return self._resolve(text, chosen + _repeats(text, chosen)) if chosen else chosen

    def _tagged(self, text: str, rules: List[Detection]) -> List[Detection]:
        """The tagger's names, addresses and identifiers, weaker than every rule.

        A tagged span that overlaps only rule detections of its own type and reaches further
        replaces them (the rules found "Plot 14, Admiralty Way", the tagger the whole
        "Plot 14, Admiralty Way, Lekki Phase 1, Lagos"); one that overlaps any other detection is dropped.
        """
        found = []
        for start, end, kind in self._tagger.spans(text, self.config.tagger_confidence):
            start, end = _trim_tagged(text, start, end, kind)
            overlapping = [d for d in rules if start < d.end and d.start < end]
            if end <= start or any(d.type != kind for d in overlapping):
                continue
            if overlapping:
                start, end = min(start, *(d.start for d in overlapping)), max(end, *(d.end for d in overlapping))
                if end - start <= max(d.length for d in overlapping):
                    continue
            value = text[start:end]
            key = _TAGGED_KEYS.get(kind, str.lower)(value)
            found.append(Detection(start, end, kind, key, strong=bool(overlapping), recogniser="tagger"))
        return found

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
                    for token in _NAME_TOKEN_RE.findall(lower):
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


_BOX_BEFORE_RE = re.compile(r"(?:box|bag|postfach|apartado|postal|postale|casilla)\s*\.?\s*\Z", re.I)


_TAGGED_KEYS: Dict[str, Callable[[str], str]] = {"ADDRESS": _address_key, "PERSON": _fold_key, "ORDER_ID": _order_key}
"""How a tagged value is normalised, as the rules normalise that type (account ids: lower case)."""
_TAIL_WORDS = frozenset(w.lower() for w in (*lex.THANKS, *lex.SIGN_OFFS, *lex.GREETINGS, *lex.ADDRESS_STOPWORDS))
_PLACES = lex.CITIES | lex.REGIONS | lex.COUNTRIES
_HONORIFIC_WORDS = frozenset(h.lower().rstrip(".") for h in lex.HONORIFICS)


def _trim_tagged(text: str, start: int, end: int, kind: str) -> tuple[int, int]:
    """A tagged span without what the rules know is no part of it; (start, start) when nothing is left.

    Trailing punctuation and courtesy words go ("12 Beach Rd, Thanks"); a PERSON span loses a
    leading title, and is dropped when it is a place or a brand ("Ho Chi Minh City") or when a
    title is followed by one word that is no known name ("Madam Tussauds").
    """
    words = [m for m in re.finditer(r"[^\W_]+(?:['’.-][^\W_]+)*", text[start:end])]
    while words and (words[-1].group().lower() in _TAIL_WORDS or not any(c.isalnum() for c in words[-1].group())):
        words.pop()
    if kind == "PERSON":
        titled = bool(words) and words[0].group().lower() in _HONORIFIC_WORDS
        if titled:
            words.pop(0)
        value = " ".join(w.group() for w in words).lower()
        last = words[-1].group() if words else ""
        if (not words or value in _PLACES or (len(last) > 3 and last.lower() in _PLACES)
                or _is_brand(text, start + words[0].start(), start + words[-1].end())
                or (titled and len(words) == 1 and _name_score(_fold_key(words[0].group())) is None)):
            return start, start
    if not words:
        return start, start
    return start + words[0].start(), start + words[-1].end()


def _fit_addresses(text: str, candidates: List[Detection]) -> List[Detection]:
    """Settle what phone numbers and addresses both claim.

    A short number inside an address is its postcode ("Tokyo 150-0001" is no 7-digit phone); an
    address that runs into a longer phone number ends before it, so the phone and the rest of the
    address are both kept.
    """
    addresses = [d for d in candidates if d.type == "ADDRESS"]
    phones = [d for d in candidates if d.type == "PHONE"]
    if not addresses or not phones:
        return candidates
    result = []
    for d in candidates:
        inside = any(a.start <= d.start and d.end <= a.end and a.length > d.length for a in addresses) if d.type == "PHONE" else False
        if inside and (sum(c.isdigit() for c in text[d.start:d.end]) <= 8 or _BOX_BEFORE_RE.search(text, 0, d.start)):
            continue
        if d.type == "ADDRESS":
            cut = min((p.start for p in phones if (d.start < p.start < d.end and p.end > d.end or (
                d.start < p.start and p.end <= d.end and sum(c.isdigit() for c in text[p.start:p.end]) > 8))
                and not _BOX_BEFORE_RE.search(text, 0, p.start)), default=None)
            if cut is not None:
                end = len(text[:cut].rstrip(" ,;-–—"))
                d = Detection(d.start, end, d.type, _address_key(text[d.start:end]), d.strong, d.recogniser)
        result.append(d)
    return result


def _repeats(text: str, detections: Sequence[Detection]) -> List[Detection]:
    """Other occurrences in ``text`` of the names and identifiers found in it ("Elif dedi ki... Elif said").

    Conversations get the same across turns from :meth:`Redactor._propagate`.
    """
    values = {text[d.start:d.end]: d for d in detections
              if d.type in ("PERSON", "ORDER_ID", "ACCOUNT_ID") and d.end - d.start >= 3}
    extra = []
    for value, source in values.items():
        start = text.find(value)
        while start != -1:
            end = start + len(value)
            bounded = (start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "_@.#-")) and (
                end == len(text) or not (text[end].isalnum() or text[end] in "_@-"))
            if bounded and start != source.start:
                extra.append(Detection(start, end, source.type, source.key, source.strong, "repeat"))
            start = text.find(value, start + 1)
    return extra


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
