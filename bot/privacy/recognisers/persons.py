"""``PERSON``: person names.

Cue phrases ("my name is" and its equivalents in other languages, "this is", "thanks", greetings,
thanks and sign-offs of many languages, "ask for", "he's", "my wife", "Agent", "account holder",
"- Deepa", "X here", "X said"), titles ("Mrs."), a name addressed after a comma ("Got it,
Gemma."), a name alone at the end of a message ("... KAREN MILLER"), surname particles ("van der
Merwe", "al-Qahtani", "dela Cruz"), honorifics of other languages ("Khun Somchai"), names in
capitals or lower case after a cue ("THIS IS DAVID MWANGI", "this is ahmad bin ismail"),
native-script names after a cue ("山田です", "我叫王伟", "김민준 입니다", "أنا أحمد") or alone at the end
of a message ("，王伟"), the hand-written given names and surnames of :mod:`bot.privacy.lexicon` (a
name without any cue) and its international list of ~89,000 names from 105 countries (a name with
a cue, or two or more names together, when it is rarely an English word: "Zeynep Kaya" needs no
cue, "Oliver" needs one, "Hope" needs a strong one); a name no list knows only right after a
greeting or a role ("Kia ora Aroha!", "Agent Oyelaran"); whole-message names and names joined by
"and" to a found one. Brand names (Michael Kors, Dr. Martens...), streets ("Calle Mayor") and known
places ("São Paulo", "Santa Monica") are never names. The cues are in
:mod:`bot.privacy.recognisers.name_cues`, the lexicon look-ups in
:mod:`bot.privacy.recognisers.name_scores`.
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence

from bot.privacy import lexicon as lex
from bot.privacy.detection import Detection
from bot.privacy.recognisers.name_cues import (
    ARABIC_NAME_RE,
    ARABIC_RE,
    BRAND_RE,
    CJK_LAST_NAME_RE,
    CJK_NAME_AFTER_RE,
    CJK_NAME_BEFORE_RE,
    CONTACT_CUE_RE,
    CUE_RE,
    DASH_SIGN_OFF_RE,
    ENGLISH_CUE_RE,
    FUNCTION_WORDS,
    GREETING_ONLY_RE,
    HANGUL_NAME_BEFORE_RE,
    HANGUL_NAME_RE,
    HONORIFIC_RE,
    INITIAL_RE,
    LAST_SENTENCE_RE,
    LOWER_TITLE_RE,
    MA_RE,
    NAME_TOKEN_RE,
    NOT_NAMES_AFTER_GREETING,
    NOT_NAMES_AFTER_ROLE,
    OTHER_SIGN_OFF_RE,
    PARTICLE_NAME_RE,
    PLACE_LEADS,
    PLACE_NOUNS,
    POST_CUE_RE,
    PREP_CUE_RE,
    PRODUCT_NOUNS,
    RELATION_CUE_RE,
    SIGN_OFF_RE,
    STREET_LEADS,
    STRONG_CUE_RE,
    TITLE_RE,
    VOCATIVE_RE,
    is_brand,
)
from bot.privacy.recognisers.name_scores import fold_key, is_capitalised, name_score, word_like
from bot.privacy.recognisers.vocabulary import (
    GREETING_WORDS,
    PHONE_CUE_WORDS,
    PLACE_KEYS,
    STOP_WORDS,
    is_place,
)
from bot.privacy.regex import CJK_OR_HANGUL_RE


def _particles(tokens: Sequence[re.Match], index: int, lower_ok: bool = False) -> int:
    """How many surname particles start at tokens[index] before a capitalised surname (0 when none).

    "van der" in "Pieter van der Merwe"; not "de" before a place ("Ramírez de Guadalajara").
    ``lower_ok``: the name is written in lower case, so the surname may be too ("ahmad bin ismail").
    """
    count = 0
    while index + count < len(tokens) and count < 3 and tokens[index + count].group() in lex.NAME_PARTICLES:
        count += 1
    if not count or index + count >= len(tokens):
        return 0
    surname = tokens[index + count]
    gaps = "".join(t.string[t.end():n.start()] for t, n in zip(tokens[index - 1:index + count], tokens[index:index + count + 1]))
    lower_surname = lower_ok and surname.group().islower() and name_score(fold_key(surname.group())) is not None
    if gaps.strip() or not (is_capitalised(surname.group()) or lower_surname) or is_place(surname.group()):
        return 0
    if fold_key(surname.group()) in lex.COMMON_WORDS:
        return 0
    return count


def _name_tail(tokens: Sequence[re.Match], first_index: int, any_case: bool) -> int:
    """Index after the last further name token following tokens[first_index] (up to four tokens in all).

    A quoted nickname may sit inside ('Robert "Bobby" Lang').
    """
    end = first_index + 1
    while end < len(tokens) and end - first_index < 4:
        token = tokens[end].group()
        key = fold_key(token)
        gap = tokens[end - 1].string[tokens[end - 1].end(): tokens[end].start()]
        lower_case_name = not is_capitalised(tokens[first_index].group())
        particles = _particles(tokens, end, lower_ok=tokens[first_index].group().islower()) if token.islower() and gap == " " else 0
        if particles:
            end += particles + 1  # "Pieter van der Merwe", "Sanne de Vries"
            continue
        quoted = re.fullmatch(r"\s+[\"“(]", gap) and end + 1 < len(tokens) and re.fullmatch(
            r"[\"”)]\s+", tokens[end].string[tokens[end].end(): tokens[end + 1].start()])
        if quoted:
            end += 1  # the nickname; the surname after it must follow the rules below
            continue
        if gap.strip() and not re.fullmatch(r"[\"”)]\s+", gap):
            break
        if gap == " " and PARTICLE_NAME_RE.fullmatch(token):
            end += 1  # "Khalid al-Rashidi"
            continue
        if gap == " " and token.isupper() and len(token) > 1 and tokens[first_index].group().isupper() and \
                key not in FUNCTION_WORDS and key not in lex.COMMON_WORDS and name_score(key) is not None:
            end += 1  # "DAVID MWANGI": a name in capitals goes on in capitals
            continue
        if key in FUNCTION_WORDS or (not is_capitalised(token) and not any_case and (
                key not in lex.SURNAMES or (key in lex.AMBIGUOUS_NAMES and not lower_case_name))):
            break  # "alessandro phoenix", but not "John Lewis price match"
        if key in lex.COMMON_WORDS and not (is_capitalised(token) and name_score(key)):
            break
        if any_case and token.islower() and name_score(key) is None:
            break  # "Mi nombre es Guadalupe Hernández y necesito ayuda"
        if key in lex.FIRST_NAMES and not is_capitalised(token) and not any_case:
            break
        end += 1
    return end


def find_persons(text: str) -> List[Detection]:
    """Person names (see module docstring for the rules)."""
    found: List[Detection] = []
    tokens = list(NAME_TOKEN_RE.finditer(text))
    if not tokens:
        return found
    by_start = {t.start(): i for i, t in enumerate(tokens)}
    brand_cache: List[List[tuple]] = []

    def brand_spans() -> List[tuple]:
        if not brand_cache:
            brand_cache.append([m.span() for m in BRAND_RE.finditer(text)])
        return brand_cache[0]

    def add(first: int, end: int, recogniser: str, start_char: Optional[int] = None) -> None:
        while end - first > 1 and start_char is None and lex.fold(tokens[first].group()) in GREETING_WORDS:
            first += 1  # "Olá Thiago": the greeting is no part of the name
        start = tokens[first].start() if start_char is None else start_char
        stop = tokens[end - 1].end()
        if text[stop - 2:stop] in ("'s", "’s"):
            stop -= 2
        surface = text[tokens[first].start():stop]
        if is_brand(text, tokens[first].start(), stop, brand_spans()):
            return
        following = re.match(r"[\s\"”]+([^\W\d_]+)", text[stop:])
        if following and following.group(1).lower() in PRODUCT_NOUNS | PLACE_NOUNS:
            return  # "the Jackson boots", "Ho Chi Minh City"
        last = fold_key(tokens[end - 1].group())
        if end - first > 1 and last in PLACE_NOUNS and not (name_score(last) and name_score(last).surname):
            return  # "Victoria Station", but "Jae-won Park"
        before = re.search(r"([^\W\d_]+)\.?\s+$", text[:tokens[first].start()])
        if before and before.group(1).lower() in PLACE_LEADS and is_capitalised(before.group(1)) and recogniser not in (
                "cue-strong", "title"):
            return  # "Santa Monica", "Saint Patrick"
        if end - first > 1 and len({t.group().lower() for t in tokens[first:end]}) == 1:
            return  # "Bora Bora"
        if recogniser not in ("cue-strong", "title"):
            if fold_key(tokens[first].group()) in PHONE_CUE_WORDS:
                return  # "mobil 070-318 42 96", "cel 55 4187 2936"
            if fold_key(tokens[first].group()) in STREET_LEADS and end - first > 1:
                return  # "Calle Mayor", "Rua Augusta": a street, not a person
            if before and (is_capitalised(before.group(1)) or text[before.end(1):before.end(1) + 1] == ".") and \
                    fold_key(before.group(1)) in STREET_LEADS:
                return  # "Av. Paulista", "ul. Nowak"
            if lex.fold(surface) in PLACE_KEYS and not (end - first == 1 and fold_key(surface) in lex.FIRST_NAMES):
                return  # "Shipping to São Paulo", "from Lagos"; but "thanks Victoria"
        key = re.sub(r"\s+", " ", surface.lower())
        found.append(Detection(start, stop, "PERSON", key, True, recogniser))

    def at_sentence_start(index: int) -> bool:
        before = text[:tokens[index].start()].rstrip(" \"'“(")
        return not before or before[-1] in ".!?:\n-–—,;"

    for match in TITLE_RE.finditer(text):
        first, last = match.group("first"), match.group("last")
        if not (is_capitalised(first) or PARTICLE_NAME_RE.fullmatch(first)) or fold_key(first) in lex.COMMON_WORDS:
            continue  # "Mr. al-Qahtani" counts
        end = match.end("last") if last and is_capitalised(last) and fold_key(last) not in lex.COMMON_WORDS else match.end("first")
        if is_brand(text, match.start(), end, brand_spans()):
            continue  # "Dr. Martens"
        found.append(Detection(match.start(), end, "PERSON", re.sub(r"\s+", " ", text[match.start("first"):end].lower()), True, "title"))

    for match in LOWER_TITLE_RE.finditer(text):
        name = match.group("name")
        if name in lex.SURNAMES or name in lex.FIRST_NAMES:
            found.append(Detection(match.start(), match.end(), "PERSON", name, True, "title-lower"))

    for cue in SIGN_OFF_RE.finditer(text):
        index = by_start.get(cue.end())
        key = fold_key(tokens[index].group()) if index is not None else ""
        if index is not None and key not in lex.COMMON_WORDS and key not in GREETING_WORDS:
            add(index, _name_tail(tokens, index, any_case=False), "sign-off")  # not "Thanks, cheers mate"

    for cue in OTHER_SIGN_OFF_RE.finditer(text):
        index = by_start.get(cue.end())
        if index is None:
            continue
        token = tokens[index].group()
        score = name_score(fold_key(token))
        if text[tokens[index].end():tokens[index].end() + 1].isdigit():
            continue  # "Thanks! RAVI10 gives you 10% off": a code
        if (is_capitalised(token) or token.isupper()) and score and not score.ambiguous and score.zipf < 4.5 \
                and fold_key(token) not in lex.COMMON_WORDS:
            add(index, _name_tail(tokens, index, any_case=token.isupper()), "sign-off")

    match = DASH_SIGN_OFF_RE.search(text)
    if match:
        index = by_start.get(match.start("name"))
        token = tokens[index].group() if index is not None else ""
        if index is not None and is_capitalised(token) and fold_key(token) not in lex.COMMON_WORDS and word_like(token, 4.5, True):
            add(index, _name_tail(tokens, index, any_case=False), "sign-off-dash")

    for match in INITIAL_RE.finditer(text):
        last = match.group("last")
        index = by_start.get(match.start("last"))
        score = name_score(fold_key(last))
        if index is not None and is_capitalised(last) and score and score.surname and (score.trusted or score.zipf < 4.0):
            add(index, _name_tail(tokens, index, any_case=False), "initial", start_char=match.start())

    for cue in STRONG_CUE_RE.finditer(text):
        index = by_start.get(cue.end())
        if index is None:
            continue
        token = tokens[index].group()
        key = fold_key(token)
        score = name_score(key)
        if token.islower() and (score is None or score.ambiguous or (not score.trusted and score.zipf >= 4.5)):
            continue  # "the cardholder will need to ..."
        if key not in lex.COMMON_WORDS and (token[:1].isupper() or score is not None):
            add(index, _name_tail(tokens, index, any_case=True), "cue-strong")

    for cue in RELATION_CUE_RE.finditer(text):
        index = by_start.get(cue.end())
        if index is None:
            continue
        token = tokens[index].group()
        key = fold_key(token)
        if re.match(r"(?i:customer|client)\b", cue.group()) and key in NOT_NAMES_AFTER_ROLE:
            continue  # "Customer Care", "Client Services"
        if is_capitalised(token) and key not in FUNCTION_WORDS and word_like(token, 5.0, allow_ambiguous=True):
            add(index, _name_tail(tokens, index, any_case=False), "cue-relation")
        elif _unknown_capitalised(text, tokens, index) and name_score(key) is None and not is_brand(
                text, tokens[index].start(), tokens[index].end(), brand_spans()):
            add(index, index + 1, "cue-relation")  # "Agent Oyelaran": a name no list knows
        elif key in lex.FIRST_NAMES and key not in lex.AMBIGUOUS_NAMES:
            add(index, _name_tail(tokens, index, any_case=False), "cue-lower")  # "my name mohammed"

    for cue_re, max_zipf, ambiguous_ok in ((CUE_RE, 4.0, True), (PREP_CUE_RE, 3.5, False)):
        for cue in cue_re.finditer(text):
            index = by_start.get(cue.end())
            if index is None:
                continue
            token = tokens[index].group()
            key = fold_key(token)
            if key in lex.COMMON_WORDS:
                continue
            if key in lex.AMBIGUOUS_NAMES and not ambiguous_ok:
                end = _name_tail(tokens, index, any_case=False)
                if end > index + 1 and is_capitalised(token):
                    add(index, end, "cue")  # "for Grace Miller", but not "greetings from Sydney"
                continue
            if is_capitalised(token) and (key in lex.FIRST_NAMES or key in lex.SURNAMES or word_like(token, max_zipf)):
                add(index, _name_tail(tokens, index, any_case=False), "cue")
            elif cue_re is CUE_RE and token.isupper() and len(token) > 1 and cue.group().isupper() and \
                    key not in lex.AMBIGUOUS_NAMES and (key in lex.FIRST_NAMES or word_like(token, max_zipf)):
                add(index, _name_tail(tokens, index, any_case=False), "cue-caps")  # "THIS IS DAVID MWANGI"
            elif cue_re is CUE_RE and token.islower() and ENGLISH_CUE_RE.match(cue.group()) and \
                    word_like(token, 4.0) and _particles(tokens, index + 1, lower_ok=True):
                add(index, _name_tail(tokens, index, any_case=False), "cue-lower")  # "this is ahmad bin ismail"
            elif not token.islower() or not (cue_re is PREP_CUE_RE or ENGLISH_CUE_RE.match(cue.group())):
                if cue_re is CUE_RE and GREETING_ONLY_RE.match(cue.group()) and _unknown_capitalised(text, tokens, index):
                    end = index + 1
                    if end < len(tokens) and _unknown_capitalised(text, tokens, end) and text[tokens[index].end():tokens[end].start()] == " ":
                        end += 1
                    if re.match(r"\s*(?:[!,.?]|$|here\b)", text[tokens[end - 1].end():]):
                        add(index, end, "cue-greeting")  # "Kia ora Aroha!", "Talofa Sione,"
                continue  # lower-case names only after English cues ("hey it's anh", not "grazie mille")
            elif key in lex.FIRST_NAMES and key not in lex.AMBIGUOUS_NAMES:
                add(index, _name_tail(tokens, index, any_case=False), "cue-lower")
            elif cue_re is CUE_RE and token.islower() and word_like(token, 3.0):
                add(index, _name_tail(tokens, index, any_case=False), "cue-lower")  # "hey it's anh"
            elif cue_re is CUE_RE and token.islower() and word_like(token, 4.5) and name_score(key).given and \
                    re.match(r"\s+(?:again|here)\b", text[tokens[index].end():]):
                add(index, index + 1, "cue-lower")  # "its jess again"

    for index, token_match in enumerate(tokens):
        token = token_match.group()
        key = fold_key(token)
        capitalised = is_capitalised(token)
        if key in lex.COMMON_WORDS:
            continue
        score = name_score(key)
        if score is None:
            continue
        if capitalised and score.trusted and key in lex.FIRST_NAMES and key not in lex.COMMON_WORDS:
            end = _name_tail(tokens, index, any_case=False)
            if end > index + 1 or key not in PLACE_KEYS:
                add(index, end, "given-name")  # but "Victoria is lovely": a place as much as a name, without a cue
            continue
        if capitalised and score.ambiguous and index > 0 and re.match(r"\s*[?!]", text[token_match.end():]):
            add(index, index + 1, "vocative")  # "What is your membership level Crystal?"
            continue
        post = POST_CUE_RE.match(text, token_match.end())
        if post and (capitalised or score.trusted) and not score.ambiguous and score.given \
                and (score.trusted or score.zipf < 4.0) and at_sentence_start(index):
            add(index, index + 1, "cue-after")  # "Elif said ...", "ibrahim here"; not "Nordstrom said"
            continue
        if capitalised and score.given and key not in PLACE_LEADS and key not in lex.COMMON_WORDS:
            end = _name_tail(tokens, index, any_case=False)
            if end > index + 1:
                scores = [name_score(fold_key(t.group())) for t in tokens[index:end]]
                if all(scores) and not any(s.ambiguous for s in scores):
                    zipfs = [s.zipf for s in scores]
                    following = re.match(r"\s+([^\W\d_]+)", text[tokens[end - 1].end():])
                    if min(zipfs) < 3.4 and max(zipfs) < 5.0 and not (following and following.group(1).lower() in PLACE_NOUNS):
                        add(index, end, "name-sequence")  # "Nomvula Dlamini", "Pham Minh Chau"
                        continue
                    post = POST_CUE_RE.match(text, tokens[end - 1].end())
                    if post and max(zipfs) < 5.0 and at_sentence_start(index):
                        add(index, end, "cue-after")

    # Honorifics and doorbell labels of other languages: "Khun Somchai", "ma'am Maria Clarissa dela Cruz"
    for cue in HONORIFIC_RE.finditer(text):
        index = by_start.get(cue.end())
        if index is None:
            continue
        token = tokens[index].group()
        key = fold_key(token)
        score = name_score(key)
        if not is_capitalised(token) or key in lex.COMMON_WORDS or key in PLACE_KEYS:
            continue
        english = cue.group().strip().lower() in ("sir", "madam", "madame", "ma'am", "maam", "buzzer")
        if (score is not None and not score.ambiguous and (score.trusted or score.zipf < 4.5)) or (
                score is None and not english and _unknown_capitalised(text, tokens, index)):
            add(index, _name_tail(tokens, index, any_case=False), "honorific")  # not "Madam Tussauds"

    for cue in MA_RE.finditer(text):
        index = by_start.get(cue.end())
        score = name_score(fold_key(tokens[index].group())) if index is not None else None
        if score is not None and score.given and not score.ambiguous:
            add(index, _name_tail(tokens, index, any_case=False), "title", start_char=cue.start())  # "Ma. Clarissa"

    # A name to reach someone by, before "at"/"on" ("tell Mehdi at the warehouse", "Contact Li Na at ...") or
    # asked for at the end ("ask for Penelope")
    for cue in CONTACT_CUE_RE.finditer(text):
        index = by_start.get(cue.end())
        if index is None:
            continue
        token = tokens[index].group()
        key = fold_key(token)
        score = name_score(key)
        if not is_capitalised(token) or key in lex.COMMON_WORDS or key in PLACE_KEYS:
            continue
        end = _name_tail(tokens, index, any_case=False)
        after = text[tokens[end - 1].end():]
        if score is not None and not score.ambiguous and (score.trusted or score.zipf < 4.5) and re.match(r"\s+(?:at|on|via)\b", after):
            add(index, end, "cue-contact")
        elif re.match(r"(?i:ask(?:ed)?\s+for)", cue.group()) and re.match(r"\s*(?:[.!,]|$)", after) and (
                score is not None and not score.ambiguous or _unknown_capitalised(text, tokens, index)):
            add(index, end, "cue-contact")

    # "Carlos and Lucía": a name joined to a found one is a name too
    for detection in list(found):
        after = re.match(r"\s+(?:and|&|or|y|et|und)\s+", text[detection.end:])
        if after:
            index = by_start.get(detection.end + after.end())
            if index is not None and is_capitalised(tokens[index].group()) and word_like(tokens[index].group(), 4.5, True):
                add(index, _name_tail(tokens, index, any_case=False), "coordinated")
        before = re.search(r"(?:^|\s)([^\W\d_][\w'’-]*)\s+(?:and|&|or|y|et|und)\s+$", text[:detection.start])
        if before:
            index = by_start.get(before.start(1))
            if index is not None and is_capitalised(before.group(1)) and word_like(before.group(1), 4.5, True):
                add(index, index + 1, "coordinated")

    # A name said at the end of a sentence after a comma: "Got it, Gemma.", "here, Grace — I've ..."
    for match in VOCATIVE_RE.finditer(text):
        index = by_start.get(match.start("name"))
        if index is None:
            continue
        token = tokens[index].group()
        key = fold_key(token)
        score = name_score(key)
        if not score or key in lex.COMMON_WORDS or not score.given or (score.zipf >= 4.5 and key not in lex.FIRST_NAMES):
            continue
        if score.ambiguous and key not in lex.FIRST_NAMES:
            continue  # ", Will." stays a word
        add(index, index + 1, "vocative")

    # A name alone at the end of a message, after a finished sentence: "... order HP-774310. KAREN MILLER"
    last = LAST_SENTENCE_RE.search(text)
    if last and last.start("name") > 0:
        first_index = by_start.get(last.start("name"))
        names = tokens[first_index:] if first_index is not None else []
        keys = [fold_key(t.group()) for t in names]
        scores = [name_score(k) for k in keys]
        if 1 <= len(names) <= 3 and all(scores) and scores[0].given and not any(s.ambiguous for s in scores) \
                and not any(k in lex.COMMON_WORDS for k in keys) \
                and all(is_capitalised(t.group()) or (t.group().isupper() and len(names) > 1) for t in names) \
                and all(s.trusted or s.zipf < (4.5 if len(names) > 1 else 4.0) for s in scores):
            add(first_index, len(tokens), "last-line")

    # Native-script names: "山田です", "我叫王伟", "저는 김민지입니다", "김민준 입니다", "أنا أحمد الشريف", and a
    # Chinese or Japanese name alone at the end after a comma or "！" ("，王伟", "謝謝！林怡君", "。田中 花子")
    native = (CJK_NAME_BEFORE_RE, CJK_NAME_AFTER_RE, HANGUL_NAME_RE, HANGUL_NAME_BEFORE_RE, CJK_LAST_NAME_RE)
    for regex in native if CJK_OR_HANGUL_RE.search(text) else ():  # most turns hold no such script
        for match in regex.finditer(text):
            name = match.group("name")
            compact = name.replace(" ", "")
            if regex is CJK_LAST_NAME_RE and (compact in lex.CJK_NOT_NAMES or len(compact) > 4 or (
                    len(compact) == 4 and compact[:2] not in lex.CJK_SURNAMES) or len(set(compact)) == 1
                    or any(c in lex.CJK_FUNCTION_CHARS for c in compact[1:])):
                continue  # "，谢谢你", "，方便吗"
            if regex in (HANGUL_NAME_RE, HANGUL_NAME_BEFORE_RE) or name[:2] in lex.CJK_SURNAMES or name[:1] in lex.CJK_SURNAMES:
                found.append(Detection(match.start("name"), match.end("name"), "PERSON", name, True, "native-script"))
    for match in ARABIC_NAME_RE.finditer(text) if ARABIC_RE.search(text) else ():
        words = match.group("name").split()
        if match.group("cue") in ("أنا", "انا") and words[0] not in lex.ARABIC_GIVEN_NAMES:
            continue  # "أنا بخير" ("I'm fine")
        found.append(Detection(match.start("name"), match.end("name"), "PERSON", match.group("name"), True, "native-script"))

    # A whole message that is just a name: "joyce wu", "Crystal Minh", "Jean-Pierre Dubois", "Jessica."
    words = [t.group() for t in tokens]
    if 1 <= len(words) <= 4 and re.fullmatch(r"\s*[^\W\d_][\w'’\s-]*[.!]?\s*", text):
        keys = [fold_key(w) for w in words]
        scores = [name_score(k) for k in keys]
        first_ok = keys[0] in lex.FIRST_NAMES or (scores[0] is not None and scores[0].given and scores[0].zipf < 4.0)
        if first_ok and not any(k in lex.COMMON_WORDS for k in keys) and all(scores):
            if len(words) > 1 or keys[0] not in lex.AMBIGUOUS_NAMES:
                add(0, len(tokens), "whole-message")
    return found


def _unknown_capitalised(text: str, tokens: Sequence[re.Match], index: int) -> bool:
    """A capitalised token that no list knows (no name, no word, no place, no brand): "Aroha" after "Kia ora"."""
    token = tokens[index].group()
    key = fold_key(token)
    if not is_capitalised(token) or len(token) < 3 or text[tokens[index].end():tokens[index].end() + 1].isdigit():
        return False
    if key in lex.COMMON_WORDS or key in NOT_NAMES_AFTER_GREETING or key in PLACE_KEYS or key in STOP_WORDS:
        return False
    return name_score(key) is not None or not is_brand(text, tokens[index].start(), tokens[index].end())
