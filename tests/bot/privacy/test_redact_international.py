"""Redaction rules for international data: addresses in national styles, name cues in many languages, ids.

The examples are written for these tests (none is copied from the blind sets of the eval fixture);
each rule has look-alikes next to it that must stay as they are.
"""

from __future__ import annotations

import pytest

from bot.privacy.recognisers.addresses import find_addresses
from bot.privacy.recognisers.identifiers import find_identifiers
from bot.privacy.recognisers.persons import find_persons
from bot.privacy.redactor import Redactor
from bot.privacy.regex import trie_re


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor()


def surfaces(text: str, kind: str, redactor: Redactor) -> list[str]:
    return [text[d.start:d.end] for d in redactor.detect(text) if d.type == kind]


@pytest.mark.parametrize("text, expected", [
    # street type before the name, number after, then unit parts and a postcode before the city
    ("please send it to Via Giuseppe Verdi 12, 20121 Milano MI, thanks", "Via Giuseppe Verdi 12, 20121 Milano MI"),
    ("Av. Corrientes 1234, piso 5, depto B, C1043AAZ Buenos Aires", "Av. Corrientes 1234, piso 5, depto B, C1043AAZ Buenos Aires"),
    ("C/ Gran Vía 32, 4º B, 28013 Madrid", "C/ Gran Vía 32, 4º B, 28013 Madrid"),
    ("Jalan Thamrin No. 1, RT 05/RW 02, Kel. Menteng, Jakarta 10310", "Jalan Thamrin No. 1, RT 05/RW 02, Kel. Menteng, Jakarta 10310"),
    # street type after the name
    ("Karl Johans gate 31, 0159 Oslo", "Karl Johans gate 31, 0159 Oslo"),
    ("İstiklal Caddesi No:45, Beyoğlu, 34430 İstanbul", "İstiklal Caddesi No:45, Beyoğlu, 34430 İstanbul"),
    ("Václavské náměstí 1, 110 00 Praha 1", "Václavské náměstí 1, 110 00 Praha 1"),
    ("Mannerheimintie 12 B 5, 00100 Helsinki", "Mannerheimintie 12 B 5, 00100 Helsinki"),
    ("Unter den Linden 77, 10117 Berlin", "Unter den Linden 77, 10117 Berlin"),
    # Korean road, Japanese block, Colombian grid
    ("45 Sejong-daero, Jung-gu, Seoul 04519", "45 Sejong-daero, Jung-gu, Seoul 04519"),
    ("1-2-3 Ginza, Chuo-ku, Tokyo 104-0061", "1-2-3 Ginza, Chuo-ku, Tokyo 104-0061"),
    ("Carrera 7 # 71-21, Bogotá", "Carrera 7 # 71-21, Bogotá"),
    # units and buildings before the street
    ("Flat B, 12/F, Tower 2, Harbour View Gardens, 8 Tai Hang Road, Causeway Bay, Hong Kong",
     "Flat B, 12/F, Tower 2, Harbour View Gardens, 8 Tai Hang Road, Causeway Bay, Hong Kong"),
    ("Flat 4B, Sea View Apartments, Linking Road, Bandra West, Mumbai 400050",
     "Flat 4B, Sea View Apartments, Linking Road, Bandra West, Mumbai 400050"),
    ("House No. 123, Sector 15, Chandigarh 160015", "House No. 123, Sector 15, Chandigarh 160015"),
    ("Blk 5 Lot 12, Brgy. San Antonio, Pasig City", "Blk 5 Lot 12, Brgy. San Antonio, Pasig City"),
    # no street word: a number and a name, or a name and a number, with a postcode or a known place after
    ("123/45 Sukhumvit Soi 11, Khlong Toei Nuea, Watthana, Bangkok 10110",
     "123/45 Sukhumvit Soi 11, Khlong Toei Nuea, Watthana, Bangkok 10110"),
    ("số 12 Nguyễn Huệ, Quận 1, TP. Hồ Chí Minh", "số 12 Nguyễn Huệ, Quận 1, TP. Hồ Chí Minh"),
    ("Ilica 10, 10000 Zagreb", "Ilica 10, 10000 Zagreb"),
    ("Laugavegur 12, 101 Reykjavík", "Laugavegur 12, 101 Reykjavík"),
    ("King Fahd Road, Al Olaya, Riyadh 12214", "King Fahd Road, Al Olaya, Riyadh 12214"),
    # PO boxes in other languages
    ("Postfach 10 12 34, 10115 Berlin", "Postfach 10 12 34, 10115 Berlin"),
    ("Apartado 1234, 28080 Madrid", "Apartado 1234, 28080 Madrid"),
    ("P.O. Box 12345-00100, Nairobi", "P.O. Box 12345-00100, Nairobi"),
    ("Rothschild Blvd 22, Tel Aviv 6688218", "Rothschild Blvd 22, Tel Aviv 6688218"),
])
def test_addresses_in_national_styles(redactor: Redactor, text: str, expected: str) -> None:
    assert surfaces(text, "ADDRESS", redactor) == [expected]


@pytest.mark.parametrize("text", [
    "I ordered 3 Levi Jeans, Black, Size 32",          # a number before capitalised words: no place after
    "In 2024, Paris, London and Rome had sales",
    "The jacket is 120 cm long, 55 cm wide, 1,2 kg",
    "Room for 2 more items, Medium size",              # a unit word that is no unit
    "Sector 7 of the warehouse, Aisle 3",
    "No. 5, please",
    "It was delivered on 2-11-3 Monday",               # a block number needs a district or place
    "Calle Mayor no es mi dirección",                  # a street without number or locality
    "Unit price 12, Box of 6",
    "Kimathi Street, Nairobi",                         # no digit at all: left alone (see docs)
])
def test_address_lookalikes_in_other_styles(text: str) -> None:
    assert find_addresses(text) == []


def test_a_postcode_inside_an_address_is_no_phone_and_a_phone_ends_an_address(redactor: Redactor) -> None:
    text = "send to 1-2-3 Ginza, Chuo-ku, Tokyo 104-0061 please"
    assert [d.type for d in redactor.detect(text)] == ["ADDRESS"]
    text = "Villa 12, Street 4, Al Wasl, Dubai 050 123 4567"
    assert [(text[d.start:d.end], d.type) for d in redactor.detect(text)] == [
        ("Villa 12, Street 4, Al Wasl, Dubai", "ADDRESS"), ("050 123 4567", "PHONE")]


@pytest.mark.parametrize("text, expected", [
    ("Hola Xiomara, ¿en qué puedo ayudarte?", ["Xiomara"]),          # greetings in many languages
    ("Olá Thiago, tudo bem?", ["Thiago"]),
    ("Selamat pagi Siti Nurhaliza, pesanan anda", ["Siti Nurhaliza"]),
    ("Talofa Sione, we got your message", ["Sione"]),                 # a name no list knows, after a greeting
    ("Cheers Tāne, sweet as", ["Tāne"]),
    ("Groetjes, Femke", ["Femke"]),                                    # sign-offs and thanks
    ("Mit freundlichen Grüßen, Hannelore Vogt", ["Hannelore Vogt"]),
    ("Kiitos, Aino", ["Aino"]),
    ("Mijn naam is Daan van den Berg", ["Daan van den Berg"]),         # "my name is" and surname particles
    ("Mi nombre es Guadalupe Hernández y necesito ayuda", ["Guadalupe Hernández"]),
    ("Меня зовут Дмитрий Иванов", ["Дмитрий Иванов"]),
    ("please ask for Mohammed bin Rashid at reception", ["Mohammed bin Rashid"]),
    ("she's Priyanka Chopra's cousin lol", ["Priyanka Chopra"]),
    ("order HP-334455 hasn't arrived. Ngozi Adichie", ["Ngozi Adichie"]),  # a name alone at the end
    ("order HP-334455 hasn't arrived. MARIA LOPEZ", ["MARIA LOPEZ"]),
    ("got it, Mehmet. sending now", ["Mehmet"]),                       # a name addressed after a comma
    ("hey its priya again, any news", ["priya"]),                      # lower case, between a cue and "again"
    ("Agent Oyelaran helped me", ["Oyelaran"]),
    ("山田太郎です。注文について", ["山田太郎"]),                          # native scripts
    ("我叫王伟，我的订单没到", ["王伟"]),
    ("저는 김민지입니다", ["김민지"]),
])
def test_names_with_cues_of_many_languages(redactor: Redactor, text: str, expected: list[str]) -> None:
    assert surfaces(text, "PERSON", redactor) == expected


@pytest.mark.parametrize("text", [
    "Grazie mille, tutto bene!",                   # a word after thanks
    "Hi Team, my order is late",
    "Hello Support, any update on 3 parcels?",
    "Kia ora, thanks for the help",
    "I live in São Paulo and shop online",         # a known city after "in"
    "Shipping to Calle Mayor is slow",             # a street word before a capitalised word
    "For security, the cardholder will need to enter the card",
    "Thanks! RAVI10 gives you 10% off",            # a code, not a signature
    "I think so, Will.",                           # an ambiguous name that is a word
    "He's Not happy with it",
    "大丈夫です",                                    # です after a word, not a surname
])
def test_name_lookalikes_in_many_languages(text: str) -> None:
    assert find_persons(text) == []


@pytest.mark.parametrize("text, expected", [
    ("ticket TK-88120 still open", "TK-88120"),
    ("the refund for return R-30417 went through", "R-30417"),
    ("CS-448812. can someone call me", "CS-448812"),
    ("my loyalty number for the app is LY-5567102", "LY-5567102"),
    ("my wechat is zhang_wei88, add me", "zhang_wei88"),
    ("add me on linkedin.com/in/anna-kowalska please", "linkedin.com/in/anna-kowalska"),
    ("old email / account maria.lopez", "maria.lopez"),
])
def test_identifier_shapes_of_other_systems(redactor: Redactor, text: str, expected: str) -> None:
    assert [text[d.start:d.end] for d in redactor.detect(text) if d.type in ("ORDER_ID", "ACCOUNT_ID")] == [expected]


@pytest.mark.parametrize("text", [
    "The item code is SKU-44821 on the tag",
    "Use promo AB-20931 at checkout",
    "our factory is ISO-9001 certified",
    "my line is 0412 345 678",                     # a phone after a platform word
    "my insta is private",
    "Bahnhofstrasse 21, CH-8001 Zürich",           # a postcode with its country prefix
])
def test_identifier_lookalikes_of_other_systems(text: str) -> None:
    assert find_identifiers(text) == []


def test_word_lists_become_a_trie_that_matches_the_longest_word() -> None:
    import re

    pattern = re.compile(r"\b%s(?!\w)" % trie_re(["ul.", "ul", "thanks", "thanks so much", "x y"]), re.I)
    assert [m.group() for m in pattern.finditer("ul. Długa, Thanks so much, thanks, x  y")] == [
        "ul.", "Thanks so much", "thanks", "x  y"]
