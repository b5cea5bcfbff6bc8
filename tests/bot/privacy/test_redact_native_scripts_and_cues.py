"""Redaction rules of the third international pass: native-script addresses and names, phone cue words in many
languages, e-mail atext, dotted card groups, ticket/case and foreign-language order cues, name particles,
honorifics, names in capitals or lower case after a cue.

The examples are written for these tests (none is copied from the blind sets of the eval fixture); each rule has
look-alikes next to it that must stay as they are.
"""

from __future__ import annotations

import pytest

from bot.privacy.recognisers.emails import find_emails
from bot.privacy.recognisers.identifiers import find_identifiers
from bot.privacy.recognisers.payments import find_cards
from bot.privacy.recognisers.phones import find_phones
from bot.privacy.redactor import Redactor


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor()


def surfaces(text: str, kind: str, redactor: Redactor) -> list[str]:
    return [text[d.start:d.end] for d in redactor.detect(text) if d.type == kind]


def test_email_local_parts_may_hold_rfc_atext() -> None:
    assert [d.key for d in find_emails("pls mail o'brien.k@eircom.net or (a&b@x.org)")] == ["o'brien.k@eircom.net", "a&b@x.org"]
    assert [d.key for d in find_emails("'bob@x.com'")] == ["bob@x.com"]  # quotes around it stay outside


def test_card_numbers_grouped_by_dots() -> None:
    assert [d.key for d in find_cards("card 4111.1111.1111.1111 exp 02/28")] == ["4111111111111111"]
    assert find_cards("card 4111.1111.1111.1112") == []  # Luhn still applies
    assert find_cards("the box says 2024.11.30.1234") == []


@pytest.mark.parametrize("text, expected", [
    ("my tlf is 98 76 54 32, ring after 5", "98 76 54 32"),        # Norwegian/Danish 8 digits
    ("celular 011 15-5123-4567 por favor", "011 15-5123-4567"),    # Argentine mobile with 15
    ("call me at 8 (495) 123-45-67", "8 (495) 123-45-67"),         # Russian trunk 8
    ("whatsapp 8123 4567 anytime", "8123 4567"),                   # Singapore
    ("Contact me on 9876 5432 please", "9876 5432"),
])
def test_national_numbers_after_a_phone_cue_word(text: str, expected: str) -> None:
    assert [text[d.start:d.end] for d in find_phones(text)] == [expected]


@pytest.mark.parametrize("text", [
    "I have 12345678 points",          # no cue: an 8-digit count stays
    "order 55830190 please",
    "call me 12 03 2024",              # a date written with spaces
    "tlf 12",
])
def test_phone_cue_lookalikes(text: str) -> None:
    assert find_phones(text) == []


def test_a_default_region_number_after_a_cue_keeps_its_extension() -> None:
    text = "my cell: 415 555 0123 x12"
    assert [text[d.start:d.end] for d in find_phones(text)] == ["415 555 0123 x12"]


@pytest.mark.parametrize("text, expected", [
    ("ticket 77120 is still open", "77120"),
    ("case #90312 has no reply", "90312"),
    ("the order is ticket 66120", "66120"),          # the cue sits inside a rejected value
    ("mi pedido 4471203 no llegó", "4471203"),
    ("la commande 5520193 est en retard", "5520193"),
    ("Retoure R-55012 bitte prüfen", "R-55012"),
    ("loyalty card ABC 1234 5678 please", "ABC 1234 5678"),
])
def test_ticket_case_and_foreign_order_cues(redactor: Redactor, text: str, expected: str) -> None:
    assert [text[d.start:d.end] for d in redactor.detect(text) if d.type in ("ORDER_ID", "ACCOUNT_ID")] == [expected]


@pytest.mark.parametrize("text", ["in case 2025 prices go up", "in case 1 of 3 the box was fine", "ticket 2024"])
def test_ticket_and_case_lookalikes(text: str) -> None:
    assert find_identifiers(text) == []


@pytest.mark.parametrize("text", [
    # Chinese: administrative parts, road, number + 号, building, floor, room
    "广东省深圳市南山区科技园路1号5栋201室",
    "北京市海淀区中关村大街27号",
    # Japanese: prefecture, city, ward, chōme block, building and room
    "大阪府大阪市北区梅田3丁目1-3 ルクア10F",
    "渋谷区神南1-2-3",
    # Korean: city, district, road, number
    "부산광역시 해운대구 해운대로 570",
    # Latin scripts not covered before
    "Str. Victoriei nr. 12, bl. B2, sc. 1, ap. 7, 010061 București",
    "ul. Lenina, d. 15, kv. 3, Novosibirsk, 630004",
    "Vesterbrogade 12, 3. tv., 1620 København V",
    "Kungsgatan 5 B, lgh 1102, 411 19 Göteborg",
    "Rehov Herzl 10, dira 4, Haifa 3303110",
    "avda. de la constitución 20, 41001 sevilla",
    "12 smith st, perth wa 6000",
    "3-chome-5-2 Ginza, Chuo-ku, Tokyo 104-0061",
    "88 Gangnam-daero 94-gil, Gangnam-gu, Seoul 06123",
    "7, Nehru Marg, Bani Park, Jaipur 302016",
])
def test_addresses_in_native_scripts_and_more_latin_styles(redactor: Redactor, text: str) -> None:
    assert surfaces(text, "ADDRESS", redactor) == [text]


def test_native_script_address_leaves_the_words_around_it(redactor: Redactor) -> None:
    assert surfaces("我住在北京市朝阳区建国路88号", "ADDRESS", redactor) == ["北京市朝阳区建国路88号"]
    assert surfaces("お届け先: 東京都港区六本木6丁目10-1 です", "ADDRESS", redactor) == ["東京都港区六本木6丁目10-1"]


@pytest.mark.parametrize("text", [
    "我在上海路吃饭",              # a road without a number
    "配送は2日かかります",
    "대구 2번 출구",
    "via email 12, 12345 times",  # lower case: needs a postcode and a known place
    "la rue de la paix 12 est belle",
])
def test_native_script_and_lower_case_address_lookalikes(redactor: Redactor, text: str) -> None:
    assert surfaces(text, "ADDRESS", redactor) == []


def test_an_address_tail_stops_at_a_sentence_end_after_a_place(redactor: Redactor) -> None:
    text = "Adresse: Kongens gate 3, 0153 Oslo. Hilsen Kari Nordmann"
    assert surfaces(text, "ADDRESS", redactor) == ["Kongens gate 3, 0153 Oslo."]
    assert surfaces(text, "PERSON", redactor) == ["Kari Nordmann"]


@pytest.mark.parametrize("text, expected", [
    ("THIS IS FATIMA HASSAN, ORDER IS LATE", ["FATIMA HASSAN"]),
    ("hi its ngozi bin okafor here", ["ngozi bin okafor"]),
    ("Mr. el-Sayed called", ["Mr. el-Sayed"]),
    ("my brother Omar al-Farouq ordered", ["Omar al-Farouq"]),
    ("Khun Siriporn, thanks", ["Siriporn"]),
    ("ma'am Liza Marie dela Rosa, please confirm", ["Liza Marie dela Rosa"]),
    ("Ma. Theresa Santos, please confirm", ["Ma. Theresa Santos"]),
    ("her name was Ingrid Solberg", ["Ingrid Solberg"]),
    ("please tell Tomasz at the front desk", ["Tomasz"]),
    ("ask for Siobhan", ["Siobhan"]),
    ("Sorry Bartosz, we are out of stock", ["Bartosz"]),
    ("Med vennlig hilsen Kari Nordmann", ["Kari Nordmann"]),
    ("fikk feil farge / Henrik", ["Henrik"]),
    ("谢谢！陈静", ["陈静"]),
    ("请联系我，李娜", ["李娜"]),
    ("이지은 입니다", ["이지은"]),
    ("أنا فاطمة الزهراء، أريد إرجاع الطلب", ["فاطمة الزهراء"]),
])
def test_names_with_particles_honorifics_capitals_and_native_scripts(redactor: Redactor, text: str, expected: list[str]) -> None:
    assert surfaces(text, "PERSON", redactor) == expected


@pytest.mark.parametrize("text", [
    "Victoria is sunny today",           # a place as much as a name, without a cue
    "Thanks, cheers",
    "Customer Care team",
    "Best, the Customer Success team",
    "mobil",
    "cel 55 4187 2936",
    "We visited Madam Tussauds",
    "Contact Customer Service at 1-800-555-0142",
    "ask for a refund",
    "，谢谢",
    "好的，谢谢你",
    "可以吗，方便吗",
    "문제입니다",
    "أنا بخير، شكرا",
])
def test_name_lookalikes_of_the_new_rules(redactor: Redactor, text: str) -> None:
    assert surfaces(text, "PERSON", redactor) == []
