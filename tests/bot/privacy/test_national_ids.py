"""NATIONAL_ID: SSN ranges, SIN Luhn, NI prefix/suffix rules, passports after a cue, and the numbers that are none.

Sentences written for these tests (none copied from the natid fixtures).
"""

from __future__ import annotations

import pytest

from bot.data.schema import Conversation, Turn
from bot.privacy.recognisers.national_ids import find_national_ids, nino_valid, passport_shaped, sin_valid, ssn_valid
from bot.privacy.redactor import RedactionConfig, Redactor


def values(text: str) -> list[str]:
    return [text[d.start:d.end] for d in find_national_ids(text)]


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor(RedactionConfig(tagger=False))


# --------------------------------------------------------------------------- the rules themselves

@pytest.mark.parametrize("digits, valid", [
    ("123456789", True), ("078051120", True),
    ("000123456", False), ("666123456", False), ("900123456", False), ("999123456", False),  # area
    ("123006789", False),  # group 00
    ("123450000", False),  # serial 0000
    ("12345678", False), ("12345678a", False),
])
def test_ssn_ranges(digits: str, valid: bool) -> None:
    assert ssn_valid(digits) is valid


@pytest.mark.parametrize("digits, valid", [
    ("130692544", True), ("193456787", True), ("287654321", True),
    ("130692545", False),  # Luhn fails by one digit
    ("046454286", False),  # passes Luhn, but no SIN starts with 0 (the CRA's own example number)
    ("812345676", False),  # passes Luhn, but 8 starts business numbers
])
def test_sin_luhn_and_first_digit(digits: str, valid: bool) -> None:
    assert sin_valid(digits) is valid


@pytest.mark.parametrize("value, valid", [
    ("AB123456C", True), ("ab 12 34 56 c", True), ("JT 98 76 54 D", True),
    ("QQ123456C", False),  # the specimen prefix: Q is never used
    ("DA123456A", False), ("FA123456A", False), ("IA123456A", False), ("UA123456A", False), ("VA123456A", False),
    ("AO123456A", False), ("AD123456A", False),  # second letter O, D
    ("BG123456A", False), ("GB123456A", False), ("NK123456A", False), ("KN123456A", False), ("TN123456A", False),
    ("NT123456A", False), ("ZZ123456A", False),
    ("AB123456E", False), ("AB12345C", False),  # suffix A-D, six digits
])
def test_nino_prefix_and_suffix_rules(value: str, valid: bool) -> None:
    assert nino_valid(value) is valid


@pytest.mark.parametrize("value, shaped", [
    ("C04533521", True), ("XK918273", True), ("533380006", True), ("12AB34567", True), ("PAA123456", True),
    ("2x2", False), ("BA1234", False), ("ABCD12345", False), ("1234567890", False), ("2031", False),
])
def test_passport_shapes(value: str, shaped: bool) -> None:
    assert passport_shaped(value) is shaped


# --------------------------------------------------------------------------- in sentences

@pytest.mark.parametrize("text, expected", [
    # SSN: its own grouping is enough, nine digits in a row need a cue
    ("the credit check wants my social, it's 123-45-6789", ["123-45-6789"]),
    ("I typed 287 65 4321 in the SSN box", ["287 65 4321"]),
    ("SSN: 123456789", ["123456789"]),
    ("ss no 078051120 for the lease", ["078051120"]),
    ("Social Security #: 234.56.7890", ["234.56.7890"]),
    ("mi número de seguro social es 345678912", ["345678912"]),
    ("the form wants the social security number? here: 456789123", ["456789123"]),
    # SIN: its own grouping with Luhn, or a cue
    ("my SIN is 130 692 544", ["130 692 544"]),
    ("numéro d'assurance sociale : 193-456-787", ["193-456-787"]),
    ("NAS 287654321 pour le crédit", ["287654321"]),
    ("the second applicant's number is 193 456 787", ["193 456 787"]),
    ("social insurance no 130692544 and my wife's is 287 654 321", ["130692544", "287 654 321"]),
    # NI numbers: in capitals on their own, in lower case after a cue
    ("AB 12 34 56 C is on my payslip", ["AB 12 34 56 C"]),
    ("NI no: jt987654d", ["jt987654d"]),
    ("my national insurance number is ce 12 34 56 a", ["ce 12 34 56 a"]),
    # passports: only after a passport cue, in several languages
    ("passport number: 533380006", ["533380006"]),
    ("my passport # XK918273, valid until 2031", ["XK918273"]),
    ("numéro de passeport 12AB34567", ["12AB34567"]),
    ("número de pasaporte PAA123456", ["PAA123456"]),
    ("Reisepassnummer C01X00T47", ["C01X00T47"]),
    ("numer paszportu EA1234567", ["EA1234567"]),
    ("I renewed my passport, the new one is 561234987 and the old one 498765123", ["561234987", "498765123"]),
])
def test_national_ids_are_found(text: str, expected: list[str]) -> None:
    assert values(text) == expected


@pytest.mark.parametrize("text", [
    # invalid by the rules
    "SSN 000-12-3456 is what the sample form shows", "ssn 666-12-3456", "the placeholder reads 999-99-9999",
    "reference 123-00-4567", "code 123-45-0000", "my SIN is 130 692 545", "SIN 046 454 286",
    "promo code TN 12 34 56 A", "voucher QQ123456C", "serial number AB123456E",
    # labelled as something else
    "invoice 287-65-4321 is overdue", "the part number is 234-56-7890", "gift card number is 130 692 544",
    "pickup code 193-456-787", "order number 287654321 never came", "lot AB 12 34 56 C",
    "passport holder (item 300191660) broke",
    # phone numbers of the same shape
    "whatsapp me at +34 612 345 678", "mi móvil es el 612 345 678",
    # nine digits without a cue, passports without a passport cue
    "my confirmation code is 287654321", "e-ticket 533380006, seat 14C", "booking C04533521 for two",
    "do I need my passport number to book?", "passport photos in 2x2 inch", "my passport expired in 2022",
    "tracking number 9400111202555842761738", "card ending 4471 expires 03/27",
])
def test_lookalikes_are_not_national_ids(text: str) -> None:
    assert values(text) == []


def test_a_sin_shaped_phone_number_stays_a_phone(redactor: Redactor) -> None:
    """A cue-less 3-3-3 number is a weak guess: a phone the phone recogniser finds wins."""
    text = "it is 612 345 678, any time after six"
    assert find_national_ids(text)[0].strong is False
    detections = [d for d in redactor.detect(text) if text[d.start:d.end] == "612 345 678"]
    assert [(d.type, d.recogniser) for d in detections] == [("PHONE", "phone-grouped")]


def test_national_ids_get_their_own_placeholder_and_repeat(redactor: Redactor) -> None:
    text = "SSN 123-45-6789, passport 533380006. Again: 123-45-6789"
    assert redactor.redact_text(text) == "SSN <NATIONAL_ID_1>, passport <NATIONAL_ID_2>. Again: <NATIONAL_ID_1>"
    conversation = Conversation(conversation_id="c1", channel="web", turns=[
        Turn(role="customer", text="my SIN is 130 692 544"),
        Turn(role="agent", text="Thanks, I have 130 692 544 on file."),
    ])
    turns = [t.text for t in redactor.redact_conversation(conversation).turns]
    assert turns == ["my SIN is <NATIONAL_ID_1>", "Thanks, I have <NATIONAL_ID_1> on file."]


def test_the_types_can_be_chosen_in_the_config() -> None:
    config = RedactionConfig.from_dict({"entity_types": ["NATIONAL_ID", "DATE_OF_BIRTH"], "tagger": False})
    assert Redactor(config).redact_text("SSN 123-45-6789, dob 12/25/1993, mail a@b.com") == (
        "SSN <NATIONAL_ID_1>, dob <DATE_OF_BIRTH_1>, mail a@b.com")
