"""Does a reply answer what was asked? The answer key, the adequacy check and extractive answers.

The support check (:mod:`bot.generation.support`) asks whether each generated sentence is *said
somewhere* in the passage. That lets through replies that are true but answer nothing ("Yes, you
can return a gift you received." without the gift receipt rule or the store credit), copy a
heading-like sentence next to the answer ("Students aged 16 or over enrolled at a college..." for
"any discounts for me?", without the 10%), say nothing ("I take all payment methods available on
the website."), or contradict the sentence that *does* answer the question while agreeing with
another one ("Our shoes are designed to fit true to size.": clothing does, shoes run half a size
small). This module judges a reply against the **answer key**: the passage units (sentences, a
list with its lead-in, a table row) that best answer the question, scored with the same MiniLM
embedder as retrieval plus the share of the question's content words they contain.

:func:`check_reply` refuses a reply that

- is a *fragment* (:func:`is_fragment`): not a complete sentence, only an apology or a
  pleasantry, or sharing no content word with the question while carrying no number, address or
  link of the passage;
- *misses the key*: carries none of the key's new information (content words of a key unit that
  are not already in the question) and none of its numbers, addresses or links;
- *contradicts the key*: a sentence whose closest key sentence disagrees on negation ("No, you
  cannot use a promo code" against "One promo code per order"), or a number the passages do not
  have (the caller's fact check catches those first).

:func:`extractive_answer` is what replaces a refused reply: the passage's best units for the
question, kept whole, in passage order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional, Protocol, Sequence

import numpy as np

from bot.generation.support import has_negation
from bot.guidelines import split_sentences
from bot.knowledge.facts import extract_facts

__all__ = [
    "Unit",
    "KeyUnit",
    "ReplyCheck",
    "Extract",
    "passage_units",
    "answer_key",
    "check_reply",
    "extractive_answer",
    "is_complete_sentence",
    "is_fragment",
    "content_words",
    "strip_yes_no",
]

Embed = Callable[[Sequence[str]], np.ndarray]


class PassageLike(Protocol):
    doc_id: str
    title: str
    heading: str
    text: str


# ---------------------------------------------------------------------------- words


def content_words(text: str) -> set[str]:
    """Stemmed content words, as the retriever's BM25 sees them ("ships" matches "shipping")."""
    from bot.knowledge.retriever import tokenize

    return set(tokenize(text))


# Words a reply may use without adding information (they are in every answer of a help centre).
_FILLER = frozenset(content_words(
    "yes no sure course please help happy glad thanks sorry can will may also just really "
    "harbor pine order item items our you"
))
_APOLOGY_RE = re.compile(
    r"^\W*(?:i'?m|i am|we'?re|we are)?\s*(?:so |very |really |truly )?(?:sorry|apologi[sz]e)\b"
    r"|^\W*(?:thanks?|thank you|you'?re welcome|happy to help|glad to help|no problem|"
    r"i understand|i see|great question|good question|hello|hi)\b",
    re.IGNORECASE,
)
# A finite verb or auxiliary, or an imperative at the start: what makes a heading a sentence.
_VERB_WORDS = frozenset(
    """is are was were be been being am isn't aren't wasn't weren't 's 're 've 'll 'd has have had
    hasn't haven't hadn't do does did don't doesn't didn't can can't cannot could couldn't will
    won't would wouldn't shall should shouldn't may might must need needs get gets got take takes
    took go goes went make makes made give gives gave send sends sent ship ships shipped cost costs
    run runs ran fit fits accept accepts offer offers keep keeps stay stays come comes came work
    works apply applies count counts expire expires arrive arrives pay pays charge charges refund
    refunds return returns exchange exchanges use uses earn earns lets let see sees find finds
    show shows appear appears happen happens contact contacts receive receives include includes
    cover covers ask asks answer answers wash washes deliver delivers wear wears buy buys want
    wants like likes know knows help helps order orders check checks choose chooses change
    changes cancel cancels track tracks verify verifies redeem redeems reset resets sell sells
    lose loses lost become becomes remain remains last lasts follow follows turn turns""".split()
)
_IMPERATIVES = frozenset(
    """check go choose enter wait contact use start ask call email chat tick sign open select
    send pack drop keep try make turn save pick print wash hand dry treat brush wipe store
    remove follow look order reply request visit write add see count let""".split()
)
_PRONOUNS = frozenset("i you we they it he she".split())
_WORD_RE = re.compile(r"[A-Za-z0-9$%][\w'’$%.,-]*")


def _words(text: str) -> list[str]:
    return [w.strip(".,;:!?").lower().replace("’", "'") for w in _WORD_RE.findall(text)]


def _has_verb(sentence: str) -> bool:
    words = _words(sentence)
    if not words:
        return False
    if words[0] in _IMPERATIVES:
        return True
    for position, word in enumerate(words):
        if word in _PRONOUNS and position + 1 < len(words):
            return True  # "If you usually wear a US 8": a subject pronoun comes with its verb
        if word in _VERB_WORDS or "'" in word and word.split("'", 1)[1] in ("s", "re", "ve", "ll", "d", "m", "t"):
            return True
    return False


def is_complete_sentence(sentence: str) -> bool:
    """A sentence a customer can read on its own: capitalised, at least three words, a verb,
    ending in ``.``, ``!`` or ``?`` (not ``:``, ``...`` or mid-word)."""
    text = sentence.strip().strip("\"'”’)")
    if not text or text.endswith(("...", "…", ":", ",", ";")) or text[-1] not in ".!?":
        return False
    first = text.lstrip("\"'“‘(*")[:1]
    if not first or not (first.isupper() or first.isdigit() or first == "$"):
        return False
    if len(_words(text)) < 3:
        return False
    if _has_verb(text):
        return True
    # "Phone: 1-800-555-0142." or "Express: delivery time 1–2 business days; cost $12.95.":
    # a label and its value answer "what's the phone number" as a sentence would
    label, _, value = text.partition(": ")
    return bool(value) and 0 < len(_words(label)) <= 8 and (bool(extract_facts(value)) or len(_words(value)) >= 2)


def _is_pleasantry(sentence: str) -> bool:
    """An apology, thanks or greeting that carries no policy ("I'm sorry about the gift.")."""
    if not _APOLOGY_RE.match(sentence):
        return False
    # "Sorry, gift cards can't be returned." carries content after the apology
    rest = re.sub(r"^\W*[^,.!?]*?(?:sorry|apologi[sz]e|thanks?|thank you|help|understand|question|hello|hi)\b[^,.!?]*[,.!]?",
                  "", sentence, count=1, flags=re.IGNORECASE)
    return len(_words(rest)) < 3


def _passage_facts(passage_texts: Sequence[str]) -> set[str]:
    return {fact.key for text in passage_texts for fact in extract_facts(text)}


def _reply_facts(reply: str) -> set[str]:
    return {fact.key for fact in extract_facts(reply)}


def is_fragment(reply: str, question: str, passage_texts: Sequence[str]) -> bool:
    """True for a reply that is not an answer on its face.

    A fragment is: empty; not made of complete sentences (:func:`is_complete_sentence`); only
    apologies, thanks or greetings; or sharing no content word with the question while carrying
    no number, amount, address or link that the passages have.
    """
    sentences = [s for s in split_sentences(reply) if s.strip()]
    if not sentences:
        return True
    if not all(is_complete_sentence(s) for s in sentences):
        return True
    substantive = [s for s in sentences if not _is_pleasantry(s)]
    if not substantive:
        return True
    body = " ".join(substantive)
    if content_words(body) & content_words(question):
        return False
    return not (_reply_facts(body) & _passage_facts(passage_texts))


# ---------------------------------------------------------------------------- units


@dataclass(frozen=True)
class Unit:
    """A piece of a passage that can be quoted on its own.

    ``kind``: ``sentence``; ``list`` (a lead-in and its items, written as one sentence);
    ``item`` (one list item with its lead-in); ``table`` (one row with its column names). ``passage`` is the index of the passage in the
    list given to :func:`passage_units`' caller, ``position`` the order inside it.
    """

    text: str
    passage: int
    position: int
    kind: str = "sentence"
    context: str = ""
    """The heading the unit sits under (scored with it, never quoted)."""
    path: str = ""
    """The passage's whole heading path ("Payment methods > What we accept"): its words count
    as the unit's for the lexical part of the score."""


MAX_LIST_CHARS = 260
"""A list longer than this is quoted item by item, never whole."""
_LIST_ITEM_RE = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{2,}")
_MARKUP_RE = re.compile(r"\*\*|__|`")


def _clean(text: str) -> str:
    text = _MARKUP_RE.sub("", text)
    text = re.sub(r"(?<!\w)\*(?!\s)([^*]+)(?<!\s)\*(?!\w)", r"\1", text)  # *emphasis*
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # [link](target)
    return re.sub(r"\s+", " ", text).strip()


def _finish(text: str) -> str:
    text = text.strip().rstrip(";,:")
    if text and text[-1] not in ".!?":
        text += "."
    return text[:1].upper() + text[1:]


def _list_unit(lead: str, items: list[str], heading: str) -> str:
    lead = lead.strip().rstrip(":").strip()
    if not lead:
        lead = heading
    items = [item.rstrip(".;,") for item in items]
    if len(items) > 1 and all(";" not in i for i in items):
        joined = ", ".join(items[:-1]) + " and " + items[-1] if all(len(_words(i)) <= 6 for i in items) else "; ".join(items)
    else:
        joined = "; ".join(items)
    return _finish(f"{lead}: {joined}" if lead else joined)


def _table_units(rows: list[list[str]]) -> list[str]:
    header, body = rows[0], rows[1:]
    units = []
    for row in body:
        if len(row) < 2:
            continue
        parts = [f"{header[i].lower()} {cell}" if i < len(header) and header[i] else cell
                 for i, cell in enumerate(row[1:], start=1)]
        units.append(_finish(f"{row[0]}: " + "; ".join(parts)))
    return units


def _is_item_sentence(item: str) -> bool:
    """A list item that reads as a sentence on its own ("Items must be unworn ...")."""
    return is_complete_sentence(_finish(item)) and len(_words(item)) >= 5 and item[:1].isupper()


def passage_units(text: str, passage: int = 0, heading: str = "") -> list[Unit]:
    """Split a passage into quotable units (sentences, lists with their lead-in, table rows).

    Args:
        text: the passage text (markdown lists and pipe tables as the indexer keeps them).
        passage: index stored in each unit.
        heading: the passage's heading path; its last part introduces a list with no lead-in.

    Returns:
        The units in passage order.
    """
    last_heading = heading.split(">")[-1].strip() if heading else ""
    lines = [line.rstrip() for line in text.splitlines()]
    units: list[Unit] = []

    def add(unit_text: str, kind: str) -> None:
        unit_text = _clean(unit_text)
        if len(_words(unit_text)) >= 2:
            units.append(Unit(unit_text, passage, len(units), kind, last_heading, heading))

    i = 0
    lead = ""
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if "|" in line and i + 1 < len(lines) and ("|" in lines[i + 1]):
            rows = []
            while i < len(lines) and "|" in lines[i]:
                if not _TABLE_SEP_RE.match(lines[i]):
                    rows.append([_clean(c) for c in lines[i].strip().strip("|").split("|")])
                i += 1
            if len(rows) >= 2:
                for row_text in _table_units(rows):
                    add(row_text, "table")
            continue
        if _LIST_ITEM_RE.match(line):
            items = []
            while i < len(lines) and (_LIST_ITEM_RE.match(lines[i]) or (lines[i].startswith("  ") and items)):
                if _LIST_ITEM_RE.match(lines[i]):
                    items.append(_clean(_LIST_ITEM_RE.sub("", lines[i])))
                else:
                    items[-1] += " " + _clean(lines[i])
                i += 1
            whole = [item for item in items if _is_item_sentence(item)]
            if len(whole) == len(items):
                for item in items:
                    for sentence in split_sentences(item):
                        add(_finish(sentence), "sentence")
            else:
                intro = _clean(lead).rstrip(":").strip() or last_heading
                if lead and units and units[-1].text == _clean(lead):
                    units.pop()  # the lead-in is quoted with its list
                listed = _list_unit(intro, items, last_heading)
                if len(listed) <= MAX_LIST_CHARS:
                    add(listed, "list")
                for item in items:
                    # one item with its lead-in ("How to reach us: Phone: 1-800-555-0142 ...")
                    add(_finish(f"{intro}: {item}" if intro else item), "item")
            lead = ""
            continue
        sentences = split_sentences(_clean(line))
        for sentence in sentences:
            add(sentence if sentence.endswith(":") else sentence, "sentence")
        lead = sentences[-1] if sentences and sentences[-1].endswith(":") else ""
        i += 1
    # a lead-in whose list never came is not quotable
    return [u for u in units if not u.text.endswith(":")]


# ---------------------------------------------------------------------------- the answer key


@dataclass(frozen=True)
class KeyUnit:
    """A unit scored against the question."""

    unit: Unit
    score: float
    similarity: float
    overlap: float


LEXICAL_WEIGHT = 0.3
"""Weight of the share of the question's content words a unit contains, added to its cosine."""
TABLE_PENALTY = 0.05
"""Table rows lose this much: a plain sentence saying the same is the better quote."""
PASSAGE_PENALTY = 0.05
"""Units of the n-th passage lose n x this much (retrieval ranked them lower)."""
HOLLOW_PENALTY = 0.3
"""Apologies, cross-references ("See Returning a gift.") lose this much, sentences with fewer
than three content words and no number half of it: they sit next to answers without being one."""
ANAPHORA_PENALTY = 0.1
"""A unit opening with a pronoun that points at an earlier sentence loses this much."""
_ANAPHORA_RE = re.compile(r"^\W*(?:it|this|that|they|these|those|he|she)\b(?!\s+(?:is|are)\s+(?:not\s+)?possible)", re.IGNORECASE)
_CROSS_REFERENCE_RE = re.compile(r"^\W*(?:see|read|more (?:details|information) (?:is|are) in|for more)\b", re.IGNORECASE)


def answer_key(question: str, passages: Sequence[PassageLike], embed: Embed, max_passages: int = 1,
               units: Optional[list[Unit]] = None) -> list[KeyUnit]:
    """The units of the first ``max_passages`` passages ranked by how well they answer ``question``.

    Score = MiniLM cosine(question, heading + unit) + :data:`LEXICAL_WEIGHT` x share of the
    question's content words in the unit or its heading, minus the penalties for table rows,
    lower-ranked passages and hollow sentences.
    """
    if units is None:
        units = []
        for index, passage in enumerate(passages[:max_passages]):
            units += passage_units(passage.text, index, passage.heading or passage.title)
    if not units:
        return []
    wanted = content_words(question)
    # scored under their heading: "Hand wash or dry clean only." answers "how do I wash
    # cashmere?" because it sits under "Cashmere" (scoring the unit alone, or its heading's words
    # at half weight, lost 2-3 reference facts of 36 on benchmarks/data/kb_qa_dev2.csv)
    texts = [f"{u.context}: {u.text}" if u.context else u.text for u in units]
    vectors = embed([question, *texts])
    similarity = vectors[1:] @ vectors[0]
    key = []
    for unit, sim in zip(units, similarity):
        words = content_words(f"{unit.text} {unit.context} {unit.path}")
        overlap = len(wanted & words) / len(wanted) if wanted else 0.0
        score = float(sim) + LEXICAL_WEIGHT * overlap - unit.passage * PASSAGE_PENALTY
        if unit.kind == "table":
            score -= TABLE_PENALTY
        substance = len(content_words(unit.text) - _FILLER)
        if _APOLOGY_RE.match(unit.text) or _CROSS_REFERENCE_RE.match(unit.text) or substance < 2:
            score -= HOLLOW_PENALTY  # "We're sorry if something arrived broken", "See Exchanges."
        elif substance < 3 and not extract_facts(unit.text):
            score -= HOLLOW_PENALTY / 2
        if _ANAPHORA_RE.match(unit.text):
            score -= ANAPHORA_PENALTY  # "It is never refunded to the buyer's card.": "it" is elsewhere
        key.append(KeyUnit(unit, score, float(sim), overlap))
    key.sort(key=lambda k: (-k.score, k.unit.passage, k.unit.position))
    return key


# ---------------------------------------------------------------------------- the check


@dataclass(frozen=True)
class ReplyCheck:
    """Outcome of :func:`check_reply`: ``problem`` is ``""`` when the reply answers."""

    problem: str
    coverage: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problem


KEY_UNITS = 2
"""How many of the best units count as the answer key."""
MIN_COVERAGE = 0.25
"""Share of a key unit's new information (content words not in the question) a reply must
carry, unless it carries one of the key's numbers, addresses or links."""


def _new_information(unit: Unit, question_words: set[str]) -> set[str]:
    return content_words(unit.text) - question_words - _FILLER


def check_reply(reply: str, question: str, key: Sequence[KeyUnit], passage_texts: Sequence[str],
                embed: Embed) -> ReplyCheck:
    """Does ``reply`` carry the passage's answer to ``question``?

    Args:
        reply: the generated answer (already fact- and support-checked).
        question: the customer's question (one part of a multi-part question).
        key: :func:`answer_key` of the question, best first.
        passage_texts: the passages in the prompt.
        embed: texts -> normalised vectors.

    Returns:
        ``ReplyCheck("")`` when the reply answers; otherwise the problem: ``fragment``,
        ``repetitive``, ``mixed_up`` (a clause no single passage sentence holds),
        ``contradicts_key`` or ``misses_key``.
    """
    if is_fragment(reply, question, passage_texts):
        return ReplyCheck("fragment")
    if _degenerate(reply):
        return ReplyCheck("repetitive")
    ungrounded = _ungrounded_clause(reply, passage_texts)
    if ungrounded:
        return ReplyCheck("mixed_up")
    if not key:
        return ReplyCheck("")
    top = list(key[:KEY_UNITS])
    question_words = content_words(question)
    reply_words = content_words(reply) - _FILLER
    reply_facts = _reply_facts(reply)
    # Polarity against the best unit's clauses first ("Pine Points rewards can be used together
    # with a promo code": a "No, you cannot use points and a promo code" contradicts it even
    # though "Codes can't be combined with each other" is a close negative sentence nearby).
    sentences = [s for s in split_sentences(reply) if not _is_pleasantry(s)]
    closest: list[tuple[str, float]] = []
    first = sentences[0] if sentences else ""
    quoted = [s for s in sentences if _is_quote(s, passage_texts)]
    sentences = [s for s in sentences if s not in quoted]
    for k in top:
        clauses = _clauses(k.unit.text, colon=k.unit.kind in ("sentence", "table"))
        candidate = _closest(sentences, clauses, embed)
        if not closest:
            closest = candidate
        else:
            closest = [c if c[1] >= CONTRADICTION_SIMILARITY else old for c, old in zip(closest, candidate)]
        if all(c[1] >= CONTRADICTION_SIMILARITY for c in closest):
            break
    for sentence, (evidence, similarity) in zip(sentences, closest):
        if has_negation(sentence) != has_negation(evidence) and similarity >= CONTRADICTION_SIMILARITY:
            return ReplyCheck("contradicts_key")
    first_agrees = (first in quoted) or (bool(closest) and sentences[0] == first and has_negation(closest[0][0]))
    if first and has_negation(first) and first_agrees:
        # a "no" that agrees with the key is the whole answer ("We don't offer payment in
        # instalments."); a "yes" must carry the key's conditions, checked below
        return ReplyCheck("", 1.0)
    coverage = 0.0
    for k in top:
        new = _new_information(k.unit, question_words)
        if reply_facts & _reply_facts(k.unit.text):
            coverage = 1.0
            break
        if new:
            coverage = max(coverage, len(reply_words & new) / len(new))
        else:
            coverage = max(coverage, 1.0 if reply_words & content_words(k.unit.text) else 0.0)
    if coverage < MIN_COVERAGE:
        return ReplyCheck("misses_key", coverage)
    return ReplyCheck("", coverage)


CONTRADICTION_SIMILARITY = 0.4
"""A reply sentence this close to a key sentence and of the other polarity contradicts it."""
CLAUSE_GROUNDING = 0.6
"""Share of a reply clause's content words that one passage sentence must hold."""
_CLAUSE_SPLIT_RE = re.compile(r"\s*(?:;|,\s*(?:and|but|so|while|whereas)\b|\bbut\b|\bwhile\b)\s*", re.IGNORECASE)


def _clauses(text: str, colon: bool = True) -> list[str]:
    """Sentences of ``text`` cut at ";", ", and/but ..." and (with ``colon``) ": ", each with at
    least two words. A list's lead-in is not cut from its items: its negation governs them
    ("Some items cannot be returned: Underwear, for hygiene reasons.")."""
    pieces = []
    pattern = r"\s*(?:;|:\s|,\s*(?:and|but|so)\b)\s*" if colon else r"\s*(?:;|,\s*(?:and|but|so)\b)\s*"
    for sentence in split_sentences(text):
        for clause in re.split(pattern, sentence):
            if len(_words(clause)) >= 2:
                pieces.append(clause)
    return pieces or [text]


def _closest(sentences: Sequence[str], evidence: Sequence[str], embed: Embed) -> list[tuple[str, float]]:
    """For each sentence, the most similar evidence sentence and its cosine."""
    if not sentences or not evidence:
        return []
    vectors = embed([*sentences, *evidence])
    similarity = vectors[: len(sentences)] @ vectors[len(sentences):].T
    return [(evidence[int(row.argmax())], float(row.max())) for row in similarity]


def _is_quote(sentence: str, passage_texts: Sequence[str]) -> bool:
    """A reply sentence whose content words all occur in one passage clause of the same polarity:
    a quote (or near quote) of the passage cannot contradict it."""
    from bot.generation.support import passage_sentences

    words = content_words(sentence) - _FILLER
    if not words:
        return False
    negated = has_negation(sentence)
    clauses = [c for p in passage_sentences(passage_texts) for c in _clauses(p)]
    return any(words <= content_words(c) and has_negation(c) == negated for c in clauses)


def _degenerate(reply: str) -> bool:
    """A sentence that repeats a content word or number three times ("The 30 days are based on
    the 30 days of the order, not the 30 days of the order itself.")."""
    from bot.knowledge.retriever import tokenize

    for sentence in split_sentences(reply):
        tokens = [t for t in tokenize(sentence) if t not in _FILLER]
        if any(tokens.count(t) >= 3 for t in set(tokens)):
            return True
    return False


def _ungrounded_clause(reply: str, passage_texts: Sequence[str]) -> str:
    """The first clause of ``reply`` whose content words no single passage sentence mostly holds.

    Catches facts stitched from two sentences: "We offer free return shipping for returns from
    Canada" joins "free" (said of US returns) with "Canada" (whose returns cost $7.95).
    """
    from bot.generation.support import passage_sentences

    evidence = [content_words(s) for s in passage_sentences(passage_texts)]
    for sentence in split_sentences(reply):
        for clause in _CLAUSE_SPLIT_RE.split(sentence):
            # numbers, order numbers and links are the fact check's business (the customer's
            # own order number may be repeated)
            facts = {t for f in extract_facts(clause) for t in content_words(f.text)}
            words = content_words(clause) - _FILLER - facts
            if len(words) < 3:
                continue
            best = max((len(words & e) for e in evidence), default=0)
            if best / len(words) < CLAUSE_GROUNDING:
                return clause
    return ""


# ---------------------------------------------------------------------------- extractive answers


@dataclass(frozen=True)
class Extract:
    """An extractive answer: its text and the passages (indices) it quotes."""

    text: str
    passages: tuple[int, ...]


MAX_EXTRACT_CHARS = 320
"""A second unit is added only while the answer stays this short."""
SECOND_UNIT_MARGIN = 0.12
"""A second unit must score within this of the best one."""


def extractive_answer(question: str, passages: Sequence[PassageLike], embed: Embed, max_passages: int = 1,
                      key: Optional[Sequence[KeyUnit]] = None, max_units: int = 2) -> Extract:
    """The passage's best complete units for ``question``, whole, in passage order.

    A unit is used only when it is a complete sentence (lists and table rows are written as
    one) and shares a content word with the question or its heading does; the second is added
    when it scores within :data:`SECOND_UNIT_MARGIN` of the best and the answer stays within
    :data:`MAX_EXTRACT_CHARS`. Returns an empty ``Extract`` when no unit qualifies.
    """
    if key is None:
        key = answer_key(question, passages, embed, max_passages)
    wanted = content_words(question)
    usable = [k for k in key
              if is_complete_sentence(k.unit.text)
              and (wanted & content_words(f"{k.unit.text} {k.unit.context} {k.unit.path}") or k.similarity >= 0.5)]
    if not usable:
        return Extract("", ())
    chosen = [usable[0]]
    for candidate in usable[1:]:
        if len(chosen) >= max_units or candidate.score < usable[0].score - SECOND_UNIT_MARGIN:
            break
        if candidate.unit.passage != chosen[0].unit.passage:
            continue
        if any(candidate.unit.text.rstrip(".") in c.unit.text or c.unit.text.rstrip(".") in candidate.unit.text
               or _same_list(candidate.unit, c.unit) for c in chosen):
            continue
        length = sum(len(c.unit.text) + 1 for c in chosen) + len(candidate.unit.text)
        if length <= MAX_EXTRACT_CHARS:
            chosen.append(candidate)
    chosen.sort(key=lambda k: (k.unit.passage, k.unit.position))
    text = strip_yes_no(" ".join(k.unit.text for k in chosen))
    return Extract(text, tuple(dict.fromkeys(k.unit.passage for k in chosen)))


def _same_list(a: Unit, b: Unit) -> bool:
    """Two units quoting the same list (the whole list and one of its items)."""
    kinds = {a.kind, b.kind}
    return kinds <= {"list", "item"} and a.text.split(":", 1)[0] == b.text.split(":", 1)[0]


_YES_NO_RE = re.compile(r"^\s*(?:yes|no)\s*[,.!;:]\s*(?=\w)", re.IGNORECASE)


def strip_yes_no(text: str) -> str:
    """Drop a leading "Yes," / "No." of a quoted passage: it answered the passage's own question
    ("Can I use two promo codes?"), which may not be the customer's ("can I use a promo code?")."""
    stripped = _YES_NO_RE.sub("", text, count=1)
    if stripped == text or len(_words(stripped)) < 3:
        return text
    return stripped[:1].upper() + stripped[1:]
