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
   to an extractive answer (the best-matching sentences of the top passage), or, when
   nothing in it matches, to offering a colleague. Generated sentences the passages do not
   support in meaning, or that flip their negation, are refused too
   (:mod:`bot.generation.support`).
6. Guidelines enforcement (phrases to avoid, disclaimers, channel length) and a citation in
   the channel's style.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any, Literal, Optional, Sequence

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
    "extractive_answer",
    "channel_for",
    "citation",
    "retrieval_queries",
    "retrieve_best",
]

logger = logging.getLogger(__name__)

ABSTAIN_THRESHOLD = 0.33
"""Abstain when the best passage's dense cosine with the question is below this.

Calibrated with ``benchmarks/knowledge_generation.py --calibrate`` against the bot's own
index: 78 in-scope questions (benchmarks/data/kb_qa.csv) vs 50 unrelated ones
(benchmarks/data/abstention_unrelated.csv), even rows to calibrate (middle of the range of
thresholds with the best balanced accuracy), odd rows to test: 100% of in-scope questions
answered, 88% of unrelated ones abstained on (0.40 would give 95% / 96%). See docs/generation.md."""

TOP_K = 5
MAX_NEW_TOKENS = 64
_EXTRACTIVE_SENTENCES = 2
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
        mode: ``generated``, ``extractive`` or ``fixed`` (a text from guidelines.yml).
        fact_check: outcome of the fact check.
        confidence: retrieval confidence (0 when no retrieval ran).
        timings: seconds per step (``retrieve``, ``generate``, ``total``).
        n_tokens: tokens generated (0 when nothing was generated).
        channel: the guidelines channel the answer was shaped for.
    """

    text: str
    sources: tuple[Source, ...]
    abstained: bool
    reason: str
    mode: Literal["generated", "extractive", "fixed"]
    fact_check: FactCheck
    confidence: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    n_tokens: int = 0
    channel: str = "default"


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


def extractive_answer(question: str, passage: PassageLike, n_sentences: int = _EXTRACTIVE_SENTENCES) -> str:
    """The sentences of ``passage`` that share the most content words with ``question``.

    A passage of at most 300 characters (an FAQ answer) is returned whole. Returns up to
    ``n_sentences`` sentences in passage order, or an empty string when the passage shares no
    content word with the question. (Choosing by MiniLM similarity instead scored lower on
    benchmarks/data/kb_qa.csv: answer similarity 0.473 vs 0.482.)
    """
    wanted = _content_words(question)
    if not wanted & _content_words(passage.heading + " " + passage.text):
        return ""
    if len(passage.text) <= _SHORT_PASSAGE_CHARS:
        # a short passage (an FAQ answer) is the answer; picking sentences would break it up
        return re.sub(r"\s+", " ", re.sub(r"^[-*#>\s]+", "", passage.text)).strip()
    sentences = [s for s in split_sentences(passage.text) if len(s) > 2]
    scored = []
    for position, sentence in enumerate(sentences):
        overlap = len(wanted & _content_words(sentence))
        if overlap:
            scored.append((overlap, -position, sentence))
    if not scored:
        return ""
    best = sorted(scored, reverse=True)[:n_sentences]
    chosen = sorted(best, key=lambda item: -item[1])
    text = " ".join(sentence for _, _, sentence in chosen)
    text = re.sub(r"^[-*#>\s]+", "", text)
    return text


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
) -> AnswerResult:
    """Answer a customer's knowledge question.

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
        top_k: passages retrieved (the prompt uses the first two).
        max_new_tokens: generation budget.

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
    t0 = time.perf_counter()
    passages, confidence = retrieve_best(retriever, retrieval_queries(question, history), top_k)
    timings["retrieve"] = time.perf_counter() - t0
    return answer_with_passages(
        question,
        passages,
        confidence=confidence,
        history=history,
        channel=target,
        generator=generator,
        guidelines=guidelines,
        threshold=threshold,
        max_new_tokens=max_new_tokens,
        _started=started,
        _timings=timings,
        _checked=True,
    )


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
    _started: Optional[float] = None,
    _timings: Optional[dict[str, float]] = None,
    _checked: bool = False,
) -> AnswerResult:
    """Steps 1-2 and 3-6 of the pipeline with passages already retrieved (best first).

    ``confidence`` defaults to the highest ``dense_score`` of the passages; ``embed`` (the sentence
    embedder of the support check, :mod:`bot.generation.support`) to the process-wide MiniLM. Other
    arguments as in :func:`answer`.
    """
    started = _started if _started is not None else time.perf_counter()
    guidelines = guidelines or get_guidelines()
    target = channel_for(channel, guidelines) if not _checked else (channel or "default")
    timings = dict(_timings or {})
    if not _checked:
        early = _pre_checks(question, guidelines, target, started)
        if early is not None:
            return early
    if confidence is None:
        confidence = _confidence(passages)
    if not passages:
        return _fixed(guidelines.replies.abstain, "no_passages", guidelines, target, True, started, timings)
    if confidence < threshold:
        logger.info("Abstaining: retrieval confidence %.3f below %.2f", confidence, threshold)
        return _fixed(
            guidelines.replies.abstain, "low_confidence", guidelines, target, True, started, timings, confidence
        )

    if embed is None:
        from bot.knowledge.embedder import get_embedder

        embed = get_embedder().encode
    rules = guidelines.channel(target)
    prompt = build_prompt(question, passages, guidelines, history=history)
    used = list(passages[:DEFAULT_MAX_PASSAGES])
    passage_texts = [f"{p.heading}\n{p.text}" for p in used]
    sources_text = passage_texts + [question] + _history_texts(history)

    generated = ""
    n_tokens = 0
    why_not: Optional[str] = None
    unsupported: tuple[str, ...] = ()
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
        timings["generate"] = time.perf_counter() - t0
        n_tokens = generation.n_tokens
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

    if why_not is None:
        sources = _cited_sources(generated, used)
        text = enforce(generated, guidelines, target, context=question, suffix=citation(sources, rules.citation))
        timings["total"] = time.perf_counter() - started
        return AnswerResult(
            text=text,
            sources=tuple(sources),
            abstained=False,
            reason="generated",
            mode="generated",
            fact_check=FactCheck("passed"),
            confidence=confidence,
            timings=timings,
            n_tokens=n_tokens,
            channel=target,
        )

    fact_check = FactCheck("failed", unsupported) if why_not == "unsupported_facts" else FactCheck("skipped")
    extract = extractive_answer(question, used[0])
    if extract:
        sources = [_source(used[0])]
        text = enforce(extract, guidelines, target, context=question, suffix=citation(sources, rules.citation))
        timings["total"] = time.perf_counter() - started
        return AnswerResult(
            text=text,
            sources=tuple(sources),
            abstained=False,
            reason=f"extractive:{why_not}",
            mode="extractive",
            fact_check=fact_check,
            confidence=confidence,
            timings=timings,
            n_tokens=n_tokens,
            channel=target,
        )
    timings["total"] = time.perf_counter() - started
    return AnswerResult(
        text=enforce(guidelines.replies.offer_colleague, guidelines, target),
        sources=(),
        abstained=True,
        reason=f"colleague:{why_not}",
        mode="fixed",
        fact_check=fact_check,
        confidence=confidence,
        timings=timings,
        n_tokens=n_tokens,
        channel=target,
    )


def answer_for_eval(question: str, passages: Sequence[PassageLike]) -> tuple[str, bool, int]:
    """Answer ``question`` from ``passages`` (best first) exactly as the bot would on the REST channel.

    Used by ``make eval-kb GENERATE=1`` (``bot.knowledge.evaluate``).

    Returns:
        ``(answer_text, abstained, n_tokens)``.
    """
    result = answer_with_passages(question, passages, channel="default")
    return result.text, result.abstained, result.n_tokens
