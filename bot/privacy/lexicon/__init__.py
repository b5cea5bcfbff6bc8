"""Word lists of the recognisers, one import for all of them (``from bot.privacy import lexicon as lex``).

Two kinds of data:

* hand-written lists (:mod:`~bot.privacy.lexicon.words`: everyday words, phone cues, greetings,
  thanks and sign-offs of many languages; :mod:`~bot.privacy.lexicon.names`: common US/Canadian
  given names and surnames across origins, names that are also words, brand names a clothing
  retailer's customers mention, surname particles, honorifics, native-script surnames;
  :mod:`~bot.privacy.lexicon.addresses`: street types, states, unit and district markers, cities,
  regions and countries): trusted enough to find a name without any cue;
* ``names.tsv.gz`` (:mod:`~bot.privacy.lexicon.international`): about 89,000 given names and
  surnames from 105 countries, each with its frequency as an ordinary English word, loaded lazily
  on first use.

Standard library only: importable in any environment.
"""

from __future__ import annotations

from bot.privacy.lexicon.addresses import (
    ADDRESS_ENDERS,
    ADDRESS_STOPWORDS,
    BUILDING_WORDS,
    CITIES,
    COUNTRIES,
    DISTRICT_MARKERS,
    DISTRICT_SUFFIXES,
    REGIONS,
    STATE_NAMES,
    STATES,
    STREET_PREPOSITIONS,
    STREET_SUFFIXES,
    STREET_TYPES_AFTER,
    STREET_TYPES_BEFORE,
    UNIT_MARKERS,
)
from bot.privacy.lexicon.international import (
    ENGLISH_SPEAKING,
    NAMES_FILE,
    NameLexicon,
    build_names_file,
    fold,
    international_names,
    reduce_names,
    write_names_file,
)
from bot.privacy.lexicon.names import (
    AMBIGUOUS_NAMES,
    ARABIC_GIVEN_NAMES,
    BRANDS,
    CJK_FUNCTION_CHARS,
    CJK_NOT_NAMES,
    CJK_SURNAMES,
    FIRST_NAMES,
    HANGUL_SURNAMES,
    HONORIFICS,
    NAME_PARTICLES,
    SURNAMES,
)
from bot.privacy.lexicon.words import COMMON_WORDS, GREETINGS, PHONE_CUES, SIGN_OFFS, THANKS

__all__ = [
    "ADDRESS_ENDERS", "ADDRESS_STOPWORDS", "AMBIGUOUS_NAMES", "ARABIC_GIVEN_NAMES", "BRANDS", "BUILDING_WORDS",
    "CITIES", "CJK_FUNCTION_CHARS", "CJK_NOT_NAMES", "CJK_SURNAMES", "COMMON_WORDS", "COUNTRIES",
    "DISTRICT_MARKERS", "DISTRICT_SUFFIXES", "ENGLISH_SPEAKING", "FIRST_NAMES", "GREETINGS", "HANGUL_SURNAMES",
    "HONORIFICS", "NAMES_FILE", "NAME_PARTICLES", "NameLexicon", "PHONE_CUES", "REGIONS", "SIGN_OFFS",
    "STATES", "STATE_NAMES", "STREET_PREPOSITIONS", "STREET_SUFFIXES", "STREET_TYPES_AFTER",
    "STREET_TYPES_BEFORE", "SURNAMES", "THANKS", "UNIT_MARKERS", "build_names_file", "fold",
    "international_names", "reduce_names", "write_names_file",
]
