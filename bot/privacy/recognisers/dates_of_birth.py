"""``DATE_OF_BIRTH``: a full date right after a birth cue; every other date stays.

Cues: "date of birth", "DOB", "d.o.b.", "birthdate", "born", "my birthday is", and in other languages
"né(e) le", "date de naissance", "fecha de nacimiento", "nací/nació el", "data de nascimento", "nasci
em", "Geburtsdatum", "geb.", "geboren am" (and "am 22. Januar 1953 geboren"), "data di nascita", "nato/
nata il", "geboortedatum", "geboren op". Dates: day, month and year in numbers ("04.12.1950",
"10/8/1967", "2/1/99", "1955-05-05") or with the month written in English, French, Spanish, Portuguese,
German, Italian or Dutch ("April 16 1986", "20th of December 1987", "22 de noviembre de 1953", "22.
Januar 1953", "6 juillet 1970"). The date must be a real one (day 1-31, month 1-12 in one of the two
orders) with a year; a year alone ("born in 1988") is no date of birth.

"born" and "birthday" need the date right after them ("born on July 16 1975", "my birthday is
June 5 1962"), since "birthday party on 10/9/2023" or "60th birthday on may 18 2024" are events; the
other cues reach ``CUE_REACH`` characters ("date of birth for security? Sure, 20th of December 1987").
Order, delivery, expiry and travel dates have no birth cue and stay.
"""

from __future__ import annotations

import datetime
import re
from typing import List

from bot.privacy.detection import Detection
from bot.privacy.regex import trie_re

MONTHS: tuple[str, ...] = (
    # English, with abbreviations
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    # French
    "janvier", "février", "fevrier", "mars", "avril", "mai", "juin", "juillet", "août", "aout", "septembre",
    "octobre", "novembre", "décembre", "decembre",
    # Spanish
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "setiembre", "octubre",
    "noviembre", "diciembre",
    # Portuguese
    "janeiro", "fevereiro", "março", "marco", "maio", "junho", "julho", "setembro", "outubro", "dezembro",
    # German
    "januar", "jänner", "februar", "märz", "maerz", "juni", "juli", "oktober", "dezember",
    # Italian
    "gennaio", "febbraio", "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre", "dicembre",
    # Dutch
    "januari", "februari", "maart", "mei", "augustus",
)
_MONTH = trie_re(MONTHS)
_YEAR = r"(?:19|20)\d\d"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_DATE = (
    rf"(?:\d{{1,2}}[./-]\d{{1,2}}[./-](?:\d{{4}}|\d{{2}})"                                       # 04.12.1950, 10/8/67
    rf"|{_YEAR}[./-]\d{{1,2}}[./-]\d{{1,2}}"                                                    # 1955-05-05
    rf"|\d{{1,2}} \d{{1,2}} {_YEAR}"                                                             # 04 12 1950
    rf"|{_DAY}(?:st|nd|rd|th|er|º|°)?\.?\s+(?:of\s+|de\s+)?{_MONTH}\.?,?\s+(?:de\s+|of\s+)?{_YEAR}"  # 22 de noviembre de 1953
    rf"|{_DAY}[-/]{_MONTH}\.?[-/](?:{_YEAR}|\d{{2}})"                                             # 03-Mar-1985
    rf"|{_MONTH}\.?\s+{_DAY}(?:st|nd|rd|th)?,?\s+{_YEAR})"                                        # April 16, 1986
)
DATE_RE = re.compile(rf"(?<![\w./-]){_DATE}(?![\w/-]|[.]\d)", re.I)
"""A full date, in numbers or with a written month; ``date_valid`` checks the numbers."""

CUES: tuple[str, ...] = (
    # English ("born" and "birthday" need the date right after them: _BORN_RE, _BIRTHDAY_RE)
    "date of birth", "dob", "d.o.b", "d.o.b.", "d-o-b", "birthdate", "birth date",
    # French
    "date de naissance", "né", "née", "né(e)", "né le", "née le", "né(e) le", "nee le", "né à", "née à",
    # Spanish
    "fecha de nacimiento", "fecha de nac", "fecha de nac.", "f. nac.", "nací el", "naci el", "nació el", "nacio el",
    "nacido el", "nacida el", "nací en", "naci en", "nació en", "nacio en", "nacido en", "nacida en",
    # Portuguese
    "data de nascimento", "data de nasc", "data de nasc.", "nasci em", "nasceu em", "nascido em", "nascida em",
    "nasci a", "nasceu a", "nascido a", "nascida a",
    # German ("am 22. Januar 1953 geboren": _GEBOREN_AFTER_RE)
    "geburtsdatum", "geb.", "geboren", "geboren am",
    # Italian
    "data di nascita", "nato il", "nata il", "nato a", "nata a", "nato in", "nata in",
    # Dutch
    "geboortedatum", "geboren op",
)
"""Cues after which the next date (within ``CUE_REACH``) is a date of birth."""
CUE_REACH = 45
_OTHER_DATE_RE = re.compile(
    r"\b(?:order|deliver|ship|arriv|expir|exp\b|valid\b|issued|placed|charged|paid|due|since|until|flight|travel|"
    r"book|appointment|schedul|refund|return|commande|livr|entrega|pedido|envío|envio|lieferung|bestell|gültig|"
    r"validade|scadenza|consegna)", re.I)
"""Words between a cue and a date that make it another date ("date of birth is on file; delivery 12/08/2025")."""
_CUE_RE = re.compile(r"(?<![\w.])%s(?![\w])" % trie_re(CUES), re.I)
_BORN_RE = re.compile(
    rf"(?<![\w-])born\s+(?:(?:in|at)\s+[^\d,.;!?]{{1,30}}?\s+)?(?:on\s+)?(?:the\s+)?(?P<date>{_DATE})(?![\w/-]|[.]\d)", re.I)
"""A date right after "born", or after the place ("born on July 16 1975", "born 11.06.1969 in Munich", "born in
Leeds on 3 March 1985")."""
_BIRTHDAY_RE = re.compile(
    rf"(?<![\w-])(?:birthday|b-day|geburtstag)(?:'s|’s)?\s*(?:is\s+|was\s+|ist\s+(?:der\s+)?|:\s*)?(?:the\s+)?"
    rf"(?P<date>{_DATE})(?![\w/-]|[.]\d)", re.I)
"""A date right after "birthday" ("my birthday is June 5 1962", "my birthday 10/16/68", "mein Geburtstag ist der
3.3.1985"); "birthday on ..." is an event ("the party for her birthday on May 18 2024")."""
_GEBOREN_AFTER_RE = re.compile(rf"\bam\s+(?P<date>{_DATE})\s+geboren\b", re.I)
"""German with the verb last: "ich bin am 22. Januar 1953 geboren"."""


def date_valid(value: str) -> bool:
    """True when the numbers of a date make a day of the calendar (day and month in either order; "31/02" is none)."""
    numbers = [int(n) for n in re.findall(r"\d+", value)]
    if len(numbers) == 2:  # day and year, the month written
        return bool(re.search(r"[^\W\d_]{3}", value)) and 1 <= numbers[0] <= 31 and 1900 <= numbers[1] <= 2099
    if len(numbers) != 3:
        return False
    if numbers[0] > 31:  # year first
        year, month, day = numbers
        orders = [(month, day)]
    else:
        first, second, year = numbers
        orders = [(first, second), (second, first)]
    years = [1900 + year, 2000 + year] if year < 100 else [year] if 1900 <= year <= 2099 else []
    return any(_real(y, month, day) for y in years for month, day in orders)


def _real(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _key(value: str) -> str:
    return re.sub(r"\s+", " ", value.lower()).strip(" .,")


def find_dates_of_birth(text: str) -> List[Detection]:
    """Dates of birth: a full date after a birth cue (see the module docstring)."""
    found: List[Detection] = []
    if not any(c.isdigit() for c in text):
        return found

    def add(start: int, end: int, recogniser: str) -> None:
        value = text[start:end].rstrip(" .,")
        end = start + len(value)
        if date_valid(value) and not any(d.start < end and start < d.end for d in found):
            found.append(Detection(start, end, "DATE_OF_BIRTH", _key(value), True, recogniser))

    for match in _BORN_RE.finditer(text):
        add(match.start("date"), match.end("date"), "dob-born")
    for match in _BIRTHDAY_RE.finditer(text):
        if re.search(r"\d(?:st|nd|rd|th)\s*\Z", text[:match.start()]):
            continue  # "her 60th birthday 18/05/2024": an anniversary
        add(match.start("date"), match.end("date"), "dob-birthday")
    for match in _GEBOREN_AFTER_RE.finditer(text):
        add(match.start("date"), match.end("date"), "dob-born")
    for cue in _CUE_RE.finditer(text):
        date = DATE_RE.search(text, cue.end(), min(len(text), cue.end() + CUE_REACH + 30))
        if date and date.start() - cue.end() <= CUE_REACH and not _OTHER_DATE_RE.search(text, cue.end(), date.start()):
            add(date.start(), date.end(), "dob-cue")
    return found
