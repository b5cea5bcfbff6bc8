"""The regular expressions of the address recogniser (:mod:`bot.privacy.recognisers.addresses`).

Anchors (a house number next to a street word, in the orders of many languages; PO boxes; units,
districts, Japanese blocks, Korean roads; Chinese, Japanese and Korean native-script addresses)
and the parts an address extends over (units and floors, districts, localities, postcodes of many
countries). The word lists come from :mod:`bot.privacy.lexicon`.
"""

from __future__ import annotations

import re

from bot.privacy import lexicon as lex
from bot.privacy.regex import UPPER, words_re


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
STREET_RE = re.compile(
    rf"(?:\b{_LEADING_UNIT})?\b(?P<number>\d{{1,6}}[A-Za-z]?(?:[-/]\d{{1,5}}[A-Za-z]?)?)\s+"
    rf"(?:(?P<name>(?:{_DIRECTION}\s+)?(?:{_STREET_WORD}\s+){{1,3}}?)(?:{_SUFFIX})(?:\s+(?:{_SUFFIX}))?|Broadway"
    rf"|\d{{1,3}}\s+(?:ave|avenue|st|street|rd|road|dr|drive)(?=\s+(?:NE|NW|SE|SW)\b))\b\.?"
    rf"(?:\s+{_DIRECTION}(?![A-Za-z]))?{_UNIT}?"
    rf"(?P<city>,?\s+{_CITY},?\s+(?:{_STATE_ZIP}|{_UK_POSTCODE})(?![A-Za-z0-9]))?",
    re.I,
)
"""House number first: "221 Baker Street, Apt 4B", "4/17 Smith St", "1022 17 Ave SW"."""
CAP_WORD = rf"{UPPER}[\w'’.-]*(?:/{UPPER}[\w'’.-]*)*"
CAP_STREET_RE = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?(?:[-/]\d{{1,5}}[A-Za-z]?)?,?\s+(?:{CAP_WORD}\s+){{1,3}}"
    rf"(?-i:View|Close|Cl|Rise|Vale|Green|Hill|Parade|Pde|Tce|Gate|Chase|Wynd|Mount|Park|Nagar|Marg|Salai|Colony|"
    rf"Layout|Enclave|Vihar|Bagh|Cross|Circus|Approach|Ridge|Glen|Dale|Meadows?|Garth|Croft|Brae|Grange)\b\.?"
)
"""More street types, only when written capitalised after a capitalised name ("3 Church View", "12/3 Gandhi Nagar",
"12, Gandhi Marg")."""
FR_STREET_RE = re.compile(
    rf"\b\d{{1,5}}(?:\s?(?:bis|ter|quater|[A-D]\b))?,?\s+(?:rue|avenue|av\.|boulevard|boul\.|bd|chemin|ch\.|place|route|"
    rf"all[ée]e|impasse|quai|cours|rang|mont[ée]e|c[ôo]te|promenade|square|faubourg|passage|chauss[ée]e|voie|sentier|"
    rf"esplanade|parvis|rond-point|villa|cit[ée])\s+(?:(?:de\s+la|de\s+l'|du|des|de|d')\s*)?"
    rf"{_LETTER}[\w'’-]*(?:\s+(?-i:[A-Z0-9])[\w'’-]*){{0,3}}?(?:\s+(?:ouest|est|nord|sud))?(?![\w'’-])",
    re.I,
)
"""French and Québec style: "1455, rue Sainte-Catherine Ouest", "12 rue de Rivoli"."""

_HOUSE_NUMBER = r"\d{1,5}(?:[A-Za-z]|\s(?-i:[A-Z])(?:\s\d{1,3})?)?(?:\s?[/-]\s?\d{1,5}[A-Za-z]?)*(?![\w/-]|[.,]\d|\s?%)"
_NUMBER_MARK = r"(?:(?:No|Nr|Nro|Núm|Num|N|Nº|N°|n[º°or]|nro)\s?[.:]?\s?|#\s?)"
NAME_CONNECTOR = (r"(?:de\s+la|de\s+los|de\s+las|de|da|do|dos|das|del|della|delle|dei|degli|di|du|des|la|le|les|el|al|"
                   r"am|an|der|den|dem|im|upon|on|sur|en|sous|lès|bei|van|aan|op|y|es)")
_STREET_NAME = rf"(?:{NAME_CONNECTOR}\s+)?(?:{CAP_WORD}|\d{{1,3}})(?:\s+(?:(?:{NAME_CONNECTOR}\s+)?{CAP_WORD}|[IVX]{{1,4}}\b)){{0,3}}"
_TYPE_BEFORE = words_re(lex.STREET_TYPES_BEFORE, capitalised_only=True, lower_too=(
    "ul.", "al.", "pl.", "os.", "vul.", "ulica", "aleja", "calle", "avenida", "rua", "carrer", "jalan", "jl.",
    "jln.", "soi", "thanon", "đường", "phố", "str.", "strada", "rambla", "travessa", "carrera", "cra.", "sh."))
EU_STREET_RE = re.compile(
    rf"(?<![\w/])(?:{_TYPE_BEFORE}\s+{_STREET_NAME}"
    rf"|{_LETTER}+(?:straße|strasse|str\.|weg|gasse|allee|platz|ring|damm|ufer|chaussee|straat|laan|gracht|plein|kade|"
    rf"singel|dijk|steeg|dreef|markt|gatan|vägen|gata|gate|gade|vej|veien|vegen|vegur|stígur|braut|katu|tie|kuja|utca|"
    rf"ulice|torget|plads))"
    rf"\s*,?\s+{_NUMBER_MARK}?(?P<number>{_HOUSE_NUMBER}|s/n\b)",
)
"""Street name first, house number after: "Hauptstraße 5", "Calle de Fuencarral 45", "ul. Marszałkowska 84/92",
"Jl. Sudirman No. 45", "Rua Oscar Freire, 1200"."""
_TYPE_AFTER = words_re(lex.STREET_TYPES_AFTER)
NAME_TYPE_STREET_RE = re.compile(
    rf"(?<![\w/])(?P<name>{CAP_WORD}(?:\s+(?:{NAME_CONNECTOR}\s+)?{CAP_WORD}){{0,2}})\s+(?i:{_TYPE_AFTER})(?![\w])\.?"
    rf"\s*{_NUMBER_MARK}?(?P<number>\d{{1,4}}[A-Za-z]?(?:\s?[/-]\s?\d{{1,4}}[A-Za-z]?)*)(?![\w/-]|[.,]\d|\s?%)"
)
"""Name, then a separate street-type word, then the number: "Bağdat Cad. No: 214", "Karl Johans gate 31",
"Mariahilfer Straße 45", "Rothschild Blvd 22"."""
_PREPOSITIONS = "|".join(p.capitalize().replace(" ", r"\s+") for p in lex.STREET_PREPOSITIONS)
PREPOSITION_STREET_RE = re.compile(
    rf"(?<![\w])(?-i:{_PREPOSITIONS})\s+"
    rf"{CAP_WORD}(?:\s+{CAP_WORD})?\s+\d{{1,3}}[a-z]?(?:[-/]\d{{1,3}}[a-z]?)?(?![\w/-]|[.,]\d)"
)
"""German and Dutch streets named with a preposition: "Am Rosengarten 7", "Unter den Linden 77"."""
LOWER_STREET_RE = re.compile(
    rf"(?<![\w/])(?-i:calle|c/|avenida|avda\.|av\.|paseo|carrer|rua|rúa|via|viale|corso|piazza|rue|avenue|ul\.|ulica|"
    rf"al\.|jalan|jl\.|str\.|strada|calea)\s+(?:(?:de\s+la|de\s+los|de|del|da|do|dos|di|della|des|du)\s+)?"
    rf"(?-i:[^\W\d_A-Z][\w'’-]*)(?:\s(?-i:[^\W\d_A-Z][\w'’-]*)){{0,2}}?,?\s+\d{{1,5}}[a-z]?(?![\w/-]|[.,]\d)"
)
"""A street written all in lower case ("calle de alcalá 148"): an address only when a postcode and a known place follow."""
KOREAN_STREET_RE = re.compile(
    rf"\b(?:\d{{1,4}}(?:-\d{{1,4}})?\s+{UPPER}[a-z]+(?:-[a-z]+)?-(?:ro|gil|daero)(?:\s?\d{{1,3}}(?:beon|ga)?-?gil)?"
    rf"|{UPPER}[a-z]+(?:-[a-z]+)?-(?:ro|gil|daero)(?:\s?\d{{1,3}}(?:beon|ga)?-?gil)?\s+\d{{1,4}}(?:-\d{{1,4}})?)(?![\w-])"
)
"""Romanised Korean road addresses: "123 Teheran-ro", "Sejong-daero 110"."""
COLOMBIAN_STREET_RE = re.compile(
    r"\b(?-i:Calle|Cl\.?|Carrera|Cra\.?|Cr\.?|Kr\.?|Transversal|Tv\.?|Diagonal|Dg\.?|Avenida|Av\.?|Ak\.?|Ac\.?)\s+"
    r"\d{1,3}\s?[A-Z]?(?:\s?bis)?\s*(?:#|No\.?|N[º°o]\.?)\s*\d{1,3}\s?[A-Z]?\s?-\s?\d{1,3}\b"
)
"""Colombian grid addresses: "Carrera 7 # 71-21", "Calle 100 No. 19-61"."""
CHOME_RE = re.compile(rf"(?<![\w./-])\d{{1,2}}-(?:chome-)?\d{{1,3}}(?:-\d{{1,3}})?\s+{UPPER}[a-z]{{2,}}(?:-(?:cho|machi|chome))?(?![\w-])")
"""Japanese block numbers before the neighbourhood: "2-11-3 Jingumae", "4-chome-26-18 Jingumae" (needs more
address parts)."""

_HAN = r"[\u4e00-\u9fff\u3400-\u4dbf]"
_KANA = r"[\u30a0-\u30ff\u3040-\u309f]"
_DIGITS = r"[0-9０-９]"
ZH_ADDRESS_RE = re.compile(
    rf"(?:{_HAN}{{1,7}}?(?:省|市|自治区|区|區|县|縣|镇|鎮|乡|鄉|州|街道))*{_HAN}{{1,10}}?(?:路|街|道|巷|弄|胡同|大道)"
    rf"(?:{_HAN}{{0,3}}?段)?(?:{_DIGITS}{{1,4}}[巷弄])*{_DIGITS}{{1,5}}(?:-{_DIGITS}{{1,5}})?[号號]"
    rf"(?:\s?(?:{_DIGITS}{{1,5}}|[一二三四五六七八九十]{{1,3}})(?:栋|棟|幢|座|单元|單元|楼|樓|层|層|室|号|號|F|f))*"
)
"""A Chinese address: administrative parts ending in 省/市/区/县, a road ending in 路/街/道, its number and 号,
then building, floor and room (栋/单元/楼/层/室): "上海市徐汇区漕溪北路88号3楼301室"."""
ZH_LEAD_RE = re.compile(r"^(?:我|的|住在|住|在|是|地址|寄到|送到|发到|發到|请|請|收货|收貨|收件)+")
JA_ADDRESS_RE = re.compile(
    rf"(?:{_HAN}{{1,3}}(?:都|道|府|県))?(?:{_HAN}{{1,6}}?(?:市|区|郡|町|村))+(?:{_HAN}|{_KANA}){{0,8}}?"
    rf"{_DIGITS}{{1,2}}(?:丁目|[-－ー])(?:{_DIGITS}{{1,4}}(?:番地?|[-－ー])?){{0,2}}(?:{_DIGITS}{{1,4}}号?)?"
    rf"(?:\s?(?:[\u30a0-\u30ff]|{_HAN}|[A-Za-z]){{1,12}}\s?{_DIGITS}{{1,4}}(?:号室|号|階|F)?)?"
)
"""A Japanese address: prefecture (都/道/府/県), city and ward (市/区/町/村), block (丁目, 番地, 号 or dashes) and
an optional building with its room: "東京都世田谷区三軒茶屋2丁目14-7 メゾン三茶302"."""
KO_ADDRESS_RE = re.compile(
    r"(?:[가-힣]{1,8}(?:특별시|광역시|특별자치시|특별자치도|도|시)\s?)?(?:[가-힣]{1,6}(?:구|군|시)\s?)+"
    r"(?:[가-힣]{1,6}(?:동|읍|면)\s?)?[가-힣0-9]{1,10}(?:로|길|대로)(?:\s?\d{1,3}번?길)?\s?\d{1,5}(?:-\d{1,5})?"
    r"(?:,?\s?\d{1,4}(?:층|호|동))*"
)
"""A Korean road address: city or province, district (구/군/시), road (로/길), building number, then floor or
unit (층/호): "서울특별시 강남구 테헤란로 152, 12층"."""

TAIL_WORD_RE = re.compile(
    rf"(?P<sep>\s*,\s*|\s+[-–—]\s+|\s+|-)(?P<word>\({CAP_WORD}(?:\s+{CAP_WORD})*\)|{CAP_WORD}|\d{{1,3}}(?![\w-])"
    rf"|{NAME_CONNECTOR}(?=\s+{UPPER}))"
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
FINAL_RE = re.compile(
    rf"(?:(?:\(?(?:{_REGION})\)?\.?,?\s+)?{_POSTCODE_PREFIX}?{_POSTCODE}|(?-i:{_STATE}|{_AU_STATE})){_POSTCODE_GUARD}",
    re.I,
)
"""What ends an address after a separator: a postcode of one of many countries, with its prefix ("C.P. 44100",
"〒150-0001") or region ("NSW 2026", "(Québec) H3G 1P1"), or a US/Canadian/Australian state code."""
POSTCODE_FIRST_RE = re.compile(
    rf"{_POSTCODE_PREFIX}?(?:\d{{5}}-\d{{3}}|〒\s?\d{{3}}-\d{{4}}|\d{{5}}|\d{{4}}(?:\s?(?-i:[A-Z]{{2}}))?|\d{{2}}-\d{{3}}|\d{{4}}-\d{{3}}|\d{{3}}\s\d{{2}}|\d{{6}}"
    rf"|(?-i:[A-Z]{{1,2}})-\d{{4,5}}|(?-i:[A-Z])\d{{4}}(?-i:[A-Z]{{3}})?)(?=\s+{UPPER})"
)
LOWER_POSTCODE_CITY_RE = re.compile(r"\d{4,6}\s+(?P<city>(?-i:[^\W\d_A-Z]+)(?:\s(?-i:[^\W\d_A-Z]+))?)")
SHORT_POSTCODE_RE = re.compile(rf"\d{{3}}(?=\s+{UPPER})")
"""A postcode written before its city: "28004 Madrid", "00-514 Warszawa", "111 21 Stockholm", "CH-8001 Zürich"."""
_DESIGNATOR = r"#?\s?(?:\d{1,5}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)*|(?-i:[A-Z]{1,2})(?:-?\d{1,4})?)(?![\w]|\s?\d{3})"
_UNIT_MARKER = words_re(lex.UNIT_MARKERS)
UNIT_PART_RE = re.compile(
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
DISTRICT_MARKER = words_re(lex.DISTRICT_MARKERS)
_DISTRICT_SUFFIX = "|".join(lex.DISTRICT_SUFFIXES)
DISTRICT_PART_RE = re.compile(
    rf"(?:(?<![\w]){DISTRICT_MARKER}\s?(?:\d{{1,3}}[A-Za-z]?(?![\w])|{CAP_WORD}(?:\s+(?:{NAME_CONNECTOR}\s+)?{CAP_WORD}){{0,2}})"
    rf"|{CAP_WORD}-(?:{_DISTRICT_SUFFIX})(?![\w-]))",
    re.I,
)
"""A district or administrative area: "Col. Centro", "Sector 62", "Quận 1", "Shibuya-ku", "Gangnam-gu"."""
ORDINAL_STREET_RE = re.compile(rf"\d{{1,3}}(?:st|nd|rd|th)\s+{CAP_WORD}(?:\s+{CAP_WORD}){{0,2}}")
"""A street named by an ordinal inside an address: "14th Cross", "2nd Main Road", "11th Ave"."""
SEP_RE = re.compile(r"\s*,\s*|\s+[-–—]\s+|\s+")

LEFT_NUMBER_MARK_RE = re.compile(rf"(?:(?<![\w]){_UNIT_MARKER}\.?\s?:?\s?|(?<![\w])(?:số|Số|House\s+No|H\.\s?No)\.?\s?)\Z", re.I)
"""A marker right before an anchor's house number: "Unit 5/42 ...", "No. 88 Century Avenue", "số 12 ..."."""
_BUILDING = words_re(lex.BUILDING_WORDS, capitalised_only=True)
LEFT_PART_RE = re.compile(
    rf"(?:(?:(?<![\w]){_UNIT_MARKER}\.?\s?:?\s?{_DESIGNATOR}|\d{{1,3}}/F\b)(?P<space>\s+)\Z"
    rf"|(?:(?<![\w]){_UNIT_MARKER}\.?\s?:?\s?{_DESIGNATOR}|\d{{1,3}}/F\b|(?:{CAP_WORD}\s+){{0,2}}{_BUILDING}(?:\s+\d{{1,4}}[A-Za-z]?)?"
    rf"|(?<![\w/-])\d{{1,4}}[A-Za-z]?/\d{{1,4}}[A-Za-z]?|(?<![\w/-])(?-i:[A-Z]{{1,2}})-\d{{1,4}}[A-Za-z]?)\s*,\s*\Z)",
    re.I,
)
"""A unit or building part before the street: "Room 1802, ", "Sakura Heights 305, ", "2/1, ", "B-47, "."""

UNIT_ANCHOR_RE = re.compile(rf"(?<![\w]){_UNIT_MARKER}\.?\s?:?\s?{_DESIGNATOR}(?=\s*,)", re.I)
NUMBER_PHRASE_RE = re.compile(
    rf"(?<![\w/.,:-])(?:(?:No|Nº|N°|số|Số)\.?\s?)?\d{{1,5}}[A-Za-z]?(?:/\d{{1,5}}[A-Za-z]?)?\s+"
    rf"{CAP_WORD}(?:\s+(?:{NAME_CONNECTOR}\s+)?{CAP_WORD}){{0,3}}(?:\s\d{{1,3}})?(?=\s*,)"
)
"""A house number and a capitalised name without a street type ("25 Ly Thuong Kiet, ..."): an address only
with more parts that end in a postcode or a known place."""
NAME_NUMBER_RE = re.compile(
    rf"(?<![\w/.-]){CAP_WORD}(?:\s+(?:{NAME_CONNECTOR}\s+)?{CAP_WORD}){{0,2}}\s+\d{{1,4}}[a-zA-Z]?(?:[/-]\d{{1,4}})?(?=\s*,)"
)
"""A street name without a street type, then its number ("Ilica 10, 10000 Zagreb"): an address only when a
postcode and a known place follow."""
UNNUMBERED_STREET_RE = re.compile(
    rf"(?<![\w/])(?:{_TYPE_BEFORE}\s+{_STREET_NAME}|(?:{CAP_WORD}\s+){{1,3}}(?-i:Road|Street|Avenue|Boulevard|Highway|Lane|Drive|"
    rf"Rd|St|Ave|Blvd))\.?(?=\s*,)"
)
"""A street without a house number ("King Fahd Road, Al Olaya, Riyadh 12214"): an address only with a postcode
after it or two more parts ending in a known place."""

CITY_STATE_ZIP_RE = re.compile(
    rf"\b{_CITY},\s*(?:{_STATE}|{_STATE_NAME})\.?\s+{_ZIP}\b|\b{CAP_WORD}(?:\s+{CAP_WORD})?,?\s+{_AU_STATE}\s+\d{{4}}\b",
    re.I,
)
PO_BOX_RE = re.compile(
    rf"\b(?:(?:G\.?\s?)?P\.?\s?O\.?\s*Box|Post\s+Office\s+Box|Locked\s+Bag|Private\s+Bag|PMB|P\.M\.B\.|"
    rf"(?:RR|R\.R\.|HC|rural\s+route)\s*\d{{1,4}}\s+box|Case\s+postale|Casilla(?:\s+de\s+correos?)?|"
    rf"Apartado(?:\s+(?:de\s+correos|postal))?|Apdo\.|Caixa\s+Postal|Postfach|Casella\s+postale|Postbus|Postboks|"
    rf"Postbox|Skrytka\s+pocztowa|P\.\s?K\.|Posta\s+Kutusu|Boîte\s+postale|(?-i:C\.\s?P\.|B\.\s?P\.|BP|CP))"
    rf"\s*\.?\s*\d{{1,6}}(?:\s\d{{2}}\s\d{{2}})?(?:-\d{{5}})?\b"
    rf"(?:,?\s+{_CITY},?\s+{_STATE_ZIP}(?![A-Za-z0-9]))?",
    re.I,
)
"""PO boxes in several languages: "PO Box 881", "Postfach 10 12 34", "Apartado 1234", "C.P. 218"."""
WEAK_PO_BOX_RE = re.compile(r"(?-i:C\.\s?P\.|B\.\s?P\.|BP|CP)")
POSTCODE_CUE_RE = re.compile(
    rf"\b(?:post\s*code|postal\s+code|zip(?:\s*code)?|eircode)\s*(?:is|:)?\s*(?P<code>{_UK_POSTCODE}|{_EIRCODE}|"
    rf"{_CA_POSTCODE})(?![\w-])",
    re.I,
)
STANDALONE_POSTCODE_RE = re.compile(rf"(?<![\w-])(?:{CAP_WORD}\s+)?(?-i:[A-Z]{{1,2}}\d[A-Z\d]?\s\d[A-Z]{{2}})(?![\w-])")
"""A UK postcode with its space ("W2 4BH") is specific enough on its own."""


ANY_DIGIT_RE = re.compile(r"\d")
