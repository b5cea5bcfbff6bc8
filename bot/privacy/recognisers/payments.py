"""``CARD_NUMBER`` and ``IBAN``: payment numbers, found by their checksums.

* ``CARD_NUMBER``: 13-19 digits (spaces/dashes, or dots between groups of 4-6) passing the Luhn
  check, not next to the word "tracking" and not after a ``+``; no card number starts with 0, and
  an expiry after the number ("5320619587413971 09/26") is no part of it.
* ``IBAN``: country code, check digits and BBAN passing the ISO 13616 mod-97 check, for the 89
  countries of the IBAN registry, at their registered length or the whole run.
"""

from __future__ import annotations

import re
from typing import List

from bot.privacy.detection import Detection


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
