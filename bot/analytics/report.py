"""The monitoring report: one self-contained HTML page and a CSV of the conversations.

  python -m bot report [--since 30d] [--out var/report.html] [--csv var/report-conversations.csv]

The page (no network, no script: inline CSS and SVG charts drawn here) shows the KPI tiles
against kpis.yml's targets, the trends by day, the channels, the escalation reasons, the CSAT
distribution and the bot's response times; the **unanswered questions** (customer messages whose
turn ran a fallback, a knowledge answer that abstained, or a handoff) grouped by meaning, each
group with the nearest knowledge document or "no document covers this"; and **what customers
say in their feedback** (the comments of the ratings, grouped into themes with their sentiment
and mean rating). The CSV has one row per conversation. docs/monitoring.md ("The report") says
what each part shows and how; every definition is the one of the KPIs there.

Where it reads: the analytics store, the handoff store and the feedback store of the product
database (``--database-url``, ``SWITCHBOARD_DATABASE_URL`` or ``var/switchboard.db``), the
knowledge index (``models/knowledge``; ``make index``) and the MiniLM encoder (``make encoder``).
Evaluation traffic is left out before anything is counted, grouped or shown.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import logging
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence

from bot.analytics.clustering import (DEFAULT_CONFIG, ClusteringConfig, EncodeFn, embed, group_texts, mean,
                                      typical_examples)
from bot.analytics.events import AnalyticsEvent
from bot.analytics.kpis import (FALLBACK_ACTIONS, FALLBACK_INTENTS, KNOWLEDGE_ACTION, Conversation, HandoffTiming,
                                Rating)

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

logger = logging.getLogger(__name__)

FALLBACK, ABSTAINED, HANDED_OFF = "fallback", "abstained", "handed off"
UNANSWERED_KINDS = (FALLBACK, ABSTAINED, HANDED_OFF)
HANDOFF_ACTION = "action_handoff"
ABSTAINED_SLOT = "knowledge_abstained"
READ_CHUNK = 1000
"""Conversation ids read from the analytics store at a time."""
EXAMPLES = 3
MAX_MEMBERS_SCORED = 200
"""A group's similarity to a document is the median over at most this many of its most typical members..."""
FOREIGN_MEMBERS = 10
"""...or over this many of its most typical distinct texts when the index has an encoder of its own."""
POSITIVE, NEGATIVE = 0.05, -0.05
"""Mean sentiment above POSITIVE reads positive, below NEGATIVE negative (VADER's usual cut-offs)."""
CSV_COLUMNS = ("conversation_id", "channel", "day", "started", "handed_off", "reason", "abandoned", "contained",
               "involved", "confirmed", "turns", "fallbacks", "rating")


# --------------------------------------------------------------------------- what is read


@dataclass(frozen=True)
class Unanswered:
    """A customer message the bot did not answer itself."""

    conversation_id: str
    channel: str
    timestamp: float
    text: str
    kinds: tuple[str, ...]
    """Of :data:`UNANSWERED_KINDS`, in that order: what its turn ran."""


@dataclass(frozen=True)
class Comment:
    """The comment of one rating."""

    conversation_id: str
    channel: str
    rating: int
    text: str
    created_at: dt.datetime


def _shown(text: Optional[str]) -> bool:
    """A message worth grouping: some text, and not a button's payload (``/request_human``)."""
    stripped = (text or "").strip()
    return bool(stripped) and not stripped.startswith("/")


def unanswered_messages(events_by_id: Mapping[str, Sequence[AnalyticsEvent]],
                        text_of: Callable[[AnalyticsEvent], Optional[str]] = lambda event: event.text) -> List[Unanswered]:
    """Customer messages whose turn ran a fallback, an abstaining knowledge answer or a handoff.

    A turn is a ``user`` event and what follows up to the next one (or the next session start),
    as in docs/monitoring.md; fallbacks and abstentions are recognised as the KPIs recognise them.
    Conversations with evaluation traffic, empty messages and button payloads are left out.

    Args:
        events_by_id: each conversation id's events.
        text_of: the text of a ``user`` event (:class:`EventReader` reads texts only when asked).
    """
    found: List[Unanswered] = []
    for events in events_by_id.values():
        if any(e.evaluation for e in events):
            continue
        message: Optional[AnalyticsEvent] = None
        kinds: set[str] = set()
        last_action: Optional[str] = None

        def close() -> None:
            if message is None or not kinds:
                return
            text = text_of(message)
            if _shown(text):
                found.append(Unanswered(message.conversation_id, message.channel, message.timestamp,
                                        str(text).strip(), tuple(k for k in UNANSWERED_KINDS if k in kinds)))

        for event in sorted(events, key=lambda e: e.timestamp):
            if event.type in ("user", "session_started"):
                close()
                message, kinds, last_action = (event, set(), None) if event.type == "user" else (None, set(), None)
                if event.type == "user" and event.name in FALLBACK_INTENTS:
                    kinds.add(FALLBACK)
            elif message is None:
                continue
            elif event.type == "action":
                last_action = event.name
                if event.name in FALLBACK_ACTIONS:
                    kinds.add(FALLBACK)
                elif event.name == HANDOFF_ACTION:
                    kinds.add(HANDED_OFF)
            elif (event.type == "slot" and event.name == ABSTAINED_SLOT and event.details.get("value") is True
                  and last_action == KNOWLEDGE_ACTION):
                kinds.add(ABSTAINED)
        close()
    return found


class EventReader:
    """Reads the analytics store's events for the report, decrypting only what the report uses.

    The store encrypts every event's text and details (``ENCRYPTED_COLUMNS`` of
    :mod:`bot.analytics.store`), and ``events_of`` decrypts all of them: 1.5 million values for
    100,000 conversations, most of the report's time. The KPIs read the details of ``slot`` and
    ``bot`` events only, and the report the texts of unanswered customer messages only, so this
    reader decrypts those details as it reads and keeps the other user texts sealed until
    :meth:`text_of` is asked (other texts are not read at all). Events are otherwise those of
    ``events_of``: same rows, same order (tests/bot/analytics/test_report.py compares both).
    """

    DETAILS_OF = ("slot", "bot")

    def __init__(self, store: Any, cipher: Any = None) -> None:
        from bot.analytics.store import ENCRYPTED_COLUMNS
        from bot.security.crypto import data_cipher

        self.store = store
        self._cipher = cipher or data_cipher()
        table = store.events.name
        unknown = set(ENCRYPTED_COLUMNS.get(table, ())) - {"text", "details"}
        if unknown:  # a new encrypted column would reach the report sealed: fail loudly instead
            raise RuntimeError(f"the analytics store encrypts {sorted(unknown)}, which EventReader does not decrypt")
        self._text_context, self._details_context = f"{table}.text", f"{table}.details"
        self._sealed: Dict[str, Optional[str]] = {}

    def events_of(self, conversation_ids: Sequence[str]) -> Dict[str, List[AnalyticsEvent]]:
        """Every stored event of these conversations, in time order; user texts left for :meth:`text_of`."""
        import sqlalchemy as sa

        t = self.store.events
        found: Dict[str, List[AnalyticsEvent]] = {c: [] for c in conversation_ids}
        if not conversation_ids:
            return found
        query = (sa.select(t.c.event_key, t.c.conversation_id, t.c.channel, t.c.type, t.c.name, t.c.timestamp,
                           t.c.evaluation, sa.case((t.c.type == "user", t.c.text), else_=None).label("text"),
                           sa.case((t.c.type.in_(self.DETAILS_OF), t.c.details), else_=None).label("details"))
                 .where(t.c.conversation_id.in_(list(conversation_ids))).order_by(t.c.conversation_id, t.c.timestamp, t.c.id))
        decrypt_json, context, sealed = self._cipher.decrypt_json, self._details_context, self._sealed
        with self.store.engine.connect() as connection:
            for key, cid, channel, kind, name, timestamp, evaluation, text, details in connection.execute(query):
                if kind == "user":
                    sealed[key] = text
                found[cid].append(AnalyticsEvent(key, cid, channel, kind, name, timestamp, bool(evaluation), None,
                                                 {} if details is None else decrypt_json(details, context, default="{}")))
        return found

    def text_of(self, event: AnalyticsEvent) -> Optional[str]:
        """The text of a user event read by :meth:`events_of` (decrypted now; None for other events)."""
        return self._cipher.decrypt_optional(self._sealed.get(event.key), self._text_context)

    def forget(self) -> None:
        """Drop the sealed texts kept for :meth:`text_of`."""
        self._sealed.clear()


@dataclass
class Collected:
    """Everything the report counts, evaluation traffic left out."""

    since: dt.datetime
    until: dt.datetime
    conversations: List[Conversation]
    handoffs: List[HandoffTiming]
    ratings: List[Rating]
    """Ratings given in the window by counted conversations."""
    comments: List[Comment]
    """The non-empty comments of those ratings."""
    unanswered: List[Unanswered]
    kpis: Dict[str, Any]
    """:func:`bot.analytics.kpis.compute_kpis` with ``targets`` and ``window``, as ``analytics kpis`` prints."""


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def kpis_by_cell(conversations: Sequence[Conversation], handoffs: Sequence[HandoffTiming], ratings: Sequence[Rating],
                 hours: Any, now: float) -> Dict[str, Any]:
    """Exactly :func:`bot.analytics.kpis.compute_kpis`, in time linear in the conversations.

    ``compute_kpis`` filters every conversation, handoff and rating again for each of its
    days x channels sections, formatting a date at each test: about 150 passes over 100,000
    conversations in a 30-day report, minutes on our machines. Here each conversation, handoff
    and rating is put once into its (day, channel) cell and each section is the union of its
    cells, in the input order; each section is then computed by the same ``_group`` as
    ``compute_kpis``, so the numbers cannot differ (tests/bot/analytics/test_report.py compares both).
    """
    from bot.analytics.kpis import _group  # the one definition of each KPI; only the partitioning is ours

    by_id: Dict[str, List[Conversation]] = {}
    for conversation in sorted(conversations, key=lambda c: c.started):
        by_id.setdefault(conversation.conversation_id, []).append(conversation)
    next_starts: Dict[int, Optional[float]] = {}
    for sessions in by_id.values():
        for index, conversation in enumerate(sessions):
            next_starts[id(conversation)] = sessions[index + 1].started if index + 1 < len(sessions) else None
    handoffs = [h for h in handoffs if h.conversation_id in by_id]
    ratings = [r for r in ratings if r.conversation_id in by_id]
    channel_of = {c.conversation_id: c.channel for c in conversations}

    def cells(items: Sequence[Any], key: Callable[[Any], tuple]) -> Dict[tuple, List[int]]:
        found: Dict[tuple, List[int]] = {}
        for index, item in enumerate(items):
            found.setdefault(key(item), []).append(index)
        return found

    def moment_cell(conversation_id: str, moment: dt.datetime) -> tuple:
        return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d"), channel_of.get(conversation_id)

    conversation_cells = cells(conversations, lambda c: (c.day, c.channel))
    handoff_cells = cells(handoffs, lambda h: moment_cell(h.conversation_id, h.created_at))
    rating_cells = cells(ratings, lambda r: moment_cell(r.conversation_id, r.created_at))

    def section(keep: Callable[[tuple], bool]) -> Dict[str, Any]:
        def pick(items: Sequence[Any], found: Dict[tuple, List[int]]) -> List[Any]:
            return [items[i] for i in sorted(i for cell, indices in found.items() if keep(cell) for i in indices)]

        return _group(pick(conversations, conversation_cells), pick(handoffs, handoff_cells),
                      pick(ratings, rating_cells), next_starts, hours, now)

    channels = sorted({c.channel for c in conversations})
    days = sorted({day for day, _ in conversation_cells})
    return {
        "overall": _group(list(conversations), handoffs, ratings, next_starts, hours, now),
        "by_channel": {ch: section(lambda cell, ch=ch: cell[1] == ch) for ch in channels},
        "by_day": {day: {"overall": section(lambda cell, day=day: cell[0] == day),
                         "by_channel": {ch: section(lambda cell, day=day, ch=ch: cell == (day, ch)) for ch in channels}}
                   for day in days},
    }


def collect(database_url: Optional[str], since: float, now: float, progress: bool = False,
            hours: Any = None, targets: Optional[Mapping[str, Any]] = None) -> Collected:
    """Read the conversations of the last ``since`` seconds and what the stores add to them.

    The KPIs are those of ``python -m bot analytics kpis`` (same conversations, handoffs and
    ratings); the handoffs are read in one query instead of one per conversation.

    Args:
        database_url: the product database (None: ``SWITCHBOARD_DATABASE_URL`` or var/switchboard.db).
        since: how far back, in seconds.
        now: the end of the window (epoch seconds).
        progress: show progress bars on stderr.
        hours: business hours for the handoff timings (default: handoff.yml's).
        targets: the KPI targets (default: kpis.yml's).

    Raises:
        bot.analytics.targets.TargetsError: kpis.yml is wrong.
    """
    from tqdm import tqdm

    from bot.analytics.kpis import conversations_from_events
    from bot.analytics.store import AnalyticsStore
    from bot.analytics.targets import against_targets, load_targets
    from bot.feedback import FeedbackStore
    from bot.handoff import store as handoff_store

    store = AnalyticsStore(database_url)
    reader = EventReader(store)
    ids = store.conversation_ids(now - since, now)
    conversations: List[Conversation] = []
    unanswered: List[Unanswered] = []
    bar = tqdm(total=len(ids), desc="conversations", unit="conv", disable=not progress, leave=False)
    for start in range(0, len(ids), READ_CHUNK):
        events = reader.events_of(ids[start:start + READ_CHUNK])
        conversations += conversations_from_events(events, now)
        unanswered += unanswered_messages(events, reader.text_of)
        reader.forget()
        bar.update(len(events))
    bar.close()
    counted = {c.conversation_id for c in conversations}

    handoffs_store = handoff_store.HandoffStore(database_url)
    handoffs = []
    states = (*handoff_store.OPEN_STATES, handoff_store.RESOLVED)
    for handoff in handoffs_store.in_state(*states):
        if handoff.conversation_id not in counted:
            continue
        replies = handoffs_store.messages_of(handoff.id, kinds=(handoff_store.AGENT_REPLY,))
        handoffs.append(HandoffTiming(handoff.conversation_id, handoff.reason, handoff.created_at,
                                      handoff.claimed_at, handoff.resolved_at,
                                      replies[0].created_at if replies else None))

    start_at = dt.datetime.fromtimestamp(now - since, dt.timezone.utc)
    end_at = dt.datetime.fromtimestamp(now, dt.timezone.utc)
    feedback = FeedbackStore(database_url)
    ratings = [Rating(cid, rating, when) for cid, rating, when in feedback.ratings_between(start_at, end_at)
               if cid in counted]
    channel_of = {c.conversation_id: c.channel for c in conversations}
    comments = []
    for conversation_id in sorted({r.conversation_id for r in ratings}):
        for item in feedback.for_conversation(conversation_id):
            when = _aware(item.created_at)
            if start_at <= when < end_at and item.comment.strip():
                comments.append(Comment(conversation_id, channel_of[conversation_id], item.rating,
                                        item.comment.strip(), when))

    if hours is None:
        from bot.handoff.policy import get_policy

        hours = get_policy().hours
    kpis = kpis_by_cell(conversations, handoffs, ratings, hours, now)
    kpis["targets"] = against_targets(kpis["overall"], targets if targets is not None else load_targets())
    kpis["window"] = {"since": start_at.isoformat(), "until": end_at.isoformat()}
    return Collected(start_at, end_at, conversations, handoffs, ratings, comments, unanswered, kpis)


# --------------------------------------------------------------------------- one row per conversation


@dataclass(frozen=True)
class ConversationRow:
    """One line of the CSV."""

    conversation_id: str
    channel: str
    day: str
    started: str
    handed_off: bool
    reason: str
    abandoned: Optional[bool]
    """None while the conversation may still go on (as for ``contained``)."""
    contained: Optional[bool]
    involved: bool
    confirmed: bool
    turns: int
    fallbacks: int
    rating: Optional[int]


def _session_index(starts: Sequence[float], moment: float) -> int:
    """The session of a conversation id that an event at ``moment`` belongs to: the last one started by then."""
    index = 0
    for position, started in enumerate(starts):
        if started <= moment:
            index = position
    return index


def conversation_rows(conversations: Sequence[Conversation], handoffs: Sequence[HandoffTiming],
                      ratings: Sequence[Rating]) -> List[ConversationRow]:
    """One row per conversation (session), in start order; the handoff reason and the last rating of each.

    A handoff or a rating belongs to the session of its conversation id that had started by then.
    """
    sessions: Dict[str, List[Conversation]] = {}
    for conversation in sorted(conversations, key=lambda c: (c.started, c.conversation_id)):
        sessions.setdefault(conversation.conversation_id, []).append(conversation)
    reasons: Dict[int, str] = {}
    for handoff in sorted(handoffs, key=lambda h: h.created_at):
        own = sessions.get(handoff.conversation_id)
        if own:
            chosen = own[_session_index([c.started for c in own], handoff.created_at.timestamp())]
            reasons.setdefault(id(chosen), handoff.reason)
    rated: Dict[int, int] = {}
    for rating in sorted(ratings, key=lambda r: r.created_at):
        own = sessions.get(rating.conversation_id)
        if own:
            rated[id(own[_session_index([c.started for c in own], rating.created_at.timestamp())])] = rating.rating
    rows = []
    for conversation in sorted(conversations, key=lambda c: (c.started, c.conversation_id)):
        over = conversation.over
        rows.append(ConversationRow(
            conversation.conversation_id, conversation.channel, conversation.day,
            dt.datetime.fromtimestamp(conversation.started, dt.timezone.utc).isoformat(timespec="seconds"),
            conversation.handed_off, reasons.get(id(conversation), ""),
            conversation.abandoned if over else None, conversation.contained if over else None,
            conversation.involved, conversation.confirmed, conversation.customer_turns, conversation.fallback_turns,
            rated.get(id(conversation))))
    return rows


def write_csv(rows: Iterable[ConversationRow], path: Path) -> int:
    """Write the rows (booleans as true/false, unknown as empty); returns how many."""
    def cell(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return value

    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow([cell(getattr(row, column)) for column in CSV_COLUMNS])
            count += 1
    return count


# --------------------------------------------------------------------------- groups of texts


@dataclass(frozen=True)
class DocumentMatch:
    """The knowledge document nearest to a group of messages."""

    doc_id: str
    title: str
    similarity: float
    """Median over the group's (most typical) messages of their best cosine to the document's passages."""
    covered: bool
    """``similarity`` reaches the retriever's abstention threshold (``LOW_CONFIDENCE``)."""


class KnowledgeMatcher:
    """Finds the knowledge document nearest to a group of messages, from the index's passage vectors.

    The index may be built with another sentence encoder than the one that groups the messages
    (MiniLM); then ``encode`` is the index's own encoder and the group's most typical messages
    are embedded again with it (at most :data:`FOREIGN_MEMBERS` of them, as that encoder may be
    much slower).
    """

    def __init__(self, doc_ids: Sequence[str], titles: Sequence[str], vectors: "np.ndarray",
                 threshold: Optional[float] = None, encode: Optional[EncodeFn] = None) -> None:
        import numpy as np

        from bot.knowledge.retriever import LOW_CONFIDENCE

        if len(doc_ids) != len(titles) or len(doc_ids) != int(vectors.shape[0]):
            raise ValueError(f"{len(doc_ids)} passages, {len(titles)} titles, {vectors.shape[0]} vectors")
        self.doc_ids = list(doc_ids)
        self.titles = list(titles)
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.threshold = LOW_CONFIDENCE if threshold is None else threshold
        self.encode = encode
        """None: the index was built with the grouping's encoder, whose vectors are used as they are."""
        rows: Dict[str, List[int]] = {}
        for row, doc_id in enumerate(self.doc_ids):
            rows.setdefault(doc_id, []).append(row)
        self._rows = {doc_id: np.asarray(found) for doc_id, found in rows.items()}

    @classmethod
    def from_index(cls, index_dir: Path) -> "KnowledgeMatcher":
        """The matcher of the active build of ``index_dir``, with the encoder the index was built with.

        Raises:
            bot.knowledge.store.KnowledgeIndexError: no usable index, or one built with an encoder
                this installation does not load (the message says how to rebuild it).
        """
        from bot.knowledge import store
        from bot.knowledge.embedder import MODEL_NAME
        from bot.knowledge.retriever import HybridRetriever

        stored = store.load_index(index_dir)
        doc_ids, titles = [p.doc_id for p in stored.passages], [p.title for p in stored.passages]
        if stored.manifest.embedding_model == MODEL_NAME:
            return cls(doc_ids, titles, stored.vectors)
        embedder = HybridRetriever.from_store(stored).embedder  # the encoder the bot searches this index with
        store.check_compatible(stored.manifest, embedder.name, embedder.dimension, index_dir)
        return cls(doc_ids, titles, stored.vectors, encode=embedder.encode)

    def nearest(self, member_vectors: "np.ndarray", centroid: "np.ndarray", texts: Sequence[str] = (),
                candidates: int = 3) -> Optional[DocumentMatch]:
        """The best of the ``candidates`` documents nearest the group, scored on its members.

        Args:
            member_vectors: the group's vectors, most typical first (the grouping's encoder).
            centroid: their normalised mean.
            texts: the group's distinct texts, most typical first (embedded again when the index
                has its own encoder).
            candidates: how many documents are scored.
        """
        import numpy as np

        if not self.doc_ids or not len(member_vectors):
            return None
        if self.encode is not None:
            member_vectors = np.asarray(self.encode(list(texts[:FOREIGN_MEMBERS])), dtype=np.float32)
            if not len(member_vectors):
                return None
            centroid = member_vectors.mean(axis=0)
        order = np.argsort(-(self.vectors @ centroid), kind="stable")
        documents: List[str] = []
        for row in order:
            if self.doc_ids[row] not in documents:
                documents.append(self.doc_ids[row])
                if len(documents) == candidates:
                    break
        members = member_vectors[:MAX_MEMBERS_SCORED]
        best: Optional[DocumentMatch] = None
        for doc_id in documents:
            rows = self._rows[doc_id]
            similarity = float(np.median((members @ self.vectors[rows].T).max(axis=1)))
            if best is None or similarity > best.similarity:
                best = DocumentMatch(doc_id, self.titles[int(rows[0])], round(similarity, 3),
                                     similarity >= self.threshold)
        return best


@dataclass(frozen=True)
class QuestionCluster:
    """Unanswered messages that ask the same thing."""

    name: str
    words: tuple[str, ...]
    messages: int
    conversations: int
    kinds: Dict[str, int]
    examples: List[str]
    document: Optional[DocumentMatch]


@dataclass(frozen=True)
class FeedbackTheme:
    """Feedback comments that say the same thing (or, for the rest, the comments in no theme)."""

    name: str
    words: tuple[str, ...]
    comments: int
    mean_rating: Optional[float]
    sentiment: Optional[float]
    """Mean of :func:`bot.handoff.escalation.sentiment` over the comments (-1..1)."""
    negative_share: Optional[float]
    """Share of comments whose own sentiment is below :data:`NEGATIVE`."""
    examples: List[str]

    @property
    def tone(self) -> str:
        """positive, negative or neutral, from the mean sentiment."""
        if self.sentiment is None:
            return "no comments"
        return "positive" if self.sentiment > POSITIVE else "negative" if self.sentiment < NEGATIVE else "neutral"


@dataclass
class Report:
    """What the HTML page shows."""

    collected: Collected
    rows: List[ConversationRow]
    clusters: List[QuestionCluster]
    unclustered: List[str]
    """Unanswered messages in no cluster (all of them; the page shows a few)."""
    themes: List[FeedbackTheme]
    other_comments: FeedbackTheme
    knowledge: str
    """Which knowledge index the documents come from, or why there are none."""
    clustering: ClusteringConfig
    generated_at: dt.datetime
    csv_name: str = ""
    seconds: Dict[str, float] = field(default_factory=dict)


def question_clusters(unanswered: Sequence[Unanswered], vectors: "np.ndarray", matcher: Optional[KnowledgeMatcher],
                      config: ClusteringConfig = DEFAULT_CONFIG) -> tuple[List[QuestionCluster], List[str]]:
    """Group the unanswered messages; returns the clusters (largest first) and the unclustered texts."""
    texts = [u.text for u in unanswered]
    grouping = group_texts(texts, vectors, config)
    clusters = []
    for group in grouping.groups:
        members = [unanswered[i] for i in group.members]
        kinds = Counter(kind for m in members for kind in m.kinds)
        document = (matcher.nearest(vectors[list(group.members)], group.centroid,
                                    typical_examples(texts, group.members, FOREIGN_MEMBERS))
                    if matcher is not None else None)
        clusters.append(QuestionCluster(group.name, group.words, len(members),
                                        len({m.conversation_id for m in members}),
                                        {k: kinds[k] for k in UNANSWERED_KINDS if kinds[k]},
                                        typical_examples(texts, group.members, EXAMPLES), document))
    return clusters, [texts[i] for i in grouping.outliers]


def _theme(name: str, words: tuple[str, ...], comments: Sequence[Comment], members: Sequence[int]) -> FeedbackTheme:
    from bot.handoff.escalation import sentiment

    chosen = [comments[i] for i in members]
    scores = [sentiment(c.text) for c in chosen]
    texts = [c.text for c in comments]
    return FeedbackTheme(name, words, len(chosen),
                         round(statistics.mean(c.rating for c in chosen), 2) if chosen else None,
                         round(mean(scores), 3) if scores else None,
                         round(sum(1 for s in scores if s < NEGATIVE) / len(scores), 3) if scores else None,
                         typical_examples(texts, members, EXAMPLES))


def feedback_themes(comments: Sequence[Comment], vectors: "np.ndarray",
                    config: ClusteringConfig = DEFAULT_CONFIG) -> tuple[List[FeedbackTheme], FeedbackTheme]:
    """Group the comments into themes (largest first), with sentiment and mean rating; and the rest."""
    grouping = group_texts([c.text for c in comments], vectors, config)
    themes = [_theme(g.name, g.words, comments, g.members) for g in grouping.groups]
    return themes, _theme("other comments", (), comments, grouping.outliers)


def build_report(collected: Collected, encode: Optional[EncodeFn] = None, index_dir: Optional[Path] = None,
                 config: ClusteringConfig = DEFAULT_CONFIG, progress: bool = False,
                 now: Optional[dt.datetime] = None) -> Report:
    """Group the unanswered messages and the feedback comments, match knowledge documents.

    Args:
        collected: what :func:`collect` read.
        encode: the sentence encoder (default: :func:`bot.analytics.clustering.default_encoder`,
            loaded only when there is something to group).
        index_dir: the knowledge index (default ``models/knowledge``).
        config: the clustering parameters.
        progress: show progress on stderr.
        now: when the report was made (shown on the page).
    """
    from bot.knowledge import store as knowledge_store

    seconds: Dict[str, float] = {}
    index_dir = index_dir or knowledge_store.DEFAULT_INDEX_DIR
    if encode is None and (collected.unanswered or collected.comments):
        from bot.analytics.clustering import default_encoder

        encode = default_encoder()
    matcher: Optional[KnowledgeMatcher] = None
    knowledge = ""
    if collected.unanswered:
        try:
            matcher = KnowledgeMatcher.from_index(index_dir)
            build = knowledge_store.active_build(index_dir)
            knowledge = f"knowledge index {build.name if build else index_dir} ({len(set(matcher.doc_ids))} documents)"
        except knowledge_store.KnowledgeIndexError as error:
            knowledge = f"no knowledge document matched: {error}"
            logger.warning("%s", knowledge)
    started = time.perf_counter()
    clusters: List[QuestionCluster] = []
    unclustered: List[str] = []
    if collected.unanswered and encode is not None:
        vectors = embed([u.text for u in collected.unanswered], encode, progress, "unanswered messages")
        seconds["embed_unanswered"] = round(time.perf_counter() - started, 2)
        clusters, unclustered = question_clusters(collected.unanswered, vectors, matcher, config)
        seconds["cluster_unanswered"] = round(time.perf_counter() - started - seconds["embed_unanswered"], 2)
    started = time.perf_counter()
    themes: List[FeedbackTheme] = []
    other = _theme("other comments", (), [], [])
    if collected.comments and encode is not None:
        vectors = embed([c.text for c in collected.comments], encode, progress, "feedback comments")
        themes, other = feedback_themes(collected.comments, vectors, config)
        seconds["feedback"] = round(time.perf_counter() - started, 2)
    rows = conversation_rows(collected.conversations, collected.handoffs, collected.ratings)
    return Report(collected, rows, clusters, unclustered, themes, other, knowledge, config,
                  now or dt.datetime.now(dt.timezone.utc), seconds=seconds)


# --------------------------------------------------------------------------- command


def default_csv(out: Path) -> Path:
    """The CSV next to the page: ``report.html`` -> ``report-conversations.csv``."""
    return out.with_name(f"{out.stem}-conversations.csv")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m bot report``."""
    from bot import paths
    from bot.analytics.cli import parse_since

    parser.add_argument("--since", type=parse_since, default=parse_since("30d"),
                        help="how far back, e.g. 30d or 12h (default 30d)")
    parser.add_argument("--out", type=Path, default=paths.var_dir() / "report.html",
                        help="the HTML page (default var/report.html)")
    parser.add_argument("--csv", type=Path, help="one row per conversation (default: <out>-conversations.csv)")
    parser.add_argument("--database-url", help="product database (default: SWITCHBOARD_DATABASE_URL or var/switchboard.db)")
    parser.add_argument("--knowledge-index", type=Path, help="knowledge index folder (default models/knowledge)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def make_report(out: Path, since: float, now: float, database_url: Optional[str] = None,
                csv_path: Optional[Path] = None, index_dir: Optional[Path] = None, encode: Optional[EncodeFn] = None,
                progress: bool = False, log: Callable[[str], None] = lambda line: None, **collect_options: Any) -> Report:
    """Read, group, and write the page and the CSV; returns the report.

    ``collect_options`` go to :func:`collect` (``hours``, ``targets``: the tests' fixed ones).
    """
    from bot.analytics.render import render_html

    started = time.perf_counter()
    collected = collect(database_url, since, now, progress, **collect_options)
    read = time.perf_counter() - started
    log(f"{len(collected.conversations)} conversations, {len(collected.unanswered)} unanswered messages, "
        f"{len(collected.comments)} feedback comments read in {read:.1f} s")
    report = build_report(collected, encode, index_dir, progress=progress,
                          now=dt.datetime.fromtimestamp(now, dt.timezone.utc))
    report.seconds["read"] = round(read, 2)
    csv_path = csv_path or default_csv(out)
    report.csv_name = csv_path.name if csv_path.parent.resolve() == out.parent.resolve() else str(csv_path)
    write_csv(report.rows, csv_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(report), encoding="utf-8")
    report.seconds["total"] = round(time.perf_counter() - started, 2)
    stages = ", ".join(f"{stage} {value:.1f} s" for stage, value in report.seconds.items() if stage != "total")
    log(f"{len(report.clusters)} clusters of unanswered questions, {len(report.themes)} feedback themes; "
        f"wrote {out} and {csv_path} in {report.seconds['total']:.1f} s ({stages})")
    return report


def run(args: argparse.Namespace) -> int:
    """Entry point of ``python -m bot report``."""
    from bot.analytics.targets import TargetsError

    try:
        make_report(args.out, args.since, time.time(), args.database_url, args.csv, args.knowledge_index,
                    progress=not args.quiet, log=lambda line: print(line, file=sys.stderr, flush=True))
    except TargetsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0
