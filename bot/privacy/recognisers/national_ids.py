"""``NATIONAL_ID``: US Social Security numbers, Canadian Social Insurance numbers, UK National Insurance numbers, passports.

Each scheme has a shape and a rule, and a value counts either by its own shape or after a cue:

* US SSN: nine digits, area (first three) not 000, 666 or 900-999, group (next two) not 00, serial
  (last four) not 0000. Written ``123-45-6789`` or ``123 45 6789`` it is found on its own; nine
  digits in a row only after a cue ("SSN", "social", "SS#", "soc sec", "seguro social").
* Canadian SIN: nine digits passing the Luhn check, first digit not 0 or 8. Written ``046 454 286`` or
  ``046-454-286`` it is found on its own; nine digits in a row only after a cue ("SIN", "social
  insurance number", "NAS", "numéro d'assurance sociale").
* UK National Insurance number: two prefix letters (the first not D, F, I, Q, U or V; the second not
  D, F, I, O, Q, U or V; not BG, GB, KN, NK, NT, TN or ZZ), six digits, a suffix A-D, with or
  without spaces (``AB 12 34 56 C``). In capitals it is found on its own; in lower case only after a
  cue ("NI number", "NINO", "national insurance").
* Passport numbers have no common checksum, so they count only after a passport cue in one of several
  languages ("passport", "passeport", "pasaporte", "passaporte", "passaporto", "Reisepass",
  "paspoort"...): one or two letters and six to eight digits, or eight or nine digits.

A cue reaches 60 characters ahead ("the social security number? me: 578200567"). Never a national
id: a value labelled as something else ("invoice 413 978 150", "model number is 448-115-556",
"promo code TN 00 12 66 A", "passport holder (item 300-191-660)") and part of a longer number.
"""

from __future__ import annotations

import re
from typing import List, Optional

from bot.privacy import lexicon as lex
from bot.privacy.detection import Detection
from bot.privacy.recognisers.payments import luhn_valid
from bot.privacy.recognisers.vocabulary import PHONE_CUE_WORDS
from bot.privacy.regex import trie_re

SSN_CUES: tuple[str, ...] = (
    "ssn", "s.s.n", "s.s.n.", "ss#", "ss #", "ss no", "ss no.", "ss number", "soc sec", "soc. sec.", "soc sec #",
    "social", "social sec", "social security", "social-security", "social security number", "social security no",
    "social security no.", "social security #",
    "seguro social", "número de seguro social", "numero de seguro social", "taxpayer id",
)
"""Words before a US Social Security number ("my social is", "SS#", "mi seguro social")."""
SIN_CUES: tuple[str, ...] = (
    "sin", "s.i.n", "s.i.n.", "sin#", "sin #", "sin no", "sin no.", "social insurance", "social insurance number",
    "social insurance no", "social insurance no.", "social insurance #", "social ins.", "social ins. number", "nas",
    "sin/nas", "numéro d'assurance sociale", "numero d'assurance sociale", "numéro d’assurance sociale",
    "n° d'assurance sociale", "n° d’assurance sociale", "assurance sociale",
    "número de seguro social canadiense",
)
"""Words before a Canadian Social Insurance number (French: numéro d'assurance sociale, NAS)."""
NINO_CUES: tuple[str, ...] = (
    "ni", "ni no", "ni no.", "ni number", "ni #", "n.i.", "n.i. no", "n.i. number", "nino", "national insurance",
    "national insurance number", "national insurance no", "national insurance no.", "nat insurance",
    "national insurance #",
)
"""Words before a UK National Insurance number."""
PASSPORT_CUES: tuple[str, ...] = (
    "passport", "passports", "psprt", "passeport", "pasaporte", "passaporte", "passaporto", "reisepass",
    "reisepassnummer", "reisepass-nr", "reisepassnr", "passnummer", "pass-nr", "passnr", "paspoort",
    "paspoortnummer", "paszport", "paszportu", "pasaport", "travel document", "document de voyage",
)
"""Words before a passport number, in several languages."""

_CUE_RE = re.compile(
    r"(?<![\w.#-])(?:(?P<sin>%s)|(?P<ssn>%s)|(?P<nino>%s)|(?P<passport>%s))(?![\w-])"
    % tuple(trie_re(cues) for cues in (SIN_CUES, SSN_CUES, NINO_CUES, PASSPORT_CUES)),
    re.I,
)
"""Any national-id cue, named by its scheme; SIN first, so "social insurance" is no SSN's "social"."""
CUE_REACH = 60
"""How far after a cue its value may start (characters)."""

_NINE_RE = re.compile(r"(?<![\w+.,/-])(?:\d{3}(?P<s1>[ .-]?)\d{2}(?P=s1)\d{4}|\d{3}(?P<s2>[ -])\d{3}(?P=s2)\d{3})(?![\w-]|[.,/]\d)")
"""Nine digits: 3-2-4 (an SSN's grouping), 3-3-3 (a SIN's) or in a row."""
_NINO_RE = re.compile(r"(?<![\w-])[A-Za-z]{2}(?: ?\d{2}){3} ?[A-Da-d](?![\w-])")
_PASSPORT_RE = re.compile(r"(?<![\w/.-])[A-Za-z0-9]{6,9}(?![\w/-]|[.,]\d)")
"""Six to nine letters and digits (``passport_shaped`` tells which): only after a passport cue."""

_LABELS = (
    "invoice", "order", "ref", "reference", "tracking", "item", "model", "part", "serial", "lot", "batch", "promo",
    "coupon", "voucher", "discount", "barcode", "routing", "sku", "receipt", "transaction", "facture", "commande",
    "rechnung", "bestellung", "sendungsnummer", "artikelnummer", "factura", "pedido", "fatura", "encomenda",
    "fattura", "ordine", "flight",
)
"""Words that label a number as something else on their own ("invoice 413 978 150", "(item 300-191-660)")."""
_NUMBER_NOUNS = (
    "card", "gift card", "ticket", "e-ticket", "booking", "confirmation", "package", "parcel", "pallet", "pickup",
    "account", "acct", "membership", "phone", "case", "seat", "code", "pin",
)
"""Nouns that label the number right after them ("ticket 805989606", "pickup code 680-150-694", "gift card number
is ..."); after "is" they are context ("the SSN on that card is 668-80-5383")."""
_SPEAKERS = ("customer", "client", "member", "agent", "me", "user")
"""Nouns that label a number only with "number", "id"... after them: "Customer: 262-25-2639" is who speaks."""
_NUMBER_WORD = r"(?:number|num|no\.?|nr\.?|n°|#|id|code|numéro|número|nummer|numero)"
_LABEL_BEFORE_RE = re.compile(
    r"(?:\b%s\b\W*(?:%s)?\W*(?:is|was|es|est|ist|è|é|:|=)?|\b%s\b\s*(?:%s\W*(?:is|was|:|=)?|[#:]?)"
    r"|\b%s\W*%s\W*(?:is|was|:|=)?)\W*\Z"
    % (trie_re(_LABELS), _NUMBER_WORD, trie_re(_NUMBER_NOUNS), _NUMBER_WORD, trie_re(_SPEAKERS), _NUMBER_WORD), re.I)
"""A value labelled as something other than a national id right before it: "invoice number is ", "(item ",
"ticket ", "customer id: "."""

_NINO_BAD_FIRST = set("DFIQUV")
_NINO_BAD_SECOND = set("DFIQUVO")
_NINO_UNUSED_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def ssn_valid(digits: str) -> bool:
    """True when nine digits are an SSN the Social Security Administration can issue (area, group, serial ranges)."""
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return (len(digits) == 9 and digits.isdigit() and area not in ("000", "666") and not area.startswith("9")
            and group != "00" and serial != "0000")


def sin_valid(digits: str) -> bool:
    """True when nine digits are a Canadian SIN: the Luhn check, and no SIN starts with 0 or 8."""
    return len(digits) == 9 and digits.isdigit() and digits[0] not in "08" and luhn_valid(digits)


def nino_valid(value: str) -> bool:
    """True when ``value`` (spaces allowed, any case) is a UK National Insurance number by its prefix and suffix rules."""
    compact = value.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{6}[A-D]", compact):
        return False
    first, second = compact[0], compact[1]
    return first not in _NINO_BAD_FIRST and second not in _NINO_BAD_SECOND and compact[:2] not in _NINO_UNUSED_PREFIXES


def passport_shaped(value: str) -> bool:
    """At least five digits and at most three letters: "C04533521", "CW516665", "690296594", French "12AB34567",
    Spanish "PAA123456", German "C01X00T47"; no word, no short number."""
    digits = sum(c.isdigit() for c in value)
    return 6 <= len(value) <= 9 and digits >= 5 and len(value) - digits <= 3


def _labelled_otherwise(text: str, start: int) -> bool:
    return _LABEL_BEFORE_RE.search(text, max(0, start - 40), start) is not None


def _phone_like(text: str, start: int) -> bool:
    """A country code or a phone word right before: "+34 612 345 678", "mi móvil es el 612 345 678"."""
    before = text[max(0, start - 30):start]
    if re.search(r"\+\s?\d{1,4}[\s.-]*\Z", before):
        return True
    words = [lex.fold(w) for w in re.findall(r"[^\W\d_]+", before)[-3:]]
    return any(w in PHONE_CUE_WORDS for w in words)


def _cue_before(text: str, start: int) -> Optional[re.Match]:
    """The nearest national-id cue ending at most ``CUE_REACH`` characters before ``start``."""
    last = None
    for cue in _CUE_RE.finditer(text, max(0, start - CUE_REACH - 40), start):
        if cue.end() <= start and start - cue.end() <= CUE_REACH:
            last = cue
    return last


def find_national_ids(text: str) -> List[Detection]:
    """US SSNs, Canadian SINs, UK National Insurance numbers and passport numbers (see the module docstring)."""
    found: List[Detection] = []
    if not any(c.isdigit() for c in text):
        return found
    for match in _NINE_RE.finditer(text):
        raw = match.group()
        digits = re.sub(r"\D", "", raw)
        if _labelled_otherwise(text, match.start()):
            continue
        cue = _cue_before(text, match.start())
        if cue is not None and cue.group("sin") and sin_valid(digits):
            found.append(Detection(match.start(), match.end(), "NATIONAL_ID", digits, True, "sin-cue"))
        elif cue is not None and cue.group("ssn") and (ssn_valid(digits) or (match.group("s2") and sin_valid(digits))):
            found.append(Detection(match.start(), match.end(), "NATIONAL_ID", digits, True, "ssn-cue"))
        elif match.group("s1") and ssn_valid(digits):
            found.append(Detection(match.start(), match.end(), "NATIONAL_ID", digits, True, "ssn"))
        elif match.group("s2") and sin_valid(digits) and not _phone_like(text, match.start()):
            # weak: a phone number of the same shape ("612 345 678" in Spain) that the phone recogniser finds wins
            found.append(Detection(match.start(), match.end(), "NATIONAL_ID", digits, False, "sin"))
    for match in _NINO_RE.finditer(text):
        raw = match.group()
        if not nino_valid(raw) or _labelled_otherwise(text, match.start()):
            continue
        cue = _cue_before(text, match.start())
        if raw.isupper() or (cue is not None and cue.group("nino")):
            found.append(Detection(match.start(), match.end(), "NATIONAL_ID", raw.replace(" ", "").upper(), True, "nino"))
    for match in _PASSPORT_RE.finditer(text):
        if not passport_shaped(match.group()) or any(d.start < match.end() and match.start() < d.end for d in found):
            continue
        cue = _cue_before(text, match.start())
        if cue is None or not cue.group("passport") or _labelled_otherwise(text, match.start()):
            continue
        found.append(Detection(match.start(), match.end(), "NATIONAL_ID", match.group().upper(), True, "passport"))
    return found
