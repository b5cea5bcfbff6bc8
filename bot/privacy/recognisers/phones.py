"""``PHONE``: phone numbers, through the ``phonenumbers`` library.

``PhoneNumberMatcher`` with the default region (US: national US/Canadian formats and any
``+``/``00`` international number), leniency POSSIBLE; a bare digit run is only a phone when the
library calls it valid. Numbers with a trunk ``0`` ("020 7946 0958", "0412 345 678") are then tried
as national numbers of ``NATIONAL_PHONE_REGIONS`` and kept only when valid there; numbers in three
or more groups without a trunk prefix ("612 34 56 78") for ``GROUPED_PHONE_REGIONS``. A digit run
right after a phone cue word of many languages ("tlf", "ring på", "celu", "电话") is tried as a
national number of ~40 more countries ("20 48 13 67", "8 (916) 328-47-15"). Dates, numbers after
an id word ("invoice", "SKU") and North American toll-free numbers (business lines) stay out.
"""

from __future__ import annotations

import re
from typing import List, Sequence

from bot.privacy import lexicon as lex
from bot.privacy.detection import Detection
from bot.privacy.regex import DATE_LIKE_RE, WORD_NOT_CJK, WORD_NOT_CJK_RE, words_re


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
    r"\s*(?:[:=.-]|[:：]|は|是|为)?\s*\Z" % words_re(lex.PHONE_CUES), re.I)
_CUE_CANDIDATE_RE = re.compile(
    rf"(?<![+.,/:-])(?<!{WORD_NOT_CJK})\(?\d[\d\s().-]{{6,17}}\d(?!{WORD_NOT_CJK}|[/:-]|[.,]\d)")
_DIGIT_RUN_RE = re.compile(r"\d(?:[\s().-]*\d){6}")
_NATIONAL_RE = re.compile(
    rf"(?<![+.,/:-])(?<!{WORD_NOT_CJK})\(?0\d[\d\s().-]{{6,16}}\d(?!{WORD_NOT_CJK}|[/:-]|[.,]\d)")
_INTERNATIONAL_00_RE = re.compile(r"(\d[\s().-]*)?(?<![\d+])00(?=[1-9]\d)")
_ID_BEFORE_RE = re.compile(
    r"\b(?:invoice|order|ref|reference|tracking|account|acct|member|customer|sku|item|receipt|transaction|"
    r"confirmation|case|ticket|rma|po|serial|barcode|voucher|code)\b\W*(?:number|no\.?|#|id)?\W*$", re.I)
_GROUPED_RE = re.compile(r"(?<![\w+.,/:-])\(?[1-9]\d*\)?(?:[\s.-]+\d+){2,5}(?![\w/:-]|[.,]\d)")


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
        if DATE_LIKE_RE.fullmatch(raw) or re.fullmatch(r"\d{1,2}\s\d{1,2}\s(?:19|20)\d\d", raw) or \
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
        if any(d.start < end and start < d.end for d in found) or DATE_LIKE_RE.fullmatch(raw.strip("()")):
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
        if DATE_LIKE_RE.fullmatch(raw) or _ID_BEFORE_RE.search(text[max(0, start - 30):start]):
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
    return char.isalnum() and WORD_NOT_CJK_RE.match(char) is not None


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
