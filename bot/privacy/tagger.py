"""A learned tagger for person names, street addresses and identifiers, next to the rule recognisers.

The rules of :mod:`bot.privacy.recognisers` find every e-mail, card and IBAN of the blind test sets, but
each new author's names and addresses fooled them in new ways (recall 0.68-0.88 on sets measured
as is). This module adds a linear-chain CRF (``python-crfsuite``) over tokens, trained on the
labelled sentences of ``tests/bot/data/fixtures/pii_eval.jsonl``: features of each token and its
neighbours (lower-cased word, shape, script, affixes, name-lexicon scores, address-word lists).
Its PERSON, ADDRESS, ORDER_ID and ACCOUNT_ID spans are added where no rule detection overlaps
them, or replace a rule's shorter span of the same type. Han, kana and Hangul are tagged a
character at a time (no spaces between words). The rules' own detections are deliberately not features: the rules were fitted
to most of the training sentences, so a CRF trained on them learned to trust them and added
nothing on new sets (blind5 person recall 0.78 with them as features, 0.84 without).

The model (``tagger.crfsuite``, about 2 MB) is committed next to this file and rebuilt with
``python -m bot data train-redaction-tagger``; it is never trained on the groups it is measured on
(``HELD_OUT_GROUPS``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from bot.privacy import lexicon as lex
from bot.privacy.recognisers.name_scores import fold_key, name_score


MODEL_FILE = Path(__file__).with_name("tagger.crfsuite")
TAGGED_TYPES = ("PERSON", "ADDRESS", "ORDER_ID", "ACCOUNT_ID")
HELD_OUT_GROUPS = ("blind6", "blind9", "blind18")
"""Labelled groups the shipped model never sees: the honest measurement of the tagger."""

_TOKEN_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]|[^\W_]+|[^\s\w]|_+")

Token = Tuple[int, int, str]


def tokenize(text: str) -> List[Token]:
    """(start, end, text) of every word, digit run and punctuation mark; CJK one character each."""
    return [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text)]


def _script(char: str) -> str:
    if char.isdigit():
        return "digit"
    if not char.isalpha():
        return "punct"
    name = unicodedata.name(char, "")
    for script in ("LATIN", "CYRILLIC", "GREEK", "ARABIC", "HEBREW", "DEVANAGARI", "HANGUL", "HIRAGANA",
                   "KATAKANA", "CJK", "THAI"):
        if name.startswith(script) or f" {script} " in f" {name} ":
            return script.lower()
    return "other"


def _shape(word: str) -> str:
    shape = re.sub(r"[A-Z]", "X", re.sub(r"[a-z]", "x", re.sub(r"\d", "d", word)))
    return re.sub(r"(.)\1{2,}", r"\1\1", shape)


@lru_cache(maxsize=1)
def _word_sets() -> Dict[str, frozenset]:
    """The lexicon's word lists, lower-cased, by feature name."""
    def lower(values: Iterable[str]) -> frozenset:
        return frozenset(v.lower().rstrip(".") for v in values)

    return {
        "street": lower((*lex.STREET_SUFFIXES, *lex.STREET_TYPES_BEFORE, *lex.STREET_TYPES_AFTER)),
        "unit": lower(lex.UNIT_MARKERS),
        "district": lower(lex.DISTRICT_MARKERS),
        "building": lower(lex.BUILDING_WORDS),
        "city": lower(lex.CITIES),
        "region": lower((*lex.REGIONS, *lex.STATES, *lex.STATE_NAMES)),
        "country": lower(lex.COUNTRIES),
        "greeting": lower(lex.GREETINGS),
        "thanks": lower(lex.THANKS),
        "signoff": lower(lex.SIGN_OFFS),
        "honorific": lower(lex.HONORIFICS),
        "particle": lower(lex.NAME_PARTICLES),
        "brand": lower(lex.BRANDS),
        "common": lower(lex.COMMON_WORDS),
        "cjk_surname": frozenset(lex.CJK_SURNAMES) | frozenset(lex.HANGUL_SURNAMES),
    }


@lru_cache(maxsize=200_000)
def _word_features(word: str) -> Tuple[str, ...]:
    """Features of a word on its own (cached: the same words recur)."""
    lower = word.lower()
    feats = [f"w={lower}", f"shape={_shape(word)}", f"script={_script(word[0])}", f"len={min(len(word), 8)}"]
    if len(word) > 3:
        feats += [f"pre3={lower[:3]}", f"suf3={lower[-3:]}", f"suf2={lower[-2:]}"]
    if word[:1].isupper():
        feats.append("upper1")
    if word.isupper() and len(word) > 1:
        feats.append("allcaps")
    if any(c.isdigit() for c in word):
        feats.append("hasdigit")
    for name, words in _word_sets().items():
        if lower in words:
            feats.append(f"in={name}")
    if word[0].isalpha() and _script(word[0]) in ("latin", "cyrillic", "greek"):
        score = name_score(fold_key(word))
        if score is not None:
            feats.append("name")
            feats.append(f"name_zipf={min(int(score.zipf), 6)}")
            if score.given:
                feats.append("name_given")
            if score.surname:
                feats.append("name_surname")
            if score.trusted:
                feats.append("name_trusted")
            if score.ambiguous:
                feats.append("name_ambiguous")
    return tuple(feats)


def sentence_features(text: str, tokens: Sequence[Token]) -> List[List[str]]:
    """CRF features of every token: its own and its neighbours' (two each side)."""
    own = [_word_features(t[2]) for t in tokens]
    out: List[List[str]] = []
    for i, (start, end, word) in enumerate(tokens):
        feats = ["bias", *own[i]]
        if i == 0:
            feats.append("BOS")
        if start > 0 and text[start - 1] not in " \t\n":
            feats.append("glued_left")
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if 0 <= j < len(tokens):
                neighbour = own[j]
                feats.append(f"{offset}:{neighbour[0]}")
                feats += [f"{offset}:{f}" for f in neighbour[1:] if f.startswith(("in=", "name", "upper1", "shape="))]
            else:
                feats.append(f"{offset}:none")
        if i >= 2:
            feats.append(f"prev2={tokens[i - 2][2].lower()}|{tokens[i - 1][2].lower()}")
        if i + 2 < len(tokens):
            feats.append(f"next2={tokens[i + 1][2].lower()}|{tokens[i + 2][2].lower()}")
        out.append(feats)
    return out


def _tags_of(tokens: Sequence[Token], spans: Iterable[Tuple[int, int, str]], outside: str = "O") -> List[str]:
    """BIO tags of tokens under labelled (start, end, type) spans."""
    tags = [outside] * len(tokens)
    for start, end, kind in sorted(spans):
        inside = [i for i, (s, e, _) in enumerate(tokens) if s < end and start < e]
        for position, i in enumerate(inside):
            tags[i] = ("B-" if position == 0 else "I-") + kind
    return tags


def _runs(tags: Sequence[str]) -> List[Tuple[int, int, str]]:
    """(first token, last token, type) of each B/I run of the tagged types."""
    runs: List[Tuple[int, int, str]] = []
    current: Optional[List] = None
    for index, tag in enumerate(tags):
        kind = tag[2:] if tag != "O" else None
        if kind and (tag.startswith("B-") or current is None or current[2] != kind):
            if current:
                runs.append(tuple(current))
            current = [index, index, kind]
        elif kind:
            current[1] = index
        else:
            if current:
                runs.append(tuple(current))
            current = None
    if current:
        runs.append(tuple(current))
    return [r for r in runs if r[2] in TAGGED_TYPES]


def spans_from_tags(tokens: Sequence[Token], tags: Sequence[str]) -> List[Tuple[int, int, str]]:
    """(start, end, type) of each B/I run of the tagged types."""
    return [(tokens[first][0], tokens[last][1], kind) for first, last, kind in _runs(tags)]


def training_rows(rows: Iterable[dict]) -> Iterable[Tuple[List[List[str]], List[str]]]:
    """(features, gold tags) of labelled rows; only the ``TAGGED_TYPES`` are learned."""
    for row in rows:
        tokens = tokenize(row["text"])
        if not tokens:
            continue
        gold = _tags_of(tokens, ((s["start"], s["end"], s["type"]) for s in row["spans"] if s["type"] in TAGGED_TYPES))
        yield sentence_features(row["text"], tokens), gold


def train(rows: Sequence[dict], model_file: Path, c1: float = 0.05, c2: float = 0.05,
          max_iterations: int = 150) -> Path:
    """Train the CRF on labelled rows and write it to ``model_file`` (atomically).

    ``c1``/``c2`` (L1/L2 penalties) were chosen on the blind4 and blind5 groups, each held out in turn.
    """
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for features, gold in training_rows(rows):
        trainer.append(features, gold)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": max_iterations,
                        "feature.possible_transitions": True})
    staging = model_file.with_suffix(model_file.suffix + ".tmp")
    trainer.train(str(staging))
    staging.replace(model_file)
    return model_file


class PiiTagger:
    """Loads the CRF once; ``spans`` tags one text."""

    def __init__(self, model_file: Path = MODEL_FILE) -> None:
        import pycrfsuite

        if not model_file.is_file():
            raise FileNotFoundError(f"{model_file}: no redaction tagger model; build it with "
                                    "`python -m bot data train-redaction-tagger`")
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_file))

    def spans(self, text: str, min_confidence: float = 0.5) -> List[Tuple[int, int, str]]:
        """Spans of the tagged types whose tokens' mean marginal probability is at least ``min_confidence``."""
        tokens = tokenize(text)
        if not tokens:
            return []
        tags = self._tagger.tag(sentence_features(text, tokens))
        kept = []
        for first, last, kind in _runs(tags):
            confidence = sum(self._tagger.marginal(tags[i], i) for i in range(first, last + 1)) / (last - first + 1)
            if confidence >= min_confidence:
                kept.append((tokens[first][0], tokens[last][1], kind))
        return kept


@lru_cache(maxsize=4)
def load_tagger(model_file: Path = MODEL_FILE) -> PiiTagger:
    """The tagger of ``model_file``, loaded once per process."""
    return PiiTagger(model_file)
