"""``ADDRESS``: street addresses in many national styles, PO boxes, "City, ST ZIP", postcodes.

An anchor, then the address parts next to it. Anchors: a house number next to a street word in
the order of many languages ("221 Baker Street", "12 rue de Rivoli", "Calle de Fuencarral 45",
"Bağdat Cad. No: 214", "Karl Johans gate 31", "Am Rosengarten 7", "123 Teheran-ro", "Carrera 7 #
71-21"), a Japanese block number ("2-11-3 Jingumae"), a PO box in several languages ("Postfach",
"Apartado", "C.P."), a unit or district marker ("Flat 302,", "Sector 62,"), a number before a
capitalised name ("25 Ly Thuong Kiet,") or a name before a number ("Ilica 10,"). The address then
extends over the unit and building parts before it ("Room 1802,", "Sakura Heights 305,") and the
parts after it: units and floors ("apto 81", "3º izq.", "m. 15"), districts ("Col. Centro",
"Shibuya-ku"), localities, regions and a postcode of one of many national formats ("28004
Madrid", "Tokyo 150-0001", "São Paulo - SP, 01426-001", "Co. Cork P31 KX90"). Strong anchors are
addresses on their own; weak ones only when their parts end in a postcode or a known city, region
or country (word lists in :mod:`bot.privacy.lexicon`). Also "City, ST 12345" and UK postcodes.
Chinese, Japanese and Korean addresses in native script are found by their structure markers
(省市区路号室, 都道府県市区町村丁目番地, 시도구군로길층호). The patterns are in
:mod:`bot.privacy.recognisers.address_patterns`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List

from bot.privacy import lexicon as lex
from bot.privacy.detection import Detection
from bot.privacy.recognisers.address_patterns import (
    ANY_DIGIT_RE,
    CAP_STREET_RE,
    CAP_WORD,
    CHOME_RE,
    CITY_STATE_ZIP_RE,
    COLOMBIAN_STREET_RE,
    DISTRICT_MARKER,
    DISTRICT_PART_RE,
    EU_STREET_RE,
    FINAL_RE,
    FR_STREET_RE,
    JA_ADDRESS_RE,
    KOREAN_STREET_RE,
    KO_ADDRESS_RE,
    LEFT_NUMBER_MARK_RE,
    LEFT_PART_RE,
    LOWER_POSTCODE_CITY_RE,
    LOWER_STREET_RE,
    NAME_CONNECTOR,
    NAME_NUMBER_RE,
    NAME_TYPE_STREET_RE,
    NUMBER_PHRASE_RE,
    ORDINAL_STREET_RE,
    POSTCODE_CUE_RE,
    POSTCODE_FIRST_RE,
    PO_BOX_RE,
    PREPOSITION_STREET_RE,
    SEP_RE,
    SHORT_POSTCODE_RE,
    STANDALONE_POSTCODE_RE,
    STREET_RE,
    TAIL_WORD_RE,
    UNIT_ANCHOR_RE,
    UNIT_PART_RE,
    UNNUMBERED_STREET_RE,
    WEAK_PO_BOX_RE,
    ZH_ADDRESS_RE,
    ZH_LEAD_RE,
)
from bot.privacy.recognisers.vocabulary import GREETING_WORDS, STOP_WORDS, is_place
from bot.privacy.regex import CJK_OR_HANGUL_RE, UPPER


_ARTICLES = frozenset("the la le les el il de het das der die los las".split())


def _trim_leading_stopwords(text: str, start: int, end: int) -> int:
    while True:
        match = re.match(r"([A-Za-z']+)\s+", text[start:end])
        if not match or match.group(1).lower() not in lex.ADDRESS_STOPWORDS | lex.COMMON_WORDS:
            return start
        start += match.end()


def _locality_stop(word: str, first: bool, following: str) -> bool:
    """True when ``word`` cannot be part of a locality ("Thanks", "Tel", "I")."""
    lower = word.lower().rstrip(".")
    if first and lower in _ARTICLES and re.match(rf"\s+{UPPER}", following):
        return False  # "The Maltings", "La Condesa"
    after = re.match(rf"\s+({CAP_WORD})", following)
    if word[:1].isupper() and after and is_place(f"{word} {after.group(1)}"):
        return False  # "Tel Aviv"
    return lower in STOP_WORDS or (first and lex.fold(lower) in GREETING_WORDS)


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
        sep = SEP_RE.match(text, position)
        if not sep or sep.end() >= len(text):
            break
        at, comma = sep.end(), bool(re.search(r"[,–—-]", sep.group()))
        first = POSTCODE_FIRST_RE.match(text, at) if comma or not words else None
        if not first and comma:
            first = SHORT_POSTCODE_RE.match(text, at)  # "101 Reykjavík": three digits only before a known place
            if first and not is_place(" ".join(text[first.end():first.end() + 40].split()[:3])):
                first = None
        if first:
            position, committed, words, locality_start = first.end(), True, 0, first.end()
            result.evidence.add("postcode")
            result.parts += 1
            result.end = position
            continue
        lower = LOWER_POSTCODE_CITY_RE.match(text, at) if comma or not words else None
        if lower:
            city = next((c for c in (lower.group("city"), lower.group("city").split()[0]) if is_place(c)), None)
            if city:  # "28009 madrid": a lower-case city after its postcode, when it is a known place
                result.end = position = lower.start("city") + len(city)
                result.evidence |= {"postcode", "place"}
                result.parts += 1
                break
        final = FINAL_RE.match(text, at)
        if final:
            result.end, position = final.end(), final.end()
            result.evidence.add("final")
            result.parts += 1
            country = TAIL_WORD_RE.match(text, position)
            if country and "," in country.group("sep") and is_place(country.group("word")):
                result.end = country.end()
            break
        part = None
        for regex, kind in ((UNIT_PART_RE, "unit"), (DISTRICT_PART_RE, "district"), (ORDINAL_STREET_RE, "street")):
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
            if kind == "district" and is_place(re.sub(rf"^{DISTRICT_MARKER}\s?", "", part.group(), flags=re.I)):
                result.evidence.add("place")
            result.parts += 1
            result.end = position
            continue
        step = TAIL_WORD_RE.match(text, position)
        if not step:
            break
        if words and text[position - 1] == "." and (is_place(re.split(r"[\s,]", text[:position - 1])[-1]) or
                                                     lex.fold(step.group("word")) in GREETING_WORDS):
            break  # "..., 0184 Oslo. Mvh Sigrid": a sentence ends after a place, not after an abbreviation ("Dist.")
        word = step.group("word")
        new_part = "," in step.group("sep") or re.search(r"[–—]|\s-\s", step.group("sep")) or not words
        if new_part:
            if word[0].isdigit() or re.fullmatch(NAME_CONNECTOR, word):
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
            if is_place(text[locality_start:position]):
                result.evidence.add("place")
    return result


def _extend_left(text: str, start: int) -> tuple:
    """Extend an address starting at ``start`` over the unit and building parts before it.

    Returns (new start, number of parts added): "Room 1802, No. 88 Century Avenue", "Sakura Heights
    305, 4-5-6 Umeda", "2/1, 118 Hyndland Road", "Unit 5/42 Smith Street".
    """
    parts = 0
    if text[start:start + 1].isdigit():
        mark = LEFT_NUMBER_MARK_RE.search(text, max(0, start - 16), start)
        if mark:
            start = mark.start()
    for _ in range(4):
        part = LEFT_PART_RE.search(text, max(0, start - 48), start)
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
    if not ANY_DIGIT_RE.search(text):
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
        found.append(Detection(left, extension.end, "ADDRESS", address_key(text[left:extension.end]), True, recogniser))

    for match in STREET_RE.finditer(text):
        words = re.findall(r"[^\W\d_]+", match.group("name") or "")
        if any(w.lower() in lex.ADDRESS_STOPWORDS for w in words):
            continue
        add(match.start(), match.end(), "street")
    for match in CAP_STREET_RE.finditer(text):
        add(match.start(), match.end(), "street")
    for regex, recogniser in ((FR_STREET_RE, "street-fr"), (EU_STREET_RE, "street-eu"),
                              (PREPOSITION_STREET_RE, "street-eu"), (KOREAN_STREET_RE, "street-kr"),
                              (COLOMBIAN_STREET_RE, "street-co")):
        for match in regex.finditer(text):
            add(match.start(), match.end(), recogniser)
    for match in NAME_TYPE_STREET_RE.finditer(text):
        start = _trim_leading_stopwords(text, match.start(), match.start("number"))
        name = text[start:match.start("name") + len(match.group("name"))]
        if start >= match.start("number") or not name.strip() or name.split()[0].lower() in STOP_WORDS:
            continue
        add(start, match.end(), "street-eu")
    if CJK_OR_HANGUL_RE.search(text):
        for regex, recogniser in ((ZH_ADDRESS_RE, "address-zh"), (JA_ADDRESS_RE, "address-ja"), (KO_ADDRESS_RE, "address-ko")):
            for match in regex.finditer(text):
                lead = ZH_LEAD_RE.match(match.group()) if regex is ZH_ADDRESS_RE else None
                start = match.start() + (lead.end() if lead else 0)
                found.append(Detection(start, match.end(), "ADDRESS", address_key(text[start:match.end()]), True, recogniser))
    for match in LOWER_STREET_RE.finditer(text):
        add(match.start(), match.end(), "street-lower", weak="name-number")
    for match in CHOME_RE.finditer(text):
        add(match.start(), match.end(), "street-jp", weak="block")
    for match in UNIT_ANCHOR_RE.finditer(text):
        add(match.start(), match.end(), "unit", weak="unit")
    for match in DISTRICT_PART_RE.finditer(text):
        if re.match(r"\s*,", text[match.end():]):
            add(match.start(), match.end(), "district", weak="unit")
    for match in NUMBER_PHRASE_RE.finditer(text):
        add(match.start(), match.end(), "number-phrase", weak="phrase")
    for match in NAME_NUMBER_RE.finditer(text):
        start = _trim_leading_stopwords(text, match.start(), match.end())
        if not text[start:start + 1].isdigit():
            add(start, match.end(), "name-number", weak="name-number")
    for match in UNNUMBERED_STREET_RE.finditer(text):
        start = _trim_leading_stopwords(text, match.start(), match.end())
        add(start, match.end(), "street-unnumbered", weak="unnumbered")
    for match in CITY_STATE_ZIP_RE.finditer(text):
        start = _trim_leading_stopwords(text, match.start(), match.end())
        found.append(Detection(start, match.end(), "ADDRESS", address_key(text[start:match.end()]), True, "city-zip"))
    for match in PO_BOX_RE.finditer(text):
        add(match.start(), match.end(), "po-box", weak="unit" if WEAK_PO_BOX_RE.match(match.group()) else "")
    for match in POSTCODE_CUE_RE.finditer(text):
        found.append(Detection(match.start("code"), match.end("code"), "ADDRESS", address_key(match.group("code")), True, "postcode"))
    for match in STANDALONE_POSTCODE_RE.finditer(text):
        start = match.start()
        if text[start:start + 1].isalpha() and re.match(r"[\w'’]+", text[start:]).group().lower() in lex.COMMON_WORDS:
            start = text.index(" ", start) + 1
        found.append(Detection(start, match.end(), "ADDRESS", address_key(text[start:match.end()]), True, "postcode"))
    return _merge_addresses(text, found)


def _merge_addresses(text: str, found: List[Detection]) -> List[Detection]:
    """One address from anchors that overlap or touch ("Blk 5" + "Lot 12, Brgy. San Antonio, ...")."""
    merged: List[Detection] = []
    for d in sorted(found, key=lambda d: (d.start, -d.end)):
        if merged and d.start <= merged[-1].end + 2 and not text[merged[-1].end:d.start].strip(" ,/"):
            last = merged[-1]
            if d.end > last.end:
                merged[-1] = Detection(last.start, d.end, "ADDRESS", address_key(text[last.start:d.end]), True, last.recogniser)
            continue
        merged.append(d)
    return merged


def address_key(value: str) -> str:
    return re.sub(r"[\s,.]+", " ", value.lower()).strip()
