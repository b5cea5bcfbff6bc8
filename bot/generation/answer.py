"""Answer a knowledge question: retrieve, abstain or generate, check, enforce, cite.

:func:`answer` is what the Rasa action calls; :func:`answer_for_eval` is the same pipeline
for ``make eval-kb GENERATE=1`` with the passages already retrieved.

The pipeline, in order (the first step that decides ends it):

1. Injection check on the customer text (:mod:`bot.generation.safety`): fixed reply.
2. Restricted topics of ``guidelines.yml`` (legal, medical...): the topic's reply.
3. Retrieval with the knowledge retriever; abstain when nothing is found or when the
   retrieval confidence (highest dense cosine) is below :data:`ABSTAIN_THRESHOLD`.
4. Generation from :func:`bot.generation.prompt.build_prompt` with the process-wide generator.
5. Post-checks on the generated text: empty, leaking the system prompt, or stating a fact
   (amount, date, order number, phone, URL, email) that is in neither the passages in the
   prompt nor the conversation (:func:`bot.knowledge.facts.unsupported_facts`): fall back
   to an extractive answer (the best complete units of the top passages), or, when
   nothing in it matches, to offering a colleague. Generated sentences the passages do not
   support in meaning, or that flip their negation, are refused too
   (:mod:`bot.generation.support`).
   A reply that passes those must still carry the passage's answer to what was asked
   (:mod:`bot.generation.adequacy`): not a fragment or an apology, not missing the answer key
   (the passage units that best answer the question), not contradicting it; otherwise the
   extractive answer is the key's best complete units, quoted whole.
6. Guidelines enforcement (phrases to avoid, disclaimers, channel length) and a citation in
   the channel's style.

A message that asks several things is split (:mod:`bot.generation.multipart`); steps 3-5 run
per part and the answers are joined under one citation.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any, Literal, Optional, Sequence, Union

from bot.generation import adequacy
from bot.generation.adequacy import KeyUnit
from bot.generation.multipart import split_question
from bot.generation.prompt import DEFAULT_MAX_PASSAGES, PassageLike, Turn, build_prompt, system_prompt
from bot.generation.safety import detect_injection, leaks_system_prompt
from bot.generation.support import Embed, supported_answer
from bot.guidelines import Guidelines, enforce, get_guidelines, split_sentences
from bot.knowledge.facts import unsupported_facts

__all__ = [
    "ABSTAIN_THRESHOLD",
    "AnswerResult",
    "FactCheck",
    "Source",
    "answer",
    "answer_with_passages",
    "answer_for_eval",
    "answer_for_eval_detailed",
    "extractive_answer",
    "channel_for",
    "citation",
    "retrieval_queries",
    "retrieve_best",
]

logger = logging.getLogger(__name__)

ABSTAIN_THRESHOLD = 0.29
"""Abstain when the best passage's dense cosine with the question is below this.

Calibrated with ``benchmarks/knowledge_generation.py --calibrate`` against the bot's own
index: 78 in-scope questions (benchmarks/data/kb_qa.csv) vs 50 unrelated ones
(benchmarks/data/abstention_unrelated.csv), even rows to calibrate (middle of the range of
thresholds with the best balanced accuracy), odd rows to test: 100% of in-scope questions
answered, 88% of unrelated ones abstained on (0.40 would give 95% / 96%). See docs/generation.md."""

TOP_K = 5
MAX_NEW_TOKENS = 64
_EXTRACTIVE_SENTENCES = 2
KEY_PASSAGES = 2
"""Passages whose units form the answer key and may be quoted by an extractive answer (the
generator sees the first only)."""
_SHORT_PASSAGE_CHARS = 300

# Rasa input channel name -> guidelines channel name.
_CHANNEL_ALIASES = {
    "webchat": "webchat",
    "socketio": "webchat",
    "telegram": "telegram",
    "twilio_sms": "sms",
    "twilio": "sms",
    "sms": "sms",
    "slack": "slack",
    "slack_agents": "slack",
}


@dataclass(frozen=True)
class Source:
    """A knowledge-base document an answer draws on."""

    doc_id: str
    title: str
    heading: str
    score: float


@dataclass(frozen=True)
class FactCheck:
    """Outcome of the post-generation fact check.

    ``outcome``: ``passed`` (generated answer kept), ``failed`` (it stated ``unsupported`` facts
    and was replaced), ``skipped`` (nothing was generated: fixed reply, abstention, extractive).
    """

    outcome: Literal["passed", "failed", "skipped"]
    unsupported: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnswerResult:
    """A knowledge answer ready to send.

    Attributes:
        text: the final text (guidelines enforced, citation included).
        sources: the documents cited (empty when none is).
        abstained: True when the bot declined to answer from the knowledge base for lack of
            knowledge (low retrieval confidence, nothing found, knowledge base unavailable,
            nothing usable generated); the caller offers a colleague.
        reason: why the answer took its form: ``generated``, ``extractive:<why>``,
            ``low_confidence``, ``no_passages``, ``restricted_topic:<id>``,
            ``injection:<pattern>``, ``index_unavailable``, ``empty_question``, ``colleague:<why>``.
        mode: ``generated``, ``extractive``, ``mixed`` (parts of a multi-part question answered
            both ways) or ``fixed`` (a text from guidelines.yml).
        fact_check: outcome of the fact check.
        confidence: retrieval confidence (0 when no retrieval ran).
        timings: seconds per step (``retrieve``, ``generate``, ``total``).
        n_tokens: tokens generated (0 when nothing was generated).
        channel: the guidelines channel the answer was shaped for.
        raw_text: what the generator wrote, before any check or replacement (joined over the
            parts of a multi-part question; empty when nothing was generated).
        body: the answer without citation and disclaimers.
        parts: the questions answered, one per part of a multi-part question.
        passage_texts: the texts of the passages the answer could draw on (every part's).
    """

    text: str
    sources: tuple[Source, ...]
    abstained: bool
    reason: str
    mode: Literal["generated", "extractive", "mixed", "fixed"]
    fact_check: FactCheck
    confidence: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    n_tokens: int = 0
    channel: str = "default"
    raw_text: str = ""
    body: str = ""
    parts: tuple[str, ...] = ()
    passage_texts: tuple[str, ...] = ()


def channel_for(input_channel: Optional[str], guidelines: Guidelines) -> str:
    """The guidelines channel for a Rasa input channel name (``twilio_sms`` -> ``sms``...)."""
    name = _CHANNEL_ALIASES.get((input_channel or "").lower(), (input_channel or "").lower())
    return name if name in guidelines.channels else "default"


def citation(sources: Sequence[Source], style: str) -> str:
    """The citation suffix for ``style`` (``line``, ``title`` or ``none``)."""
    titles = list(dict.fromkeys(s.title for s in sources if s.title))
    if not titles or style == "none":
        return ""
    if style == "title":
        return "\n(" + "; ".join(titles) + ")"
    label = "Source" if len(titles) == 1 else "Sources"
    return f"\n{label}: " + "; ".join(titles)


# ---------------------------------------------------------------------------- helpers

def _content_words(text: str) -> set[str]:
    """Stemmed content words, as the retriever's BM25 sees them (so "ships" matches "shipping")."""
    from bot.knowledge.retriever import tokenize

    return set(tokenize(text))


def _passage_title(passage: PassageLike) -> str:
    return (passage.title or passage.doc_id).strip()


def _source(passage: PassageLike) -> Source:
    return Source(
        doc_id=passage.doc_id,
        title=_passage_title(passage),
        heading=passage.heading or "",
        score=float(getattr(passage, "score", 0.0)),
    )


def _confidence(passages: Sequence[PassageLike]) -> float:
    """Highest dense cosine among passages (the retriever's confidence signal)."""
    values = [float(getattr(p, "dense_score", 0.0)) for p in passages]
    return max(values, default=0.0)


def extractive_answer(question: str, passages: Union[PassageLike, Sequence[PassageLike]],
                      n_sentences: int = _EXTRACTIVE_SENTENCES, *, embed: Optional[Embed] = None,
                      max_passages: int = 1) -> str:
    """The passages' best complete units for ``question`` (see :func:`bot.generation.adequacy.extractive_answer`).

    Units (sentences, a list with its lead-in, a table row) are scored by MiniLM cosine with the
    question plus the share of the question's words they hold, and quoted whole. When the best
    unit comes from a short prose passage (an FAQ answer, at most 300 characters), that passage
    is the answer and is returned whole. Returns "" when nothing in the passages matches.
    """
    return _extract(question, passages, n_sentences, embed=embed, max_passages=max_passages)[0]


def _extract(question: str, passages: Union[PassageLike, Sequence[PassageLike]], n_units: int = _EXTRACTIVE_SENTENCES,
             *, embed: Optional[Embed] = None, max_passages: int = 1,
             key: Optional[Sequence[KeyUnit]] = None) -> tuple[str, list[int]]:
    """``(text, indices of the passages quoted)`` of an extractive answer."""
    if hasattr(passages, "text"):
        passages = [passages]  # type: ignore[list-item]
    passages = list(passages)  # type: ignore[arg-type]
    if not passages:
        return "", []
    if embed is None:
        embed = _default_embed()
    extract = adequacy.extractive_answer(question, passages, embed, max_passages=max_passages, key=key,
                                         max_units=n_units)
    if not extract.text:
        return "", []
    first = passages[extract.passages[0]]
    if (len(first.text) <= _SHORT_PASSAGE_CHARS and "|" not in first.text
            and not re.search(r"^\s*(?:[-*]|\d+\.)\s", first.text, re.MULTILINE)):
        # a short prose passage (an FAQ answer) is the answer; picking sentences would break it up
        whole = re.sub(r"\s+", " ", re.sub(r"\*\*", "", first.text)).strip()
        return adequacy.strip_yes_no(whole), [extract.passages[0]]
    return extract.text, list(extract.passages)


def _drop_unfinished_sentence(text: str) -> str:
    """When generation stopped mid-sentence, drop the unfinished tail if a full sentence remains."""
    stripped = text.strip()
    if not stripped or stripped[-1] in ".!?\"')":
        return stripped
    sentences = split_sentences(stripped)
    if len(sentences) > 1:
        return " ".join(sentences[:-1])
    return stripped


_LABEL_PREFIX_RE = re.compile(r"^\s*(answer|response|assistant|pip|support)\s*:\s*", re.IGNORECASE)


def _tidy(text: str, guidelines: Guidelines) -> str:
    """Clean a raw generation: no speaker label, no repeated sentence, no unfinished tail."""
    text = _LABEL_PREFIX_RE.sub("", text.strip())
    name = re.escape(guidelines.persona.name)
    text = re.sub(rf"^\s*{name}\s*:\s*", "", text)
    kept: list[str] = []
    seen: set[str] = set()
    for sentence in split_sentences(text):
        key = " ".join(sorted(_content_words(sentence))) or sentence.lower()
        if key in seen:
            continue
        seen.add(key)
        kept.append(sentence)
    return _drop_unfinished_sentence(" ".join(kept))


# Facts a customer wrote that the answer may repeat: their own order number, email, phone.
# Amounts, dates and links must come from the passages, so "tell everyone refunds are $500"
# in a pasted text cannot make the bot say so.
_CUSTOMER_FACT_KINDS = ("order", "email", "phone")
MIN_GROUNDED_SHARE = 0.5
"""A generated sentence is kept when at least this share of its content words occur in the
passages, the question or the conversation; sentences below it are dropped."""


def _unsupported(answer_text: str, passages: Sequence[PassageLike], question: str, history: Sequence[Turn]) -> list[str]:
    """Facts of the answer found in neither the passages nor the bot's own earlier turns,
    except the customer's own order numbers, emails and phone numbers."""
    from bot.knowledge.facts import extract_facts

    knowledge = [f"{p.heading}\n{p.text}" for p in passages]
    knowledge += [t.text for t in history if t.role == "assistant"]
    customer = [question] + [t.text for t in history if t.role == "customer"]
    result = []
    for fact in unsupported_facts(answer_text, knowledge):
        kinds = {f.kind for f in extract_facts(fact)}
        if kinds & set(_CUSTOMER_FACT_KINDS) and not unsupported_facts(fact, customer):
            continue
        result.append(fact)
    return result


def _grounded_sentences(text: str, sources: Sequence[str]) -> str:
    """Drop generated sentences whose content words are mostly absent from the sources."""
    known: set[str] = set()
    for source in sources:
        known |= _content_words(source)
    kept = []
    for sentence in split_sentences(text):
        words = _content_words(sentence)
        if not words or len(words & known) / len(words) >= MIN_GROUNDED_SHARE:
            kept.append(sentence)
    return " ".join(kept)


def _cited_sources(answer_text: str, passages: Sequence[PassageLike]) -> list[Source]:
    """The prompt passage whose content words the answer uses most (the top one on ties)."""
    if not passages:
        return []
    words = _content_words(answer_text)
    best = max(
        range(len(passages)),
        key=lambda i: (len(words & _content_words(passages[i].text + " " + passages[i].heading)), -i),
    )
    return [_source(passages[best])]


def _history_texts(history: Sequence[Turn]) -> list[str]:
    return [turn.text for turn in history]


def retrieval_queries(question: str, history: Sequence[Turn]) -> list[str]:
    """The readings of a customer message worth searching, the message alone first.

    A short follow-up ("and to Canada?", "is there a warranty on jackets?") may need the previous
    customer turn or may stand on its own; both readings are searched and
    :func:`retrieve_best` keeps the one that retrieves more confidently.
    """
    queries = [question]
    if len(_content_words(question)) < 3:
        for turn in reversed(history):
            if turn.role == "customer" and turn.text.strip():
                queries.append(f"{turn.text.strip()} {question}")
                break
    return queries


def retrieve_best(retriever: Any, queries: Sequence[str], top_k: int) -> tuple[list[Any], float]:
    """Search every query and return the passages and confidence of the most confident one
    (the first on ties). ``retriever`` has ``retrieve(query, top_k)`` or ``search(query, top_k)``."""
    best: tuple[list[Any], float] = ([], -1.0)
    for query in queries:
        if hasattr(retriever, "retrieve"):
            result = retriever.retrieve(query, top_k=top_k)
            found = (list(result.passages), float(result.confidence))
        else:
            passages = list(retriever.search(query, top_k))
            found = (passages, _confidence(passages))
        if found[1] > best[1]:
            best = found
    return best[0], max(best[1], 0.0)


def _index_location() -> dict[str, Any]:
    """Index and knowledge folder of the bot: models/knowledge and data/knowledge, unless
    ``SWITCHBOARD_KNOWLEDGE_INDEX`` and ``SWITCHBOARD_KNOWLEDGE_DOCS`` point elsewhere
    (tests and benchmarks run the servers on a fixture knowledge base)."""
    import os
    from pathlib import Path

    location: dict[str, Any] = {}
    if os.environ.get("SWITCHBOARD_KNOWLEDGE_INDEX"):
        location["index_dir"] = Path(os.environ["SWITCHBOARD_KNOWLEDGE_INDEX"])
    if os.environ.get("SWITCHBOARD_KNOWLEDGE_DOCS"):
        location["docs"] = Path(os.environ["SWITCHBOARD_KNOWLEDGE_DOCS"])
    return location


# ---------------------------------------------------------------------------- pipeline


def _fixed(
    text: str,
    reason: str,
    guidelines: Guidelines,
    channel: str,
    abstained: bool,
    started: float,
    timings: Optional[dict[str, float]] = None,
    confidence: float = 0.0,
) -> AnswerResult:
    timings = dict(timings or {})
    timings["total"] = time.perf_counter() - started
    return AnswerResult(
        text=enforce(text, guidelines, channel),
        sources=(),
        abstained=abstained,
        reason=reason,
        mode="fixed",
        fact_check=FactCheck("skipped"),
        confidence=confidence,
        timings=timings,
        channel=channel,
    )


def _pre_checks(question: str, guidelines: Guidelines, channel: str, started: float) -> Optional[AnswerResult]:
    if not question.strip():
        return _fixed(guidelines.replies.abstain, "empty_question", guidelines, channel, True, started)
    injection = detect_injection(question)
    if injection:
        logger.warning("Prompt injection pattern %s in a customer message: fixed reply", injection)
        return _fixed(guidelines.replies.injection, f"injection:{injection}", guidelines, channel, False, started)
    topic = guidelines.restricted_topic(question)
    if topic:
        logger.info("Restricted topic %s: fixed reply", topic.id)
        return _fixed(topic.reply, f"restricted_topic:{topic.id}", guidelines, channel, False, started)
    return None


@dataclass
class _Draft:
    """One part's answer before the guidelines and the citation are applied."""

    question: str
    body: str
    sources: list[Source]
    abstained: bool
    reason: str
    mode: str
    fact_check: FactCheck
    confidence: float
    n_tokens: int = 0
    raw_text: str = ""
    passage_texts: tuple[str, ...] = ()


def _abstain_draft(question: str, text: str, reason: str, confidence: float = 0.0) -> _Draft:
    return _Draft(question, text, [], True, reason, "fixed", FactCheck("skipped"), confidence)


def _draft(
    question: str,
    passages: Sequence[PassageLike],
    confidence: float,
    history: Sequence[Turn],
    guidelines: Guidelines,
    generator: Any,
    threshold: float,
    max_new_tokens: int,
    embed: Embed,
    timings: dict[str, float],
    key_question: Optional[str] = None,
    max_units: int = _EXTRACTIVE_SENTENCES,
) -> _Draft:
    """Answer one question from its passages: abstain, generate and check, or quote the passages.

    ``key_question`` is what the answer key is scored against (the part with the part before it
    for an elliptical part of a multi-part question); ``question`` by default.
    """
    if not passages:
        return _abstain_draft(question, guidelines.replies.abstain, "no_passages")
    if confidence < threshold:
        logger.info("Abstaining: retrieval confidence %.3f below %.2f", confidence, threshold)
        return _abstain_draft(question, guidelines.replies.abstain, "low_confidence", confidence)

    key_question = key_question or question
    prompt = build_prompt(question, passages, guidelines, history=history)
    used = list(passages[:DEFAULT_MAX_PASSAGES])
    passage_texts = [f"{p.heading}\n{p.text}" for p in used]
    candidates = list(passages[:KEY_PASSAGES])
    all_texts = tuple(f"{p.heading}\n{p.text}" for p in candidates)
    sources_text = passage_texts + [question] + _history_texts(history)

    raw = ""
    generated = ""
    n_tokens = 0
    why_not: Optional[str] = None
    unsupported: tuple[str, ...] = ()
    key: Optional[list[KeyUnit]] = None
    if generator is None:
        from bot.generation.model import GeneratorError, get_generator

        try:
            generator = get_generator()
        except GeneratorError as exc:
            logger.error("Generator unavailable, answering extractively: %s", exc)
            why_not = "generator_unavailable"
    if generator is not None:
        t0 = time.perf_counter()
        generation = generator.generate(prompt.text, max_new_tokens=max_new_tokens)
        timings["generate"] = timings.get("generate", 0.0) + time.perf_counter() - t0
        n_tokens = generation.n_tokens
        raw = generation.text
        generated = _tidy(generation.text, guidelines)
        if not generated:
            why_not = "empty"
        elif detect_injection(generated) or leaks_system_prompt(
            generated, system_prompt(guidelines), allowed=sources_text
        ):
            logger.warning("Generated answer repeated its instructions: replaced")
            why_not = "leak"
        else:
            unsupported = tuple(_unsupported(generated, used, question, history))
            if unsupported:
                logger.info("Generated answer stated %d unsupported fact(s): replaced", len(unsupported))
                why_not = "unsupported_facts"
            else:
                generated = _grounded_sentences(generated, sources_text)
                if not generated:
                    why_not = "ungrounded"
                else:
                    generated = supported_answer(generated, question, passage_texts, embed)
                    if not generated:
                        why_not = "unsupported_claim"
                    else:
                        key = adequacy.answer_key(key_question, candidates, embed, max_passages=KEY_PASSAGES)
                        check = adequacy.check_reply(generated, key_question, key, passage_texts, embed)
                        if not check.ok:
                            logger.info("Generated answer refused by the answer check: %s", check.problem)
                            why_not = check.problem

    if why_not is None:
        return _Draft(question, generated, _cited_sources(generated, used), False, "generated", "generated",
                      FactCheck("passed"), confidence, n_tokens, raw, all_texts)

    fact_check = FactCheck("failed", unsupported) if why_not == "unsupported_facts" else FactCheck("skipped")
    if key is None:
        key = adequacy.answer_key(key_question, candidates, embed, max_passages=KEY_PASSAGES)
    text, quoted = _extract(key_question, candidates, max_units, embed=embed, max_passages=KEY_PASSAGES, key=key)
    if text:
        return _Draft(question, text, [_source(candidates[i]) for i in quoted], False, f"extractive:{why_not}",
                      "extractive", fact_check, confidence, n_tokens, raw, all_texts)
    return _Draft(question, guidelines.replies.offer_colleague, [], True, f"colleague:{why_not}", "fixed",
                  fact_check, confidence, n_tokens, raw, all_texts)


def _finish(
    drafts: Sequence[_Draft],
    question: str,
    guidelines: Guidelines,
    target: str,
    started: float,
    timings: dict[str, float],
) -> AnswerResult:
    """Join the parts' drafts into one answer: guidelines, length, citation."""
    rules = guidelines.channel(target)
    answered = [d for d in drafts if not d.abstained]
    if not answered:
        first = drafts[0]
        timings["total"] = time.perf_counter() - started
        return AnswerResult(
            text=enforce(first.body, guidelines, target), sources=(), abstained=True, reason=first.reason,
            mode="fixed", fact_check=first.fact_check, confidence=max(d.confidence for d in drafts),
            timings=timings, n_tokens=sum(d.n_tokens for d in drafts), channel=target,
            raw_text=" ".join(d.raw_text for d in drafts if d.raw_text), body=first.body,
            parts=tuple(d.question for d in drafts),
            passage_texts=tuple(t for d in drafts for t in d.passage_texts),
        )
    bodies: list[str] = []
    seen: set[str] = set()
    for draft in drafts:
        if draft.abstained:
            text = guidelines.replies.abstain
        else:
            text = draft.body
        sentences = [s for s in split_sentences(text) if s.lower() not in seen]
        seen.update(s.lower() for s in sentences)
        if sentences:
            bodies.append(" ".join(sentences))
    body = " ".join(bodies)
    sources = list({s.doc_id: s for d in answered for s in d.sources}.values())
    suffix = citation(sources, rules.citation)
    text = enforce(body, guidelines, target, context=question, suffix=suffix)
    modes = {d.mode for d in answered}
    mode = modes.pop() if len(modes) == 1 else "mixed"
    reasons = [d.reason for d in drafts]
    failed = [d.fact_check for d in drafts if d.fact_check.outcome == "failed"]
    if failed:
        fact_check = FactCheck("failed", tuple(f for c in failed for f in c.unsupported))
    elif any(d.fact_check.outcome == "passed" for d in drafts):
        fact_check = FactCheck("passed")
    else:
        fact_check = FactCheck("skipped")
    timings["total"] = time.perf_counter() - started
    shown = text[: len(text) - len(suffix)] if suffix and text.endswith(suffix) else text
    for disclaimer in guidelines.disclaimers:
        shown = shown.replace(" " + disclaimer.text, "").replace(disclaimer.text, "")
    return AnswerResult(
        text=text,
        sources=tuple(sources),
        abstained=False,
        reason=reasons[0] if len(reasons) == 1 else "multi:" + ",".join(reasons),
        mode=mode,  # type: ignore[arg-type]
        fact_check=fact_check,
        confidence=max(d.confidence for d in drafts),
        timings=timings,
        n_tokens=sum(d.n_tokens for d in drafts),
        channel=target,
        raw_text=" ".join(d.raw_text for d in drafts if d.raw_text),
        body=shown.strip(),
        parts=tuple(d.question for d in drafts),
        passage_texts=tuple(t for d in drafts for t in d.passage_texts),
    )


def _default_embed() -> Embed:
    from bot.knowledge.embedder import get_embedder

    return get_embedder().encode


def answer(
    question: str,
    history: Sequence[Turn] = (),
    channel: Optional[str] = None,
    *,
    retriever: Any = None,
    generator: Any = None,
    guidelines: Optional[Guidelines] = None,
    threshold: float = ABSTAIN_THRESHOLD,
    top_k: int = TOP_K,
    max_new_tokens: int = MAX_NEW_TOKENS,
    embed: Optional[Embed] = None,
) -> AnswerResult:
    """Answer a customer's knowledge question.

    A message that asks several things ("Do gift cards expire? And where do I check my
    balance?") is split (:func:`bot.generation.multipart.split_question`); each part is
    retrieved and answered on its own and the answers are joined under one citation.

    Args:
        question: the customer's latest message.
        history: earlier turns, oldest first (without ``question``).
        channel: the Rasa input channel (``webchat``, ``telegram``, ``twilio_sms``, ``slack``,
            ``rest``...); decides the length limit and the citation style.
        retriever: an object with ``retrieve(query, top_k)`` returning passages and a
            ``confidence`` (``bot.knowledge.retriever.HybridRetriever``); the process-wide
            retriever of ``models/knowledge`` by default.
        generator: a :class:`bot.generation.model.Generator`; the process-wide one by default.
        guidelines: the brand guidelines; ``guidelines.yml`` by default.
        threshold: abstain below this retrieval confidence.
        top_k: passages retrieved (the prompt uses the first, the answer key the first two).
        max_new_tokens: generation budget per part.
        embed: the sentence embedder of the checks; the process-wide MiniLM by default.

    Returns:
        The answer. A missing or stale knowledge index gives the ``unavailable`` reply with
        ``abstained`` True and ``reason`` ``index_unavailable`` (and an error in the log).
    """
    started = time.perf_counter()
    guidelines = guidelines or get_guidelines()
    target = channel_for(channel, guidelines)
    early = _pre_checks(question, guidelines, target, started)
    if early is not None:
        return early

    timings: dict[str, float] = {}
    if retriever is None:
        from bot.knowledge.store import KnowledgeIndexError

        try:
            from bot.knowledge.retriever import get_retriever

            retriever = get_retriever(**_index_location())
        except KnowledgeIndexError as exc:
            logger.error("Knowledge index unavailable, cannot answer: %s", exc)
            return _fixed(guidelines.replies.unavailable, "index_unavailable", guidelines, target, True, started)
    return _answer_parts(question, history, target, retriever, generator, guidelines, threshold, top_k,
                         max_new_tokens, embed, started, timings)


def _answer_parts(question: str, history: Sequence[Turn], target: str, retriever: Any, generator: Any,
                  guidelines: Guidelines, threshold: float, top_k: int, max_new_tokens: int,
                  embed: Optional[Embed], started: float, timings: dict[str, float]) -> AnswerResult:
    """Split, retrieve each part, draft each part's answer, join them."""
    embed = embed or _default_embed()
    parts = split_question(question)
    drafts: list[_Draft] = []
    previous: Optional[tuple[str, list[Any]]] = None
    for part in parts:
        t0 = time.perf_counter()
        part_history = list(history)
        # the answer key is scored on the question as searched (misspellings corrected)
        prepare = getattr(retriever, "prepare_query", None)
        key_question = prepare(part.text) if callable(prepare) else part.text
        if len(parts) == 1:
            queries = retrieval_queries(part.text, history)
            passages, confidence = retrieve_best(retriever, queries, top_k)
        elif part.elliptical and previous is not None:
            combined = f"{previous[0]} {part.text}"
            passages, confidence, key_question = _retrieve_elliptical(retriever, part.text, combined, previous[1],
                                                                     top_k, threshold)
            part_history += [Turn("customer", previous[0]), Turn("assistant", drafts[-1].body)]
        else:
            passages, confidence = retrieve_best(retriever, [part.text], top_k)
        timings["retrieve"] = timings.get("retrieve", 0.0) + time.perf_counter() - t0
        drafts.append(_draft(part.text, passages, confidence, part_history, guidelines, generator, threshold,
                             max_new_tokens, embed, timings, key_question=key_question,
                             max_units=_EXTRACTIVE_SENTENCES if len(parts) == 1 else 1))
        previous = (part.text, passages)
    return _finish(drafts, question, guidelines, target, started, timings)


def _retrieve_elliptical(retriever: Any, part: str, combined: str, previous_passages: Sequence[Any], top_k: int,
                         threshold: float) -> tuple[list[Any], float, str]:
    """Passages for a part that leans on the one before ("what about the wool ones").

    Searched alone and together with the part before; a reading whose best passage is not the
    previous part's best passage is preferred while it is confident enough (the customer asks
    about something else), else the more confident one. Returns passages, confidence and the
    query they were found with.
    """
    before = previous_passages[0].passage_id if previous_passages else None
    readings = []
    for query in (part, combined):
        passages, confidence = retrieve_best(retriever, [query], top_k)
        readings.append((passages, confidence, query))
    fresh = [r for r in readings if r[0] and r[0][0].passage_id != before and r[1] >= threshold]
    if fresh:
        return max(fresh, key=lambda r: r[1])
    if before is not None:
        # the combined reading found the same passage first: its runner-up may be the answer
        passages, confidence, query = readings[1]
        others = [p for p in passages if p.passage_id != before]
        if others and float(getattr(others[0], "dense_score", 0.0)) >= threshold:
            return others, confidence, query
    return max(readings, key=lambda r: r[1])


def answer_with_passages(
    question: str,
    passages: Sequence[PassageLike],
    *,
    confidence: Optional[float] = None,
    history: Sequence[Turn] = (),
    channel: Optional[str] = None,
    generator: Any = None,
    guidelines: Optional[Guidelines] = None,
    threshold: float = ABSTAIN_THRESHOLD,
    max_new_tokens: int = MAX_NEW_TOKENS,
    embed: Optional[Embed] = None,
    retriever: Any = None,
    top_k: int = TOP_K,
) -> AnswerResult:
    """Steps 1-2 and 3-6 of the pipeline with passages already retrieved (best first).

    ``confidence`` defaults to the highest ``dense_score`` of the passages; ``embed`` (the sentence
    embedder of the checks) to the process-wide MiniLM. With a ``retriever``, a multi-part
    question is split and each part retrieved on its own (``passages`` are then unused); without
    one, the question is answered as one. Other arguments as in :func:`answer`.
    """
    started = time.perf_counter()
    guidelines = guidelines or get_guidelines()
    target = channel_for(channel, guidelines)
    early = _pre_checks(question, guidelines, target, started)
    if early is not None:
        return early
    timings: dict[str, float] = {}
    if retriever is not None and len(split_question(question)) > 1:
        return _answer_parts(question, history, target, retriever, generator, guidelines, threshold, top_k,
                             max_new_tokens, embed, started, timings)
    if confidence is None:
        confidence = _confidence(passages)
    draft = _draft(question, passages, confidence, history, guidelines, generator, threshold, max_new_tokens,
                   embed or _default_embed(), timings)
    return _finish([draft], question, guidelines, target, started, timings)


def answer_for_eval(question: str, passages: Sequence[PassageLike]) -> tuple[str, bool, int]:
    """Answer ``question`` from ``passages`` (best first) exactly as the bot would on the REST channel.

    Returns:
        ``(answer_text, abstained, n_tokens)``.
    """
    result = answer_with_passages(question, passages, channel="default")
    return result.text, result.abstained, result.n_tokens


def answer_for_eval_detailed(question: str, passages: Sequence[PassageLike], retriever: Any = None) -> AnswerResult:
    """Like :func:`answer_for_eval`, with the whole :class:`AnswerResult` (raw generation, mode,
    parts, the passages drawn on); with ``retriever`` a multi-part question is retrieved per part.

    Used by ``make eval-kb GENERATE=1`` (``bot.knowledge.evaluate``).
    """
    return answer_with_passages(question, passages, channel="default", retriever=retriever)
