"""DATE_OF_BIRTH: a real date after a birth cue in several languages; order, delivery, expiry and event dates stay.

Sentences written for these tests (none copied from the natid fixtures).
"""

from __future__ import annotations

import pytest

from bot.privacy.recognisers.dates_of_birth import date_valid, find_dates_of_birth


def values(text: str) -> list[str]:
    return [text[d.start:d.end] for d in find_dates_of_birth(text)]


@pytest.mark.parametrize("value, valid", [
    ("12/25/1993", True), ("25/12/1993", True), ("1993-12-25", True), ("2/1/99", True), ("29/02/2000", True),
    ("29/02/00", True), ("3 March 1985", True), ("March 3rd, 1985", True), ("22 de noviembre de 1953", True),
    ("31/02/1990", False), ("13/13/1990", False), ("29/02/1900", False), ("1/1/1850", False), ("12/2024", False),
])
def test_only_calendar_dates_count(value: str, valid: bool) -> None:
    assert date_valid(value) is valid


@pytest.mark.parametrize("text, expected", [
    ("DOB 03/14/1988", ["03/14/1988"]),
    ("d.o.b: 14.03.1988", ["14.03.1988"]),
    ("D.O.B. 1988-03-14, thanks", ["1988-03-14"]),
    ("date of birth (mm/dd/yyyy): 03/14/88", ["03/14/88"]),
    ("my date of birth? sure, the 14th of March 1988.", ["14th of March 1988"]),
    ("birth date 14 03 1988", ["14 03 1988"]),
    ("birthdate: Mar 14, 1988", ["Mar 14, 1988"]),
    ("dob 14-Mar-1988", ["14-Mar-1988"]),
    ("I was born on March 14th 1988", ["March 14th 1988"]),
    ("born 14/3/88 in Leeds", ["14/3/88"]),
    ("she was born in Cork on 2 June 2011", ["2 June 2011"]),
    ("my birthday is 14 March 1988", ["14 March 1988"]),
    ("my birthday: 3/14/1988", ["3/14/1988"]),
    ("je suis née le 1er mars 1980", ["1er mars 1980"]),
    ("né à Lyon le 14 mars 1988", ["14 mars 1988"]),
    ("date de naissance : 14/03/1988", ["14/03/1988"]),
    ("fecha de nacimiento 14 de marzo de 1988", ["14 de marzo de 1988"]),
    ("nací el 14/03/1988 en Sevilla", ["14/03/1988"]),
    ("data de nascimento: 14/03/1988", ["14/03/1988"]),
    ("nasci em 14 de março de 1988", ["14 de março de 1988"]),
    ("Geburtsdatum 14.03.1988", ["14.03.1988"]),
    ("ich bin am 14. März 1988 geboren", ["14. März 1988"]),
    ("geb. 14.3.1988", ["14.3.1988"]),
    ("data di nascita 14/03/1988", ["14/03/1988"]),
    ("sono nato a Bari il 14 marzo 1988", ["14 marzo 1988"]),
    ("geboortedatum 14-03-1988", ["14-03-1988"]),
    ("SSN and DOB: 123-45-6789 and 03/14/1988", ["03/14/1988"]),
])
def test_dates_of_birth_are_found(text: str, expected: list[str]) -> None:
    assert values(text) == expected


@pytest.mark.parametrize("text", [
    "order placed 03/14/2024, still not here",
    "delivered on 14 March 2024 but the box was empty",
    "card ending 4471 expires 03/27",
    "the offer is valid until 31.12.2025",
    "it's for my daughter's birthday party on 10/9/2023",
    "her 60th birthday on May 18 2024",
    "the birthday discount came on august 9 2023",
    "I was born in 1988, so no senior discount",
    "born and raised in Ohio, ordered 03/14/2024",
    "please don't keep my date of birth; my order from 03/14/2024 is late",
    "DOB 31/02/1990",
    "my birthday is next week, can it arrive by 03/20/2024?",
    "l'anniversaire de ma mère le 14 janvier 2024",
    "Rechnung vom 14. Juli 2024",
    "the NATO summit on 12/07/2024",
])
def test_other_dates_are_not_dates_of_birth(text: str) -> None:
    assert values(text) == []
